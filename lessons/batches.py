"""The fit() and batch-size lessons (B1-B5, B3, B16): the mock-exam answer sheet, the
batch-size sweep, and what each lesson says about its runs (``lessons.notices``).

* ``train_with_answers`` runs ``sim.training.train`` with an ``AnswerSheet`` callback that
  grades every question after every epoch (which questions the model gets wrong with the
  weights it has after that epoch); ``wrong_counts`` turns that into the wrong-answer curve.
* ``sweep_sizes`` / ``sweep_epochs`` bound the batch-size sweep (``caps.MAX_SWEEP`` runs,
  at most ``MAX_UPDATES`` updates for the batch-1 run); ``curve_noise`` measures how much the
  per-update loss jumps around; ``cost_rows`` puts updates, time, loss, noise and the memory
  estimate of ``sim.nn.costs`` side by side.
* ``fit_notices``, ``frame_lines``, ``Calculation`` and ``sweep_notices`` state the
  lessons' facts as catalog keys and values, read off the runs.

No streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons.notices import Notice, Number, notice
from sim import caps
from sim.datasets import mock_exam_batches
from sim.nn import Callback, costs
from sim.nn.batching import updates_per_epoch
from sim.training import NetSpec, TrainResult, build_model, train

# a cap of these lessons (not in sim/caps.py): weight updates of one run. Batch size 1 makes
# one update per sample, ~0.2 ms each here, so this keeps a run near 1-2 s.
MAX_UPDATES = 8_000
GRID_MAX = 400  # questions drawn in the mock-exam grid (the first ones of the workbook)
SWEEP_SIZES = (1, 8, 32, 128)  # plus N, the whole set
NOISE_WINDOW = 9  # updates in the moving average the curve noise is measured against
WRONG_COLOUR = "#D55E00"


# --- the answer sheet ----------------------------------------------------------------------


class AnswerSheet(Callback):
    """Grades every question before training and after every epoch: ``wrong[e]`` is a
    boolean array, True where the prediction after ``e`` completed epochs misses ``y``."""

    batch_hooks = False

    def __init__(self, x: np.ndarray, y: np.ndarray, task: str) -> None:
        super().__init__()
        self.x, self.y, self.task = x, y, task
        self.wrong: list[np.ndarray] = []

    def _grade(self) -> None:
        self.wrong.append(misses(self.model.predict(self.x), self.y, self.task))

    def on_train_begin(self, logs=None) -> None:
        self.wrong = []
        self._grade()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._grade()


def misses(pred: np.ndarray, y: np.ndarray, task: str, tolerance: float = 0.25) -> np.ndarray:
    """Which predictions are wrong answers: the wrong class for classification; for
    regression, further than ``tolerance`` from the answer."""
    pred = np.asarray(pred, dtype=float)
    if task == "binary":
        guess = (pred.reshape(len(y), -1)[:, 0] >= 0.5).astype(int)
        return guess != y
    if task == "multiclass":
        return np.argmax(pred, axis=1) != y
    return np.abs(pred.reshape(len(y)) - y) > tolerance


@dataclass
class AnsweredRun:
    result: TrainResult
    wrong: np.ndarray  # (completed epochs + 1, n) booleans; row 0 = before training

    @property
    def counts(self) -> list[int]:
        return wrong_counts(self.wrong)


def train_with_answers(x, y, spec: NetSpec, task: str, n_classes, **kwargs) -> AnsweredRun:
    """``sim.training.train`` plus the answer sheet of every epoch (no validation split, so
    the batches are exactly ``mock_exam_batches``)."""
    sheet = AnswerSheet(x, y, task)
    result = train(x, y, spec, task, n_classes, callbacks=[sheet], **kwargs)
    rows = sheet.wrong[: len(result.epochs) + 1]  # a diverged epoch is not recorded
    return AnsweredRun(result, np.array(rows, dtype=bool).reshape(len(rows), len(y)))


def wrong_counts(wrong: np.ndarray) -> list[int]:
    return [int(v) for v in np.asarray(wrong).sum(axis=1)]


def epochs_for_updates(epochs: int, n: int, batch_size: int, budget: int = MAX_UPDATES) -> int:
    """The largest epoch count <= ``epochs`` with at most ``budget`` updates in all, also
    within ``caps.MAX_SAMPLE_EPOCHS``."""
    per_epoch = updates_per_epoch(n, batch_size)
    return max(1, min(caps.epochs_within_budget(epochs, n), budget // max(per_epoch, 1)))


@dataclass(frozen=True)
class Fall:
    """How the wrong-answer count fell: ``kind`` is "fast_then_slow", "steady" (still
    falling as fast at the end), "bumpy" (ended well above its best: steps too big),
    "no_progress" or "perfect_early" (all correct before the last epoch and still so)."""

    kind: str
    start: int
    end: int
    split_epoch: int  # end of the "early" part
    at_split: int
    early_drop: int
    late_drop: int
    best: int
    best_epoch: int


def describe_fall(counts: Sequence[int]) -> Fall:
    """Split the curve at a quarter of the epochs (at least epoch 1) and compare the drop
    before and after; a curve that ends more than ``max(2, start / 10)`` above its best
    is "bumpy"."""
    counts = [int(c) for c in counts]
    epochs = len(counts) - 1
    start, end = counts[0], counts[-1]
    best = min(counts)
    best_epoch = counts.index(best)
    split = max(1, int(np.ceil(epochs / 4))) if epochs else 0
    at_split = counts[split]
    early, late = start - at_split, at_split - end
    if epochs == 0 or end >= start:
        kind = "no_progress"
    elif end == 0 and best_epoch < epochs:
        kind = "perfect_early"
    elif end - best > max(2, 0.1 * start):
        kind = "bumpy"
    elif early > late:
        kind = "fast_then_slow"
    else:
        kind = "steady"
    return Fall(kind, start, end, split, at_split, early, late, best, best_epoch)


def exam_grid(
    n: int, batch_size: int, epoch: int, seed: int, wrong: np.ndarray, limit: int = GRID_MAX
) -> pd.DataFrame:
    """One cell per question (the first ``limit``): ``question`` (1-based), ``row``, ``col``,
    ``batch`` (1-based, the batch it is answered in during epoch ``epoch`` (0-based), the
    very order ``fit`` uses) and ``wrong`` (0/1)."""
    batch_of, _ = mock_exam_batches(n, batch_size, epoch, seed)
    shown = min(n, limit)
    cols = 10 if shown <= 100 else 20
    q = np.arange(shown)
    return pd.DataFrame(
        {
            "question": q + 1,
            "row": q // cols,
            "col": q % cols,
            "batch": batch_of[:shown] + 1,
            "wrong": np.asarray(wrong[:shown], dtype=int),
        }
    )


def grid_cell(grid: pd.DataFrame) -> int:
    """Pixels per cell side of the mock-exam grid (10 columns: 34, 20 columns: 17)."""
    return 34 if (int(grid["col"].max()) + 1 if len(grid) else 10) <= 10 else 17


# --- what the fit() lesson says ---------------------------------------------------------------


def epochs_capped(requested: int, n: int, batch_size: int, epochs: int) -> list[Notice]:
    """The notice that the run trains ``epochs`` instead of the ``requested`` epochs
    (``epochs_for_updates``), or none when nothing was cut."""
    if epochs >= requested:
        return []
    per_epoch = updates_per_epoch(n, batch_size)
    return [
        notice(
            "fit.epochs_capped",
            requested=requested,
            per_epoch=per_epoch,
            cap=MAX_UPDATES,
            epochs=epochs,
        )
    ]


def frame_lines(n: int, batch_size: int, counts: Sequence[int]) -> list[Notice]:
    """The player's text, one per frame: frame 0 before training, frame ``e`` after epoch
    ``e`` (``counts[e]`` wrong), naming the batches of ``ceil(n / batch_size)`` and the
    last batch's ``n - (batches - 1) * batch_size`` questions when it is smaller."""
    per_epoch = updates_per_epoch(n, batch_size)
    size = min(batch_size, n)
    last = n - (per_epoch - 1) * size  # the remainder when batch_size does not divide n
    epochs = len(counts) - 1
    key = "fit.frame_epoch" if last == size else "fit.frame_epoch_partial"
    lines = [notice("fit.frame_start", wrong=counts[0], n=n, batches=per_epoch)]
    for epoch in range(1, epochs + 1):
        lines.append(
            notice(
                key,
                epoch=epoch,
                epochs=epochs,
                batches=per_epoch,
                batch=size,
                last=last,
                wrong=counts[epoch],
                n=n,
            )
        )
    return lines


