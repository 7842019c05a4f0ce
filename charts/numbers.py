"""One number style for learners, in Python (sentences, tables, slider labels) and as a Vega
expression (text that follows the player's frame):

- between 0.001 and 100 000: ``digits`` significant digits in plain decimals, no trailing
  zeros (``0.0651``, ``61.02``, ``12300``);
- outside it: ``2.3 × 10⁻¹¹`` (never ``2.3e-11``);
- zero is ``0``; nan and inf are ``–``.
"""

from __future__ import annotations

import math

PLAIN_LOW, PLAIN_HIGH = 1e-3, 1e5
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MISSING = "–"
MINUS = "\u2212"


def power_of_ten(exponent: int) -> str:
    """``10`` with a superscript exponent: ``power_of_ten(-5) == "10⁻⁵"`` (for numbers too
    large or small for a float, such as the odds ``1 in 10³⁰¹⁰³⁰``)."""
    return "10" + str(int(exponent)).translate(SUPERSCRIPTS)


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain(value: float | None, digits: int = 3) -> str:
    """``value`` for a learner: ``plain(2.292e-11) == "2.29 × 10⁻¹¹"``, ``plain(61.02) == "61"``."""
    if value is None or not math.isfinite(value):
        return MISSING
    if value == 0:
        return "0"
    if value < 0:  # the minus sign, as Vega's format writes it (a hyphen reads as a dash)
        return MINUS + plain(-value, digits)
    size = abs(value)
    exponent = math.floor(math.log10(size))
    if PLAIN_LOW <= size < PLAIN_HIGH:
        decimals = digits - 1 - exponent
        return _trim(f"{round(value, decimals):.{max(decimals, 0)}f}")
    mantissa = value / 10.0**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.996 rounds up to the next power
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{_trim(f'{mantissa:.{digits - 1}f}')} × {power_of_ten(exponent)}"


def vega(expression: str, digits: int = 3) -> str:
    """A Vega expression printing ``expression`` as ``plain`` does."""
    x = f"({expression})"
    # log(1e6) / LN10 is 5.999...: the epsilon keeps a power of ten whole; and a mantissa
    # that rounds up to 10 (9.996 to 3 digits) moves to the next power, as in ``plain``
    raw = f"floor(log(abs({x})) / LN10 + 1e-9)"
    rounds_up = f"abs({x}) / pow(10, {raw}) >= {10 - 0.5 * 10 ** (1 - digits)!r}"
    exponent = f"({raw} + ({rounds_up} ? 1 : 0))"
    superscript = f"'' + {exponent}"
    for plain_char, sup in zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True):
        superscript = f"replace({superscript}, regexp('{plain_char}', 'g'), '{sup}')"
    scientific = f"format({x} / pow(10, {exponent}), '.{digits - 1}~f') + ' × 10' + {superscript}"
    return (
        f"(!isFinite({x}) ? '{MISSING}' : {x} == 0 ? '0' : "
        f"abs({x}) >= {PLAIN_LOW} && abs({x}) < {PLAIN_HIGH:.0f} ? format({x}, '.{digits}~r') : "
        f"{scientific})"
    )
