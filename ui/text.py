"""The text catalogs: every user-facing string, one catalog per language.

A catalog is the folder ``ui/text/<lang>/``; each TOML file in it is one table of keys (the
file name is the table name: ``common.toml`` holds ``common.*``, ``gd.toml`` the gradient
descent lesson's ``gd.*``). Values are ``str.format`` templates, so statements computed from
a run keep their numbers in placeholders: ``t("gd.notice_diverged", step=6)``.
"""

from __future__ import annotations

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
    return template.format(**values) if values else template


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(exponent: int) -> str:
    """``10`` with a superscript exponent (``10³⁰¹``): markdown has no superscript, and
    ``10^301`` reads as code to a learner."""
    return "10" + str(int(exponent)).translate(_SUPERSCRIPT)


class Translator:
    """``t = Translator("ko"); t("gd.title")`` -- the catalog lookup bound to a language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **values) -> str:
        return translate(self.lang, key, **values)

    def has(self, key: str) -> bool:
        return key in catalog(self.lang)
