"""Whole numbers as people type them: days, ids, a satisfaction score.

One parser for every integer a user types (option, argument, setting or import cell), so
they all refuse the same things with the same message: anything but ASCII digits with an
optional sign (not `٣` or `３`, which Python's int() would take, not `1_000` or `1e3`),
and any value outside the range the caller states — in particular beyond what a 64-bit
database column holds. The message says the accepted range.
"""

from __future__ import annotations

import re

from salesflow.i18n import N_, _

INT64_MAX = 2**63 - 1  # the largest value an INTEGER/BIGINT column holds

_WHOLE = re.compile(r"[+-]?[0-9]+")
# A number with more digits than this is beyond any range a caller can state.
_MAX_DIGITS = 19


def parse_int(text: str, low: int, high: int, *, what: str = N_("a whole number")) -> int:
    """The integer `text` spells, within [low, high]; ValueError naming the range otherwise.

    Surrounding spaces are ignored; digits are ASCII only.
    """
    cleaned = text.strip()
    if _WHOLE.fullmatch(cleaned) is None:
        raise ValueError(
            _("'{value}' is not {what}; use digits 0-9 only, from {low} to {high}").format(
                value=text, what=_(what), low=low, high=high)
        )
    digits = cleaned.lstrip("+-").lstrip("0")
    if len(digits) > _MAX_DIGITS or not low <= (value := int(cleaned)) <= high:
        raise ValueError(
            _("'{value}' is out of range; use a whole number from {low} to {high}").format(
                value=text, low=low, high=high)
        )
    return value
