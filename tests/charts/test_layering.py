"""charts.layering: the same Vega-Lite as Altair's own layers, made without re-running
``LayerChart.__init__`` on every copy."""

import altair as alt
import pandas as pd
import pytest

from charts import layering
from charts.frames import Frames

DATA = pd.DataFrame({"step": [0, 1, 2], "loss": [3.0, 2.0, 1.5], "series": ["a", "a", "b"]})


def nested(layer, frames: Frames, depth: int = 4):
    """Layers nested ``depth`` deep, each level with its own properties, resolve and a
    filter on the player's param, the params added at the top (as the learning curves)."""
    base = alt.Chart(DATA).encode(x="step:Q", y="loss:Q", color="series:N")
    chart = layer(base.mark_line(), base.mark_point())
    for level in range(depth):
        marker = base.mark_rule().transform_filter(frames.at())
        chart = layer(chart, marker).properties(height=100 + level)
        chart = chart.resolve_scale(color="independent")
    return frames.bind(chart).properties(width=300)


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_the_spec_is_altairs(depth):
    frames = Frames("curves", count=3, start=2)
    ours = nested(layering.layer, frames, depth).to_dict()
    altairs = nested(alt.layer, frames, depth).to_dict()
    assert ours == altairs
    # the player's params sit at the top, where Vega-Lite reads them
    assert {p["name"] for p in ours["params"]} == {"curves_frame"}


def test_a_copy_does_not_rebuild_the_layers(monkeypatch):
    """A copy of a nested chart runs no ``LayerChart.__init__`` (Altair's runs one per
    nested layered chart per copy, and lifts every layer's params again)."""
    chart = nested(layering.layer, Frames("curves", count=3, start=0))
    built = []
    real = alt.LayerChart.__init__
    monkeypatch.setattr(
        alt.LayerChart, "__init__", lambda self, *a, **k: built.append(1) or real(self, *a, **k)
    )
    copy = chart.copy(deep=True)
    assert built == []
    assert copy.to_dict() == chart.to_dict()
    # a deep copy is its own down to the nested layers: changing it leaves the chart alone
    before = chart.to_dict()
    copy.layer[0].layer[0].height = 5
    copy.layer = copy.layer[:1]
    assert chart.to_dict() == before and len(chart.layer) == 2
