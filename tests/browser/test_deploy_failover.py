"""Browser: a lesson open through ``deploy/serve.sh 2`` (two replicas behind nginx) survives
the death of its replica. The page reconnects (to the other replica: its cookie moves
there), keeps showing the same view without an exception, and a reload builds that view
again from the URL alone on the replica it now talks to. A visitor on the other replica
notices nothing: its websocket is never closed.

The plain-HTTP checks of the recipe (routing, cookies, bad requests, restarts, stopping
by PID) are in tests/test_deploy.py.
"""

from __future__ import annotations

import os
import signal

from helpers import CHART, EXCEPTION, main_text, wait_for_app, watch_console
from serve import need_nginx, nginx_replicas

from deploy.nginx_conf import COOKIE

# a deep link with a view that differs from the lesson's defaults
DEEP_LINK = "gradient_descent?lang=en&surface=himmelblau&lr=0.01&steps=200"
OTHER_LINK = "learning_rate?lang=en"
# shown while the page has no connection ("Connecting"), and the error dialog after it
CONNECTION_STATUS = '[data-testid="stConnectionStatus"]'
DIALOG = '[data-testid="stDialog"]'


class Sockets:
    """The websockets a page opens and how many of them were closed."""

    def __init__(self, page):
        self.opened = self.closed = 0
        page.on("websocket", self._on_open)

    def _on_open(self, ws) -> None:
        self.opened += 1
        ws.on("close", self._on_close)

    def _on_close(self, _ws) -> None:
        self.closed += 1


def replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def open_settled(page, url: str) -> str:
    page.goto(url)
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0
    return main_text(page)


def test_a_lesson_survives_its_replica_dying(browser, browser_context_args):
    need_nginx()
    with nginx_replicas(2) as served:
        visitor = browser.new_context(**browser_context_args)
        page = visitor.new_page()
        errors = watch_console(page)
        sockets = Sockets(page)
        before = open_settled(page, f"{served.base}/{DEEP_LINK}")
        victim = replica_of(visitor)  # set by the first response
        survivor = "replica_2" if victim == "replica_1" else "replica_1"

        # a second visitor, held on the other replica by its cookie
        bystander = browser.new_context(**browser_context_args)
        bystander.add_cookies([{"name": COOKIE, "value": survivor, "url": served.base}])
        other = bystander.new_page()
        other_sockets = Sockets(other)
        other_before = open_settled(other, f"{served.base}/{OTHER_LINK}")
        assert replica_of(bystander) == survivor

        # serve.sh starts a dead replica again within a second, and a page that reconnects
        # after that may find its replica back: hold the supervisor while the page
        # reconnects, so this checks the replica staying dead (tests/test_deploy.py checks
        # the restart)
        os.kill(served.proc.pid, signal.SIGSTOP)
        try:
            os.kill(served.pids[int(victim.rsplit("_", 1)[1])], signal.SIGKILL)
            reconnect(page, sockets, survivor, before, errors)
        finally:
            os.kill(served.proc.pid, signal.SIGCONT)

        # the other replica's visitor noticed nothing
        assert other_sockets.opened == 1 and other_sockets.closed == 0
        assert other.locator(EXCEPTION).count() == 0
        assert main_text(other) == other_before
        visitor.close()
        bystander.close()


def reconnect(page, sockets: Sockets, survivor: str, before: str, errors: list) -> None:
    """The page whose replica was just killed reconnects to ``survivor``, still at its URL,
    and shows ``before``."""
    url = page.url
    # the page reconnects, to the surviving replica, and still shows its view
    for _ in range(150):
        if sockets.closed >= 1 and sockets.opened >= 2:
            break
        page.wait_for_timeout(200)
    assert sockets.closed >= 1 and sockets.opened >= 2, "the page never reconnected"
    page.wait_for_selector(CONNECTION_STATUS, state="detached", timeout=30_000)
    wait_for_app(page, timeout=30_000)
    assert replica_of(page.context) == survivor  # the cookie followed the session
    assert page.url == url
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(DIALOG).count() == 0
    assert main_text(page) == before

    # the replica it talks to now builds the same view from the URL alone
    errors.clear()
    assert open_settled(page, page.url) == before
    assert errors == []