@dataclass(frozen=True)
class Calculation:
    """The calculator: ``iterations = ceil(samples / batch_size)`` per epoch, ``total =
    iterations * epochs`` updates, ``last = samples - (iterations - 1) * batch_size``
    samples in the last batch."""

    samples: int
    batch_size: int
    epochs: int

    @property
    def iterations(self) -> int:
        return updates_per_epoch(self.samples, self.batch_size)

    @property
    def total(self) -> int:
        return self.iterations * self.epochs

    @property
    def last(self) -> int:
        return self.samples - (self.iterations - 1) * self.batch_size

    def formula(self) -> Notice:
        return notice(
            "fit.calc_formula",
            n=self.samples,
            batch=self.batch_size,
            iterations=self.iterations,
            epochs=self.epochs,
            total=self.total,
        )

    def partial(self) -> list[Notice]:
        """The note that the last batch is smaller, when it is."""
        if self.last == self.batch_size:
            return []
        return [notice("fit.calc_partial", last=self.last, n=self.samples, batch=self.batch_size)]


def run_count(n: int, batch_size: int, result: TrainResult) -> Notice:
    """The calculator against the run: ``ceil(n / batch_size)`` and the updates the engine
    made per epoch and in all (a mismatch is said, never expected)."""
    per_epoch = updates_per_epoch(n, batch_size)
    if result.updates_per_epoch != per_epoch:
        return notice(
            "fit.calc_run_mismatch", iterations=per_epoch, engine=result.updates_per_epoch
        )
    return notice(
        "fit.calc_run",
        n=n,
        batch=batch_size,
        iterations=per_epoch,
        engine=result.updates_per_epoch,
        recorded=len(result.batch_losses),
        epochs=len(result.epochs),
    )


