"""deploy/: the nginx config and ``deploy/serve.sh N`` (N replicas behind nginx), over plain
HTTP (the browser test of a replica dying under an open lesson is
tests/browser/test_deploy_failover.py).

serve.sh is run as a process manager would run it: in the foreground, stopped by a signal.
Without nginx these tests skip with a message, unless ``REQUIRE_NGINX=1`` (CI), where a
missing nginx fails them.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from serve import need_nginx, nginx_replicas, pid_running

from deploy.nginx_conf import COOKIE, render

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_CONF = ROOT / "deploy" / "nginx" / "compose.conf"
COMPOSE_REPLICAS = ["app1:8501", "app2:8502"]  # the services of deploy/compose.yaml


def request(base: str, path: str, headers: dict[str, str] | None = None):
    """``(status, headers, body)`` of a GET through nginx (no redirects followed)."""
    netloc = urlsplit(base).netloc
    conn = http.client.HTTPConnection(netloc, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def route_cookie(headers) -> str | None:
    """The replica the response's ``Set-Cookie`` names (None: no cookie set)."""
    for value in headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie(value)
        if COOKIE in cookie:
            return cookie[COOKIE].value
    return None


def websocket_handshake(base: str, cookie: str | None) -> str:
    """The status line and headers of a websocket upgrade of ``/_stcore/stream``."""
    netloc = urlsplit(base).netloc
    host, port = netloc.split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {base}",
    ]
    if cookie:
        lines.append(f"Cookie: {COOKIE}={cookie}")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).decode("latin-1").split("\r\n\r\n")[0]


def assert_nginx_error_page(status: int, headers, body: str, expected: int) -> None:
    assert status == expected, (status, body[:200])
    assert headers["Server"] == "nginx"  # nginx answered itself, without its version
    assert "<center>nginx</center>" in body and "Traceback" not in body
    assert "streamlit" not in body.lower()


def test_compose_uses_the_same_nginx_config():
    """deploy/nginx/compose.conf is what serve.sh's generator writes for the compose
    services: regenerate it with the command in its first lines after changing either."""
    expected = render("8080", COMPOSE_REPLICAS)
    assert COMPOSE_CONF.read_text() == expected, (
        "deploy/nginx/compose.conf is stale: python deploy/nginx_conf.py --listen 8080 "
        + " ".join(f"--replica {r}" for r in COMPOSE_REPLICAS)
        + " > deploy/nginx/compose.conf"
    )


def test_replicas_need_their_own_ports():
    with pytest.raises(ValueError, match="port"):
        render("127.0.0.1:8080", ["127.0.0.1:8501", "localhost:8501"])
    with pytest.raises(ValueError, match="host:port"):
        render("127.0.0.1:8080", ["127.0.0.1:8501; include /etc/passwd"])


def test_serve_sh_rejects_a_bad_replica_count():
    need_nginx()
    for bad in ("0", "two", "99"):
        done = subprocess.run(
            ["bash", str(ROOT / "deploy" / "serve.sh"), bad],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHON": sys.executable},
        )
        assert done.returncode == 1 and "usage: deploy/serve.sh N" in done.stderr, done


