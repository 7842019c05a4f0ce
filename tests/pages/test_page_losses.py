"""The loss-function lesson (B7) rendered: it says the words of ``lessons.loss_functions``'
notices for its runs, names categorical cross-entropy on a 3-class set, and the player's
frames (epochs) hold the engine's boundaries and accuracies. (Each notice branch is a unit
test in tests/lessons/test_loss_lesson.py; rendering in both languages, hostile URL values
and widget extremes are swept by test_all_pages.)"""

import json

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    open_code,
    open_page,
    player_data,
)
from page_runs import loss_runs, regression_fit

from charts import boundary
from lessons import loss_functions
from sim import caps
from ui.page import words
from ui.text import Translator

FILE = "pages/12_loss_functions.py"


def engine_runs(opt="sgd", lr=0.5, epochs=60, data="moons"):
    """The page's two runs as the engine trains them, with its 40x40 boundary grid."""
    return loss_runs(opt, lr, epochs, data, grid_cells=40)


def followers(at, key="losses") -> list:
    """The chart elements that follow the player ``key``, in page order."""
    return [
        c
        for c in charts(at)
        if any(p.get("name") == f"{key}_frame" for p in json.loads(c.proto.spec).get("params", []))
    ]


def test_default_page_says_the_lessons_notices():
    # values the page cannot use fall back to the defaults, and a notice names them
    at = open_page(FILE, params={"p": "abc", "label": "7", "lr": "1e308"})
    assert_clean(at)
    assert at.slider(key="p").value == 0.01
    assert at.session_state["label"] == 1 and at.session_state["lr"] == 0.5
    assert "abc" in " ".join(i.value for i in at.info)
    assert player_data(at, "losses")["frames"] == 61
    runs = engine_runs()
    y, pred = regression_fit()
    markdown = [m.value for m in at.markdown]
    t = Translator("en")
    said = [
        loss_functions.probability_notice(1, 0.01),
        loss_functions.training_notice(runs, 0.9, 60, "moons"),
        loss_functions.regression_notice(y, pred),
    ]
    assert [n.key for n in said] == [
        "losses.notice_wrong",
        "losses.notice_ce_faster",
        "losses.notice_reg",
    ]
    for line in said:
        assert words(t, line) in markdown, line.key
    assert loss_functions.run_notices(runs, "sgd") == []


def test_categorical_crossentropy_on_three_classes():
    at = open_page(FILE, params={"data": "spiral"})
    assert_clean(at)
    code = open_code(at)
    assert "categorical_crossentropy" in code and "to_categorical(y, 3)" in code
    assert "**categorical cross-entropy**" in [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_player_frames_are_the_engines_epochs(lang):
    """Frame k is the state after epoch k (0: before training): the player counts epochs
    from 0 like the charts, the pictures are the engine's boundaries (at most
    MAX_FRAME_PICTURES per run, each frame showing the latest one at or before it, labelled
    with its epoch), the readout and the accuracy markers hold the engine's accuracies."""
    at = open_page(FILE, lang=lang, params={"epochs": "50"})
    assert_clean(at)
    data = player_data(at, "losses")
    assert data["frames"] == 51 and data["start"] == 50 and data["first_number"] == 0
    assert data["labels"]["unit"] == ("Epoch" if lang == "en" else "에포크")
    assert len(frame_charts(at, "losses")) == 4  # two boundaries, the readout, the accuracy
    runs = engine_runs(epochs=50)
    boundaries, readout, accuracy = followers(at)[0], followers(at)[2], followers(at)[3]
    names = [p["name"] for p in json.loads(boundaries.proto.spec)["params"]]
    assert names == ["width", "height", "losses_frame"]  # its size (charts.layout), the player
    for chart, loss in zip(followers(at)[:2], ("binary_crossentropy", "mse"), strict=True):
        run = runs[loss]
        pictures = next(d for d in chart_datasets(chart).values() if "url" in d)
        assert len(pictures) == caps.MAX_FRAME_PICTURES  # 51 frames, 40 pictures
        # every frame is covered by exactly one picture, in order
        assert pictures["shown_from"].iloc[0] == 0 and pictures["shown_until"].iloc[-1] == 51
        assert (
            pictures["shown_from"].iloc[1:].to_numpy() == pictures["shown_until"].iloc[:-1]
        ).all()
        for row in pictures.iloc[[0, 7, -1]].itertuples():
            assert row.epoch == row.picture == run.snapshot_epochs[row.picture]
            assert row.url == boundary.boundary_url(
                run.grid_predictions[row.picture], 40, 2, (250, 215)
            )
        assert pictures["label"].iloc[-1] == (
            "after epoch 50" if lang == "en" else "50번째 에포크 후"
        )
        spec = json.loads(chart.proto.spec)
        image = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "image")
        assert {
            "filter": "datum.shown_from <= losses_frame && losses_frame < datum.shown_until"
        } in image["transform"]
    lines = next(iter(chart_datasets(readout).values())).set_index("step")["line"]
    ce, mse = (runs[loss].history["accuracy"] for loss in ("binary_crossentropy", "mse"))
    if lang == "en":
        assert lines[0].startswith("Before training")
        assert lines[12] == (
            f"After epoch 12: training accuracy\n{100 * ce[11]:.0f}% with cross-entropy,\n"
            f"{100 * mse[11]:.0f}% with MSE."
        )
    markers = next(d for d in chart_datasets(accuracy).values() if "step" in d)
    at_12 = markers[markers["step"] == 12].set_index("series")["value"]
    np.testing.assert_allclose(sorted(at_12), sorted([ce[11], mse[11]]))
    assert (markers["epoch"] == markers["step"]).all() and 0 not in set(markers["step"])