def fit_notices(n: int, batch_size: int, learning_rate: float, run: AnsweredRun) -> list[Notice]:
    """What to notice on the fit() lesson: the updates per epoch and in all
    (``ceil(n / batch_size)``, one when the batch holds the whole set), how the wrong
    answers fell (``describe_fall``), the loss Keras prints in the first and last epoch, and
    the epoch the loss became infinite."""
    result = run.result
    counts = run.counts
    done = len(counts) - 1
    total = len(result.batch_losses)
    if batch_size >= n:
        said = [notice("fit.notice_one_batch", batch=batch_size, n=n, total=total, epochs=done)]
    else:
        per_epoch = updates_per_epoch(n, batch_size)
        said = [
            notice(
                "fit.notice_updates",
                batch=batch_size,
                n=n,
                per_epoch=per_epoch,
                total=total,
                epochs=done,
            )
        ]
    fall = describe_fall(counts)
    loss = result.history.get("loss", [])
    values = dict(
        start=fall.start,
        end=fall.end,
        n=n,
        split=fall.split_epoch,
        at_split=fall.at_split,
        early=fall.early_drop,
        late=fall.late_drop,
        rest=done - fall.split_epoch,
        best=fall.best,
        best_epoch=fall.best_epoch,
        lr=Number(learning_rate),
        total=total,
    )
    if fall.kind == "perfect_early":
        # the loss after the first all-correct epoch and after the last
        values.update(loss_best=Number(loss[fall.best_epoch - 1], 3), loss_end=Number(loss[-1], 3))
    said.append(notice(f"fit.notice_{fall.kind}", **values))
    if len(loss) >= 2:
        said.append(
            notice(
                "fit.notice_loss", first=Number(loss[0], 3), last=Number(loss[-1], 3), epochs=done
            )
        )
    if result.diverged:
        said.append(notice("fit.notice_diverged", epoch=result.diverged["epoch"]))
    return said


# --- the batch-size sweep ------------------------------------------------------------------


def sweep_sizes(n: int, sizes: Sequence[int] = SWEEP_SIZES) -> tuple[int, ...]:
    """The batch sizes swept for ``n`` samples: the given ones below ``n``, then ``n``
    (batch gradient descent), at most ``caps.MAX_SWEEP``."""
    chosen = sorted({int(s) for s in sizes if 1 <= int(s) < n} | {int(n)})
    return tuple(chosen[-caps.MAX_SWEEP :]) if len(chosen) > caps.MAX_SWEEP else tuple(chosen)


