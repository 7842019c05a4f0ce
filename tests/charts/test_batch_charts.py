"""charts.batches: every batch size of the sweep has a colour of its own, taken from the
palette, and the same one in every chart of the lesson."""

import pandas as pd
import pytest

from charts import batches as batch_charts
from charts.palette import OKABE_ITO
from lessons import batches

SERIES = ["batch 1", "batch 8", "batch 32", "batch 128", "batch 200 (N)"]


def colour_scales(spec) -> list[dict]:
    """Every colour scale of a chart spec (layers included)."""
    found = []
    for layer in [spec, *spec.get("layer", [])]:
        colour = layer.get("encoding", {}).get("color", {})
        if "scale" in colour and colour.get("field") == "series":
            found.append(colour["scale"])
    return found


def test_every_batch_size_has_its_own_palette_colour_in_every_chart():
    assert len(set(batch_charts.SERIES_COLOURS)) == len(batch_charts.SERIES_COLOURS)
    assert set(batch_charts.SERIES_COLOURS) <= set(OKABE_ITO)
    # the largest sweep fits: the sizes below N and N itself
    assert len(batches.SWEEP_SIZES) + 1 <= len(batch_charts.SERIES_COLOURS)
    # vermillion and orange are both "orange" at a glance: never in one chart
    assert not {"#D55E00", "#E69F00"} <= set(batch_charts.SERIES_COLOURS)
    frame = pd.DataFrame({"series": SERIES, "epoch": 1, "update": 1, "loss": 0.5})
    bars = frame.assign(short=["1", "8", "32", "128", "200"], ms=1.0)
    specs = [
        batch_charts.epoch_chart(frame, SERIES, "x", "y", "legend").to_dict(),
        batch_charts.update_chart(frame, SERIES, "x", "y", "legend").to_dict(),
        batch_charts.cost_bar(bars, "ms", SERIES, "t", "legend", x_field="short").to_dict(),
    ]
    for spec in specs:
        scales = colour_scales(spec)
        assert scales, "the chart colours its series"
        for scale in scales:
            assert scale["domain"] == SERIES
            assert scale["range"] == list(batch_charts.SERIES_COLOURS[: len(SERIES)])
    with pytest.raises(ValueError):
        batch_charts.series_encodings([f"s{i}" for i in range(7)], "too many")
