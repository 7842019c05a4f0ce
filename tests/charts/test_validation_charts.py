"""charts.validation: every fold of a cross-validation has its own look (colour from the
palette, and a dash where a colour resembles or repeats an earlier fold's), and the
data the fold charts draw is the record's."""

import json

import numpy as np
import pandas as pd

from charts import validation
from charts.palette import OKABE_ITO
from sim import caps


def test_every_fold_has_its_own_colour_and_line():
    for k in range(2, caps.MAX_FOLDS + 1):
        colours, dashes = validation.fold_colours(k), validation.fold_dashes(k)
        assert set(colours) <= set(OKABE_ITO)
        looks = {(c, tuple(d)) for c, d in zip(colours, dashes, strict=True)}
        assert len(looks) == k, k
    # the default five folds: five different colours, and no two of the look-alikes
    # (vermillion and orange, blue and sky blue) among them
    five = validation.fold_colours(5)
    assert len(set(five)) == 5
    assert not {"#D55E00", "#E69F00"} <= set(five)
    assert not {"#0072B2", "#56B4E9"} <= set(five)
    assert len(set(validation.fold_colours(len(OKABE_ITO)))) == len(OKABE_ITO)


def test_the_fold_curves_draw_each_fold_in_its_colour_and_dash():
    names = [f"fold {i + 1}" for i in range(7)]
    curves = [{"val_loss": [0.7, 0.5, np.nan]} for _ in names]
    rows = validation.fold_curve_rows(curves, names)
    assert len(rows) == 14 and rows["value"].notna().all()
    spec = validation.fold_curves(rows, names, "epoch", "loss", "fold").to_dict()
    encoding = spec["encoding"]
    assert encoding["color"]["scale"]["range"] == validation.fold_colours(7)
    assert encoding["strokeDash"]["scale"]["range"] == validation.fold_dashes(7)
    assert "NaN" not in json.dumps(spec)


def test_the_spread_is_the_mean_and_population_std_of_the_finite_scores():
    names = ["a", "b", "c"]
    scores, summary = validation.spread_rows([("honest", [0.6, np.nan, 0.8])], names)
    assert scores["fold_index"].tolist() == [0, 2]
    row = summary.iloc[0]
    assert (row["mean"], row["low"], row["high"]) == (
        0.7,
        0.7 - np.std([0.6, 0.8]),
        0.7 + np.std([0.6, 0.8]),
    )
    points = validation.fold_point_rows(np.zeros((3, 2)), [0, 2, 1], names, ["x", "y", "x"])
    assert isinstance(points, pd.DataFrame) and points["fold"].tolist() == ["a", "c", "b"]
