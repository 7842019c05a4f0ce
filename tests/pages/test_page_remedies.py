"""The remedies-for-overfitting lesson (B15): the page says what ``remedies.notices``
noticed, the table and the Keras code show what was trained, a diverged network is
explained, and the player's frames (one per epoch) carry the engine's numbers and a bounded
set of boundary pictures. Each branch of the statement is unit-tested in
tests/lessons/test_remedy_notices.py; rendering and hostile URL values are the sweep's
(tests/pages/test_all_pages.py)."""

import json

from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_code,
    open_page,
    player_data,
)
from page_runs import remedy_runs

import ui.train_view as train_view
from charts.numbers import plain
from lessons import remedies
from sim import caps
from ui.page import words
from ui.text import Translator, translate

FILE = "pages/17_regularization.py"
ALL_OFF = {"dropout": "false", "batchnorm": "false", "augment": "false", "l2": "false"}
PICTURES = caps.MAX_FRAME_PICTURES // 2  # boundary pictures per network (the page's share)
PICTURE_BYTES = 4_000  # one 150 x 125 picture with the points burnt in (~2.5-3.3 KB seen)


def expected(**settings):
    """The page's runs, computed with sim directly: ``{variant: Score}`` and the baseline."""
    _, results, scores = remedy_runs(**settings)
    return scores, results["baseline"]


def boundary_charts(at) -> list:
    """The charts of the decision-boundary panels, one per network (pictures in its data)."""
    return [c for c in charts(at) if '"image"' in c.proto.spec]


def boundary_panels(at) -> list[dict]:
    """Per network: its ``title`` and ``subtitle``, its ``pictures`` (``url, shown_from,
    shown_until``) and its per-frame ``texts`` (``frame, text``), from the charts sent."""
    panels = []
    for chart in boundary_charts(at):
        spec, data = json.loads(chart.proto.spec), chart_datasets(chart)
        pictures, texts = (data[layer["data"]["name"]] for layer in spec["layer"])
        panels.append(
            {
                "title": spec["title"]["text"],
                "subtitle": spec["title"]["subtitle"],
                "pictures": pictures,
                "texts": texts.set_index("frame")["text"],
            }
        )
    return panels


def pct(v):
    return f"{100 * v:.0f}%"


def test_default_statement_names_the_narrowest_gap_and_the_best_score():
    scores, base_run = expected()
    verdict = remedies.verdict(scores)
    assert verdict.kind == "narrowed" and verdict.better_val
    assert not verdict.too_strong and not verdict.worse
    at = open_page(FILE)
    assert_clean(at)
    # the five decision boundaries, the frame's line, the five networks' curves: a chart
    # each, every one following the player
    assert len(charts(at)) == 11 and len(frame_charts(at, "remedies")) == 11
    panels = boundary_panels(at)
    names = ["Baseline", "Dropout", "Batch normalization", "Data augmentation"]
    assert [p["title"] for p in panels] == [*names, "L2 weight decay"]
    assert [p["subtitle"] for p in panels][1:] == [
        "rate 0.3",
        "after each hidden layer",
        "σ = 0.2",
        "λ = 0.01",
    ]
    # every frame's numbers are the engine's, epoch by epoch (frame 0: before training)
    texts = panels[0]["texts"]
    assert list(texts.index) == list(range(101))
    assert texts[0] == "before training: random weights"
    for epoch in (1, 9, 50, 100):
        loss = base_run.history["val_loss"][epoch - 1]
        acc = base_run.history["val_accuracy"][epoch - 1]
        assert texts[epoch] == f"validation loss {plain(loss, 3)}\naccuracy {pct(acc)}"
    l2 = panels[4]["texts"][100].split("\n")
    assert l2[0].startswith("validation loss ") and l2[1] == "(including the L2 penalty)"
    text = notice_text(at)
    said = remedies.notices(scores, verdict, base_run, 50)
    for line in said:
        assert words(Translator("en"), line) in text
    names = {"dropout": "Dropout", "batchnorm": "Batch normalization"}
    names |= {"augment": "Data augmentation", "l2": "L2 weight decay"}
    # the table holds the same numbers
    table = at.table[0].value
    assert list(table.iloc[:, 0]) == ["Baseline", *(names[k] for k in list(scores)[1:])]
    assert list(table["Gap"]) == [f"{s.gap:.3f}" for s in scores.values()]
    assert list(table["Validation accuracy"]) == [pct(s.val_accuracy) for s in scores.values()]


def test_korean_statement():
    scores, base_run = expected()
    verdict = remedies.verdict(scores)
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    text = notice_text(at)
    for line in remedies.notices(scores, verdict, base_run, 50):
        assert words(Translator("ko"), line) in text
    assert "기준 모델이 과적합되었습니다" in text
    assert "파란색 네모: 검증 손실" in " ".join(c.value for c in at.caption)


