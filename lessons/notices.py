"""What a lesson says about a run, before it is put into words.

A lesson's "what to notice" is a list of ``Notice``: a catalog key (``ui/text/<lang>/``) and
the values its template needs, read off the run. The words, and the way a number is written
for learners, are the page's business (``ui.page.notice_box``), so the facts are unit-tested
here without Streamlit: ``notice("lr.rate_diverged", lr=Number(1.1), step=7)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Number:
    """A number to be written for learners with ``digits`` significant digits
    (``charts.numbers.plain``: ``2.29 × 10⁻¹¹``, ``0.0651``, ``61``)."""

    value: float
    digits: int = 4


@dataclass(frozen=True)
class PowerOfTen:
    """``10`` to an integer ``exponent``, written ``10³⁰¹⁰³⁰``: for odds too small for a
    float to hold (``10**-301030`` is 0)."""

    exponent: int


@dataclass(frozen=True)
class Listing:
    """Items (``Notice``, ``Number``, str) written as one list: ``"comma"`` joins them
    with ", " (``0.02, 0.5, 0.9``), ``"bullets"`` writes a markdown list, one item a line
    (``listing(per_run, "bullets")`` as one paragraph of a notice box)."""

    items: tuple
    style: str = "comma"

    key = "listing"  # what ``keys`` reports for it: a list has no template of its own


@dataclass(frozen=True)
class Notice:
    """One paragraph of a notice box: the catalog ``key`` and its template's ``values``
    (``Number``, ``PowerOfTen``, int, str, a ``Listing`` or a ``Notice`` whose text fills
    the placeholder)."""

    key: str
    values: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, name: str):
        return self.values[name]


def notice(key: str, **values) -> Notice:
    """``Notice(key, values)``: ``notice("gd.notice_diverged", step=6)``."""
    return Notice(key, MappingProxyType(values))


def listing(items, style: str = "comma") -> Listing:
    """``Listing(items, style)``; ``style`` is ``"comma"`` or ``"bullets"``."""
    if style not in ("comma", "bullets"):
        raise ValueError(f"unknown list style {style!r}")
    return Listing(tuple(items), style)


def keys(notices: list[Notice]) -> list[str]:
    """The catalog keys of ``notices``, in order (what a test usually checks first)."""
    return [n.key for n in notices]
