"""What the adaptive-rate and optimizer-race lessons read off a run (no Streamlit here).

``applied_step_sizes`` is the per-axis learning rate each update really used: the
multiplier of the gradient (Adam: of its first moment ``m``) in ``p <- p - rate * g``, as
``descent.Trajectory.internals["step_size"]`` records it (Adagrad, RMSprop and Adam add the
current squared gradient to their memory first and then divide, so the rate comes from the
memory *after* the step, with Adam's bias correction of that step's number).

``adaptive_notices`` is the adaptive-rates lesson's "what to notice" (``lessons.notices``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons.notices import Notice, Number, notice
from sim import descent
from sim.surfaces import Surface

# The six optimizers of the race, in the order the lessons list them (and fixed colours).
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
# name -> (Keras class, arguments that name implies)
_KERAS = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {}),
    "nesterov": ("SGD", {"nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
}


def keras_call(name: str, hyper) -> str:
    """The Keras 3 line that builds optimizer ``name`` with ``hyper`` (a mapping or
    key/value pairs), learning rate first: ``keras.optimizers.SGD(learning_rate=0.01,
    momentum=0.9, nesterov=True)``."""
    cls, implied = _KERAS[name]
    args = dict(hyper)
    ordered = {"learning_rate": args.pop("learning_rate")} if "learning_rate" in args else {}
    ordered |= dict(sorted(args.items())) | implied

    def show(value) -> str:
        if isinstance(value, bool):
            return str(value)
        return f"{float(value):g}"

    body = ", ".join(f"{k}={show(v)}" for k, v in ordered.items())
    return f"keras.optimizers.{cls}({body})"


def stopped_points(runs: dict[str, descent.Trajectory], frame: int) -> pd.DataFrame:
    """Rows ``series, step, x, y`` of the runs that have diverged by ``frame``: the last
    finite point where each one stopped (``step`` = the step it diverged at)."""
    rows = [
        {"series": label, "step": traj.diverged_at, "x": xy[0], "y": xy[1]}
        for label, traj in runs.items()
        if traj.diverged_at is not None and frame >= traj.diverged_at
        for xy in [traj.xy[traj.diverged_at - 1]]
    ]
    return pd.DataFrame(rows, columns=["series", "step", "x", "y"])


def applied_step_sizes(traj: descent.Trajectory) -> np.ndarray:
    """``(steps, 2)`` per-axis multiplier of the gradient (Adam: of its first moment) that
    each update of a single-start run applied. Finite everywhere; from a diverged step on,
    the last sane rate repeats (``descent.run`` freezes the internals there)."""
    if traj.steps == 0:
        return np.zeros((0, 2))
    return np.array(np.broadcast_to(traj.internals["step_size"], (traj.steps, 2)), float)


def distance_to_minimum(surface: Surface, xy) -> float:
    """Distance from ``xy`` to the nearest listed minimum."""
    centres = np.array([[m.x, m.y] for m in surface.minima])
    return float(np.min(np.linalg.norm(centres - np.asarray(xy, float), axis=-1)))


@dataclass(frozen=True)
class RunSummary:
    """One run read off for a sentence or a table row."""

    label: str
    reached: int  # first step it settled at a minimum, -1 if never
    diverged_at: int | None
    final_loss: float
    distance: float  # from the nearest listed minimum at the end
    rate_first: tuple[float, float]  # applied step size of the first update (x, y)
    rate_last: tuple[float, float]  # ... of the last update
    rate_min: tuple[float, float]  # smallest over the run
    # after settling, the loss climbed back more than LOSS_HOP times above its low: the run
    # hops around the minimum (spikes on a log-scale loss chart), loss up to ``hop_peak``
    hops: bool = False
    hop_peak: float = 0.0


LOSS_HOP = 10.0  # one decade on the log-scale loss chart
HOP_VISIBLE = 1e-8  # loss above the minimum worth a sentence (rounding noise is far below)


def summarize(label: str, traj: descent.Trajectory, surface: Surface) -> RunSummary:
    rates = applied_step_sizes(traj)
    end = traj.steps if traj.diverged_at is None else max(traj.diverged_at - 1, 0)
    used = rates[: max(end, 1)] if len(rates) else np.zeros((1, 2))
    reached = int(descent.steps_to_reach(traj, surface)) if traj.diverged_at is None else -1
    hops, hop_peak = False, 0.0
    if reached >= 0:
        # loss above the minimum's own value, from its first low point on
        floor = surface.min_value
        after = np.asarray(traj.loss[reached : end + 1], float) - floor
        later = after[int(np.argmin(after)) :]
        low, peak = float(later[0]), float(np.max(later))
        hop_peak = peak + floor
        hops = peak > HOP_VISIBLE and peak > LOSS_HOP * max(low, 0.0)
    return RunSummary(
        label=label,
        reached=reached,
        diverged_at=traj.diverged_at,
        final_loss=float(traj.loss[end]),
        distance=distance_to_minimum(surface, traj.xy[end]),
        rate_first=(float(used[0, 0]), float(used[0, 1])),
        rate_last=(float(used[-1, 0]), float(used[-1, 1])),
        rate_min=(float(used[:, 0].min()), float(used[:, 1].min())),
        hops=hops,
        hop_peak=hop_peak,
    )


def rates_frame(runs: dict[str, descent.Trajectory], axis_names=("x", "y")) -> pd.DataFrame:
    """Tidy rows ``series, axis, step, rate`` of the applied step sizes (step = the update's
    number, 1-based; diverged tails left out)."""
    parts = []
    for label, traj in runs.items():
        rates = applied_step_sizes(traj)
        end = traj.steps if traj.diverged_at is None else max(traj.diverged_at - 1, 0)
        steps = np.arange(1, end + 1)
        for i, axis in enumerate(axis_names):
            parts.append(
                pd.DataFrame({"series": label, "axis": axis, "step": steps, "rate": rates[:end, i]})
            )
    if not parts:
        return pd.DataFrame(columns=["series", "axis", "step", "rate"])
    return pd.concat(parts, ignore_index=True)


def memory_frame(
    runs: dict[str, tuple[descent.Trajectory, str]], axis_names=("x", "y")
) -> pd.DataFrame:
    """Rows ``series, axis, step, value`` of an optimizer's squared-gradient memory
    (``runs`` maps a label to a run and the internals key to read: ``accumulator`` for
    Adagrad's sum, ``mean_square`` for RMSprop's decaying average)."""
    parts = []
    for label, (traj, key) in runs.items():
        values = traj.internals.get(key)
        if values is None:
            continue
        end = traj.steps if traj.diverged_at is None else max(traj.diverged_at - 1, 0)
        steps = np.arange(1, end + 1)
        for i, axis in enumerate(axis_names):
            parts.append(
                pd.DataFrame(
                    {"series": label, "axis": axis, "step": steps, "value": values[:end, i]}
                )
            )
    if not parts:
        return pd.DataFrame(columns=["series", "axis", "step", "value"])
    return pd.concat(parts, ignore_index=True)


def race_table(summaries: list[RunSummary]) -> list[RunSummary]:
    """The runs in finishing order: those that settled at a minimum by the step they did,
    then the rest by final loss, the diverged ones last."""

    def key(s: RunSummary):
        if s.diverged_at is not None:
            return (2, -s.diverged_at, 0.0)
        if s.reached >= 0:
            return (0, s.reached, s.final_loss)
        return (1, 0, s.final_loss)

    return sorted(summaries, key=key)


EQUAL_RATIO = 1.05  # first rates within this factor count as equal
HOP_FACTOR = 1.5  # within this many learning rates of the minimum, a run is hopping about it


def axes_notice(first_rates: tuple[float, float], learning_rate: float) -> Notice:
    """Adagrad's first per-axis rates ``(ax, ay)``: equal (within ``EQUAL_RATIO``), or which
    axis got the smaller rate and by what factor ``max/min`` (the steeper one)."""
    ax, ay = first_rates
    if max(ax, ay) / max(min(ax, ay), 1e-300) < EQUAL_RATIO or min(ax, ay) <= 0:
        return notice("adaptive.notice_axes_equal", ax=Number(ax, 3), ay=Number(ay, 3))
    small, large = ("y", "x") if ay < ax else ("x", "y")
    return notice(
        "adaptive.notice_axes",
        ax=Number(ax, 3),
        ay=Number(ay, 3),
        small=small,
        large=large,
        ratio=Number(max(ax, ay) / min(ax, ay), 2),
        lr=Number(learning_rate),
    )


def outcome_notices(
    adagrad: RunSummary,
    rmsprop: RunSummary,
    learning_rate: float,
    rho: float,
    steps: int,
) -> list[Notice]:
    """Adagrad against RMSprop: which diverged (one sentence each), else Adagrad crawls
    while RMSprop arrives, both arrive, only Adagrad (RMSprop hopping within ``HOP_FACTOR``
    learning rates of the minimum, or still far), or neither; every sentence with both
    runs' rates (first, last, smallest), distances and arrival steps."""
    common = dict(
        steps=steps,
        lr=Number(learning_rate),
        rho=Number(float(rho), 3),
        ax0=Number(adagrad.rate_first[0], 2),
        ax_end=Number(adagrad.rate_last[0], 2),
        ay0=Number(adagrad.rate_first[1], 2),
        ay_end=Number(adagrad.rate_last[1], 2),
        rx_min=Number(rmsprop.rate_min[0], 2),
        rx_end=Number(rmsprop.rate_last[0], 2),
        adist=Number(adagrad.distance, 2),
        rdist=Number(rmsprop.distance, 2),
        a_reach=adagrad.reached,
        r_reach=rmsprop.reached,
    )
    if adagrad.diverged_at is not None or rmsprop.diverged_at is not None:
        return [
            notice("adaptive.notice_diverged", **common, name=s.label, step=s.diverged_at)
            for s in (adagrad, rmsprop)
            if s.diverged_at is not None
        ]
    if adagrad.reached < 0 and rmsprop.reached >= 0:
        return [notice("adaptive.notice_crawl", **common)]
    if adagrad.reached >= 0 and rmsprop.reached >= 0:
        return [notice("adaptive.notice_both", **common)]
    if adagrad.reached >= 0 and rmsprop.distance <= HOP_FACTOR * learning_rate:
        # RMSprop is near the minimum, hopping about it with steps as long as the rate
        return [notice("adaptive.notice_adagrad_only", **common)]
    if adagrad.reached >= 0:
        return [notice("adaptive.notice_adagrad_only_far", **common)]
    return [notice("adaptive.notice_neither", **common)]


