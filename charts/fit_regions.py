"""Charts of the fit regions lesson: data in (from ``lessons.fit_regions``), chart out."""

from __future__ import annotations

from lessons.fit_regions import REGION_COLOURS, FitRegions


def band_chart(fr: FitRegions, labels: dict[str, str]):
    """Shaded regions in epoch ranges, coloured by region (fixed colours per region, labels
    translated by the caller)."""
    import pandas as pd

    from charts import curves

    rows = [{"start": a, "end": b, "label": labels[r]} for r, a, b in fr.bands()]
    frame = pd.DataFrame(rows, columns=["start", "end", "label"])
    domain = [labels[r] for r in REGION_COLOURS]
    return curves.band_layer(frame, domain, list(REGION_COLOURS.values()))
