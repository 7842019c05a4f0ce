"""charts.schema_converter: Altair's ``from_dict`` with its converter made once returns the
objects Altair's own call returns, and builds the converter once."""

import altair as alt
import pytest
from altair.utils import schemapi

import charts  # noqa: F401  (installs the converter)
from charts import schema_converter

CASES = [
    (alt.X, {"shorthand": "step:Q"}),
    (alt.Color, {"shorthand": "series:N"}),
    (alt.YValue, {"value": 0}),
    (alt.OpacityValue, {"condition": {"test": "datum.a > 1", "value": 1}, "value": 0}),
    (alt.Tooltip, {"shorthand": "loss:Q", "format": ".3"}),
    (alt.Chart, {"mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}),
]


def altairs_own(cls, dct):
    """What Altair's ``from_dict`` does: a new converter for the call."""
    return schemapi._FromDict(cls._default_wrapper_classes()).from_dict(dct, cls)


def test_installed_by_the_charts_package():
    assert schemapi.SchemaBase.from_dict.__func__ is schema_converter.from_dict


@pytest.mark.parametrize(("cls", "dct"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_same_objects_as_altairs_own(cls, dct):
    # validate=False as ``encode`` calls it (a shorthand is not valid Vega-Lite yet)
    ours, theirs = cls.from_dict(dct, validate=False), altairs_own(cls, dct)
    assert type(ours) is type(theirs)
    assert ours.to_dict(validate=False) == theirs.to_dict(validate=False)


def test_a_chart_spec_is_unchanged():
    def build():
        return (
            alt.Chart(alt.Data(values=[{"a": 1, "b": 2}]))
            .mark_point()
            .encode(
                x="a:Q",
                y=alt.value(3),
                opacity=alt.condition("datum.b > 1", alt.value(1), alt.value(0.2)),
                tooltip=["a:Q", "b:Q"],
            )
            .to_dict()
        )

    ours = build()
    schemapi.SchemaBase.from_dict = classmethod(
        lambda cls, dct, validate=True: altairs_own(cls, dct)
    )
    try:
        theirs = build()
    finally:
        schema_converter.use()
    assert ours == theirs


def test_one_converter_for_every_vega_lite_class():
    alt.X.from_dict({"shorthand": "a:Q"}, validate=False)
    before = schema_converter.converter.cache_info()
    for cls, dct in CASES:
        cls.from_dict(dct, validate=False)
    after = schema_converter.converter.cache_info()
    assert after.misses == before.misses and after.hits >= before.hits + len(CASES)
