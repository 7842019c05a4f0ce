"""The learner's number style, in Python and as the Vega expression the charts evaluate."""

import math

import pytest

from charts import numbers

CASES = [
    (2.292e-11, "2.29 × 10⁻¹¹"),
    (7.89e-31, "7.89 × 10⁻³¹"),
    (1e-6, "1 × 10⁻⁶"),
    (-3.4e-5, "−3.4 × 10⁻⁵"),  # the minus sign, as Vega writes it
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


def test_negative_numbers_take_the_minus_sign():
    assert numbers.plain(-1.748) == "\u22121.75" and numbers.plain(-61.02, 4) == "\u221261.02"


def test_vega_keeps_powers_of_ten_whole_and_rounds_like_plain():
    """log(1e6) / LN10 is 5.999... in JavaScript: without care a tick at 10⁶ read
    "10 × 10⁵" (learning rate's log axis)."""
    expression = numbers.vega("datum.value", 2)
    assert "+ 1e-9)" in expression  # the epsilon inside the floor
    assert ">= 9.95" in expression  # a mantissa rounding to 10 moves up a power
