"""Shared test setup: the repository root on sys.path, so tests import sim and ui, and this
folder, so tests in every subfolder import its shared helpers (page_runs, text_checks)."""

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
