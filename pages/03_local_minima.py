"""A3 -- Local minima: many balls at once; the start decides where each one lands."""

import streamlit as st

from charts import basins as basin_charts
from charts import descent_frames
from lessons import basins
from lessons.notices import listing
from ui import basins_view, controls, descent_view
from ui.basins_view import RunKey
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup
from ui.player import player

page = setup("basins")
t = page.t
st.markdown(t("basins.summary"))

SURFACES = ("local_minima", "himmelblau", "saddle")

# The chart and its player come first on screen; the settings below it are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
# the map's caption goes under both columns: under the map it pushed Play below a phone's
# first screen
map_note = st.container()
with st.container(border=True):
    c1, c2, c3 = st.columns([1.1, 1.1, 1])
    surface = descent_view.surface_select(
        page, options=SURFACES, default="local_minima", container=c1
    )
    with c1:
        st.markdown(f"**{t('basins.probe_title')}**")
        x0, y0 = descent_view.start_controls(page, surface)
    with c2:
        optimizer = controls.select(
            page,
            "opt",
            t("basins.optimizer"),
            basins.OPTIMIZERS,
            "sgd",
            format_func=lambda o: t(f"basins.opt_{o}"),
            kind="segmented",
            help=t("basins.optimizer_help"),
        )
        lr = descent_view.learning_rate_control(page, default=0.1)
        steps = descent_view.steps_control(page, default=150)
    with c3:
        layout, side, seed = basins_view.starts_controls(page)

key = RunKey(surface.name, optimizer, lr, layout, side, seed, steps)
_, traj, dest = basins_view.many_starts(key)
held, counts = basins_view.frame_tables(key)
labels = basins_view.destination_labels(page, surface)
# the learner's own ball (placed by clicking the map): one run with the same optimizer
probe = basins_view.own_run(key, (x0, y0))
probe_track = descent_frames.track(probe, t("basins.probe_series"))
probe_rows = basin_charts.probe_rows(probe_track, counts)

with side_column:
    frames = player(
        page, "balls", traj.steps + 1, run_id=(*key, x0, y0), unit=t("common.unit_step"), fps=20
    )
    texts = (t(f"basins.frame_{k}") for k in ("caption", "probe", "probe_diverged"))
    plot(st, basin_charts.readout(probe_rows, frames, *texts, len(dest)), width="stretch")
    codes = basins.destination_codes(surface)
    colours = [basin_charts.colour_of(c) for c in codes]
    axes = t("common.step_axis"), t("basins.settled_axis")
    plot(st, descent_frames.settled_chart(counts, frames, codes, colours, *axes), width="stretch")
    st.caption(t("basins.settled_caption"))

with chart_column:
    size = descent_view.chart_size(surface)
    swarm = basin_charts.balls_layer(held, surface, labels, t("basins.legend"))
    layers = [
        swarm.transform_filter(descent_frames.held_filter(frames)),
        descent_frames.path_layers(
            descent_frames.map_path_rows([probe_track], surface, size),
            probe_rows,
            frames,
            surface.bounds,
            [probe_track.series],
            exits=descent_frames.exit_rows([probe_track], surface, size),
        ),
    ]
    picture = basins_view.map_picture(key)
    chart = frames.bind(descent_view.surface_view(page, surface, layers, image=picture))
    descent_view.show_surface_chart(chart, "basins_chart", surface.bounds)
map_note.caption(t("basins.map_caption"))

st.markdown(t("basins.intro"))
compare = basins_view.shares_by_optimizer(key)
names = {o: t(f"basins.opt_{o}") for o in basins.OPTIMIZERS}
st.markdown(f"**{t('basins.compare_title', lr=descent_view.fmt(lr))}**")
chart = basin_charts.share_chart(
    basin_charts.share_rows(compare, names),
    surface,
    labels,
    t("basins.share_axis"),
    t("basins.optimizer"),
    t("basins.legend"),
    order=list(names.values()),
)
plot(st, chart, width="stretch")
st.caption(t("basins.compare_caption"))
st.markdown(t("basins.analogy"))

# What to notice, read off the runs.
mine = compare[optimizer]
notice_box(
    page,
    [
        basins.shares_notice(mine, optimizer, lr, surface),
        listing(basins.minimum_notices(mine, surface), "bullets"),
        basins.compare_notice(compare, lr),
        basins.probe_notice(probe, surface, optimizer),
        *basins.stray_notices(mine, steps),
    ],
)

csv_button(
    t("common.download_csv"),
    lambda: basins_view.paths_csv(key, (x0, y0), tuple(labels.items())),
    f"basins_{surface.name}_{optimizer}.csv",
)
page.finish()
