"""The remedies-for-overfitting lesson (B15): its statement matches the engine's runs in
every branch reachable from the controls, the table and the Keras code show what was
trained, a diverged network is explained, bad URL values fall back, Play advances the
boundary animation and a frame stays small."""

import dataclasses
import functools
import json

from apptest_utils import assert_clean, charts, notice_text, open_code, open_page

import ui.train_view as train_view
from sim import remedies, stopping
from sim.datasets import make_dataset
from sim.training import train

FILE = "pages/17_regularization.py"
ALL_OFF = {"dropout": "false", "batchnorm": "false", "augment": "false", "l2": "false"}
FRAME_BYTES = 30_000  # what one animation frame may send


@functools.cache
def expected(seed=2, n=100, noise=0.3, rate=0.3, bn=True, std=0.2, l2=0.01, width=64):
    """The page's runs, computed with sim directly: ``{variant: Score}`` and the baseline."""
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    xt, yt, xv, yv = stopping.validation_tail(x, y, 0.5)
    scores, base = {}, None
    for v in remedies.variants((width, width), dropout=rate, batchnorm=bn, input_noise=std, l2=l2):
        r = train(
            x,
            y,
            v.spec,
            "binary",
            2,
            learning_rate=0.01,
            batch_size=remedies.even_batch(len(xt)),
            epochs=100,
            validation_split=0.5,
            seed=seed,
            grid_cells=None,
            track={"train": (xt, yt), "val": (xv, yv)},
        )
        scores[v.key] = remedies.score(r, v.spec)
        if v.key == "baseline":
            base = r
    return scores, base


def boundary_chart(at):
    """The one chart of the decision-boundary panels (pictures in the spec)."""
    (chart,) = [c.proto for c in charts(at) if '"image"' in c.proto.spec]
    return chart


def pct(v):
    return f"{100 * v:.0f}%"


def test_default_statement_names_the_narrowest_gap_and_the_best_score():
    scores, base_run = expected()
    verdict = remedies.verdict(scores)
    assert verdict.kind == "narrowed" and verdict.better_val
    assert not verdict.too_strong and not verdict.worse
    at = open_page(FILE)
    assert_clean(at)
    # one chart of the five networks' curves, one of their five decision boundaries
    assert len(charts(at)) == 2
    boundaries = json.loads(boundary_chart(at).spec)["concat"]
    titles = [panel["title"]["text"] for panel in boundaries]
    assert titles[0] == "Baseline" and len(titles) == 5
    # the last epoch's validation loss and accuracy, one figure per line; every panel has
    # the L2 panel's three lines, so the pictures of a row line up
    subtitles = {t: panel["title"]["subtitle"] for t, panel in zip(titles, boundaries, strict=True)}
    base_loss, base_acc = base_run.history["val_loss"][-1], base_run.history["val_accuracy"][-1]
    assert subtitles["Baseline"] == [
        f"validation loss {base_loss:.3f}",
        f"accuracy {pct(base_acc)}",
        " ",
    ]
    l2 = subtitles["L2 weight decay · λ = 0.01"]
    assert l2[0].startswith("validation loss ") and l2[1] == "(including the L2 penalty)"
    at.slider(key="remedies_shown").set_value(0).run()  # before training: as many lines
    start = ["before training: random weights", " ", " "]
    assert [p["title"]["subtitle"] for p in json.loads(boundary_chart(at).spec)["concat"]] == [
        start
    ] * 5
    assert all(panel["mark"]["type"] == "image" for panel in boundaries)
    text = notice_text(at)
    base = scores["baseline"]
    low_epoch, low = remedies.lowest_validation(base_run)
    assert (
        f"training loss of {base.train_loss:.3f} but a validation loss of {base.val_loss:.3f} "
        f"(a gap of {base.gap:.3f}" in text
    )
    assert f"lowest at epoch {low_epoch} ({low:.3f}) and rose to" in text
    names = {"dropout": "Dropout", "batchnorm": "Batch normalization"}
    names |= {"augment": "Data augmentation", "l2": "L2 weight decay"}
    n = scores[verdict.narrowest]
    assert (
        f"**{names[verdict.narrowest]}** narrowed the gap most: from {base.gap:.3f} (baseline) "
        f"to {n.gap:.3f}, {base.gap - n.gap:.3f} smaller" in text
    )
    b = scores[verdict.best_val]
    assert (
        f"**{names[verdict.best_val]}** with {pct(b.val_accuracy)} of the validation questions "
        f"right, against the baseline's {pct(base.val_accuracy)}" in text
    )
    # the table holds the same numbers
    table = at.table[0].value
    assert list(table.iloc[:, 0]) == ["Baseline", *(names[k] for k in list(scores)[1:])]
    assert list(table["Gap"]) == [f"{s.gap:.3f}" for s in scores.values()]
    assert list(table["Validation accuracy"]) == [pct(s.val_accuracy) for s in scores.values()]


def test_korean_statement():
    scores, _ = expected()
    verdict = remedies.verdict(scores)
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    text = notice_text(at)
    base, n = scores["baseline"], scores[verdict.narrowest]
    assert f"기준 모델의 {base.gap:.3f}에서 {n.gap:.3f}까지" in text
    assert "기준 모델이 과적합되었습니다" in text
    assert "파란색 네모: 검증 손실" in " ".join(c.value for c in at.caption)


