"""The palette's colours stay apart for every common colour vision.

Colour-blindness is simulated with the matrices of Machado, Oliveira & Fernandes (2009),
"A physiologically-based model for simulation of color vision deficiency", severity 1.0,
applied to linear sRGB. Distances are CIE76: the Euclidean distance in CIELAB (D65 white),
where about 2.3 is just noticeable and colours 15 or more apart read as different colours
at a glance. A band is drawn at ``palette.BAND_OPACITY`` over white, so bands are compared
as the colours they show: blended with white.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from charts import curves, palette

# rows: simulated linear R, G, B from the original linear R, G, B
MACHADO_2009 = {
    "normal": np.eye(3),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
D65_WHITE = np.array([0.95047, 1.0, 1.08883])
SERIES_DISTANCE = 15.0  # full-strength series colours (lines, points, arrows)
BAND_DISTANCE = 8.0  # pale bands side by side: clearly apart, if not at a glance


def linear_rgb(colour: str, opacity: float = 1.0) -> np.ndarray:
    """The sRGB ``colour`` drawn at ``opacity`` over white, as linear RGB in [0, 1]:
    ``c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4``."""
    shown = (opacity * palette.hex_rgb(colour) + (1 - opacity) * 255) / 255
    return np.where(shown <= 0.04045, shown / 12.92, ((shown + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB of a linear sRGB colour: ``L = 116 f(Y) - 16, a = 500 (f(X) - f(Y)),
    b = 200 (f(Y) - f(Z))`` with XYZ relative to D65 white and ``f(t) = t^(1/3)`` above
    ``(6/29)^3``, else ``t / (3 (6/29)^2) + 4/29``."""
    xyz = SRGB_TO_XYZ @ np.clip(linear, 0, 1) / D65_WHITE
    small = (6 / 29) ** 3
    f = np.where(xyz > small, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(first: str, second: str, vision: str, opacity: float = 1.0) -> float:
    """CIE76 distance between two colours as seen with ``vision`` (``MACHADO_2009``)."""
    matrix = MACHADO_2009[vision]
    seen = [lab(matrix @ linear_rgb(c, opacity)) for c in (first, second)]
    return float(np.linalg.norm(seen[0] - seen[1]))


def closest_pair(colours, opacity: float = 1.0) -> tuple[float, str, str, str]:
    return min(
        (distance(a, b, vision, opacity), a, b, vision)
        for a, b in itertools.combinations(colours, 2)
        for vision in MACHADO_2009
    )


def test_the_formulas_on_known_colours():
    # white is L=100, a=b=0; black is 0; sRGB red is L=53.24, a=80.09, b=67.20
    assert np.allclose(lab(linear_rgb("#FFFFFF")), [100, 0, 0], atol=0.01)
    assert np.allclose(lab(linear_rgb("#000000")), [0, 0, 0], atol=0.01)
    assert np.allclose(lab(linear_rgb("#FF0000")), [53.24, 80.09, 67.20], atol=0.05)
    # each simulation keeps white white (its rows sum to 1) and greys grey
    for matrix in MACHADO_2009.values():
        assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-3)
    # a deuteranope sees red and green far closer than a trichromat does
    assert (
        distance("#FF0000", "#00AA00", "deuteranopia")
        < distance("#FF0000", "#00AA00", "normal") / 2
    )


@pytest.mark.parametrize("count", range(2, len(palette.OKABE_ITO) + 1))
def test_series_colours_are_apart_for_every_vision(count):
    """``series_encodings`` gives ``count`` series the first ``count`` colours."""
    colour, _shape = palette.series_encodings([f"s{i}" for i in range(count)], "run")
    colours = colour.to_dict()["scale"]["range"]
    assert len(set(colours)) == count
    gap, first, second, vision = closest_pair(colours)
    assert gap >= SERIES_DISTANCE, f"{first} and {second} are {gap:.1f} apart ({vision})"


def test_arrow_and_class_colours_are_apart_for_every_vision():
    for colours in (list(palette.ARROW_COLOURS.values()), palette.class_colours(4)):
        gap, first, second, vision = closest_pair(colours)
        assert gap >= SERIES_DISTANCE, f"{first} and {second} are {gap:.1f} apart ({vision})"


def test_fit_region_bands_are_apart_for_every_vision():
    """Underfit, good and overfit epochs (and 'not learning') as the bands show them."""
    gap, first, second, vision = closest_pair(palette.REGION_COLOURS.values(), palette.BAND_OPACITY)
    assert gap >= BAND_DISTANCE, f"{first} and {second} are {gap:.1f} apart ({vision})"
    underfit, overfit = palette.REGION_COLOURS["underfit"], palette.REGION_COLOURS["overfit"]
    for vision in MACHADO_2009:
        assert distance(underfit, overfit, vision, palette.BAND_OPACITY) >= SERIES_DISTANCE
    assert (
        tuple(palette.REGION_COLOURS[r] for r in ("underfit", "good", "overfit"))
        == curves.REGION_COLOURS
    )
