"""The learner's number style, in Python and as the Vega expression the charts evaluate."""

import math

import pytest

from charts import numbers

CASES = [
    (2.292e-11, "2.29 × 10⁻¹¹"),
    (7.89e-31, "7.89 × 10⁻³¹"),
    (1e-6, "1 × 10⁻⁶"),
    (-3.4e-5, "-3.4 × 10⁻⁵"),
    (1.2e30, "1.2 × 10³⁰"),
    (61.02, "61"),
    (0.0651, "0.0651"),
    (0.5, "0.5"),
    (12345, "12300"),
    (0.001, "0.001"),
    (0, "0"),
    (math.nan, "–"),
    (math.inf, "–"),
]


@pytest.mark.parametrize(("value", "text"), CASES)
def test_plain(value, text):
    assert numbers.plain(value) == text


def test_plain_has_no_e_notation_or_trailing_zeros():
    for k in range(-40, 40):
        for m in (1.0, 2.5, 9.999):
            text = numbers.plain(m * 10.0**k, 4)
            assert "e" not in text and not (("." in text) and text.endswith("0")), text


def test_power_of_ten_has_a_superscript_exponent():
    """Markdown has no superscript, and ``10^301`` reads as code to a learner."""
    assert numbers.power_of_ten(301) == "10³⁰¹"
    assert numbers.power_of_ten(-5) == "10⁻⁵"
