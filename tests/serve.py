"""Start the app with ``streamlit run`` on a free loopback port and stop it by PID.

Used by the browser tests and the benchmarks; every server is a fresh process, so a test
that opens a deep link first sees what a visitor of a just-woken hosted app sees.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    timeout: float = 60.0, extra_args: tuple[str, ...] = (), script: str = "app.py"
):
    """Yield the base URL of a freshly started app (``script``, from the repository root);
    the server is stopped afterwards."""
    with streamlit_process(timeout, extra_args, script) as (base, _proc):
        yield base


@contextmanager
def streamlit_process(
    timeout: float = 60.0, extra_args: tuple[str, ...] = (), script: str = "app.py"
):
    """Yield ``(base_url, process)`` of a freshly started app (for measuring the server)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra_args,
    ]
    log = open(ROOT / f".streamlit-{port}.log", "w")  # noqa: SIM115 -- closed below
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in time")
            time.sleep(0.3)
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        Path(log.name).unlink(missing_ok=True)