def test_no_overfit_when_the_baseline_generalises():
    scores, _ = expected(seed=7, bn=False, std=0.0, l2=0.0)
    base = scores["baseline"]
    assert remedies.verdict(scores).kind == "no_overfit"
    at = open_page(FILE, params={"seed": "7", "batchnorm": "false", "augment": "false"})
    assert_clean(at)
    text = notice_text(at)
    assert "baseline did not overfit" in text
    assert f"validation loss {base.val_loss:.3f} (a gap of only {base.gap:.3f}" in text
    assert "use fewer samples or more noise" in text


def test_all_remedies_off_asks_for_one():
    at = open_page(FILE, params=ALL_OFF)
    assert_clean(at)
    assert len(charts(at)) == 2  # the baseline alone
    assert "Switch on a remedy" in notice_text(at)


def test_none_narrowed_and_no_better_score():
    params = {**ALL_OFF, "seed": "10", "dropout": "true", "rate": "0.1"}
    scores, _ = expected(seed=10, rate=0.1, bn=False, std=0.0, l2=0.0)
    verdict = remedies.verdict(scores)
    assert verdict.kind == "none_narrowed" and not verdict.better_val
    at = open_page(FILE, params=params)
    text = notice_text(at)
    base, d = scores["baseline"], scores["dropout"]
    assert f"the smallest was Dropout's {d.gap:.3f}, against the baseline's {base.gap:.3f}" in text
    acc = pct(base.val_accuracy)
    assert f"No remedy got more validation questions right than the baseline ({acc})" in text
    assert "one question is 2 points" in text  # 50 validation questions


def test_worse_score_is_called_luck(monkeypatch):
    """Averaged over a quarter of the run, a lower score without a lower training score
    (luck) no longer turns up at the lesson's settings (seeds 0-24 searched), so the branch
    is checked by handing the page that verdict."""
    scores, _ = expected(seed=20, rate=0.0, bn=False, std=0.05, l2=0.0)
    real = remedies.verdict

    def worse(found):
        return dataclasses.replace(real(found), worse=("augment",))

    monkeypatch.setattr(remedies, "verdict", worse)
    at = open_page(FILE, params={**ALL_OFF, "seed": "20", "augment": "true", "std": "0.05"})
    text = notice_text(at)
    assert (
        f"Data augmentation got fewer validation questions right than the baseline "
        f"({pct(scores['baseline'].val_accuracy)})" in text
    )
    assert "try another seed" in text


def test_too_strong_l2_and_lagging_batchnorm():
    scores, _ = expected(seed=0, rate=0.0, bn=False, std=0.0, l2=0.1)
    assert remedies.verdict(scores).too_strong == ("l2",)
    at = open_page(FILE, params={**ALL_OFF, "seed": "0", "l2": "true", "factor": "0.1"})
    text = notice_text(at)
    s = scores["l2"]
    assert (
        f"Too strong, now underfitting: L2 weight decay ({pct(s.val_accuracy)} on validation, "
        f"{pct(s.train_accuracy)} on training)" in text
    )
    # seed 11: 11 points lower on validation, 9 on training (the old seed 1 sat within a
    # point of the line, and its last epoch flipped with the CPU's BLAS kernel)
    scores, _ = expected(seed=11, rate=0.0, bn=True, std=0.0, l2=0.0)
    assert remedies.verdict(scores).too_strong == ("batchnorm",)
    at = open_page(FILE, params={**ALL_OFF, "seed": "11", "batchnorm": "true"})
    bn = scores["batchnorm"]
    text = notice_text(at)
    assert f"({pct(bn.val_accuracy)} on validation, {pct(bn.train_accuracy)} on training)" in text
    assert "running averages of the batch statistics" in text
    assert "Too strong" not in text  # batch normalization has no strength to lower


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
    # past its last picture (the last frame), its panel says it diverged, not a score
    panels = json.loads(boundary_chart(at).spec)["concat"]
    assert panels[1]["title"]["text"] == "Dropout · rate 0.3"
    assert panels[1]["title"]["subtitle"] == ["diverged in epoch 7", "its last finite picture", " "]
    assert panels[0]["title"]["subtitle"][0].startswith("validation loss ")


def test_keras_code_of_each_network():
    at = open_page(FILE)
    code = open_code(at)
    assert "Dropout(0.3)," in code
    assert "BatchNormalization()," in code
    assert "GaussianNoise(0.2, input_shape=(2,))," in code
    assert 'Dense(1, activation="sigmoid", kernel_regularizer=l2(0.01)),' in code
    assert "model.fit(x, y, batch_size=13, epochs=100, validation_split=0.5)" in code
    assert len(at.get("download_button")) == 1


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"rate": "abc", "factor": "7", "width": "x" * 300, "std": "5"})
    assert_clean(at)
    assert at.slider(key="rate").value == 0.3 and at.slider(key="std").value == 0.2
    assert at.select_slider(key="factor").value == 0.01
    assert at.select_slider(key="width").value == 64
    notices = " ".join(i.value for i in at.info)
    assert "rate=abc" in notices and "factor=7" in notices


def test_play_advances_and_a_frame_stays_small():
    at = open_page(FILE)
    last = at.session_state["remedies_frame"]
    assert last > 10  # starts on the last snapshot
    at.button(key="remedies_play_btn").click().run()
    assert_clean(at)
    assert 0 < at.session_state["remedies_frame"] < last
    assert at.session_state["remedies_playing"]
    for frame in (0, 3, last):
        at.slider(key="remedies_shown").set_value(frame).run()
        panels = json.loads(boundary_chart(at).spec)["concat"]
        assert len(panels) == 5
        size = boundary_chart(at).ByteSize()
        assert size <= FRAME_BYTES, (frame, size)
