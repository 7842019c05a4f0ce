"""A lesson's notices are keys and values; the page writes them in the visitor's language,
numbers in the learners' style and nested notices first."""

import pytest

from lessons.notices import Number, keys, notice
from ui.page import words
from ui.text import Translator

KEY = "lr.rate_diverged"  # "**lr {lr}** diverged at step {step}: ..."


def test_a_notice_is_its_template_filled_in_both_languages():
    said = notice(KEY, lr="0.5", step=6)
    assert said["step"] == 6 and keys([said]) == [KEY]
    for lang in ("en", "ko"):
        t = Translator(lang)
        assert words(t, said) == t(KEY, lr="0.5", step=6)
    assert words(Translator("ko"), "plain text") == "plain text"


def test_a_number_keeps_its_digits_and_never_shows_e_notation():
    t = Translator("en")
    text = words(t, notice(KEY, lr=Number(2.292e-11, 3), step=7))
    assert text.startswith("**lr 2.29 × 10⁻¹¹** diverged at step 7")
    assert "0.1235" in words(t, notice(KEY, lr=Number(0.123456), step=7))


def test_a_nested_notice_is_written_first():
    t = Translator("en")
    inner = notice(KEY, lr=Number(1.1), step=3)
    assert words(t, notice("common.notice_title")) == t("common.notice_title")
    assert words(t, notice(KEY, lr=inner, step=4)).startswith(f"**lr {words(t, inner)}**")


def test_a_listing_is_written_as_commas_or_bullets_in_both_languages():
    from lessons.notices import listing

    rates = listing([Number(0.02), Number(0.5), notice(KEY, lr="0.9", step=3)])
    for lang in ("en", "ko"):
        t = Translator(lang)
        said = words(t, rates)
        assert said == f"0.02, 0.5, {t(KEY, lr='0.9', step=3)}"
        assert words(t, listing(rates.items, "bullets")) == said.replace(", ", "\n- ", 2).join(
            ["- ", ""]
        )
    assert keys([rates]) == ["listing"]
    with pytest.raises(ValueError):
        listing([], "dots")