def sweep_epochs(epochs: int, n: int, sizes: Sequence[int], budget: int = MAX_UPDATES) -> int:
    """One epoch count for every run of the sweep (the same epochs for all), small enough
    that the smallest batch size stays within ``budget`` updates."""
    return min(epochs_for_updates(epochs, n, int(min(sizes)), budget), int(epochs))


def curve_noise(losses: Sequence[float], window: int = NOISE_WINDOW) -> float:
    """How much the per-update loss jumps around: the standard deviation of each loss from
    the mean of the ``window`` updates centred on it (0 for fewer than 3 values; nan for a
    run whose losses grew past what a float can square, which says nothing about noise)."""
    values = np.asarray([v for v in losses if np.isfinite(v)], dtype=float)
    if len(values) < 3:
        return 0.0
    w = min(int(window), len(values))
    w = w if w % 2 else w - 1
    if w < 3:
        return 0.0
    smooth = np.convolve(values, np.ones(w) / w, mode="valid")
    half = w // 2
    residual = values[half : len(values) - half] - smooth
    with np.errstate(over="ignore", invalid="ignore"):
        spread = float(np.std(residual))
    return spread if np.isfinite(spread) else float("nan")


def memory_bytes(
    spec: NetSpec, input_dim: int, task: str, n_classes, batch_size: int, optimizer: str = "adam"
) -> dict[str, int]:
    """``sim.nn.costs.memory_estimate`` of the model the sweep trains, at ``batch_size``."""
    model = build_model(spec, input_dim, task, n_classes, optimizer)
    return costs.memory_estimate(model, int(batch_size), optimizer)


def cost_rows(
    results: dict[int, TrainResult],
    spec: NetSpec,
    input_dim: int,
    task: str,
    n_classes,
    n: int,
    optimizer: str = "adam",
) -> pd.DataFrame:
    """One row per batch size: ``batch_size, updates_per_epoch, updates, epochs,
    seconds_per_epoch, seconds, final_loss, noise, memory_bytes, activation_bytes,
    diverged``."""
    rows = []
    for bs, result in results.items():
        mem = memory_bytes(spec, input_dim, task, n_classes, bs, optimizer)
        times = result.epoch_times
        loss = result.history.get("loss", [])
        rows.append(
            {
                "batch_size": int(bs),
                "updates_per_epoch": updates_per_epoch(n, bs),
                "updates": len(result.batch_losses),
                "epochs": len(result.epochs),
                "seconds_per_epoch": float(np.median(times)) if times else 0.0,
                "seconds": float(result.seconds),
                "final_loss": float(loss[-1]) if loss else float("nan"),
                "noise": curve_noise(result.batch_losses),
                "memory_bytes": int(mem["total"]),
                "activation_bytes": int(mem["activations"]),
                "diverged": bool(result.diverged),
            }
        )
    return pd.DataFrame(rows)


MIDDLE_GAP = 0.05  # a middle batch size this close to the best loss counts as "as good"


def sweep_capped(requested: int, n: int, epochs: int) -> list[Notice]:
    """The notice that every run of the sweep trains ``epochs`` (``sweep_epochs``) instead of
    the ``requested`` epochs, or none when nothing was cut."""
    if epochs >= requested:
        return []
    return [notice("batch.epochs_capped", n=n, requested=requested, cap=MAX_UPDATES, epochs=epochs)]