def companion_notice(name: str, summary: RunSummary, learning_rate: float, steps: int) -> Notice:
    """What a shown companion run (``name``: ``adam`` or ``gd``) did at the same rate:
    diverged at a step, reached the minimum at a step, or still so far from it."""
    lr = Number(learning_rate)
    if summary.diverged_at is not None:
        return notice(f"adaptive.notice_{name}_diverged", step=summary.diverged_at, lr=lr)
    if summary.reached >= 0:
        return notice(f"adaptive.notice_{name}_reached", step=summary.reached, lr=lr)
    return notice(
        f"adaptive.notice_{name}_moving", steps=steps, lr=lr, dist=Number(summary.distance, 2)
    )


def adaptive_notices(
    surface: Surface,
    runs: Mapping[str, descent.Trajectory],
    labels: Mapping[str, str],
    learning_rate: float,
    rho: float,
    steps: int,
) -> list[Notice]:
    """The adaptive-rates lesson's "what to notice": Adagrad's per-axis rates
    (``axes_notice``), Adagrad against RMSprop (``outcome_notices``), RMSprop hopping about
    the minimum after it arrived (loss up to ``hop_peak``), and Adam's and GD's runs when
    shown. ``runs`` and ``labels`` are keyed by optimizer: ``adagrad``, ``rmsprop`` and,
    if shown, ``adam`` and ``sgd``."""
    summaries = {name: summarize(labels[name], traj, surface) for name, traj in runs.items()}
    adagrad, rmsprop = summaries["adagrad"], summaries["rmsprop"]
    notices = [axes_notice(adagrad.rate_first, learning_rate)]
    notices += outcome_notices(adagrad, rmsprop, learning_rate, rho, steps)
    if rmsprop.hops and rmsprop.diverged_at is None:
        notices.append(
            notice(
                "adaptive.notice_rmsprop_hops",
                r_reach=rmsprop.reached,
                peak=Number(rmsprop.hop_peak, 2),
            )
        )
    for name, key in (("adam", "adam"), ("sgd", "gd")):
        if name in summaries:
            notices.append(companion_notice(key, summaries[name], learning_rate, steps))
    return notices
