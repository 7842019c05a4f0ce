"""The train/validation/test lesson (B10, B11): the page says what ``lessons.splits``
noticed about its search, and ends with a warning when every setting diverged. The
branches are unit-tested in tests/lessons/test_splits.py; rendering and hostile URL values
are the sweep's (tests/pages/test_all_pages.py)."""

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page
from page_runs import splits_search

from lessons import splits
from ui import train_view
from ui.page import words
from ui.text import Translator

FILE = "pages/14_train_val_test.py"


@pytest.mark.parametrize(("lang", "metric"), [("en", "accuracy"), ("ko", "loss")])
def test_the_page_says_what_the_lesson_noticed(lang, metric):
    found, p = splits_search()
    best = None
    for u, r, run in found:
        score = run.history[f"val_{metric}"][-1]
        better = best is None or (score > best[0] if metric == "accuracy" else score < best[0])
        if better:
            best = (score, u, r, run)
    _, units, rate, run = best
    val, test = run.final["val"][metric], run.final["test"][metric]
    at = open_page(FILE, lang=lang, params={"score": metric})
    assert_clean(at)
    text = notice_text(at)
    t = Translator(lang)
    for said in splits.notices(units, rate, 8, metric, val, test, len(p["x_test"])):
        assert words(t, said) in text
    assert words(t, splits.weights_notices(True)[0]) in text


def test_every_setting_diverged_ends_the_page_with_a_warning(monkeypatch):
    """If no setting of the search trains to a finite loss, there is no winner to test: the
    page says so and ends there, still with its sidebar."""
    real = train_view.cached_train

    def diverged(*args, **kwargs):
        result = real(*args, **kwargs)
        return type(result)(**{**result.__dict__, "diverged": {"epoch": 1, "batch": 1}})

    monkeypatch.setattr(train_view, "cached_train", diverged)
    at = open_page(FILE, params={"epochs": "20"})
    assert_clean(at)
    assert any("diverged" in w.value for w in at.warning)
    assert not at.table and not charts(at)  # no search results to show
