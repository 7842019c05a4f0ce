"""Scanners for the text a learner reads: each returns what it found, so a test can show it.

Pure functions over plain text (a catalog template or a page's rendered text), shared by the
catalog tests and the page tests.
"""

from __future__ import annotations

import re

# A Korean particle written apart from the number before it ("57.8% 가", "0.1 에서",
# "**3** 으로"): in Korean a particle is joined to its word. Markdown emphasis and a closing
# bracket may sit between the number and the space. The particle must end there (a space,
# punctuation or the end), so "0.1 에서" counts but "3 이상" or "5 개월" do not.
_PARTICLE_WORDS = (
    "으로는",
    "으로",
    "로는",
    "로",
    "에서는",
    "에서",
    "에는",
    "에",
    "이나",
    "이면",
    "이라면",
    "이라서",
    "이라",
    "인",
    "일",
    "이며",
    "이고",
    "이므로",
    "이지만",
    "입니다",
    "이다",
    "이",
    "가",
    "은",
    "는",
    "을",
    "를",
    "과",
    "와",
    "의",
    "도",
    "만",
    "까지",
    "부터",
    "보다",
    "처럼",
)
_SPLIT_PARTICLE = re.compile(
    r"(?:(?<![\d.,])\d+(?:[.,]\d+)*(?:⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|\{[A-Za-z_][A-Za-z0-9_]*\})%?[*_`)\]]*"
    r" (?:" + "|".join(_PARTICLE_WORDS) + r")(?![가-힣])"
)
# 2.292e-11, 7.89e-31, 1E+05, 3e8: a mantissa, an e and an exponent, not inside a word
_E_NOTATION = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?[eE][+-]?\d+(?![A-Za-z0-9_])")
# the concept ids of CONCEPTS.md (A1-A9, B1-B16) as tokens of their own
_CONCEPT_ID = re.compile(r"(?<![A-Za-z0-9_])(?:A[1-9]|B1[0-6]|B[1-9])(?![A-Za-z0-9_])")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")


def split_particles(text: str) -> list[str]:
    """Each number (or ``{placeholder}``) followed by a space and then a Korean particle."""
    return _SPLIT_PARTICLE.findall(text)


def e_notation(text: str) -> list[str]:
    """Each number written in e-notation (``2.292e-11``, ``1E+05``)."""
    return _E_NOTATION.findall(text)


def concept_ids(text: str) -> list[str]:
    """Each concept id (``A1``..``A9``, ``B1``..``B16``) standing as a token of its own."""
    return _CONCEPT_ID.findall(text)


def hangul(text: str) -> list[str]:
    """Each run of Hangul (syllables or jamo)."""
    return _HANGUL.findall(text)
