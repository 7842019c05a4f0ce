"""The animation player every animated lesson shares.

The page computes its whole run once (cached) and hands the player a ``draw(frame)``
function. Play starts an ``st.fragment(run_every=...)`` timer that advances the frame on the
server and redraws only the fragment (chart + scrub slider), so a frame costs one small
chart message; pause, step and reset are buttons; the slider scrubs to any frame.

``player()`` returns the frame being shown, and the draw function is called inside the
fragment with it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import streamlit as st

from ui.page import Page

TICK_SECONDS = 0.2  # timer interval while playing
SPEEDS = (1, 2, 5, 10)  # frames advanced per tick


def _keys(key: str) -> dict[str, str]:
    names = ("frame", "shown", "playing", "speed", "run", "full")
    return {name: f"{key}_{name}" for name in names}


def is_playing(key: str) -> bool:
    """Whether the player ``key`` is playing (charts drop their click layer meanwhile)."""
    return bool(st.session_state.get(_keys(key)["playing"], False))


def request_full_rerun(key: str) -> None:
    """Ask the player to rerun the whole page after this fragment run (e.g. a click on the
    chart changed an input the run depends on). Safe to call from a widget callback."""
    st.session_state[_keys(key)["full"]] = True
    st.session_state[_keys(key)["playing"]] = False


def player(
    page: Page,
    key: str,
    n_frames: int,
    draw: Callable[[int], None],
    run_id: Hashable,
    start_at_end: bool = True,
    frame_label: str | None = None,
    first_number: int = 0,
) -> None:
    """Controls and the animated view for frames ``0 .. n_frames - 1``.

    ``run_id`` identifies the computed run; when it changes (new inputs) the player stops
    and jumps to the last frame (or the first, with ``start_at_end=False``). The scrub
    slider is labelled ``frame_label`` (default "Step shown") and numbers the frames from
    ``first_number``: 1 where the page counts rounds from 1, so the slider and the caption
    say the same number.
    """
    k = _keys(key)
    t = page.t
    last = max(int(n_frames) - 1, 0)
    ss = st.session_state
    if ss.get(k["run"]) != run_id:
        ss[k["run"]] = run_id
        ss[k["frame"]] = last if start_at_end else 0
        ss[k["playing"]] = False
    ss.setdefault(k["playing"], False)
    ss.setdefault(k["speed"], SPEEDS[1])
    ss[k["frame"]] = min(max(int(ss.get(k["frame"], 0)), 0), last)

    def play_pause() -> None:
        if ss[k["playing"]]:
            ss[k["playing"]] = False
        else:
            if ss[k["frame"]] >= last:
                ss[k["frame"]] = 0
            ss[k["playing"]] = True

    def step() -> None:
        ss[k["playing"]] = False
        ss[k["frame"]] = min(ss[k["frame"]] + 1, last)

    def reset() -> None:
        ss[k["playing"]] = False
        ss[k["frame"]] = 0

    playing = ss[k["playing"]]
    cols = st.columns(3)
    cols[0].button(
        t("common.pause") if playing else t("common.play"),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key=f"{key}_play_btn",
        on_click=play_pause,
        type="primary",
        width="stretch",
        disabled=last == 0,
    )
    cols[1].button(
        t("common.step"),
        icon=":material/skip_next:",
        key=f"{key}_step_btn",
        on_click=step,
        width="stretch",
        disabled=last == 0,
    )
    cols[2].button(
        t("common.reset"),
        icon=":material/replay:",
        key=f"{key}_reset_btn",
        on_click=reset,
        width="stretch",
        disabled=last == 0,
    )

    @st.fragment(run_every=TICK_SECONDS if playing else None)
    def view() -> None:
        if ss.pop(k["full"], False):
            st.rerun(scope="app")
        if ss[k["playing"]]:
            if ss[k["frame"]] >= last:
                ss[k["playing"]] = False
                st.rerun(scope="app")  # drop the timer
            ss[k["frame"]] = min(ss[k["frame"]] + ss[k["speed"]], last)
        if last > 0:
            scrub, speed = st.columns([3, 1.2])
            # the slider shows the frame's number; the frame itself stays 0-based
            ss[k["shown"]] = ss[k["frame"]] + first_number

            def scrubbed() -> None:
                ss[k["frame"]] = ss[k["shown"]] - first_number

            scrub.slider(
                frame_label or t("common.frame"),
                first_number,
                last + first_number,
                key=k["shown"],
                on_change=scrubbed,
            )
            # inside the fragment: changing the speed reruns only the animated part
            speed.select_slider(
                t("common.speed"),
                options=SPEEDS,
                key=k["speed"],
                format_func=lambda s: t("common.speed_value", n=s),
            )
        draw(ss[k["frame"]])

    view()
