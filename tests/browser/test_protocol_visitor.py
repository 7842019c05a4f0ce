"""Browser: the protocol visitor (``bench.protocol``) says what Chromium says. When the first
slider of a lesson moves one notch, the rerun each sends carries the same widget states
(every mounted widget's value, the moved slider's included), query string, page hash and
page name. fit_batches_epochs holds a selectbox, select sliders, bound sliders (the front
end writes them into the URL) and integer number boxes; adaptive_rates a bound select
slider, checkboxes and sliders in a closed popover (not mounted: not sent).

The browser sends the widgets it has mounted, and the sidebar's are drawn last: the page
is moved once every widget the protocol visitor sends is in it (``.st-key-<key>``), as a
visitor's page is long before its move in the load test."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.state.common import user_key_from_element_id

from bench.load import IDLE_WITH_CHART, first_slider
from bench.protocol import ProtocolVisitor


def sent_fields(msg: BackMsg) -> tuple:
    rerun = msg.rerun_script
    states = {
        state.id: state.SerializeToString(deterministic=True)
        for state in rerun.widget_states.widgets
    }
    return states, rerun.query_string, rerun.page_script_hash, rerun.page_name


def browser_move(context, base: str, lesson: str, keys: list[str]) -> BackMsg:
    """The rerun BackMsg Chromium sends when the lesson's first slider moves right, once
    the widgets with these keys are in the page."""
    sent: list[BackMsg] = []

    def on_socket(socket) -> None:
        socket.on("framesent", lambda payload: sent.append(BackMsg.FromString(payload)))

    page = context.new_page()
    page.on("websocket", on_socket)
    page.goto(f"{base}/{lesson}?lang=en")
    page.wait_for_function(IDLE_WITH_CHART, timeout=60_000)
    for key in keys:
        page.wait_for_selector(f".st-key-{key}", state="attached", timeout=30_000)
    opened = len(sent)
    first_slider(page).press("ArrowRight")
    end = time.monotonic() + 30
    while len(sent) == opened and time.monotonic() < end:
        page.wait_for_timeout(50)
    page.close()
    assert len(sent) > opened, "moving the slider sent nothing"
    return sent[opened]


def protocol_move(base: str, lesson: str) -> BackMsg:
    """The rerun BackMsg the protocol visitor sends for the same move."""
    messages: list[BackMsg] = []

    async def visit() -> None:
        visitor = ProtocolVisitor(base, lesson)
        build = visitor._rerun_message

        def recorded(page_name: str) -> BackMsg:
            messages.append(build(page_name))
            return messages[-1]

        visitor._rerun_message = recorded
        try:
            await visitor.open(timeout=60)
            move = await visitor.move_first_slider(timeout=60)
            assert move.changed_charts
        finally:
            await visitor.close()

    # Playwright's sync API owns this thread's event loop: the visitor gets a thread
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, visit()).result()
    return messages[-1]


@pytest.mark.parametrize("lesson", ["fit_batches_epochs", "adaptive_rates"])
def test_the_protocol_visitor_sends_what_the_browser_sends(app_url, context, lesson):
    on_the_wire = protocol_move(app_url, lesson)
    widgets = on_the_wire.rerun_script.widget_states.widgets
    keys = [user_key_from_element_id(state.id) for state in widgets]
    in_browser = browser_move(context, app_url, lesson, keys)
    assert in_browser.WhichOneof("type") == on_the_wire.WhichOneof("type") == "rerun_script"
    assert sent_fields(on_the_wire) == sent_fields(in_browser)
    assert widgets  # a page with widgets was compared
