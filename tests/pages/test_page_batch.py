"""The batch-size lesson (B3, B16) rendered: one run per batch size on the same data and
epochs; its table, code and statements are the engine's runs, the capped sweep says so.
(Each notice branch is a unit test in tests/lessons/test_batch_lessons.py; rendering in both
languages, hostile URL values and widget extremes are swept by test_all_pages.)"""

import math

from apptest_utils import assert_clean, charts, open_code, open_page
from page_runs import batch_sweep

from lessons import batches
from sim.training import NetSpec
from ui.page import words
from ui.text import Translator

FILE = "pages/10_batch_size.py"
SPEC = NetSpec(hidden=(16, 16))
# notices that quote times per epoch: measured by the page's own runs, not by the test's
TIMED = {"batch.notice_speed", "batch.notice_middle"}


def test_default_sweep_says_the_lessons_notices():
    sizes, epochs, runs = batch_sweep()
    assert sizes == (1, 8, 32, 128, 200)
    # values the page cannot use fall back to the defaults, and a notice names them
    at = open_page(FILE, params={"lr": "abc", "epochs": "-5"})
    assert_clean(at)
    info = " ".join(i.value for i in at.info)
    assert "lr=abc" in info and "epochs=-5" in info
    assert at.slider(key="epochs").value == 20
    assert len(charts(at)) >= 5  # two curve charts and three cost bars
    markdown = [m.value for m in at.markdown]
    table = batches.cost_rows(runs, SPEC, 2, "binary", 2, 200)
    said = batches.sweep_notices(table, epochs, 0.01)
    t = Translator("en")
    for line in said:
        if line.key not in TIMED:
            assert words(t, line) in markdown, line.key
    assert "batch.notice_speed" in [line.key for line in said]
    text = "\n".join(markdown)
    assert "batch size 1 made **200** weight updates" in text
    assert "batch size 200 (the whole set) made **1**" in text
    shown = at.table[0].value
    assert shown["updates in all"].tolist() == [epochs * math.ceil(200 / bs) for bs in sizes]
    assert shown["final loss"].tolist() == [round(r.history["loss"][-1], 4) for r in runs.values()]
    code = open_code(at)
    assert "for batch_size in [1, 8, 32, 128, 200]:" in code
    assert "histories[batch_size] = model.fit(x, y, batch_size=batch_size, epochs=20)" in code


def test_sweep_is_capped_and_says_so():
    at = open_page(FILE, params={"n": "600", "epochs": "60"})
    assert_clean(at)
    capped = batches.MAX_UPDATES // 600
    (said,) = batches.sweep_capped(60, 600, capped)
    assert words(Translator("en"), said) in [i.value for i in at.info]
    table = at.table[0].value
    assert table["updates in all"].tolist()[0] == capped * 600
    assert len(table) <= batches.caps.MAX_SWEEP
