"""ui.vega.to_vega_lite: the same Vega-Lite as Altair's own conversion, with data frames as
datasets named by their place in the chart, so the spec does not change with the data."""

import json
import re

import altair as alt
import numpy as np
import pandas as pd
from altair.vegalite.v6.schema.core import Root

from charts import descent_frames, surface_charts
from charts.frames import Frames
from sim.surfaces import get_surface
from ui.vega import to_vega_lite


def surface_chart(paths: pd.DataFrame) -> alt.LayerChart:
    """A layered chart like the descent lessons draw: picture, minima, paths, click grid."""
    surface = get_surface("bowl")
    layers = [
        surface_charts.minima_layer(surface, {"global": "global", "local": "local"}),
        descent_frames.path_layers(
            paths, paths.assign(loss=0.0), FRAMES, surface.bounds, ["GD"], "run"
        ),
        surface_charts.click_grid(surface.bounds, size=(400, 400))[0],
    ]
    return surface_charts.surface_view(
        "data:image/png;base64,AAAA", surface.bounds, layers, (400, 400)
    )


FRAMES = Frames("gd", 31, 30)  # a player's frame param, as the lessons bind


def path(steps: int) -> pd.DataFrame:
    k = np.arange(steps + 1)
    return pd.DataFrame({"series": "GD", "run": 0, "step": k, "x": 2 * 0.8**k, "y": -(0.8**k)})


def canonical(spec: dict) -> tuple[str, list[pd.DataFrame]]:
    """The spec text with dataset names replaced by their order of first use, and the
    datasets as frames in that order."""
    spec = dict(spec)
    datasets = spec.pop("datasets", {})
    spec.pop("config", None)  # Altair's default theme (Streamlit draws without it)
    text = json.dumps(spec, sort_keys=True)
    order = []
    for match in re.finditer(r'"name": "([^"]+)"', text):
        if match.group(1) in datasets and match.group(1) not in order:
            order.append(match.group(1))
    for i, name in enumerate(order):
        text = text.replace(f'"{name}"', f'"dataset {i}"')
    frames = [pd.DataFrame(datasets[name]).reset_index(drop=True) for name in order]
    return text, frames


def test_same_spec_and_data_as_altair():
    chart = surface_chart(path(5))
    ours, our_frames = canonical(to_vega_lite(chart))
    altairs, altair_frames = canonical(chart.to_dict())
    assert ours == altairs
    # picture, minima, path, balls (every step, for the player), click grid
    assert len(our_frames) == len(altair_frames) == 5
    for a, b in zip(our_frames, altair_frames, strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_the_spec_does_not_change_with_the_data():
    first, later = to_vega_lite(surface_chart(path(3))), to_vega_lite(surface_chart(path(30)))
    assert first.pop("datasets").keys() == later.pop("datasets").keys()
    assert first == later


def test_frames_are_named_in_order_used_once_and_put_back():
    shared = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    other = pd.DataFrame({"a": [5.0], "b": [6.0]})
    base = alt.Chart(shared).encode(x="a:Q", y="b:Q")
    chart = alt.layer(
        base.mark_line(), base.mark_point(), alt.Chart(other).mark_rule().encode(x="a:Q")
    )
    spec = to_vega_lite(chart)
    assert list(spec["datasets"]) == ["data-0", "data-1"]
    assert spec["datasets"]["data-0"] is shared and spec["datasets"]["data-1"] is other
    assert [layer["data"] for layer in spec["layer"]] == [
        {"name": "data-0"},
        {"name": "data-0"},
        {"name": "data-1"},
    ]
    assert chart.layer[0].data is shared and chart.layer[2].data is other  # put back
    assert "config" not in spec and spec["$schema"] == alt.SCHEMA_URL


def test_the_spec_is_valid_vega_lite():
    spec = to_vega_lite(surface_chart(path(5)))
    spec.pop("datasets")
    Root.validate(spec)


def test_dense_layers_are_hidden_from_screen_readers():
    """The invisible click grid (400 cells) and the dot at every step are not announced one
    by one; the ball, the minima, the paths and the axes keep their ARIA labels."""
    spec = to_vega_lite(surface_chart(path(5)))
    aria = {}  # (mark type, size) -> announced?
    for layer in spec["layer"]:
        for sub in layer.get("layer", [layer]):
            mark = sub["mark"]
            kind = "grid" if mark["type"] == "rect" else (mark["type"], mark.get("size"))
            aria.setdefault(kind, []).append(mark.get("aria", True))
    assert aria["grid"] == [False]
    assert aria[("point", 14)] == [False]  # the dot at every step
    assert aria[("point", 180)] == [True]  # the ball
    assert aria[("point", 120)] == [True]  # the minima
    assert aria[("line", None)] == [True]
