"""Browser tests: Playwright driving Debian's Chromium against a freshly started app.

Playwright cannot download its own browser here, so the tests use the system ``chromium``.
Without it they skip with a message, unless ``REQUIRE_BROWSER=1`` (CI), where a missing
browser is a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers import CHROMIUM, CHROMIUM_ARGS
from serve import ROOT, streamlit_server

ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            "REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)"
        )
    skip = pytest.mark.skip(
        reason="no chromium on PATH: install Debian's chromium to run the browser tests"
    )
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # reduced motion: a lesson does not play by itself on arrival, so tests start from a
    # known frame (tests/browser/test_player.py checks the autoplay without it)
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 1000},
        "reduced_motion": "reduce",
    }


@pytest.fixture(scope="module")
def app_url():
    """A fresh server per test module: its first request is the module's first deep link."""
    with streamlit_server() as base:
        yield base


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
