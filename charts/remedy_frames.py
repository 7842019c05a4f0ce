"""Frame tables of the cross-validation and remedies lessons, for the browser player.

Both lessons send every frame's data once: the player's param picks the frame
(``Frames.at``), so the browser redraws without the server. Their per-frame sentences are
written here in full, one row per frame, through the catalogs (``t``): the Korean particles
after a number (``폴드 3을``) are chosen on the server, where the number is known
(``ui.text.attach_particles``); a Vega expression could not choose them.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from charts.frames import Frames

LINE_HEIGHT = 18  # pixels per line of frame text


def text_rows(lines: Sequence[str]) -> pd.DataFrame:
    """One row per frame, ``frame`` (0-based) and its ``text``; ``\\n`` breaks a line."""
    return pd.DataFrame({"frame": range(len(lines)), "text": list(lines)})


def frame_text(rows: pd.DataFrame, frames: Frames, lines: int, width=None) -> alt.Chart:
    """The frame's ``text`` of ``rows`` (``text_rows``) as chart text, ``lines`` high (the
    most any frame needs, so the chart keeps its height while playing)."""
    chart = (
        alt.Chart(rows)
        .transform_filter(frames.at("frame"))
        .mark_text(
            align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=LINE_HEIGHT
        )
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
        .properties(height=LINE_HEIGHT * max(int(lines), 1), view=alt.ViewConfig(strokeWidth=0))
    )
    if width is not None:
        chart = chart.properties(width=width)
    return frames.bind(chart)


def line_count(texts: Sequence[str]) -> int:
    """The most lines any of ``texts`` takes."""
    return max((text.count("\n") + 1 for text in texts), default=1)


def picture_spans(shown: Sequence[int], n_frames: int) -> list[tuple[int, int]]:
    """``(shown_from, shown_until)`` for each picture taken at frame ``shown[i]``: it stays
    on screen until the next picture (the last one until the end, ``n_frames``)."""
    ends = [*shown[1:], n_frames]
    return [(int(a), int(b)) for a, b in zip(shown, ends, strict=True)]