def sweep_notices(
    table: pd.DataFrame, epochs: int, learning_rate: float, gap: float = MIDDLE_GAP
) -> list[Notice]:
    """What to notice on the batch-size lesson, read off ``cost_rows`` (one row per batch
    size, smallest first): the updates and time per epoch of the smallest and the largest
    batch; which batch size reached the lowest final loss (a smaller one than N, or N
    itself); a middle size (between 8 and N) whose loss is within ``gap`` of the best while
    faster per epoch than the smallest; the curve noise and the memory per batch of both
    ends; and the batch sizes that diverged."""
    rows = {int(row["batch_size"]): row for row in table.to_dict("records")}
    sizes = sorted(rows)
    if not sizes:
        return []
    small, big = sizes[0], sizes[-1]
    ms = {bs: rows[bs]["seconds_per_epoch"] * 1000 for bs in sizes}
    kb = {bs: rows[bs]["memory_bytes"] / 1024 for bs in sizes}
    said = []
    if len(sizes) > 1:
        said.append(
            notice(
                "batch.notice_speed",
                small=small,
                small_updates=rows[small]["updates_per_epoch"],
                small_ms=Number(ms[small], 3),
                big=big,
                big_updates=rows[big]["updates_per_epoch"],
                big_ms=Number(ms[big], 3),
            )
        )
    finite = {bs: rows[bs]["final_loss"] for bs in sizes if rows[bs]["epochs"] > 0}
    if finite:
        best = min(finite, key=finite.get)
        winner = {"epochs": epochs, "best": best, "best_loss": Number(finite[best], 3)}
        if best != big:
            said.append(
                notice(
                    "batch.notice_small_wins",
                    **winner,
                    full_loss=Number(finite.get(big, float("nan")), 3),
                )
            )
        elif len(sizes) > 1:
            said.append(
                notice(
                    "batch.notice_big_wins",
                    **winner,
                    small=small,
                    small_loss=Number(finite.get(small, float("nan")), 3),
                    lr=Number(learning_rate),
                )
            )
        middle = [bs for bs in sizes if 8 < bs < big and bs in finite and bs != best]
        if middle and small in finite:
            mid = min(middle, key=finite.get)
            if finite[mid] - finite[best] <= gap and ms[mid] < ms[small]:
                said.append(
                    notice(
                        "batch.notice_middle",
                        mid=mid,
                        gap=Number(gap),
                        mid_loss=Number(finite[mid], 3),
                        best_loss=Number(finite[best], 3),
                        mid_ms=Number(ms[mid], 3),
                        small_ms=Number(ms[small], 3),
                    )
                )
    noises = [rows[small]["noise"], rows[big]["noise"]]
    if len(sizes) > 1 and np.all(np.isfinite(noises)):  # a diverged end has no noise figure
        said.append(
            notice(
                "batch.notice_noise",
                small=small,
                small_noise=Number(rows[small]["noise"], 3),
                big_noise=Number(rows[big]["noise"], 3),
            )
        )
    if len(sizes) > 1:
        said.append(
            notice(
                "batch.notice_memory",
                small=small,
                small_kb=Number(kb[small], 3),
                big=big,
                big_kb=Number(kb[big], 3),
                act_kb=Number(rows[big]["activation_bytes"] / 1024, 3),
            )
        )
    said += diverged_sizes(table)
    return said


def diverged_sizes(table: pd.DataFrame) -> list[Notice]:
    """The notice naming the batch sizes whose run diverged, or none."""
    diverged = [str(int(row["batch_size"])) for _, row in table.iterrows() if row["diverged"]]
    return [notice("batch.notice_diverged", batches=", ".join(diverged))] if diverged else []


def thin(values: Sequence[float], max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """``(update numbers (1-based), values)`` with at most ``max_points`` points, evenly
    spaced, the first and last kept (every point kept, so the jumps still show)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n <= max_points:
        idx = np.arange(n)
    else:
        idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return idx + 1, values[idx]


def epoch_frame(results: dict[str, TrainResult]) -> pd.DataFrame:
    """``series, epoch, loss``: the loss after each epoch of each run, keyed by its name."""
    rows = [
        {"series": name, "epoch": epoch, "loss": value}
        for name, result in results.items()
        for epoch, value in zip(result.epochs, result.history.get("loss", []), strict=False)
    ]
    return pd.DataFrame(rows, columns=["series", "epoch", "loss"])


def bar_frame(table: pd.DataFrame, series: Sequence[str]) -> pd.DataFrame:
    """``cost_rows`` for the cost bars: with the series' names, ``short`` (the batch size as
    text, the bars' axis), ``ms`` per epoch and ``kb`` of memory per batch."""
    return table.assign(
        series=list(series),
        short=[str(int(size)) for size in table["batch_size"]],
        ms=table["seconds_per_epoch"] * 1000,
        kb=table["memory_bytes"] / 1024,
    )


def update_frame(results: dict[str, TrainResult], max_points: int = 400) -> pd.DataFrame:
    """``series, update, loss``: the loss of each update, thinned per series."""
    parts = []
    for label, result in results.items():
        x, v = thin(result.batch_losses, max_points)
        parts.append(pd.DataFrame({"series": label, "update": x, "loss": v}))
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["series", "update", "loss"])
    )
    return frame[np.isfinite(frame["loss"].astype(float))]
