"""The adaptive-rates lesson's Streamlit pieces (A6, A7): its runs, the hyperparameter popover,
the frame readout, the per-axis learning-rate charts and the memory chart, all following the
browser player, and the CSV of the paths with each step's per-axis rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames
from charts import race as race_charts
from charts.frames import Frames
from lessons import adaptive_rates
from sim import descent
from sim.surfaces import Surface
from ui import controls, descent_view, race_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import Page

RHO_DEFAULT = 0.9
ACCUMULATOR_OPTIONS = (0.0, 0.01, 0.1, 1.0)
COMPANIONS = ("sgd", "adam")  # shown beside Adagrad and RMSprop when their toggles are on


def hyper_controls(page: Page) -> tuple[float, float]:
    """RMSprop's ``rho`` and Adagrad's initial accumulator, in the settings popover."""
    t = page.t
    with controls.settings_popover(t("adaptive.hyper_title")):
        rho_column, accumulator_column = st.columns(2)
        rho = controls.slider(
            page,
            "rho",
            t("adaptive.rho"),
            0.5,
            0.99,
            RHO_DEFAULT,
            step=0.01,
            help=t("adaptive.rho_help"),
            container=rho_column,
        )
        accumulator = controls.value_slider(
            page,
            "acc0",
            t("adaptive.acc0"),
            ACCUMULATOR_OPTIONS,
            0.1,
            help=t("adaptive.acc0_help"),
            container=accumulator_column,
        )
    return float(rho), float(accumulator)


def runs(
    surface: Surface, lr: float, rho: float, accumulator: float, start, steps: int, shown
) -> dict[str, descent.Trajectory]:
    """The runs by optimizer: ``adagrad`` and ``rmsprop``, and those of ``COMPANIONS`` in
    ``shown``, each cached (``descent_view.cached_run``)."""
    settings = {
        "adagrad": (("initial_accumulator_value", accumulator), ("learning_rate", lr)),
        "rmsprop": (("learning_rate", lr), ("rho", rho)),
        "sgd": (("learning_rate", lr),),
        "adam": (("learning_rate", lr),),
    }
    return {
        name: descent_view.cached_run(surface.name, name, hyper, start, steps)
        for name, hyper in settings.items()
        if name not in COMPANIONS or name in shown
    }


def labels(page: Page) -> dict[str, str]:
    """Each optimizer's series name (plain GD is ``sgd`` in the engine)."""
    t = page.t
    return {
        "adagrad": t("adaptive.series_adagrad"),
        "rmsprop": t("adaptive.series_rmsprop"),
        "sgd": t("adaptive.series_gd"),
        "adam": t("adaptive.series_adam"),
    }


def readout(page: Page, runs_by_name: dict, labelled: dict, steps: int, frames: Frames) -> None:
    """The frame's numbers: the step sizes of the update leaving that point for Adagrad and
    RMSprop (the last update's at the end) and the racers stopped by then."""
    t = page.t
    frames_at = np.arange(steps + 1)
    row = {"step": frames_at}
    for short, name in (("a", "adagrad"), ("r", "rmsprop")):
        applied = adaptive_rates.applied_step_sizes(runs_by_name[name])
        held = applied[np.minimum(frames_at, len(applied) - 1)] if len(applied) else None
        for i, axis in enumerate("xy"):
            row[f"{short}{axis}"] = held[:, i] if held is not None else np.zeros(len(frames_at))
    row["stopped"] = race_view.stopped_text(page, labelled, steps + 1, "adaptive")
    text = descent_frames.text_expr(
        t("adaptive.frame_caption"),
        {
            "step": "datum.step",
            **{
                f"{short}{axis}": descent_frames.number(f"{short}{axis}", 3)
                for short in "ar"
                for axis in "xy"
            },
            "stopped": "datum.stopped",
        },
    )
    plot(st, descent_frames.readout(pd.DataFrame(row), frames, text, lines=4), width="stretch")


