"""charts.splits: the search heatmap writes each setting's validation score in the learners'
number style (charts.numbers.plain) and says where a setting diverged."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts import numbers, splits
from ui.vega import to_vega_lite


def test_the_heatmap_writes_scores_as_learners_read_them():
    table = pd.DataFrame(
        {
            "units": [2, 2, 8, 8],
            "lr": [0.003, 0.03, 0.003, 0.03],
            "val_accuracy": [0.85, 0.95, 0.925, np.nan],
            "diverged": [False, False, False, True],
        }
    )
    titles = ("learning rate", "units", "score")
    chart = splits.search_heatmap(table, "accuracy", 1, (2, 8), (0.003, 0.03), titles, "gone")
    spec = to_vega_lite(chart)
    (cells,) = spec["datasets"].values()
    assert list(cells["text"]) == ["0.85", "0.95", "0.925", "gone"]
    assert list(cells["text"][:3]) == [numbers.plain(v, 3) for v in (0.85, 0.95, 0.925)]
    assert list(cells["winner"]) == [False, True, False, False]
    # the score's legend lies below the grid, its labels in the same style
    legend = next(layer for layer in spec["layer"] if "color" in layer["encoding"])
    legend = legend["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom"
    assert legend["labelExpr"] == numbers.vega("datum.value", 3)
    # the grid keeps its height, the legend adds to it (charts.layout.fit_width)
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
