"""Altair's channel conversion, made once: ``encode(x="step:Q", y=alt.value(0))`` costs
tens of microseconds instead of ~4 ms a channel.

``encode`` turns each shorthand string or dict into a channel object with
``SchemaBase.from_dict``, and Altair's ``from_dict`` builds a new ``_FromDict`` converter on
every call: it walks all ~800 schema classes and hashes each one's JSON schema to find the
class that matches. The classes and their schemas never change while the app runs, so one
converter per ``_default_wrapper_classes`` (the same for every Vega-Lite class) answers for
all calls; the objects it returns are the ones Altair's own call returns
(tests/charts/test_schema_converter.py). Upstream: vega/altair#3547 (open) makes the same
change. ``use()`` installs it; importing the ``charts`` package calls it.
"""

from __future__ import annotations

import functools
from typing import Any

from altair.utils import schemapi


@functools.cache
def converter(wrapper_classes) -> schemapi._FromDict:
    """The ``_FromDict`` of ``wrapper_classes`` (an unbound ``_default_wrapper_classes``),
    built once per process. Read-only after it is built, so threads may share it."""
    return schemapi._FromDict(wrapper_classes(schemapi.SchemaBase))


def from_dict(cls, dct: Any, validate: bool = True):
    """``SchemaBase.from_dict`` (Altair's body) with the converter made once."""
    if validate:
        cls.validate(dct)
    return converter(cls._default_wrapper_classes.__func__).from_dict(dct, cls)


def use() -> None:
    """Make Altair's ``SchemaBase.from_dict`` the one above (idempotent)."""
    schemapi.SchemaBase.from_dict = classmethod(from_dict)