def loss_chart(page: Page, labelled: dict, styles: dict, frames: Frames) -> None:
    """Each run's loss against the step (log scale when every loss is positive), with a
    marker at the frame shown and a legend of the lines (the surface's legend shows the
    markers, not the dashes)."""
    t = page.t
    losses = descent_view.loss_frame(labelled)
    chart = race_charts.frame_lines(
        losses,
        frames,
        styles,
        t("common.step_axis"),
        t("common.loss_axis"),
        log_y=bool((losses["loss"] > 0).all()),
        height=200,
        legend_title=t("common.legend_run"),
    )
    plot(st, chart, width="stretch")


def with_frame(rates_or_memory: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered by update (1-based) get the frame they leave from (``frame`` =
    ``step - 1``); each series' last row also stands for the final frame."""
    out = rates_or_memory.assign(frame=rates_or_memory["step"] - 1)
    last = out.sort_values("step").groupby(["series", "axis"], as_index=False).tail(1)
    return pd.concat([out, last.assign(frame=last["frame"] + 1)], ignore_index=True)


def rate_charts(page: Page, labelled: dict, styles: dict, frames: Frames) -> None:
    """Each run's per-axis learning rate against the step, x and y side by side on one
    log scale, with a marker at the frame shown, each with its legend below (side by side
    they keep one height; stacked on a phone each is read on its own)."""
    t = page.t
    rates = adaptive_rates.rates_frame(labelled)
    positive = rates.loc[rates["rate"] > 0, "rate"]
    domain = (
        (float(positive.min()) / 1.3, float(positive.max()) * 1.3)
        if len(positive)
        else (0.001, 1.0)
    )
    framed = with_frame(rates)
    for axis, where in zip(("x", "y"), st.columns(2), strict=True):
        chart = race_charts.frame_lines(
            framed[framed["axis"] == axis],
            frames,
            styles,
            t("common.step_axis"),
            t(f"adaptive.rate_axis_{axis}"),
            y_field="rate",
            log_y=True,
            height=190,
            y_domain=domain,
            legend_title=t("common.legend_run"),
            frame_field="frame",
        )
        plot(where, chart, width="stretch")


def memory_chart(page: Page, runs_by_name: dict, names: dict) -> None:
    """Adagrad's sum and RMSprop's decaying average of squared gradients, per axis."""
    t = page.t
    memory = adaptive_rates.memory_frame(
        {
            names["adagrad"]: (runs_by_name["adagrad"], "accumulator"),
            names["rmsprop"]: (runs_by_name["rmsprop"], "mean_square"),
        }
    )
    for axis in ("x", "y"):
        memory.loc[memory["axis"] == axis, "series"] = memory["series"] + " · " + axis
    styles = {f"{names[n]} · {a}": (n, a) for n in ("adagrad", "rmsprop") for a in ("x", "y")}
    race_view.show_lines(
        "axis_lines",
        memory,
        styles,
        x_title=t("common.step_axis"),
        y_title=t("adaptive.memory_axis"),
        legend_title=t("adaptive.memory_legend"),
        height=330,
    )


def download(page: Page, labelled: dict, file_name: str) -> None:
    """Every path with the step size of the update leaving each point, per axis, as CSV
    (made on a click)."""

    def table() -> pd.DataFrame:
        paths = descent_view.paths_frame(labelled)
        rates = adaptive_rates.rates_frame(labelled)
        wide = rates.pivot_table(index=["series", "step"], columns="axis", values="rate")
        wide = wide.reset_index().rename(columns={"x": "step_size_x", "y": "step_size_y"})
        wide["step"] = wide["step"] - 1  # the rate of the update leaving point `step`
        merged = paths.merge(wide, on=["series", "step"], how="left")
        return merged[["series", "step", "x", "y", "loss", "step_size_x", "step_size_y"]]

    csv_button(page.t("common.download_csv"), table, file_name)
