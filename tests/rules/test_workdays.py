from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.workdays import (
    ChineseCalendar,
    WeekdayCalendar,
    WorkCalendar,
    add_working_days,
    calendar_for,
    working_days_between,
)

D = date.fromisoformat

IS_WORKDAY = [
    # (calendar, day, expected)
    ("cn", "2023-09-28", True),  # Thursday before National Day
    ("cn", "2023-09-29", False),  # Mid-Autumn Festival, a Friday
    ("cn", "2023-10-02", False),  # National Day holiday, a Monday
    ("cn", "2023-10-07", True),  # make-up Saturday
    ("cn", "2023-10-08", True),  # make-up Sunday
    ("cn", "2024-02-04", True),  # Spring Festival make-up Sunday
    ("cn", "2024-02-12", False),  # Spring Festival, a Monday
    ("cn", "2024-02-18", True),  # Spring Festival make-up Sunday
    ("cn", "2024-02-17", False),  # last day of the Spring Festival break, a Saturday
    ("cn", "2024-03-02", False),  # ordinary Saturday
    ("weekdays", "2023-10-02", True),  # no holidays on weekdays
    ("weekdays", "2023-10-07", False),  # Saturday
    ("weekdays", "2023-10-08", False),  # Sunday
]


@pytest.mark.parametrize(
    ("cal", "day", "expected"),
    IS_WORKDAY,
    ids=[f"{c}-{d}-{'work' if e else 'off'}" for c, d, e in IS_WORKDAY],
)
def test_is_workday(cal: str, day: str, expected: bool) -> None:
    assert calendar_for(cal).is_workday(D(day)) is expected


ADD = [
    # (calendar, start, n, expected)
    ("cn", "2023-09-28", 3, "2023-10-09"),  # 09-29..10-06 off, 10-07 and 10-08 make-up days
    ("weekdays", "2023-09-28", 3, "2023-10-03"),
    ("cn", "2023-09-28", 1, "2023-10-07"),  # a make-up Saturday counts
    ("cn", "2023-09-28", 0, "2023-09-28"),
    ("cn", "2023-10-01", 0, "2023-10-01"),  # n=0 is start itself, even on a holiday
    ("cn", "2024-02-08", 1, "2024-02-09"),  # the day before the Spring Festival break works
    ("cn", "2024-02-09", 1, "2024-02-18"),  # break 02-10..02-17, make-up Sunday 02-18
    ("cn", "2024-02-09", 3, "2024-02-20"),
    ("weekdays", "2024-02-09", 3, "2024-02-14"),
    ("cn", "2024-02-02", 1, "2024-02-04"),  # make-up Sunday before the festival
    ("weekdays", "2024-02-02", 1, "2024-02-05"),
    ("cn", "2023-12-29", 1, "2024-01-02"),  # New Year's Day across a year end
    ("weekdays", "2023-12-29", 1, "2024-01-01"),
    ("weekdays", "2024-03-01", 5, "2024-03-08"),
]


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected"),
    ADD,
    ids=[f"{c}-{s}+{n}" for c, s, n, _ in ADD],
)
def test_add_working_days(cal: str, start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n, calendar_for(cal)) == D(expected)


BETWEEN = [
    # (calendar, start, end, expected): working days in (start, end]
    ("cn", "2023-09-28", "2023-10-09", 3),
    ("weekdays", "2023-09-28", "2023-10-09", 7),
    ("cn", "2023-09-28", "2023-09-28", 0),  # same day
    ("cn", "2023-10-09", "2023-09-28", 0),  # end before start
    ("cn", "2023-09-27", "2023-09-28", 1),  # end counts, start does not
    ("cn", "2024-02-09", "2024-02-17", 0),  # the whole Spring Festival break
    ("weekdays", "2024-02-09", "2024-02-17", 5),
]


@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    BETWEEN,
    ids=[f"{c}-{s}..{e}" for c, s, e, _ in BETWEEN],
)
def test_working_days_between(cal: str, start: str, end: str, expected: int) -> None:
    assert working_days_between(D(start), D(end), calendar_for(cal)) == expected


def test_year_beyond_the_data_falls_back_to_weekdays_and_is_recorded() -> None:
    cal = ChineseCalendar()
    last = max(ChineseCalendar.covered_years())
    start = date(last, 12, 30)  # 2026-12-30 with the data installed today: a Wednesday
    result = add_working_days(start, 3, cal)  # no exception past the data
    assert result.year == last + 1
    assert cal.is_workday(result) is WeekdayCalendar().is_workday(result)
    assert last + 1 in cal.uncovered_years
    assert last not in cal.uncovered_years


