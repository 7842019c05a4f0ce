"""bench.browser's arithmetic and report: a lesson's time over the deep-link floor timed in
the same run, and the playing figures (frames painted per second, the lowest second, the
server's CPU and bytes per frame), from figures made up here."""

import re

import pytest

from bench.browser import DEEP_FLOOR, FASTEST_FPS, Playing, fps_windows, lesson_fps, report


def row(first_chart: float) -> dict:
    return {"first_visit_s": 2.0, "first_chart_s": first_chart, "seen_s": 2.1}


def played(lesson: str, key: str, speed: int, painted: int, **more) -> Playing:
    figures = {"seconds": 4.0, "frames": 240, "shown": painted, "wall_s": 4.0} | more
    return Playing(lesson, key, speed, painted=painted, **figures)


def test_lessons_are_reported_over_the_deep_link_floor():
    text = report(
        {
            "first": {
                "(streamlit floor)": row(0.98),
                DEEP_FLOOR: row(1.13),
                "momentum": row(1.70),
                "optimizer_race": row(1.83),
                "train_val_test": row(1.35),
            },
            "playing": [],
        }
    )
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "+0.57 s" in lines["momentum"]
    assert "+0.70 s" in lines["optimizer_race"]
    assert "+0.22 s" in lines["train_val_test"]
    for floor in ("(streamlit", "(floor,"):  # the floors themselves have no difference
        columns = re.findall(r"[+-]?\d+\.\d+ s|(?<= )-(?= |$)", lines[floor])
        assert columns[2] == "-", lines[floor]
    summary = next(line for line in text.splitlines() if line.startswith("median first chart"))
    assert summary == (
        "median first chart 1.70 s, max 1.83 s; over the deep-link floor: "
        "median +0.57 s, max +0.70 s (target <= +0.3 s)"
    )


def test_without_a_floor_there_is_no_difference():
    text = report({"first": {"momentum": row(1.70)}, "playing": []})
    assert "over the deep-link floor" not in text and "+" not in text.splitlines()[1]


def test_fps_windows_count_whole_seconds_only():
    # 3 frames in the first second, 2 in the second, the last 0.5 s is not a whole window
    times = [1000.0, 1500.0, 1999.0, 2000.0, 2999.0, 3200.0, 3400.0]
    assert fps_windows(times, start_ms=1000.0, end_ms=3500.0) == [3, 2]
    assert fps_windows([], start_ms=0.0, end_ms=2000.0) == [0, 0]  # nothing painted
    assert fps_windows([100.0], start_ms=0.0, end_ms=900.0) == []  # no whole second


def test_playing_figures():
    p = played(
        "gradient_descent", "gd", 60, 172, windows=[43, 44, 42, 43], cpu_s=0.02, page_busy_s=1.2
    )
    p.received, p.shown = 690, 169
    assert p.fps == 43.0  # 172 painted frames over 4 s
    assert p.lowest_fps == 42
    assert p.raf_fps == 60.0
    assert p.cpu_per_s == pytest.approx(0.005)
    assert p.page_busy_per_s == pytest.approx(0.3)
    assert p.bytes_per_s == pytest.approx(172.5)
    assert p.bytes_per_frame == pytest.approx(690 / 169)
    silent = played("gradient_descent", "gd", 20, 0, shown=0)
    assert silent.lowest_fps == 0.0 and silent.bytes_per_frame == 0.0


def test_a_lesson_counts_its_slowest_player():
    playing = [
        played("momentum", "mom", FASTEST_FPS, 200),
        played("momentum", "rav", FASTEST_FPS, 120),
        played("momentum", "mom", 20, 80),
        played("gradient_descent", "gd", FASTEST_FPS, 172),
    ]
    assert lesson_fps(playing, FASTEST_FPS) == {"momentum": 30.0, "gradient_descent": 43.0}
    assert lesson_fps(playing, 20) == {"momentum": 20.0}


def test_playing_report_states_the_targets():
    playing = [
        played("gradient_descent", "gd", 20, 80, windows=[19, 20, 20, 21]),
        played("gradient_descent", "gd", FASTEST_FPS, 172, windows=[43, 44, 42, 43], cpu_s=0.02),
        played("momentum", "mom", FASTEST_FPS, 232, windows=[58, 58, 58, 58], received=345),
    ]
    text = report({"first": {}, "playing": playing, "errors": ["overfitting"]})
    gd_fast = next(line for line in text.splitlines() if "(gd)" in line and " 60 " in line)
    assert gd_fast.split()[2:6] == ["60", "43.0", "42", "43.0"]
    assert gd_fast.split()[-1] == "0.00"  # no main-thread time given
    assert (
        f"at {FASTEST_FPS} frames/s: median over 2 animated lesson(s) 50.5 painted frames/s "
        "(target >= 50), lowest 43.0 (gradient_descent; target >= 30 on each)"
    ) in text
    # the momentum window received 345 bytes over 232 frames shown
    assert "max CPU 0.0050 s per second per visitor (target <= 0.01), max 1.5 bytes" in text
    assert text.endswith("not measured (the page showed an exception): overfitting")
