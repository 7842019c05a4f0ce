"""The text catalogs: both languages have the same keys and the same placeholders, every
lesson has a title and summary, and pages hard-code no prose."""

import ast
import re
from pathlib import Path

import pytest

from ui.lessons import LESSONS
from ui.text import LANGUAGES, Translator, catalog, placeholders, translate

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
