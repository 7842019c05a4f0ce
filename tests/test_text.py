"""The text catalogs: both languages have the same keys and the same placeholders, every
lesson has a title and summary, and pages hard-code no prose."""

import ast
import re
from pathlib import Path

import pytest

from ui.lessons import LESSONS
from ui.text import LANGUAGES, Translator, attach_particles, catalog, placeholders, translate

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_same_keys_in_every_language():
    en = catalog("en")
    for lang in LANGUAGES:
        missing = set(en) - set(catalog(lang))
        extra = set(catalog(lang)) - set(en)
        assert not missing and not extra, (lang, sorted(missing), sorted(extra))


def test_same_placeholders():
    en, ko = catalog("en"), catalog("ko")
    mismatched = {
        k: (placeholders(en[k]), placeholders(ko[k]))
        for k in en
        if placeholders(en[k]) != placeholders(ko[k])
    }
    assert not mismatched


def test_korean_is_korean():
    ko = catalog("ko")
    prose = [k for k, v in ko.items() if len(v) > 25 and not HANGUL.search(v)]
    # long strings without Hangul are untranslated (formulas and names are short)
    assert not prose, prose


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_every_lesson_has_a_title(lesson):
    for lang in LANGUAGES:
        assert catalog(lang).get(f"{lesson.key}.title")
        assert catalog(lang).get(f"{lesson.key}.summary")


def test_templates_format():
    for lang in LANGUAGES:
        for key, template in catalog(lang).items():
            values = {name: 1 for name in placeholders(template)}
            translate(lang, key, **values)  # no KeyError, no stray braces


def test_fallbacks():
    assert Translator("xx").lang == "en"
    assert translate("ko", "no.such.key") == "no.such.key"


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"], ids=lambda p: p.name
)
def test_pages_hard_code_no_prose(path):
    """A string of several words with letters in a page is prose that belongs in a catalog."""
    suspicious = [
        s
        for s in _string_constants(path)
        if re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}", s) or HANGUL.search(s)
    ]
    assert not suspicious, suspicious


def test_power_of_ten_has_a_superscript_exponent():
    from ui.text import power_of_ten

    assert power_of_ten(301) == "10³⁰¹"
    assert power_of_ten(-5) == "10⁻⁵"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("아담(으)로", "아담으로"),  # final ㅁ
        ("물(으)로", "물로"),  # ㄹ takes 로
        ("모멘텀(으)로", "모멘텀으로"),
        ("**SGD**(으)로", "**SGD**로"),  # 디: open, markdown skipped
        ("0.5(으)로", "0.5로"),  # 오
        ("3(으)로", "3으로"),  # 삼
        ("10⁻⁶(으)로", "10⁻⁶으로"),  # 육
        ("학습률 0.1은(는)", "학습률 0.1은"),  # 일
        ("학습률 0.05은(는)", "학습률 0.05는"),
        ("사과을(를) 배(와) 바나나을(를)", "사과를 배(와) 바나나를"),  # 배(와): not a template
        ("(으)로", "(으)로"),  # nothing before it: left as written
    ],
)
def test_korean_particles_follow_the_sound_before_them(written, read):
    assert attach_particles(written) == read


def test_korean_templates_resolve_their_particles():
    t = Translator("ko")
    text = t("losses.progress", loss="크로스 엔트로피")
    assert text.startswith("크로스 엔트로피로 학습 중")
    # only Korean text is touched
    assert Translator("en")("losses.progress", loss="x(으)로") == "Training with x(으)로…"