def test_2026_year_end_on_cn_lands_in_2027() -> None:
    if 2027 in ChineseCalendar.covered_years():
        pytest.skip("the installed calendar data now covers 2027")
    cal = ChineseCalendar()
    # 12-31 Thu works; 2027-01-01 Fri and 01-04 Mon count as weekdays without data.
    assert add_working_days(D("2026-12-30"), 3, cal) == D("2027-01-04")
    assert cal.uncovered_years == {2027}


def test_years_before_the_data_are_recorded() -> None:
    cal = ChineseCalendar()
    first = min(ChineseCalendar.covered_years())
    assert cal.is_workday(date(first - 1, 6, 2)) is (date(first - 1, 6, 2).weekday() < 5)
    assert cal.uncovered_years == {first - 1}


def test_covered_years_include_the_tested_holidays() -> None:
    years = ChineseCalendar.covered_years()
    assert 2004 in years and 2023 in years and 2024 in years


def test_covered_year_is_not_recorded() -> None:
    cal = ChineseCalendar()
    add_working_days(D("2023-09-28"), 3, cal)
    assert cal.uncovered_years == set()


def test_calendar_for_returns_a_new_instance_each_call() -> None:
    first, second = calendar_for("cn"), calendar_for("cn")
    assert first is not second
    first.is_workday(date(max(ChineseCalendar.covered_years()) + 1, 1, 4))
    assert isinstance(second, ChineseCalendar) and second.uncovered_years == set()


NAMES = [("cn", "cn"), ("weekdays", "weekdays"), (" CN ", "cn"), ("Weekdays", "weekdays")]


@pytest.mark.parametrize(("text", "name"), NAMES, ids=[repr(t) for t, _ in NAMES])
def test_calendar_for_names(text: str, name: str) -> None:
    assert calendar_for(text).name == name


REFUSED = ["x", "", "china", "weekday"]


@pytest.mark.parametrize("text", REFUSED, ids=[repr(t) for t in REFUSED])
def test_calendar_for_refuses_unknown_names(text: str) -> None:
    message = rf"^'{re.escape(text)}' is not a calendar; use cn or weekdays$"
    with pytest.raises(ValueError, match=message):
        calendar_for(text)


@pytest.mark.parametrize("cal", ["cn", "weekdays"], ids=["cn", "weekdays"])
def test_negative_working_days_are_refused(cal: str) -> None:
    with pytest.raises(ValueError, match=r"^'-1' is not a number of working days; use 0 or more$"):
        add_working_days(D("2024-01-02"), -1, calendar_for(cal))


class _NeverWorks:
    name = "never"

    def is_workday(self, d: date) -> bool:
        return False


def test_a_calendar_without_working_days_is_refused_instead_of_looping() -> None:
    with pytest.raises(ValueError, match="has no working day"):
        add_working_days(D("2024-01-02"), 1, _NeverWorks())


# Invariants, on both calendars, across the covered years and beyond them.

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
calendars = st.sampled_from(["cn", "weekdays"])


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=40), name=calendars)
def test_adding_working_days_lands_on_a_working_day(start: date, n: int, name: str) -> None:
    cal: WorkCalendar = calendar_for(name)
    assert cal.is_workday(add_working_days(start, n, cal))


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=40), name=calendars)
def test_one_more_working_day_is_later(start: date, n: int, name: str) -> None:
    cal = calendar_for(name)
    assert add_working_days(start, n + 1, cal) > add_working_days(start, n, cal)


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=40), name=calendars)
def test_working_days_between_inverts_adding(start: date, n: int, name: str) -> None:
    cal = calendar_for(name)
    assert working_days_between(start, add_working_days(start, n, cal), cal) == n


def test_warming_asks_the_package_about_every_covered_day_once() -> None:
    # the warm server calls warm() before it forks: a command then never asks the package
    from salesflow.rules import workdays

    workdays._cn_workday.cache_clear()
    workdays.warm()
    years = workdays.ChineseCalendar.covered_years()
    days = (date(years[-1], 12, 31) - date(years[0], 1, 1)).days + 1
    assert workdays._cn_workday.cache_info().currsize == days
    misses = workdays._cn_workday.cache_info().misses
    cal = calendar_for("cn")
    assert not cal.is_workday(date(2023, 10, 2)) and cal.is_workday(date(2023, 10, 7))
    assert add_working_days(date(2023, 9, 28), 3, cal) == date(2023, 10, 9)
    assert workdays._cn_workday.cache_info().misses == misses
