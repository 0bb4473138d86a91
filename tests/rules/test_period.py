"""Periods of the KPI table: a quarter (2024Q4) or a month (2024-11), with the period
before it (环比) and the same period a year earlier (同比)."""

from __future__ import annotations

from datetime import date

import pytest

from salesflow.rules import dates, kpi


@pytest.mark.parametrize(("period", "bounds", "previous", "last_year"), [
    ("2024Q4", (date(2024, 10, 1), date(2025, 1, 1)), "2024Q3", "2023Q4"),
    ("2024Q1", (date(2024, 1, 1), date(2024, 4, 1)), "2023Q4", "2023Q1"),
    ("2024-11", (date(2024, 11, 1), date(2024, 12, 1)), "2024-10", "2023-11"),
    ("2024-12", (date(2024, 12, 1), date(2025, 1, 1)), "2024-11", "2023-12"),
    ("2024-01", (date(2024, 1, 1), date(2024, 2, 1)), "2023-12", "2023-01"),
    ("2024-02", (date(2024, 2, 1), date(2024, 3, 1)), "2024-01", "2023-02"),
], ids=["quarter", "first-quarter", "month", "december", "january", "leap-february"])
def test_period_bounds_and_comparisons(period, bounds, previous, last_year):
    assert dates.period_bounds(period) == bounds
    assert dates.previous_period(period) == previous
    assert dates.same_period_last_year(period) == last_year


@pytest.mark.parametrize(("text", "expected"), [
    ("2024Q4", "2024Q4"), ("2024-q4", "2024Q4"), ("2024-11", "2024-11"), ("2024-1", "2024-01"),
    ("2024/11", "2024-11"), ("２０２４-１１", "2024-11"),
], ids=["quarter", "quarter-dash", "month", "one-digit", "slash", "full-width"])
def test_parse_period(text, expected):
    assert kpi.parse_period(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "2024-0", "1800-05", "November", "2024Q5", ""],
                         ids=["month-13", "month-0", "too-early", "word", "q5", "empty"])
def test_parse_period_refuses_naming_both_forms(text):
    with pytest.raises(ValueError, match="2024Q4.*2024-11"):
        kpi.parse_period(text)
