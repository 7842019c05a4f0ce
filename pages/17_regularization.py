"""B15 -- Fighting overfitting: an overfitting baseline next to the same network with
dropout, batch normalization, data augmentation (input noise) or L2 weight decay."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from charts import remedies as remedy_charts
from charts import remedy_frames
from lessons import early_stopping, remedies
from sim import caps
from sim.training import default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

LEARNING_RATE = 0.01
BATCH = 16
SPLIT = 0.5  # half the questions are mock exam 5: a fairer score on so little data
LAYERS = 2
WIDTHS = (16, 32, 64, 128)
L2_FACTORS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
GRID_CELLS = 30
# boundary pictures per network: five networks share the page's payload (~100 pictures of
# ~3 KB), so each gets half of what a one-network animation may send
PICTURES = caps.MAX_FRAME_PICTURES // 2
PANEL = (150, 125)  # pixels of one boundary picture: two rows of three fit above the fold
PANELS_PER_ROW = 3
CURVES_PER_ROW = 3


@st.cache_data(max_entries=caps.TRAIN_CACHE_ENTRIES, show_spinner=False)
def cached_pictures(predictions, n_classes, bounds, x, y, is_val) -> list[str]:
    """``remedy_charts.boundary_picture`` of each snapshot of one run (data URLs), cached: a
    rerun that reuses a training (a remedy switched on or off) redraws nothing."""
    return [
        remedy_charts.boundary_picture(p, GRID_CELLS, n_classes, bounds, x, y, is_val, PANEL)
        for p in predictions
    ]


page = setup("remedies")
t = page.t
st.markdown(t("remedies.summary"))


def pct(v: float | None) -> str:
    return "–" if v is None else t("remedies.percent", v=f"{100 * v:.0f}")


def f3(v: float) -> str:
    """Three decimals; a non-finite value (a diverging epoch) is a dash."""
    return f"{v:.3f}" if math.isfinite(v) else "–"


# The boundaries and the player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
    left, right = st.columns([1, 1.25])
    with left:
        st.markdown(f"**{t('remedies.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=100, n_max=300, noise_default=0.3, seed_default=2
        )
        c1, c2 = st.columns(2)
        width = controls.select(
            page,
            "width",
            t("remedies.width"),
            WIDTHS,
            64,
            format_func=lambda w: t("remedies.width_value", n=w),
            help=t("remedies.width_help", layers=LAYERS),
            kind="select_slider",
            container=c1,
        )
        epochs = controls.slider(
            page,
            "epochs",
            t("remedies.epochs"),
            20,
            150,
            100,
            step=10,
            help=t("remedies.epochs_help"),
            container=c2,
        )
    with right:
        st.markdown(f"**{t('remedies.remedies_title')}**")

        def remedy_row(key: str, default: bool):
            a, b = st.columns([1, 1.3], vertical_alignment="center")
            on = controls.toggle(
                page,
                key,
                t(f"remedies.name_{key}"),
                default,
                help=t(f"remedies.{key}_help"),
                container=a,
            )
            return on, b

        on_dropout, box = remedy_row("dropout", True)
        rate = controls.slider(
            page,
            "rate",
            t("remedies.rate"),
            0.1,
            0.7,
            0.3,
            step=0.05,
            fmt="%.2f",
            help=t("remedies.rate_help"),
            container=box,
        )
        on_bn, box = remedy_row("batchnorm", True)
        box.caption(t("remedies.batchnorm_note"))
        on_aug, box = remedy_row("augment", True)
        std = controls.slider(
            page,
            "std",
            t("remedies.std"),
            0.05,
            0.5,
            0.2,
            step=0.05,
            fmt="%.2f",
            help=t("remedies.std_help"),
            container=box,
        )
        on_l2, box = remedy_row("l2", True)
        factor = controls.value_slider(
            page,
            "factor",
            t("remedies.factor"),
            L2_FACTORS,
            0.01,
            help=t("remedies.factor_help"),
            container=box,
        )

runs = remedies.variants(
    (int(width),) * LAYERS,
    dropout=float(rate) if on_dropout else 0.0,
    batchnorm=bool(on_bn),
    input_noise=float(std) if on_aug else 0.0,
    l2=float(factor) if on_l2 else 0.0,
)
x_train, y_train, x_val, y_val = early_stopping.validation_tail(x, y, SPLIT)
n_epochs = remedies.epochs_for(int(epochs), len(x_train))
batch = remedies.even_batch(len(x_train), BATCH)
if n_epochs < int(epochs):
    page.notice(
        t("train.epochs_capped", requested=int(epochs), samples=len(x_train), epochs=n_epochs)
    )
# snapshots at every k-th epoch and the last: at most PICTURES of them
every = max(1, math.ceil(n_epochs / (PICTURES - 2)))
fit = dict(
    learning_rate=LEARNING_RATE,
    batch_size=batch,
    epochs=n_epochs,
    validation_split=SPLIT,
    seed=seed,
    grid_cells=GRID_CELLS,
    snapshot_every=every,
    track={"train": (x_train, y_train), "val": (x_val, y_val)},
)


def variant_name(v: remedies.Variant) -> str:
    return t(f"remedies.name_{v.key}")


def setting(v: remedies.Variant) -> str:
    value = "" if v.strength is None else f"{v.strength:g}"
    return t(f"remedies.setting_{v.key}", v=value)


def panel_heading(v: remedies.Variant) -> str:
    """The remedy and, when it has one, its strength, as plain text (a chart title)."""
    if v.strength is None:
        return variant_name(v)
    return t("remedies.panel_heading", name=variant_name(v), setting=setting(v))


results = {
    v.key: train_view.cached_train(
        x, y, v.spec, task, n_classes, t("remedies.progress", name=variant_name(v)), **fit
    )
    for v in runs
}
scores = {v.key: remedies.score(results[v.key], v.spec) for v in runs}
for v in runs:
    train_view.explain_stop(
        page, results[v.key], "remedies.diverged", "remedies.time_budget", name=variant_name(v)
    )
trained = len(results[remedies.BASELINE].epochs)

# the frames follow the longest run (a diverged network stops early, keeps its last picture)
longest = max(results.values(), key=lambda r: len(r.epochs))
trained_frames = len(longest.epochs) + 1
is_val = np.arange(len(x)) >= len(x_train)
base_run = results[remedies.BASELINE]


def panel_text(v: remedies.Variant, r, epoch: int) -> str:
    """The network's validation numbers after ``epoch`` (0: before training), as Keras
    reported them while training (the curves' values; with L2 the penalty is included)."""
    losses = r.history.get("val_loss", [])
    accs = r.history.get("val_accuracy", [])
    if r.diverged and epoch >= r.diverged["epoch"]:
        return t("remedies.panel_diverged", epoch=r.diverged["epoch"])
    k = min(epoch, len(losses))  # a run cut short by the time budget keeps its last numbers
    if k == 0:
        return t("remedies.panel_start")
    return t(
        "remedies.panel_epoch_l2" if v.spec.l2 else "remedies.panel_epoch",
        val_loss=f3(losses[k - 1]),
        acc=pct(accs[k - 1] if len(accs) >= k and math.isfinite(accs[k - 1]) else None),
    )


panel_texts = {
    v.key: [panel_text(v, results[v.key], e) for e in range(trained_frames)] for v in runs
}
text_lines = remedy_frames.line_count([s for texts in panel_texts.values() for s in texts])


def frame_line(epoch: int) -> str:
    """What the frame shows: the epoch, and the epoch its pictures are from (every run
    takes them at the same epochs; a diverged one's panel says so itself)."""
    if epoch == 0:
        return t("remedies.frame_text_start")
    taken = [e for e in longest.snapshot_epochs if e <= epoch]
    shown = max(taken, default=0)
    return t("remedies.frame_text", epoch=epoch, epochs=trained_frames - 1, shown=shown)


frame_lines = [frame_line(e) for e in range(trained_frames)]
with side_column:
    frames = player(
        page,
        "remedies",
        trained_frames,
        run_id=(name, len(x), seed, float(x.sum()), n_epochs, tuple(v.spec for v in runs)),
        unit=t("common.unit_epoch"),
        fps=10,
    )
    plot(
        st,
        remedy_frames.frame_text(
            remedy_frames.text_rows(frame_lines), frames, remedy_frames.line_count(frame_lines)
        ),
        width="stretch",
    )
    st.caption(t("remedies.boundary_legend"))
    st.markdown(t("remedies.analogy"))

with chart_column:
    st.markdown(f"**{t('remedies.boundary_title')}**")
    shown = "datum.shown_from <= remedies_frame && remedies_frame < datum.shown_until"
    panels = []
    for v in runs:
        r = results[v.key]
        urls = cached_pictures(tuple(r.grid_predictions), n_classes, r.grid_bounds, x, y, is_val)
        spans = remedy_frames.picture_spans(r.snapshot_epochs[: len(urls)], trained_frames)
        pictures = pd.DataFrame(
            {
                "url": urls,
                "shown_from": [a for a, _ in spans],
                "shown_until": [b for _, b in spans],
            }
        )
        panels.append(
            remedy_charts.boundary_frame_panel(
                variant_name(v),
                pictures,
                remedy_frames.text_rows(panel_texts[v.key]),
                PANEL,
                shown,
                frames.at("frame"),
                text_lines,
                subtitle=setting(v),
            )
        )
    plot(
        st,
        frames.bind(remedy_charts.boundary_frame_panels(panels, columns=PANELS_PER_ROW)),
        width="content",
    )

# --- learning curves: one panel per network, on one shared scale, marked at the frame ------
series = [t("train.series_train"), t("train.series_val")]
domain = remedies.shared_domain([results[v.key] for v in runs])
st.markdown(f"**{t('remedies.curves_title')}**")


def panel_subtitle(v: remedies.Variant) -> str:
    s = scores[v.key]
    return "" if s is None else t("remedies.panel_gap", gap=f3(s.gap), acc=pct(s.val_accuracy))


plot(
    st,
    frames.bind(
        remedy_charts.curve_panels(
            [
                (
                    panel_heading(v),
                    panel_subtitle(v),
                    remedies.curve_rows(results[v.key], tuple(series)),
                )
                for v in runs
            ],
            series,
            t("train.epoch_axis"),
            t("train.metric_loss"),
            domain,
            columns=CURVES_PER_ROW,
            frame_at=frames.at("epoch"),
        )
    ),
    width="content",
)
st.caption(t("remedies.curves_caption"))
st.markdown(t("remedies.intro"))

# --- the final scores ----------------------------------------------------------------------
base = scores[remedies.BASELINE]
table = []
for v in runs:
    s = scores[v.key]
    change = "" if (s is None or base is None or v.key == remedies.BASELINE) else s.gap - base.gap
    table.append(
        {
            t("remedies.col_network"): variant_name(v),
            t("remedies.col_setting"): setting(v),
            t("remedies.col_train_acc"): pct(s.train_accuracy) if s else "–",
            t("remedies.col_val_acc"): pct(s.val_accuracy) if s else "–",
            t("remedies.col_train_loss"): f3(s.train_loss) if s else "–",
            t("remedies.col_val_loss"): f3(s.val_loss) if s else "–",
            t("remedies.col_gap"): f3(s.gap) if s else "–",
            t("remedies.col_change"): f"{change:+.3f}" if change != "" else "",
        }
    )
window = base.window if base else remedies.score_window(trained)
st.markdown(f"**{t('remedies.table_title', window=window)}**")
st.table(pd.DataFrame(table), hide_index=True)
st.caption(t("remedies.table_caption", window=window))

# --- what to notice: read off the runs ----------------------------------------------------
names = {v.key: variant_name(v) for v in runs}
verdict = remedies.verdict(scores)


def listing(keys) -> str:
    return t("remedies.list_sep").join(names[k] for k in keys)


with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    if verdict.kind == "baseline_failed":
        st.markdown(t("remedies.notice_baseline_failed"))
    else:
        common = dict(
            train=f3(base.train_loss),
            val=f3(base.val_loss),
            gap=f3(base.gap),
            train_acc=pct(base.train_accuracy),
            val_acc=pct(base.val_accuracy),
            window=base.window,
        )
        if verdict.kind == "no_overfit":
            st.markdown(t("remedies.notice_no_overfit", **common))
        else:
            low = remedies.lowest_validation(base_run)
            if low is not None and low[0] < trained:
                st.markdown(
                    t(
                        "remedies.notice_overfit_rising",
                        low_epoch=low[0],
                        low=f3(low[1]),
                        end=f3(base_run.history["val_loss"][-1]),
                        epochs=trained,
                        **common,
                    )
                )
            else:
                st.markdown(t("remedies.notice_overfit", **common))
        if verdict.kind == "no_remedy":
            st.markdown(t("remedies.notice_no_remedy"))
        if verdict.kind in ("narrowed", "none_narrowed"):
            s = scores[verdict.narrowest]
            if verdict.kind == "narrowed":
                st.markdown(
                    t(
                        "remedies.notice_narrowed",
                        name=names[verdict.narrowest],
                        base_gap=f3(base.gap),
                        gap=f3(s.gap),
                        by=f3(base.gap - s.gap),
                        share=f"{100 * (base.gap - s.gap) / base.gap:.0f}",
                    )
                )
            else:
                st.markdown(
                    t(
                        "remedies.notice_none_narrowed",
                        name=names[verdict.narrowest],
                        base_gap=f3(base.gap),
                        gap=f3(s.gap),
                    )
                )
            b = scores[verdict.best_val]
            if verdict.better_val and b.val_accuracy is not None:
                st.markdown(
                    t(
                        "remedies.notice_best_val",
                        name=names[verdict.best_val],
                        acc=pct(b.val_accuracy),
                        base_acc=pct(base.val_accuracy),
                        points=f"{100 * (b.val_accuracy - base.val_accuracy):.0f}",
                        val_loss=f3(b.val_loss),
                        base_val_loss=f3(base.val_loss),
                    )
                )
            else:
                st.markdown(
                    t(
                        "remedies.notice_no_better",
                        base_acc=pct(base.val_accuracy),
                        step=f"{100 / max(len(x_val), 1):.0f}",
                    )
                )
            strong = [k for k in verdict.too_strong if k != "batchnorm"]
            if strong:
                details = t("remedies.list_sep").join(
                    t(
                        "remedies.detail_too_strong",
                        name=names[k],
                        val=pct(scores[k].val_accuracy),
                        train=pct(scores[k].train_accuracy),
                    )
                    for k in strong
                )
                st.markdown(
                    t(
                        "remedies.notice_too_strong",
                        details=details,
                        base_val=pct(base.val_accuracy),
                        base_train=pct(base.train_accuracy),
                    )
                )
            if "batchnorm" in verdict.too_strong:
                bn = scores["batchnorm"]
                st.markdown(
                    t(
                        "remedies.notice_bn_lag",
                        val=pct(bn.val_accuracy),
                        train=pct(bn.train_accuracy),
                    )
                )
            if verdict.worse:
                st.markdown(
                    t(
                        "remedies.notice_worse",
                        names=listing(verdict.worse),
                        base_val=pct(base.val_accuracy),
                    )
                )
    if verdict.failed:
        st.markdown(t("remedies.notice_failed", names=listing(verdict.failed)))

# --- the code and the record --------------------------------------------------------------
loss = default_loss(task)
fit_args = f"x, y, batch_size={batch}, epochs={n_epochs}, validation_split={SPLIT}"
with controls.code_expander(t("train.keras_title")) as code_open:
    if code_open:
        st.caption(t("train.keras_caption"))
        for v, tab in zip(runs, st.tabs([variant_name(v) for v in runs]), strict=True):
            code = train_view.keras_code(
                v.spec, x.shape[1], task, n_classes, "adam", LEARNING_RATE, loss, fit_args
            )
            tab.code(code, language="python")
csv_button(
    t("train.download_history"),
    lambda: remedies.history_frame(results),
    "overfitting_remedies_history.csv",
)
page.finish()
