"""Layered charts that copy in linear time: ``layer(*charts)`` is ``alt.layer`` for every
chart builder of the app.

Altair copies a chart before each change (``properties``, ``resolve_scale``, ``add_params``,
a layer on top). A copy of an ``alt.LayerChart`` is made by calling ``LayerChart.__init__``
again, which lifts the layers' params by deep-copying every layer, each nested layered
chart again through its own ``__init__``: the work grows as (3 x layers) ** depth. A page
whose learning curves nest four layered charts deep copied 700 000 schema objects per run.

A ``LayerChart`` here is the same Vega-Lite chart, made once by Altair's ``__init__``; its
copies take the attributes as they are (their params already lifted), copying what lies
below them once. The spec Altair writes is the same (tests/charts/test_layering.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import altair as alt
from altair.utils.schemapi import SchemaBase


def _copied(value: Any) -> Any:
    """A deep copy of one attribute's value as Altair makes it: schema objects, lists and
    dicts are copied, anything else (a data frame, a string) is kept by reference."""
    if isinstance(value, SchemaBase):
        return value.copy(deep=True)
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    return value


def _shallow(value: Any) -> Any:
    """The one-level copy Altair makes of an attribute it is about to change."""
    if isinstance(value, SchemaBase):
        return value.copy(deep=False)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


class LayerChart(alt.LayerChart):
    """``alt.LayerChart`` whose copies skip ``__init__`` (see the module's docstring)."""

    def copy(self, deep: bool | Iterable[str] = True, ignore: list[str] | None = None):
        keep = set(ignore or ())
        if deep is True:
            kwds = {k: (v if k in keep else _copied(v)) for k, v in self._kwds.items()}
            args = tuple(_copied(arg) for arg in self._args)
        else:
            kwds, args = dict(self._kwds), self._args
            if deep is not False:
                for name in deep:
                    if name in kwds:
                        kwds[name] = _shallow(kwds[name])
        clone = object.__new__(type(self))
        object.__setattr__(clone, "_args", args)
        object.__setattr__(clone, "_kwds", kwds)
        return clone

    def add_params(self, *params):
        # Altair puts the params on the first layer and counts on its copy's ``__init__``
        # to lift them to the top, where Vega-Lite reads them: lifted here by one
        if not params or not self.layer:
            return self
        added = super().add_params(*params)
        return type(self)(*added._args, **added._kwds)

    def __deepcopy__(self, memo=None):
        # Altair's own deep copy calls this for a LayerChart nested in another chart
        return self.copy(deep=True)


def layer(*charts, **kwargs) -> LayerChart:
    """``alt.layer(*charts, **kwargs)`` as a ``LayerChart`` of this module."""
    return LayerChart(layer=list(charts), **kwargs)
