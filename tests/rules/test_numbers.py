"""rules/numbers.parse_int: the one parser of typed whole numbers."""

from __future__ import annotations

import pytest

from salesflow.rules.numbers import INT64_MAX, parse_int

ACCEPTED = [
    ("7", 1, 10, 7, "plain"),
    (" 7 ", 1, 10, 7, "spaces"),
    ("+7", 1, 10, 7, "plus-sign"),
    ("007", 1, 10, 7, "leading-zeros"),
    ("0", 0, 10, 0, "zero-at-low"),
    ("-3", -5, 5, -3, "negative-within"),
    (str(INT64_MAX), 1, INT64_MAX, INT64_MAX, "int64-max"),
]


@pytest.mark.parametrize(("text", "low", "high", "value"), [a[:4] for a in ACCEPTED],
                         ids=[a[4] for a in ACCEPTED])
def test_parse_int_accepts(text: str, low: int, high: int, value: int) -> None:
    assert parse_int(text, low, high) == value


REFUSED = [
    ("٣", "is not a whole number; use digits 0-9 only, from 1 to 10", "arabic-indic"),
    ("３", "is not a whole number; use digits 0-9 only, from 1 to 10", "full-width"),
    ("1_0", "is not a whole number; use digits 0-9 only, from 1 to 10", "underscore"),
    ("1e1", "is not a whole number; use digits 0-9 only, from 1 to 10", "exponent"),
    ("", "is not a whole number; use digits 0-9 only, from 1 to 10", "empty"),
    ("0", "is out of range; use a whole number from 1 to 10", "below"),
    ("11", "is out of range; use a whole number from 1 to 10", "above"),
    ("-1", "is out of range; use a whole number from 1 to 10", "negative"),
    ("9" * 30, "is out of range; use a whole number from 1 to 10", "beyond-64-bits"),
    ("0" * 40 + "5", None, "many-leading-zeros-accepted"),
]


@pytest.mark.parametrize(("text", "message"), [r[:2] for r in REFUSED],
                         ids=[r[2] for r in REFUSED])
def test_parse_int_refuses_stating_the_range(text: str, message: str | None) -> None:
    if message is None:
        assert parse_int(text, 1, 10) == 5
        return
    with pytest.raises(ValueError) as excinfo:
        parse_int(text, 1, 10)
    assert str(excinfo.value) == f"'{text}' {message}"