def test_two_replicas_sticky_by_cookie_and_bad_requests_get_nginx_pages():
    need_nginx()
    with nginx_replicas(2) as served:
        base = served.base
        assert set(served.pids) == {1, 2}
        for port in served.ports.values():  # every replica answers on its own port
            assert request(f"http://127.0.0.1:{port}", "/_stcore/health")[0] == 200
        assert request(base, "/_stcore/health")[0] == 200

        # first visits carry no cookie: round robin, and the first response names the
        # replica that answered it; visitors from one address still spread over both
        firsts = [route_cookie(request(base, "/gradient_descent?lang=en")[1]) for _ in range(4)]
        assert set(firsts) == {"replica_1", "replica_2"}, firsts
        # a visitor with a cookie stays on its replica (no new cookie), on every path
        for name in ("replica_1", "replica_2"):
            for path in ("/", "/momentum?lang=ko", "/_stcore/health", "/favicon.png"):
                status, headers, _ = request(base, path, {"Cookie": f"{COOKIE}={name}"})
                assert status == 200 and route_cookie(headers) is None, (name, path)
        # a cookie naming no replica is replaced, not trusted
        _, headers, _ = request(base, "/", {"Cookie": f"{COOKIE}=replica_9"})
        assert route_cookie(headers) in {"replica_1", "replica_2"}
        # the websocket is upgraded through nginx, and its 101 sets the cookie too
        handshake = websocket_handshake(base, None)
        assert handshake.startswith("HTTP/1.1 101"), handshake
        assert re.search(rf"Set-Cookie: {COOKIE}=replica_[12];", handshake), handshake
        assert websocket_handshake(base, "replica_2").startswith("HTTP/1.1 101")

        # bad requests get nginx's own page, never the app or a traceback
        assert_nginx_error_page(*request(base, "/wp-login.php"), 404)
        assert_nginx_error_page(*request(base, "/gradient_descent/../../etc/passwd"), 400)
        assert_nginx_error_page(*request(base, "/_stcore/metrics"), 404)
        assert_nginx_error_page(*request(base, "/", {"X-Padding": "a" * 9000}), 400)
        assert_nginx_error_page(*request(base, "/", {"Cookie": "c=" + "b" * 9000}), 400)
        assert_nginx_error_page(*request(base, "/gradient_descent?lr=" + "9" * 9000), 414)
        # and the app still answers afterwards
        assert request(base, "/gradient_descent?lang=en")[0] == 200

        # Ctrl-C stops nginx and every replica by PID
        pids = [served.nginx_pid, *served.pids.values()]
        served.proc.send_signal(signal.SIGINT)
        assert served.proc.wait(30) == 0
        assert not [pid for pid in pids if pid_running(pid)]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=2)


def test_a_dead_or_hung_replica_is_restarted_and_its_visitors_served_meanwhile():
    need_nginx()
    with nginx_replicas(2, HANG_SECONDS="4") as served:
        base = served.base
        victim = route_cookie(request(base, "/gradient_descent?lang=en")[1])
        number = int(victim.rsplit("_", 1)[1])
        old_pid, port = served.pids[number], served.ports[number]
        seen = len(served.lines)
        os.kill(old_pid, signal.SIGKILL)

        # the victim's visitors are answered by the other replica, and their cookie moves
        # with them (the session now lives there)
        status, headers, _ = request(
            base, "/gradient_descent?lang=en", {"Cookie": f"{COOKIE}={victim}"}
        )
        assert status == 200
        assert route_cookie(headers) not in {None, victim}

        # the script starts it again, by PID, on the same port
        restarted = served.wait_for(rf"replica {number}: pid (\d+)", 30, start=seen)
        new_pid = int(restarted[1])
        assert new_pid != old_pid and not pid_running(old_pid)
        served.wait_for(rf"replica {number} \(pid {new_pid}\) answers", 90, start=seen)
        assert request(f"http://127.0.0.1:{port}", "/_stcore/health")[0] == 200
        # and nginx sends visitors with its cookie to it again
        deadline = time.monotonic() + 30
        while route_cookie(request(base, "/", {"Cookie": f"{COOKIE}={victim}"})[1]):
            assert time.monotonic() < deadline, "nginx never went back to the restarted replica"
            time.sleep(1)

        # a replica that stops answering (stopped, as if hung) is restarted too
        other = 3 - number
        hung_pid = served.pids[other]
        seen = len(served.lines)
        os.kill(hung_pid, signal.SIGSTOP)
        served.wait_for(rf"replica {other} \(pid {hung_pid}\) has not answered", 60, start=seen)
        restarted = served.wait_for(rf"replica {other}: pid (\d+)", 30, start=seen)
        served.wait_for(rf"replica {other} \(pid {restarted[1]}\) answers", 90, start=seen)
        assert not pid_running(hung_pid)

        # SIGTERM (a process manager stopping it) stops nginx and every replica by PID
        pids = [served.nginx_pid, *served.pids.values()]
        served.proc.send_signal(signal.SIGTERM)
        assert served.proc.wait(30) == 0
        assert not [pid for pid in pids if pid_running(pid)]
        # the script has exited, but its last line may still be in the pipe: read to the end
        served.reader.join(10)
        assert "stopped" in served.lines[-1]
