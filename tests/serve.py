"""Start the app with ``streamlit run`` on a free loopback port and stop it by PID, or
``deploy/serve.sh N`` (N replicas behind nginx) and stop it with SIGTERM.

Used by the browser tests and the benchmarks; every server is a fresh process, so a test
that opens a deep link first sees what a visitor of a just-woken hosted app sees.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
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


NGINX_HELP = "no nginx: apt-get install nginx to run the deploy tests"


def nginx_path() -> str | None:
    """Debian's nginx (in /usr/sbin, which a non-root PATH may lack), or None."""
    import shutil

    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def need_nginx() -> None:
    """Skip the calling test with a message when nginx is missing, or fail it under
    ``REQUIRE_NGINX=1`` (CI installs nginx, as it installs chromium)."""
    import pytest

    if nginx_path():
        return
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(f"REQUIRE_NGINX=1 but {NGINX_HELP}")
    pytest.skip(NGINX_HELP)


class Replicas:
    """A running ``deploy/serve.sh N``: its base URL, its output so far, the replicas' PIDs
    by number (updated when the script restarts one) and nginx's PID."""

    REPLICA = re.compile(r"replica (\d+): pid (\d+), port (\d+)")
    NGINX = re.compile(r"nginx: pid (\d+)")

    def __init__(self, proc: subprocess.Popen, base: str):
        self.proc, self.base = proc, base
        self.lines: list[str] = []
        self.read_at: list[float] = []  # time.perf_counter() when each line was read
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.read_at.append(time.perf_counter())
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match:
        """The first output line from ``start`` on matching ``pattern`` (waits for it);
        ``self.matched_at`` is the time it was printed (read)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for index in range(start, len(self.lines)):
                    if match := regex.search(self.lines[index]):
                        self.matched_at = self.read_at[index]
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise RuntimeError(
                        f"serve.sh printed no {pattern!r}:\n" + "\n".join(self.lines[-30:])
                    )
                self.changed.wait(min(left, 0.5))

    @property
    def pids(self) -> dict[int, int]:
        """Replica number -> PID of its latest start."""
        with self.changed:
            found = [self.REPLICA.search(line) for line in self.lines]
        return {int(m[1]): int(m[2]) for m in found if m}

    @property
    def ports(self) -> dict[int, int]:
        with self.changed:
            found = [self.REPLICA.search(line) for line in self.lines]
        return {int(m[1]): int(m[3]) for m in found if m}

    @property
    def nginx_pid(self) -> int:
        with self.changed:
            found = [self.NGINX.search(line) for line in self.lines]
        return next(int(m[1]) for m in found if m)


def pid_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@contextmanager
def nginx_replicas(replicas: int, timeout: float = 120.0, **env_vars: str):
    """Run ``deploy/serve.sh replicas`` on a free port (more environment: ``env_vars``)
    until it prints ``ready``; yield its ``Replicas``; stop it with SIGTERM (as a process
    manager would) afterwards."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHON": sys.executable, **env_vars}
    if nginx := nginx_path():
        env["NGINX"] = nginx
    proc = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "serve.sh"), str(replicas)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    served = Replicas(proc, f"http://127.0.0.1:{port}")
    try:
        served.wait_for(r"\bready\b", timeout)
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        served.reader.join(5)
