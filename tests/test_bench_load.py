"""bench.load: the report of a run on one server and of a run through nginx with the fault,
from figures made up here (the load test itself is a benchmark, not a test); and the
protocol visitor (bench.protocol) against a real server: its slider move reruns the page
and changes a chart, and the load phases run with two of them."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from serve import streamlit_process

from bench.load import Recovery, Run, lessons_for, report


def phases(**cpu: float) -> dict[str, dict[str, float]]:
    return {phase: dict(cpu) for phase in ("arrive", "play", "slider", "quiet")}


def test_one_server(monkeypatch):
    monkeypatch.setattr("bench.load.os.cpu_count", lambda: 2)
    run = Run("1 server, no nginx", 2, servers={"server": 10})
    run.plays, run.playing = 2, 2
    run.lessons = ["gradient_descent"]
    run.slider_s, run.quiet_s = [1.0, 3.0], [0.5, 0.7]
    run.timed = {"slider": [(1.0, "gradient_descent"), (3.0, "momentum")]}
    run.cpu = phases(server=2.0, **{"(machine)": 6.0})
    run.wall = {"arrive": 10.0, "play": 4.0, "slider": 5.0, "quiet": 5.0}
    run.start_mb, run.peak_mb = {"server": 50.0}, {"server": 70.0}
    text = report(run)
    assert "2 sessions, 0 errors; Play pressed 2, 2 playing 4 s later" in text
    assert "lessons with a player: gradient_descent" in text
    assert "p50 2.00 s" in text  # the median of the two slider times
    assert "server CPU 1.00 s per control change" in text  # 2.0 s over 2 changes
    assert "0.2500 s per second per visitor" in text  # 2.0 s over 4 s, 2 visitors
    # 6 busy CPU seconds of 2 cores over 10, 4 and 5 s; the machine is not a process
    assert "% of 2 cores): arrive 30%, play 75%, slider 60%, quiet 60%" in text
    assert "play (4 s): server 2.0;" in text
    assert "server 50 -> 70 MB (~10.0 MB per session)" in text
    assert "slowest moves: slider: gradient_descent 1.00 s, momentum 3.00 s" in text
    assert "fault" not in text


def test_through_nginx_with_the_fault():
    run = Run("nginx + 2 replicas", 4, servers={"replica_1": 10, "replica_2": 11, "nginx": 12})
    run.per_replica = {"replica_1": 2, "replica_2": 2}
    run.slider_s = run.quiet_s = [1.0, 1.0, 1.0, 1.0]
    run.cpu = phases(replica_1=1.0, replica_2=3.0, nginx=0.1)
    run.wall = {"arrive": 10.0, "play": 4.0, "slider": 5.0, "quiet": 5.0}
    run.start_mb = {"replica_1": 50.0, "replica_2": 50.0, "nginx": 8.0}
    run.peak_mb = {"replica_1": 60.0, "replica_2": 70.0, "nginx": 8.0}
    run.fault = {
        "killed_pid": 10,
        "victims": 2,
        "outcomes": [
            Recovery(1.0, 4.0, 6.0),
            Recovery(2.0, 12.0, None, "momentum: next change (TimeoutError )"),
        ],
        "others": 2,
        "others_reconnected": [],
        "others_exceptions": 0,
        "others_s": [1.0, 2.0],
        "restart_s": 3.5,
    }
    run.events = ["serve.sh: replica 1 (pid 10) exited with status 137: restarting in 0 s"]
    text = report(run)
    assert "visitors per replica: replica_1 2, replica_2 2" in text
    assert "server CPU 1.00 s per control change" in text  # (1 + 3) s over 4 changes
    assert "replica_1 50 -> 60 MB (~5.0 MB per session)" in text
    assert "replica_2 50 -> 70 MB (~10.0 MB per session)" in text
    assert "its 2 visitors, seconds from the kill:" in text
    assert "reconnected 2 (2 within 10 s, median 1.5, max 2.0)" in text
    assert "same view again 2 (1 within 10 s, median 8.0, max 12.0)" in text
    assert "next change drawn 1 (1 within 10 s, median 6.0, max 6.0)" in text
    assert "restarted and answering after 3.5 s" in text
    assert "the other 2 visitors: 0 reconnected, 0 exceptions" in text
    assert "fault failures: ['momentum: next change" in text
    assert text.endswith("restarting in 0 s")


def test_the_visitors_open_the_lessons_with_a_player_in_turn():
    found = {"gradient_descent": True, "learning_rate": False, "momentum": True}
    assert lessons_for(found, 5) == [
        "gradient_descent",
        "momentum",
        "gradient_descent",
        "momentum",
        "gradient_descent",
    ]
    assert lessons_for({"gradient_descent": True}, 2) == ["gradient_descent"] * 2


def test_without_a_player_there_is_nothing_to_load():
    with pytest.raises(RuntimeError, match="no lesson shows an animation player"):
        lessons_for({"gradient_descent": False}, 20)


def test_browsers_start_at_the_priority_asked(tmp_path):
    """At nice 19 the browsers yield the cores to the servers; 0 is Chromium itself."""
    import subprocess
    from pathlib import Path

    from bench.load import CHROMIUM, niced_chromium

    assert niced_chromium(0, str(tmp_path)) == CHROMIUM
    script = Path(niced_chromium(19, str(tmp_path))).read_text()
    assert f'exec nice -n 19 "{CHROMIUM}" "$@"' in script
    # the wrapper's exec line runs its arguments at that priority
    probe = tmp_path / "probe"
    probe.write_text(script.replace(f'"{CHROMIUM}"', "nice"))
    probe.chmod(0o755)
    assert subprocess.run([str(probe)], capture_output=True, text=True).stdout.strip() == "19"


LESSON = "gradient_descent"  # a lesson with a player and a slider that reruns its charts


def run_apart(coroutine):
    """Run a coroutine in a thread of its own: a browser test earlier in this worker leaves
    Playwright's event loop running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def server():
    with streamlit_process() as (base, proc):
        yield base, proc.pid


