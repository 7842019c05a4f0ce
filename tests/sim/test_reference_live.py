"""The stored golden values are still what the reference frameworks compute.

Runs only where torch, keras and jax are installed (CI has none of them and skips): it
records everything afresh with tests/sim/reference/record.py, in child processes, and compares
with tests/sim/reference/golden.json. With test_reference.py (sim against the stored values)
this is the live cross-check: sim against Keras 3 and PyTorch as installed.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MISSING = [m for m in ("torch", "keras", "jax") if importlib.util.find_spec(m) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"needs {', '.join(MISSING)} (tests/sim/reference/record.py)"
)

HERE = Path(__file__).with_name("reference")
# other versions of the references may round differently; a real change is far larger
RTOL, ATOL = 1e-9, 1e-13


def _compare(fresh, stored, path="golden"):
    """Same structure and strings; numbers within RTOL (arrays compared element-wise)."""
    if isinstance(stored, dict):
        assert sorted(fresh) == sorted(stored), path
        for key in stored:
            _compare(fresh[key], stored[key], f"{path}.{key}")
    elif isinstance(stored, list) and stored and all(_is_number(v) for v in stored):
        np.testing.assert_allclose(fresh, stored, RTOL, ATOL, err_msg=path)
    elif isinstance(stored, list):
        assert isinstance(fresh, list) and len(fresh) == len(stored), path
        for i, (a, b) in enumerate(zip(fresh, stored, strict=True)):
            _compare(a, b, f"{path}[{i}]")
    elif _is_number(stored):
        np.testing.assert_allclose(fresh, stored, RTOL, ATOL, err_msg=path)
    else:
        assert fresh == stored, path


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_golden_values_are_what_the_references_compute_now(tmp_path):
    out = tmp_path / "golden.json"
    subprocess.run([sys.executable, HERE / "record.py", out], check=True, timeout=900)
    fresh, stored = (json.loads(p.read_text()) for p in (out, HERE / "golden.json"))
    fresh.pop("recorded_with"), stored.pop("recorded_with")  # versions may differ
    _compare(fresh, stored)
