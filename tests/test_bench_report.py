"""bench.browser.report: every page's row, and a lesson's time over the deep-link floor
timed in the same run (what the app adds to what Streamlit itself needs)."""

import re

from bench.browser import DEEP_FLOOR, report


def row(first_chart: float, kb: float | None = None) -> dict:
    return {"first_visit_s": 2.0, "first_chart_s": first_chart, "seen_s": 2.1, "kb_per_frame": kb}


def test_lessons_are_reported_over_the_deep_link_floor():
    text = report(
        {
            "(streamlit floor)": row(0.98),
            DEEP_FLOOR: row(1.13),
            "momentum": row(1.70, 22.4),
            "optimizer_race": row(1.83, 23.8),
            "train_val_test": row(1.35),
        }
    )
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "+0.57 s" in lines["momentum"] and "22.4" in lines["momentum"]
    assert "+0.70 s" in lines["optimizer_race"]
    assert "+0.22 s" in lines["train_val_test"] and lines["train_val_test"].endswith("-")
    for floor in ("(streamlit", "(floor,"):  # the floors themselves have no difference
        columns = re.findall(r"[+-]?\d+\.\d+ s|(?<= )-(?= |$)", lines[floor])
        assert columns[2] == "-", lines[floor]
    summary = text.splitlines()[-1]
    assert summary.startswith("median first chart 1.70 s, max 1.83 s (target <= 1.5 s)")
    assert "over the deep-link floor: median +0.57 s, max +0.70 s" in summary
    assert summary.endswith("max KB per frame 23.8 (target <= 30)")


def test_without_a_floor_there_is_no_difference():
    text = report({"momentum": row(1.70, 22.4)})
    assert "over the deep-link floor" not in text and "+" not in text.splitlines()[1]