def test_a_protocol_visitor_moves_the_first_slider_and_a_chart_changes(server):
    from bench.protocol import ProtocolVisitor, url_number

    async def visit(base):
        visitor = ProtocolVisitor(base, LESSON)
        try:
            first = await visitor.open(timeout=120)
            there = await visitor.move_first_slider(timeout=60)
            back = await visitor.move_first_slider(timeout=60)
            return visitor, first, there, back
        finally:
            await visitor.close()

    visitor, first, there, back = run_apart(visit(server[0]))
    assert first.has_player and not first.exceptions and first.of_type("vega_lite_chart")
    kind, slider = visitor.first_slider()
    state = visitor.values[slider.id]  # what the next rerun would send for it
    if kind == "select_slider":
        assert list(state.string_array_value.data) == [back.after]
    else:
        assert kind == "slider"
        assert [url_number(v, False) for v in state.double_array_value.data] == [back.after]
    # one notch up, then back: each rerun finished and redrew a chart
    assert there.after != there.before and (back.before, back.after) == (there.after, there.before)
    assert there.changed_charts and back.changed_charts
    assert there.changed_charts[0] in first.chart_digests()
    assert 0 < there.seconds < 60 and 0 < back.seconds < 60
    assert not visitor.page.exceptions
    # the way back is a page the visitor has seen: the server sent cached charts by reference
    assert visitor.references > 0


def test_the_load_phases_run_with_protocol_visitors(server, monkeypatch):
    from bench.load import ProtocolClients, scenario

    monkeypatch.setattr("bench.load.PLAY_SECONDS", 0.2)  # Play sends nothing to wait for
    base, pid = server
    run = Run("1 server, no nginx", 2, servers={"server": pid}, client="protocol")
    run_apart(scenario(ProtocolClients(only=[LESSON]), base, 2, run, run.servers, None))
    assert run.errors == []
    assert run.lessons == [LESSON] and run.loaded == 2 and run.plays == 0
    assert len(run.slider_s) == 2 and len(run.quiet_s) == 2  # each move changed a chart
    assert set(run.cpu["slider"]) == {"server", "(protocol visitors)", "(machine)"}
    text = report(run)
    assert "protocol visitors, no browser]: 2 sessions, 0 errors; 2 loaded" in text
    assert "slider to finished rerun" in text


def test_a_protocol_visitor_reads_its_replica_from_the_handshake_cookie():
    """Through nginx the replica that took a websocket is named by the cookie nginx sets on
    the handshake's response (deploy/nginx_conf.py); without one (no nginx) it is None."""
    from types import SimpleNamespace

    from websockets.datastructures import Headers

    from bench.protocol import handshake_cookie
    from deploy.nginx_conf import COOKIE

    headers = Headers(
        [("Set-Cookie", "other=1; Path=/"), ("Set-Cookie", f"{COOKIE}=replica_2; Path=/")]
    )
    assert (
        handshake_cookie(SimpleNamespace(response=SimpleNamespace(headers=headers)), COOKIE)
        == "replica_2"
    )
    assert (
        handshake_cookie(SimpleNamespace(response=SimpleNamespace(headers=Headers())), COOKIE)
        is None
    )
    assert handshake_cookie(None, COOKIE) is None
