"""The batch-size lesson (B3, B16): one run per batch size on the same data and epochs; its
table and statements match the engine's runs; the sweep is capped and says so."""

import math

from apptest_utils import assert_clean, charts, notice_text, open_code, open_page

from lessons import batches
from sim.datasets import make_dataset
from sim.training import NetSpec, train

FILE = "pages/10_batch_size.py"
SPEC = NetSpec(hidden=(16, 16))


def expected(n=200, epochs=20, lr=0.01):
    x, y = make_dataset("moons", n, noise=0.2, seed=0)
    sizes = batches.sweep_sizes(n)
    epochs = batches.sweep_epochs(epochs, n, sizes)
    runs = {
        bs: train(
            x,
            y,
            SPEC,
            "binary",
            2,
            learning_rate=lr,
            batch_size=bs,
            epochs=epochs,
            seed=0,
            grid_cells=None,
        )
        for bs in sizes
    }
    return sizes, epochs, runs


def test_default_sweep_statements_match_the_runs():
    sizes, epochs, runs = expected()
    assert sizes == (1, 8, 32, 128, 200)
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 5  # two curve charts and three cost bars
    text = notice_text(at)
    assert "batch size 1 made **200** weight updates" in text
    assert "batch size 200 (the whole set) made **1**" in text
    losses = {bs: r.history["loss"][-1] for bs, r in runs.items()}
    best = min(losses, key=losses.get)
    assert best != 200
    assert f"batch size **{best}** reached the lowest training loss ({losses[best]:.3f})" in text
    assert f"batch N ended at {losses[200]:.3f}" in text
    noise1, noise_n = (
        batches.curve_noise(runs[1].batch_losses),
        batches.curve_noise(runs[200].batch_losses),
    )
    assert noise1 > 10 * noise_n
    assert f"**{noise1:.3f}** for batch size 1 against **{noise_n:.3f}**" in text
    mem1 = batches.memory_bytes(SPEC, 2, "binary", 2, 1)["total"] / 1024
    mem_n = batches.memory_bytes(SPEC, 2, "binary", 2, 200)["total"] / 1024
    assert f"**{mem1:.1f} KB** for batch size 1, **{mem_n:.1f} KB** for 200" in text
    table = at.table[0].value
    assert table["updates in all"].tolist() == [epochs * math.ceil(200 / bs) for bs in sizes]
    assert table["final loss"].tolist() == [round(losses[bs], 4) for bs in sizes]
    code = open_code(at)
    assert "for batch_size in [1, 8, 32, 128, 200]:" in code
    assert "histories[batch_size] = model.fit(x, y, batch_size=batch_size, epochs=20)" in code


def test_high_learning_rate_in_korean():
    _, _, runs = expected(lr=0.3)
    losses = {bs: r.history["loss"][-1] for bs, r in runs.items()}
    best = min(losses, key=losses.get)
    at = open_page(FILE, lang="ko", params={"lr": "0.3"})
    assert_clean(at)
    text = notice_text(at)
    assert f"배치 사이즈 **{best}**의 훈련 손실이 가장 낮았고({losses[best]:.3f})" in text
    assert losses[1] > losses[best]  # batch 1 is the jumpiest at a large learning rate


def test_sweep_is_capped_and_says_so():
    at = open_page(FILE, params={"n": "600", "epochs": "60"})
    assert_clean(at)
    capped = batches.MAX_UPDATES // 600
    info = " ".join(i.value for i in at.info)
    assert f"every batch size trains {capped} epochs" in info
    table = at.table[0].value
    assert table["updates in all"].tolist()[0] == capped * 600
    assert len(table) <= batches.caps.MAX_SWEEP


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"lr": "abc", "epochs": "-5"})
    assert_clean(at)
    info = " ".join(i.value for i in at.info)
    assert "lr=abc" in info and "epochs=-5" in info
    assert at.slider(key="epochs").value == 20
