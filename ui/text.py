"""The text catalogs: every user-facing string, one catalog per language.

A catalog is the folder ``ui/text/<lang>/``; each TOML file in it is one table of keys (the
file name is the table name: ``common.toml`` holds ``common.*``, ``gd.toml`` the gradient
descent lesson's ``gd.*``). Values are ``str.format`` templates, so statements computed from
a run keep their numbers in placeholders: ``t("gd.notice_diverged", step=6)``.
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import cache
from pathlib import Path
from types import MappingProxyType

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = MappingProxyType({"en": "English", "ko": "한국어"})
TEXT_DIR = Path(__file__).with_name("text")


def _flatten(table: dict, prefix: str) -> dict[str, str]:
    flat = {}
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> MappingProxyType:
    """All keys of one language, read once per process (read-only afterwards)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    merged: dict[str, str] = {}
    for path in sorted((TEXT_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            merged.update(_flatten(tomllib.load(fh), path.stem))
    return MappingProxyType(merged)


def placeholders(template: str) -> set[str]:
    """The named fields of a template: ``"{n} steps"`` -> ``{"n"}``."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def translate(lang: str, key: str, **values) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in.

    A key missing from ``lang`` falls back to English, and a missing English key shows the
    key itself, so a gap in a catalog never breaks a page (the tests keep both complete).
    """
    template = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    text = template.format(**values) if values else template
    return attach_particles(text) if lang == "ko" else text


# Korean particles change with the sound they follow: "아담으로" but "SGD로", "0.1은" but
# "0.5는". A template whose placeholder can end either way writes both ("{opt}(으)로"),
# and the particle is chosen once the value is in.
_PARTICLES = MappingProxyType(
    {
        # template: (after an open syllable, after ㄹ, after any other final consonant)
        "(으)로": ("로", "로", "으로"),
        "은(는)": ("는", "은", "은"),
        "이(가)": ("가", "이", "이"),
        "을(를)": ("를", "을", "을"),
        "와(과)": ("와", "과", "과"),
    }
)
_PARTICLE = re.compile("|".join(re.escape(p) for p in _PARTICLES))
_SKIPPED = frozenset("*_`'\"’)]")  # markdown and closing marks between a word and its particle
# how a digit or a Latin letter is read aloud ends: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔; 엘 엠 엔 알.
# A superscript is an exponent, read "10의 -6승": 승 ends in ㅇ whatever the digit.
_DIGIT_ENDS = MappingProxyType(
    dict(zip("0123456789", (2, 1, 0, 2, 0, 0, 2, 1, 1, 0), strict=True))
    | dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹", 2)
)
_LETTER_ENDS = MappingProxyType({"l": 1, "m": 2, "n": 2, "r": 1})
_RIEUL = 8  # the final-consonant index of ㄹ in a Hangul syllable


def _ending(ch: str) -> int | None:
    """How ``ch`` sounds at the end: 0 open syllable, 1 ㄹ, 2 another final consonant;
    None when it cannot be told."""
    if "가" <= ch <= "힣":
        final = (ord(ch) - ord("가")) % 28
        return 0 if final == 0 else 1 if final == _RIEUL else 2
    if ch in _DIGIT_ENDS:
        return _DIGIT_ENDS[ch]
    if ch.isascii() and ch.isalpha():
        return _LETTER_ENDS.get(ch.lower(), 0)
    if ch == "%":
        return 0  # 퍼센트
    return None


def attach_particles(text: str) -> str:
    """Resolve ``(으)로``, ``은(는)``, ``이(가)``, ``을(를)``, ``와(과)`` by the sound before
    them (markdown marks skipped); one that cannot be told stays as written."""

    def choose(match: re.Match) -> str:
        i = match.start() - 1
        while i >= 0 and text[i] in _SKIPPED:
            i -= 1
        ending = _ending(text[i]) if i >= 0 else None
        return match.group() if ending is None else _PARTICLES[match.group()][ending]

    return _PARTICLE.sub(choose, text)


class Translator:
    """``t = Translator("ko"); t("gd.title")`` -- the catalog lookup bound to a language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **values) -> str:
        return translate(self.lang, key, **values)

    def has(self, key: str) -> bool:
        return key in catalog(self.lang)
