"""The text catalogs: both languages have the same keys and the same placeholders, every
lesson has a title and summary, and pages hard-code no prose."""

import ast
import re
from pathlib import Path

import pytest
from text_checks import concept_ids, e_notation, hangul, split_particles

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


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("아담(으)로", "아담으로"),  # final ㅁ
        ("물(으)로", "물로"),  # ㄹ takes 로
        ("모멘텀(으)로", "모멘텀으로"),
        ("**SGD**(으)로", "**SGD**로"),  # 디: open, markdown skipped
        ("0.5(으)로", "0.5로"),  # 오
        ("3(으)로", "3으로"),  # 삼
        ("10⁻⁶(으)로", "10⁻⁶으로"),  # 승 (an exponent)
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


def test_superscript_exponents_read_as_seung():
    """10⁻¹ is read "10의 -1승": the particle follows 승, not 일."""
    assert attach_particles("10⁻¹(으)로") == "10⁻¹으로"
    assert attach_particles("57.8%이(가)") == "57.8%가"
    assert attach_particles("0.3(으)로") == "0.3으로"


# --- the scanners of tests/text_checks.py -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("**57.8%** 가 전역", ["57.8%** 가"]),
        ("학습률 0.1 에서 출발", ["0.1 에서"]),
        ("({x}, {y}) 에서", ["{y}) 에서"]),
        ("곡률이 {curv} 이므로", ["{curv} 이므로"]),
        ("**3** 으로, 10⁻⁶ 은", ["3** 으로", "10⁻⁶ 은"]),
        ("57.8%가 0.1에서 {lr}(으)로", []),  # joined
        ("3 이상, 5 개월, 100 문항", []),  # not particles: words of their own
        ("{n} 에포크, 1 에포크의", []),
        ("μ = 0 이면, < {thr} 인 스텝", ["0 이면", "{thr} 인"]),
        ("Adam 으로", []),  # a word, not a number: not this scanner's business
    ],
)
def test_split_particles(text, found):
    assert split_particles(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("loss 2.292e-11 and 7.89e-31", ["2.292e-11", "7.89e-31"]),
        ("1E+05 steps, 3e8", ["1E+05", "3e8"]),
        ("2.3 × 10⁻¹¹, ≈ 0, 61.02", []),
        ("the e-mail, epoch 1e, x1e5y, v1.2e3", []),  # inside words, not numbers
    ],
)
def test_e_notation(text, found):
    assert e_notation(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Concepts A1, B13", ["A1", "B13"]),
        ("(A9) B16. B1", ["A9", "B16", "B1"]),
        ("A0 A10 B17 B0 AB1 A1b 2A1 B12x", []),
        ("cell C4, A 1, B-1", []),
    ],
)
def test_concept_ids(text, found):
    assert concept_ids(text) == found


def test_hangul():
    assert hangul("last year's 수능 (Suneung)") == ["수능"]
    assert hangul("ㄱ 한글 ㅏ") == ["ㄱ", "한글", "ㅏ"]
    assert hangul("Suneung, 10⁻⁶ × 2, naïve café") == []


# --- every catalog string -----------------------------------------------------------------

# words of the code, not of the lessons
JARGON = {
    "en": ("cache", "cached", "finite", "payload", "rerun", "session state", "seed tutorial"),
    "ko": ("캐시", "유한", "페이로드", "재실행", "세션"),
}


def _catalog_items(lang):
    return sorted(catalog(lang).items())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_show_no_concept_ids(lang):
    found = {k: concept_ids(v) for k, v in _catalog_items(lang) if concept_ids(v)}
    assert not found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_write_no_e_notation(lang):
    found = {k: e_notation(v) for k, v in _catalog_items(lang) if e_notation(v)}
    assert not found


def test_english_has_no_hangul():
    found = {k: hangul(v) for k, v in _catalog_items("en") if hangul(v)}
    assert not found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_have_no_developer_jargon(lang):
    """Whole English words ("infinite" is a learner's word, "finite" is not); Korean stems."""
    pattern = {"en": r"(?i)\b(?:{})\b", "ko": "(?:{})"}[lang].format("|".join(JARGON[lang]))
    found = {k: re.findall(pattern, v) for k, v in _catalog_items(lang) if re.search(pattern, v)}
    assert not found


def test_korean_templates_join_particles_to_numbers():
    found = {k: split_particles(v) for k, v in _catalog_items("ko") if split_particles(v)}
    assert not found


def test_korean_rendered_with_numbers_joins_and_resolves_particles():
    """Filled with numbers of every ending, no particle is split off and none is left as a
    template: "0.1(으)로" becomes "0.1로", "3(으)로" "3으로"."""
    for key, template in _catalog_items("ko"):
        for number in ("0.1", "3", "57.8%", "2.3 × 10⁻¹¹"):
            values = {name: number for name in placeholders(template)}
            text = translate("ko", key, **values)
            assert not split_particles(text), (key, text)
            for unresolved in ("(으)로", "은(는)", "이(가)", "을(를)", "와(과)"):
                assert f"{number}{unresolved}" not in text, (key, text)


def test_korean_says_gradient_descent_not_gd():
    bare_gd = re.compile(r"(?<![A-Za-z])GD\b")
    found = [k for k, v in _catalog_items("ko") if bare_gd.search(v)]
    assert not found


def test_english_defines_gd_where_it_uses_it():
    """A lesson that says "GD" says "gradient descent (GD)" once as well."""
    tables: dict[str, list[str]] = {}
    for key, value in _catalog_items("en"):
        tables.setdefault(key.split(".")[0], []).append(value)
    for table, values in tables.items():
        text = "\n".join(values)
        definitions = re.compile(r"gradient descent\W*\((?:batch )?GD\)", re.IGNORECASE)
        uses = re.search(r"(?<![A-Za-z])GD\b", definitions.sub("", text))
        assert not uses or definitions.search(text), table


def test_korean_names_overfitting_as_the_tutorials_do():
    """Where a lesson says 과적합 or 과소적합, it also says 오버피팅 or 언더피팅 beside it."""
    tables: dict[str, list[str]] = {}
    for key, value in _catalog_items("ko"):
        tables.setdefault(key.split(".")[0], []).append(value)
    for table, values in tables.items():
        text = "\n".join(values)
        if "과적합" in text.replace("과소적합", ""):
            assert "과적합(오버피팅)" in text, table
        if "과소적합" in text:
            assert "과소적합(언더피팅)" in text, table


def test_korean_bold_words_keep_their_particles():
    """ "**안장점**(saddle point)입니다", not "**안장점(saddle point)** 입니다": a closing ``**``
    after a bracket cannot be followed by a letter in Markdown, so the bracket goes outside
    the bold and the particle joins it."""
    split = re.compile(
        r"[^\s*]\*\* (?:이|가|을|를|은|는|으로|로|에서|에|의|와|과|도|입니다)(?![가-힣])"
    )
    found = {k: split.findall(v) for k, v in _catalog_items("ko") if split.search(v)}
    assert not found
