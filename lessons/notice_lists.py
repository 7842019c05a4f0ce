"""A list inside one notice paragraph (a bulleted list, or names joined by commas), built from
``Notice`` values only, so ``ui.page.words`` writes it in the visitor's language.

``chained([a, b, c], "x.list_last", "x.list_more")`` is

    Notice("x.list_more", item=a, more=Notice("x.list_more", item=b,
                                               more=Notice("x.list_last", item=c)))

and the catalog's two templates say how items are joined: ``list_more = "- {item}\\n{more}"``
and ``list_last = "- {item}"`` give a markdown list, ``"{item}, {more}"`` and ``"{item}"`` a
comma-separated one. The words come out as ``sep.join(words(item) for item in items)`` did.
"""

from __future__ import annotations

from collections.abc import Sequence

from lessons.notices import Notice, notice


def chained(items: Sequence, last_key: str, more_key: str) -> Notice:
    """``items`` (``Notice`` or plain text, at least one) as one nested ``Notice``."""
    if not items:
        raise ValueError("a list notice needs at least one item")
    chain = notice(last_key, item=items[-1])
    for item in reversed(items[:-1]):
        chain = notice(more_key, item=item, more=chain)
    return chain
