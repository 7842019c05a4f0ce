"""The training progress bar: shown only for slow runs, redrawn a few times a second, so a
cache hit (which replays every element the cached run wrote) sends almost nothing."""

from unittest import mock

import pytest
from apptest_utils import open_page
from streamlit.delta_generator import DeltaGenerator

from ui.lessons import available
from ui.train_view import LazyProgress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeBar:
    def __init__(self, log: list, value: float, text: str | None) -> None:
        self.log = log
        log.append(("create", value, text))

    def progress(self, value: float, text: str | None = None) -> None:
        self.log.append(("progress", value, text))

    def empty(self) -> None:
        self.log.append(("empty",))


def lazy_bar(log: list, clock: FakeClock) -> LazyProgress:
    return LazyProgress("Training…", clock=clock, make_bar=lambda v, text: FakeBar(log, v, text))


def simulated_run(epochs: int, seconds: float) -> list:
    """What a ``LazyProgress`` bar draws for ``epochs`` epochs spread evenly over
    ``seconds`` of (fake) time."""
    log, clock = [], FakeClock()
    bar = lazy_bar(log, clock)
    for epoch in range(epochs):
        clock.now += seconds / epochs
        bar((epoch + 1) / epochs)
    bar.close()
    return log


def test_a_quick_run_draws_no_bar():
    assert simulated_run(200, 0.2) == []


def test_a_slow_run_shows_the_bar_and_redraws_it_at_most_ten_times_a_second():
    log = simulated_run(100, 2.0)
    kind, shown_at, text = log[0]
    assert kind == "create" and text == "Training…"
    assert 0.15 <= shown_at <= 0.16  # after 0.3 s of the 2 s run
    redraws = [entry for entry in log if entry[0] == "progress"]
    # shown at 0.3 s, then at most every 0.1 s until 2.0 s: at most 17 redraws, not 85
    assert 10 <= len(redraws) <= 17
    assert [v for _, v, _ in redraws] == sorted(v for _, v, _ in redraws)
    assert log[-1] == ("empty",)


def test_fractions_are_clamped():
    log, clock = [], FakeClock()
    bar = lazy_bar(log, clock)
    clock.now += 1.0
    bar(1.7)
    clock.now += 1.0
    bar(-0.2)
    assert [entry[1] for entry in log] == [1.0, 0.0]


TRAINING_PAGES = [lesson.file for lesson in available() if lesson.group == "training"]
MAX_REPLAYED = 50  # a few slow cold runs' bars; it was one message per epoch: 147-610


@pytest.mark.parametrize("file", TRAINING_PAGES, ids=lambda f: f.split("/")[-1][:-3])
def test_a_warm_visit_sends_few_progress_messages(file):
    at = open_page(file)
    sent = []
    original = DeltaGenerator._enqueue

    def record(self, delta_type, *args, **kwargs):
        sent.append(delta_type)
        return original(self, delta_type, *args, **kwargs)

    with mock.patch.object(DeltaGenerator, "_enqueue", record):
        at.run()  # every training run is now a cache hit
    assert sent.count("progress") <= MAX_REPLAYED, sent.count("progress")
