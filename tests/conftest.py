"""Shared test setup: the repository root on sys.path, so tests import sim and ui, and this
folder, so tests in every subfolder import its shared helpers (page_runs, text_checks)."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for folder in (TESTS, ROOT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
