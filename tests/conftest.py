"""Shared test setup: the repository root on sys.path, so tests import sim and ui, and this
folder, so tests in every subfolder import its shared helpers (page_runs, text_checks)."""

import functools
import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for folder in (TESTS, ROOT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: two workers per core. A browser test waits on its page and its server,
    a page test on Streamlit's script thread, so one worker per core left half the CPU
    idle."""
    return 2 * (os.cpu_count() or 1)


def pytest_configure(config) -> None:
    """Every ``AppTest`` run scans the installed packages' metadata for custom-component
    manifests (Streamlit's ``scan_component_manifests``, ~0.5 s with a few hundred packages
    installed), and the page tests open some five hundred of them. The installed packages
    do not change during a test session, so one scan per process answers for all."""
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(
        manifest_scanner.scan_component_manifests
    )
