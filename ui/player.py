"""The animation player every animated lesson shares; it plays in the browser.

The page computes its whole run once (cached) and draws every frame's data in its charts
once. Each chart carries a Vega-Lite param ``<key>_frame`` (``Frames.param``) and filters
its marks on it (``datum.step <= <key>_frame``); the player, a Streamlit custom component
(``ui/player.html``, ``.css``, ``.js``), sets that param in every chart on each animation
frame. Playing, stepping, scrubbing and changing the speed never reach the server.

Usage::

    frames = player(page, "gd", n_frames, run_id=(surface, lr, ...), unit=t("common.unit_step"))
    chart = frames.bind(chart)   # each chart that follows the frame

With ``live=`` the player also follows a Streamlit slider while it is dragged: the charts
hold the runs for every option of that slider (a param ``<key>_run`` picks one), so the
path redraws under the thumb; releasing reruns the page with the chosen value as usual.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from charts.frames import Frames
from ui.page import Page

HERE = Path(__file__).parent
FPS_OPTIONS = (1, 2, 5, 10, 20, 30, 60)  # frames per second a learner can pick

# The player's code is read once per process; Streamlit sends it with the first render.
_player = st.components.v2.component(
    "descent_lab_player",
    html=(HERE / "player.html").read_text(encoding="utf-8"),
    css=(HERE / "player.css").read_text(encoding="utf-8"),
    js=(HERE / "player.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


@dataclass(frozen=True)
class Live:
    """A Streamlit slider (``widget``: its key) whose options' runs the charts all hold;
    ``index`` is the option chosen now."""

    widget: str
    index: int
    count: int


def player(
    page: Page,
    key: str,
    n_frames: int,
    run_id: Hashable,
    start_at_end: bool = True,
    unit: str | None = None,
    first_number: int = 0,
    fps: int = 10,
    panels: bool = False,
    live: Live | None = None,
    autoplay: bool = True,
) -> Frames:
    """The controls for frames ``0 .. n_frames - 1``; returns the ``Frames`` the charts bind.

    ``run_id`` identifies the computed run: when it changes (new inputs) the player stops
    on the last frame (or the first, with ``start_at_end=False``). The position reads
    ``unit`` (default "Step") and numbers frames from ``first_number``: 1 where the lesson
    counts rounds or epochs from 1, so the player and the charts say the same number.
    ``fps`` is the starting speed in frames per second. ``panels``: Streamlit containers
    keyed ``<key>_panel_<frame>`` are shown only on their frame. On a first visit the run
    plays once by itself, unless the browser asks for reduced motion (``autoplay``).
    """
    t = page.t
    count = max(int(n_frames), 1)
    start = count - 1 if start_at_end else 0
    data = {
        "key": key,
        "frames": count,
        "start": start,
        "run_id": json.dumps(run_id, default=str),
        "signal": f"{key}_frame",
        "first_number": int(first_number),
        "fps": int(fps) if int(fps) in FPS_OPTIONS else 10,
        "fps_options": list(FPS_OPTIONS),
        "autoplay": bool(autoplay),
        "panels": bool(panels),
        "live": None
        if live is None
        else {"widget": live.widget, "signal": f"{key}_run", "index": live.index},
        "labels": {
            "play": t("common.play"),
            "pause": t("common.pause"),
            "back": t("common.step_back"),
            "forward": t("common.step_forward"),
            "reset": t("common.reset"),
            "speed": t("common.speed"),
            "fps": t("common.fps_value"),
            "fps_one": t("common.fps_one"),
            "unit": unit or t("common.unit_step"),
            "player": t("common.player"),
        },
    }
    _player(key=f"{key}_player", data=data, width="stretch")
    return Frames(
        key,
        count,
        start,
        None if live is None else live.index,
        0 if live is None else live.count,
    )


def live_options(options: Sequence[float], value: float, widget: str) -> Live:
    """``Live`` for a slider over ``options`` now at ``value``."""
    options = list(options)
    return Live(widget, options.index(value), len(options))
