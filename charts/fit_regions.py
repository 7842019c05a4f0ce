"""Charts of the fit regions lesson: data in (from ``lessons.fit_regions``), chart out."""

from __future__ import annotations

from types import MappingProxyType

import altair as alt
import pandas as pd

from charts import curves, layering, layout
from lessons.fit_regions import REGIONS, FitRegions

NOT_LEARNING_COLOUR = "#999999"  # grey: no region of a fit, the run learned nothing
# each band in the colour the loss lessons give that region (charts.curves)
REGION_COLOURS = MappingProxyType(
    {"not_learning": NOT_LEARNING_COLOUR, **dict(zip(REGIONS, curves.REGION_COLOURS, strict=True))}
)


def band_chart(fr: FitRegions, labels: dict[str, str]) -> alt.Chart:
    """Shaded regions in epoch ranges, coloured by region (fixed colours per region, labels
    translated by the caller), their legend above the plot: two legends side by side below
    it overflow the page's narrow column."""
    rows = [{"start": a, "end": b, "label": labels[r]} for r, a, b in fr.bands()]
    frame = pd.DataFrame(rows, columns=["start", "end", "label"])
    domain = [labels[r] for r in REGION_COLOURS]
    colours = list(REGION_COLOURS.values())
    return curves.band_layer(frame, domain, colours).encode(
        color=alt.Color(
            "label:N",
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(orient="top", title=None),
        )
    )


def best_marker(epoch: int, label: str) -> pd.DataFrame:
    """The marker at the epoch of the lowest validation loss (``epoch, label``)."""
    return pd.DataFrame([{"epoch": int(epoch), "label": label}])


def learning_curves(bands: alt.Chart, lines: alt.TopLevelMixin) -> alt.LayerChart:
    """The learning curves over their shaded regions, as wide as the column; the bands keep
    their own colour scale (the curves colour the series)."""
    return layout.fit_width(
        layering.layer(bands, lines).resolve_scale(color="independent", shape="independent")
    )