def test_all_remedies_off_asks_for_one():
    at = open_page(FILE, params=ALL_OFF)
    assert_clean(at)
    # the baseline alone: its boundary, the line, its curves, each following the player
    assert len(charts(at)) == 3 and len(frame_charts(at, "remedies")) == 3
    assert len(boundary_panels(at)) == 1
    assert "Switch on a remedy" in notice_text(at)


def test_a_diverged_network_is_explained_and_left_out(monkeypatch):
    real = train_view.cached_train

    def fake(x, y, spec, *args, **kwargs):
        result = real(x, y, spec, *args, **kwargs)
        if spec.dropout:  # pretend the dropout network blew up in epoch 7
            kept = sum(1 for e in result.snapshot_epochs if e < 7)  # its pictures before
            result = type(result)(
                **{
                    **result.__dict__,
                    "diverged": {"epoch": 7, "batch": 3},
                    "snapshot_epochs": result.snapshot_epochs[:kept],
                    "grid_predictions": result.grid_predictions[:kept],
                }
            )
        return result

    monkeypatch.setattr(train_view, "cached_train", fake)
    at = open_page(FILE)
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "Dropout: training diverged in epoch 7 (batch 3)" in warnings
    assert "Left out of the comparison because training diverged: Dropout." in notice_text(at)
    table = at.table[0].value
    assert list(table.iloc[1])[2:7] == ["–"] * 5
    # from the epoch it diverged on, its panel says so and keeps its last finite picture
    panels = boundary_panels(at)
    dropout = panels[1]
    assert (dropout["title"], dropout["subtitle"]) == ("Dropout", "rate 0.3")
    assert dropout["texts"][6].startswith("validation loss ")
    for epoch in (7, 50, 100):
        assert dropout["texts"][epoch] == translate("en", "remedies.panel_diverged", epoch=7)
    pictures = dropout["pictures"]
    assert pictures["shown_from"].max() < 7 and pictures["shown_until"].max() == 101
    assert panels[0]["texts"][100].startswith("validation loss ")


def test_keras_code_of_each_network():
    at = open_page(FILE)
    code = open_code(at)
    assert "Dropout(0.3)," in code
    assert "BatchNormalization()," in code
    assert "GaussianNoise(0.2, input_shape=(2,))," in code
    assert 'Dense(1, activation="sigmoid", kernel_regularizer=l2(0.01)),' in code
    assert "model.fit(x, y, batch_size=13, epochs=100, validation_split=0.5)" in code
    assert len(at.get("download_button")) == 1


def test_player_frames_and_a_bounded_payload():
    """One frame per epoch (0: before training), shown from the last; every frame shows
    exactly one picture per network, the latest taken at or before it, and the pictures
    sent are at most the page's share of ``caps.MAX_FRAME_PICTURES`` per network."""
    at = open_page(FILE)
    data = player_data(at, "remedies")
    assert (data["frames"], data["start"], data["first_number"]) == (101, 100, 0)
    assert data["labels"]["unit"] == "Epoch"
    (line,) = [
        sets[0].set_index("frame")["text"]
        for sets in (list(chart_datasets(c).values()) for c in charts(at))
        if len(sets) == 1 and list(sets[0].columns) == ["frame", "text"]
    ]  # the chart of the frame's line, beside the player (one data set)
    assert line[0].startswith("Before training")
    assert line[40] == "After epoch 40 of 100\n(boundaries as drawn after epoch 36)"
    # snapshots every 6th epoch and the last one: 0, 6, ..., 96, 100
    taken = [*range(0, 100, 6), 100]
    assert len(taken) <= PICTURES
    for panel in boundary_panels(at):
        pictures = panel["pictures"]
        assert list(pictures["shown_from"]) == taken
        for frame in range(101):
            shown = pictures[(pictures["shown_from"] <= frame) & (frame < pictures["shown_until"])]
            assert len(shown) == 1 and shown["shown_from"].iloc[0] == max(
                e for e in taken if e <= frame
            )
        assert pictures["url"].str.startswith("data:image/").all()
    size = sum(chart.proto.ByteSize() for chart in boundary_charts(at))
    assert size <= 5 * PICTURES * PICTURE_BYTES, size
    # the curves mark the frame's epoch in every panel: a rule and the dots
    curves = [s for s in frame_charts(at, "remedies") if '"rule"' in json.dumps(s)]
    assert len(curves) == 5
    assert [json.dumps(s).count("datum.epoch == remedies_frame") for s in curves] == [2] * 5


def test_korean_frame_text():
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    assert player_data(at, "remedies")["labels"]["unit"] == "에포크"
    panels = boundary_panels(at)
    assert panels[0]["title"] == "기준 모델" and panels[0]["texts"][0].startswith("학습 전")
    assert panels[0]["texts"][100].startswith("검증 손실 ")
