"""Money input: every accepted spelling gives exact fen; everything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.money import MAX_FEN, format_plain, format_yuan, parse_money

ACCEPTED = [
    ("2580000", 258_000_000, "plain-yuan"),
    ("2,580,000", 258_000_000, "comma-groups"),
    ("¥2,580,000.50", 258_000_050, "yen-sign-and-fen"),
    ("￥2,580,000.50", 258_000_050, "full-width-yen-sign"),
    ("¥ 2,580,000", 258_000_000, "space-after-sign"),
    ("1000元", 100_000, "yuan-suffix"),
    ("258万", 258_000_000, "wan"),
    ("258万元", 258_000_000, "wan-yuan"),
    ("258w", 258_000_000, "w-lower"),
    ("258W", 258_000_000, "w-upper"),
    ("1.5万", 1_500_000, "decimal-wan"),
    ("1.2345万", 1_234_500, "wan-four-decimals-is-whole-yuan"),
    ("1.234567万", 1_234_567, "wan-six-decimals-is-whole-fen"),
    ("2.58m", 258_000_000, "million-lower"),
    ("2.58M", 258_000_000, "million-upper"),
    ("0.000001m", 100, "million-six-decimals-is-one-yuan"),
    ("0.00000001m", 1, "million-eight-decimals-is-one-fen"),
    ("0", 0, "zero"),
    ("0.00", 0, "zero-with-fen"),
    ("0.01", 1, "one-fen"),
    ("12.3", 1_230, "one-decimal"),
    ("1.230", 123, "trailing-zero-is-still-two-decimals"),
    ("  12  ", 1_200, "surrounding-whitespace"),
    ("１２３", 12_300, "full-width-digits"),
    ("１，０００", 100_000, "full-width-comma"),
    ("1,000万", 1_000_000_000, "comma-groups-with-wan"),
    ("92233720368547758.07", MAX_FEN, "largest-storable"),
]


@pytest.mark.parametrize(
    ("text", "fen"), [(t, f) for t, f, _ in ACCEPTED], ids=[i for *_, i in ACCEPTED]
)
def test_parse_money_accepts(text: str, fen: int) -> None:
    assert parse_money(text) == fen


NOT_AN_AMOUNT = "is not an amount; use yuan such as 2580000, 2,580,000.50, 258万 or 2.58m"
REFUSED = [
    ("", NOT_AN_AMOUNT, "empty"),
    ("   ", NOT_AN_AMOUNT, "blank"),
    ("abc", NOT_AN_AMOUNT, "letters"),
    ("12abc", NOT_AN_AMOUNT, "trailing-letters"),
    ("1e3", NOT_AN_AMOUNT, "exponent"),
    ("12k", NOT_AN_AMOUNT, "unknown-unit"),
    ("RMB 100", NOT_AN_AMOUNT, "currency-code"),
    ("12.", NOT_AN_AMOUNT, "dangling-point"),
    (".5", NOT_AN_AMOUNT, "no-integer-part"),
    ("1.2.3", NOT_AN_AMOUNT, "two-points"),
    ("1 000", NOT_AN_AMOUNT, "space-separator"),
    ("258万万", NOT_AN_AMOUNT, "double-unit"),
    ("nan", NOT_AN_AMOUNT, "nan"),
    ("٣", NOT_AN_AMOUNT, "arabic-indic-digit"),
    ("2,58,000", "has misplaced commas", "lakh-grouping"),
    ("2,5800", "has misplaced commas", "group-of-four"),
    ("1,000,00", "has misplaced commas", "short-last-group"),
    ("0,123", "has misplaced commas", "leading-zero-group"),
    ("1,,000", "has misplaced commas", "double-comma"),
    ("-5", "is negative", "negative"),
    ("-¥5", "is negative", "minus-before-sign"),
    ("¥-5", "is negative", "minus-after-sign"),
    ("\u22125", "is negative", "unicode-minus"),
    ("1.234", "has more than two decimals of a yuan", "three-decimals"),
    ("1.2345678万", "has more than two decimals of a yuan", "wan-leaves-fraction-of-fen"),
    ("0.000000001m", "has more than two decimals of a yuan", "million-leaves-fraction-of-fen"),
    ("92233720368547758.08", "is too large", "one-fen-over-storable"),
    ("1" * 40, "is too large", "forty-digits"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for t, e, _ in REFUSED], ids=[i for *_, i in REFUSED]
)
def test_parse_money_refuses(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_money(text)
    message = str(excinfo.value)
    assert message.startswith(repr(text) + " ")
    assert expected in message
    assert "\n" not in message


def test_examples_from_the_brief_word_for_word() -> None:
    with pytest.raises(ValueError) as abc:
        parse_money("abc")
    assert str(abc.value) == (
        "'abc' is not an amount; use yuan such as 2580000, 2,580,000.50, 258万 or 2.58m"
    )
    with pytest.raises(ValueError) as decimals:
        parse_money("1.234")
    assert str(decimals.value) == "'1.234' has more than two decimals of a yuan"


FEN = st.integers(min_value=0, max_value=10**13)


@settings(max_examples=200, deadline=None)
@given(FEN)
def test_plain_format_round_trips(fen: int) -> None:
    assert parse_money(format_plain(fen)) == fen


@settings(max_examples=200, deadline=None)
@given(FEN)
def test_people_format_round_trips(fen: int) -> None:
    assert parse_money(format_yuan(fen)) == fen


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_wan_is_ten_thousand_yuan(fen: int) -> None:
    # fen / 10**6 is the amount in 万, exact to six decimals — always a whole number of fen.
    wan = f"{fen // 10**6}.{fen % 10**6:06d}万"
    assert parse_money(wan) == fen


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**13))
def test_negative_of_any_amount_is_refused(fen: int) -> None:
    with pytest.raises(ValueError, match="is negative"):
        parse_money("-" + format_plain(fen))
