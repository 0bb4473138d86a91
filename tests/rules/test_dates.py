"""Dates, times and quarters: every accepted form, every refusal, calendar edges."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.dates import (
    parse_date,
    parse_datetime,
    previous_quarter,
    quarter_bounds,
    quarter_of,
    same_quarter_last_year,
)

FRIDAY = date(2024, 10, 25)
SHANGHAI = ZoneInfo("Asia/Shanghai")
VANCOUVER = ZoneInfo("America/Vancouver")

# ---------------------------------------------------------------- parse_date: accepted

DATES = [
    ("2024-10-01", FRIDAY, date(2024, 10, 1), "iso"),
    ("2024-1-5", FRIDAY, date(2024, 1, 5), "iso-single-digits"),
    ("2024/01/02", FRIDAY, date(2024, 1, 2), "year-first-slashes"),
    ("2024.1.2", FRIDAY, date(2024, 1, 2), "year-first-dots"),
    ("2024年1月2日", FRIDAY, date(2024, 1, 2), "chinese-year-month-day"),
    ("２０２４－１０－０１", FRIDAY, date(2024, 10, 1), "full-width-iso"),
    ("  2024-10-01 ", FRIDAY, date(2024, 10, 1), "surrounding-space"),
    ("2024-02-29", FRIDAY, date(2024, 2, 29), "leap-day"),
    ("2000-02-29", FRIDAY, date(2000, 2, 29), "leap-day-400-rule"),
    ("today", FRIDAY, FRIDAY, "today"),
    ("TODAY", FRIDAY, FRIDAY, "today-upper"),
    ("tomorrow", FRIDAY, date(2024, 10, 26), "tomorrow"),
    ("yesterday", FRIDAY, date(2024, 10, 24), "yesterday"),
    ("tomorrow", date(2024, 12, 31), date(2025, 1, 1), "tomorrow-year-end"),
    ("yesterday", date(2025, 1, 1), date(2024, 12, 31), "yesterday-new-year"),
    ("tomorrow", date(2024, 2, 28), date(2024, 2, 29), "tomorrow-leap"),
    ("+3d", FRIDAY, date(2024, 10, 28), "plus-days"),
    ("-3d", FRIDAY, date(2024, 10, 22), "minus-days"),
    ("+0d", FRIDAY, FRIDAY, "plus-zero"),
    ("+ 3 d", FRIDAY, date(2024, 10, 28), "plus-days-spaced"),
    ("+3D", FRIDAY, date(2024, 10, 28), "plus-days-upper"),
    ("+2w", FRIDAY, date(2024, 11, 8), "plus-weeks"),
    ("-2w", FRIDAY, date(2024, 10, 11), "minus-weeks"),
    ("+1m", FRIDAY, date(2024, 11, 25), "plus-month"),
    ("-1m", FRIDAY, date(2024, 9, 25), "minus-month"),
    ("+1m", date(2024, 1, 31), date(2024, 2, 29), "month-end-clamps-leap"),
    ("+1m", date(2023, 1, 31), date(2023, 2, 28), "month-end-clamps"),
    ("-1m", date(2024, 3, 31), date(2024, 2, 29), "minus-month-clamps"),
    ("+1m", date(2024, 8, 31), date(2024, 9, 30), "month-end-30-day"),
    ("+12m", date(2024, 2, 29), date(2025, 2, 28), "year-of-months-from-leap-day"),
    ("+1m", date(2024, 12, 15), date(2025, 1, 15), "month-over-year-end"),
    ("+3d", date(2024, 12, 30), date(2025, 1, 2), "days-over-year-end"),
    ("fri", FRIDAY, date(2024, 11, 1), "same-weekday-is-next-week"),
    ("friday", FRIDAY, date(2024, 11, 1), "full-name-same-weekday"),
    ("next fri", FRIDAY, date(2024, 11, 1), "next-same-weekday"),
    ("sat", FRIDAY, date(2024, 10, 26), "tomorrow-weekday"),
    ("thu", FRIDAY, date(2024, 10, 31), "yesterday-weekday-is-six-days"),
    ("thurs", FRIDAY, date(2024, 10, 31), "thurs"),
    ("tues", FRIDAY, date(2024, 10, 29), "tues"),
    ("Mon", FRIDAY, date(2024, 10, 28), "mon-capitalised"),
    ("next monday", FRIDAY, date(2024, 10, 28), "next-monday"),
    ("NEXT  Monday", FRIDAY, date(2024, 10, 28), "next-monday-upper-double-space"),
    ("ｆｒｉ", FRIDAY, date(2024, 11, 1), "full-width-weekday"),
    ("wed", date(2024, 12, 31), date(2025, 1, 1), "weekday-over-year-end"),
    ("thu", date(2024, 2, 27), date(2024, 2, 29), "weekday-onto-leap-day"),
]


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [(t, d, e) for t, d, e, _ in DATES],
    ids=[i for *_, i in DATES],
)
def test_parse_date_accepts(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


# ---------------------------------------------------------------- parse_date: refused

NOT_A_DATE = (
    "is not a date; use YYYY-MM-DD, today, tomorrow, +3d, +2w, +1m or a weekday such as fri"
    " or next monday"
)
DATE_REFUSALS = [
    ("01/02/2024", "is ambiguous; write the date as YYYY-MM-DD, e.g. 2024-01-02 or 2024-02-01",
     "slashes-ambiguous"),
    ("1.2.2024", "is ambiguous; write the date as YYYY-MM-DD, e.g. 2024-01-02 or 2024-02-01",
     "dots-ambiguous"),
    ("02-01-2024", "is ambiguous; write the date as YYYY-MM-DD, e.g. 2024-01-02 or 2024-02-01",
     "dashes-ambiguous"),
    ("01/02/24", "is ambiguous; write the date as YYYY-MM-DD, e.g. 2001-02-24, 2024-01-02 or "
     "2024-02-01", "two-digit-year-three-readings"),
    ("13/02/2024", "is not in YYYY-MM-DD form; write it as 2024-02-13", "day-first-one-reading"),
    ("02/13/2024", "is not in YYYY-MM-DD form; write it as 2024-02-13", "month-first-one-reading"),
    ("05/05/2024", "is not in YYYY-MM-DD form; write it as 2024-05-05", "both-readings-equal"),
    ("30/02/2024", "is not a real date; use YYYY-MM-DD", "no-reading-real"),
    ("2024-02-30", "is not a real date (February 2024 has 29 days); use YYYY-MM-DD", "feb-30"),
    ("2023-02-29", "is not a real date (February 2023 has 28 days); use YYYY-MM-DD",
     "feb-29-common-year"),
    ("1900-02-29", "is not a real date (February 1900 has 28 days); use YYYY-MM-DD",
     "feb-29-century"),
    ("2024-04-31", "is not a real date (April 2024 has 30 days); use YYYY-MM-DD", "april-31"),
    ("2024-01-00", "is not a real date (January 2024 has 31 days); use YYYY-MM-DD", "day-zero"),
    ("2024-13-01", "is not a real date (there is no month 13); use YYYY-MM-DD", "month-13"),
    ("2024-00-10", "is not a real date (there is no month 0); use YYYY-MM-DD", "month-zero"),
    ("0000-01-01", "is not a real date (there is no year 0); use YYYY-MM-DD", "year-zero"),
    ("xyz", NOT_A_DATE, "word"),
    ("", NOT_A_DATE, "empty"),
    ("next", NOT_A_DATE, "next-alone"),
    ("next week", NOT_A_DATE, "next-week"),
    ("fridays", NOT_A_DATE, "plural-weekday"),
    ("+3y", NOT_A_DATE, "unit-years"),
    ("+d", NOT_A_DATE, "no-count"),
    ("3d", NOT_A_DATE, "no-sign"),
    ("24-10-01-01", NOT_A_DATE, "four-parts"),
    ("20241001", NOT_A_DATE, "basic-iso-without-dashes"),
    ("2024-10-01 10:00", NOT_A_DATE, "date-with-time"),
    ("+99999999d", "is beyond the calendar (years 0001 to 9999); use a YYYY-MM-DD date",
     "too-far"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for t, e, _ in DATE_REFUSALS],
    ids=[i for *_, i in DATE_REFUSALS],
)
def test_parse_date_refuses(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_date(text, FRIDAY)
    message = str(excinfo.value)
    assert message.startswith(f"{text!r} {expected}")
    assert "YYYY-MM-DD" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "today"),
    [
        ("+1d", date(9999, 12, 31)),
        ("+1w", date(9999, 12, 31)),
        ("+1m", date(9999, 12, 31)),
        ("fri", date(9999, 12, 31)),
        ("-1d", date(1, 1, 1)),
        ("yesterday", date(1, 1, 1)),
        ("tomorrow", date(9999, 12, 31)),
        ("-1m", date(1, 1, 1)),
        ("+9999999m", FRIDAY),
    ],
    ids=[
        "day",
        "week",
        "month",
        "weekday",
        "minus-day",
        "yesterday",
        "tomorrow",
        "minus-month",
        "many-months",
    ],
)
def test_parse_date_refuses_leaving_the_calendar(text: str, today: date) -> None:
    with pytest.raises(ValueError, match="is beyond the calendar"):
        parse_date(text, today)


@settings(max_examples=150, deadline=None)
@given(
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 1)),
    weekday=st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
)
def test_weekday_is_within_the_next_seven_days(today: date, weekday: str) -> None:
    result = parse_date(weekday, today)
    assert 1 <= (result - today).days <= 7
    assert result.strftime("%a").lower() == weekday
    assert parse_date("next " + weekday, today) == result


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 1)))
def test_iso_round_trips(d: date) -> None:
    assert parse_date(d.isoformat(), FRIDAY) == d


@settings(max_examples=150, deadline=None)
@given(
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 1, 1)),
    months=st.integers(min_value=0, max_value=120),
)
def test_adding_months_never_overshoots_the_target_month(today: date, months: int) -> None:
    result = parse_date(f"+{months}m", today)
    assert (result.year * 12 + result.month) - (today.year * 12 + today.month) == months
    # Same day of the month, or the month's last day when the month is shorter (clamping).
    assert result.day == min(today.day, calendar.monthrange(result.year, result.month)[1])


# ---------------------------------------------------------------- parse_datetime

NOW_SH = datetime(2024, 10, 25, 9, 30, 15, tzinfo=SHANGHAI)


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


DATETIMES = [
    ("now", sh(2024, 10, 25, 9, 30, 15), "now"),
    ("NOW", sh(2024, 10, 25, 9, 30, 15), "now-upper"),
    ("today", sh(2024, 10, 25, 9, 30, 15), "today-keeps-time"),
    ("yesterday", sh(2024, 10, 24, 9, 30, 15), "yesterday-same-time"),
    ("tomorrow", sh(2024, 10, 26, 9, 30, 15), "tomorrow-same-time"),
    ("+1m", sh(2024, 11, 25, 9, 30, 15), "plus-month-same-time"),
    ("fri", sh(2024, 11, 1, 9, 30, 15), "weekday-same-time"),
    ("2024-10-01", sh(2024, 10, 1, 9, 30, 15), "iso-date-same-time"),
    ("2024-10-01 14:00", sh(2024, 10, 1, 14, 0), "space-hh-mm"),
    ("2024-10-01 14:00:05", sh(2024, 10, 1, 14, 0, 5), "space-hh-mm-ss"),
    ("2024-10-01T14:00", sh(2024, 10, 1, 14, 0), "t-hh-mm"),
    ("2024-10-01t14:00:05", sh(2024, 10, 1, 14, 0, 5), "lower-t"),
    ("2024-10-01T06:00Z", sh(2024, 10, 1, 14, 0), "utc-z"),
    ("2024-10-01T06:00:00z", sh(2024, 10, 1, 14, 0), "utc-lower-z"),
    ("2024-10-01T14:00+08:00", sh(2024, 10, 1, 14, 0), "plus-eight"),
    ("2024-10-01 06:00+0000", sh(2024, 10, 1, 14, 0), "compact-offset"),
    ("2024-10-01T14:00-07:00", sh(2024, 10, 2, 5, 0), "negative-offset-crosses-midnight"),
    ("2024-12-31T16:00Z", sh(2025, 1, 1, 0, 0), "utc-into-new-year"),
    ("10:00", sh(2024, 10, 25, 10, 0), "time-alone-is-today"),
    ("9:05", sh(2024, 10, 25, 9, 5), "single-digit-hour"),
    ("00:00", sh(2024, 10, 25, 0, 0), "midnight"),
    ("23:59:59", sh(2024, 10, 25, 23, 59, 59), "last-second"),
    ("tomorrow 10:00", sh(2024, 10, 26, 10, 0), "relative-day-with-time"),
    ("next fri 15:30", sh(2024, 11, 1, 15, 30), "weekday-with-time"),
    ("２０２４－１０－０１ １４：００", sh(2024, 10, 1, 14, 0), "full-width"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for t, e, _ in DATETIMES],
    ids=[i for *_, i in DATETIMES],
)
def test_parse_datetime_in_shanghai(text: str, expected: datetime) -> None:
    result = parse_datetime(text, NOW_SH)
    assert result == expected
    assert result.tzinfo is SHANGHAI
    assert result.utcoffset() == timedelta(hours=8)
    assert result.replace(tzinfo=None) == expected.replace(tzinfo=None)  # wall clock too


# 2024-03-10 02:00 PST → 03:00 PDT; 2024-11-03 02:00 PDT → 01:00 PST.
NOW_VA = datetime(2024, 3, 9, 2, 30, tzinfo=VANCOUVER)
VANCOUVER_CASES = [
    ("2024-10-01 14:00", "2024-10-01T14:00:00-07:00", "summer-local"),
    ("2024-01-15 14:00", "2024-01-15T14:00:00-08:00", "winter-local"),
    ("2024-10-01T21:00Z", "2024-10-01T14:00:00-07:00", "z-to-pdt"),
    ("2024-01-01T00:00Z", "2023-12-31T16:00:00-08:00", "z-goes-back-a-year"),
    ("2024-10-02T05:00+08:00", "2024-10-01T14:00:00-07:00", "shanghai-offset-to-vancouver"),
    ("2024-03-10 02:30", "2024-03-10T03:30:00-07:00", "skipped-hour-moves-forward"),
    ("tomorrow", "2024-03-10T03:30:00-07:00", "tomorrow-into-skipped-hour"),
    ("2024-11-03 01:30", "2024-11-03T01:30:00-07:00", "repeated-hour-first-occurrence"),
    ("2024-11-03T09:30Z", "2024-11-03T01:30:00-08:00", "z-into-second-occurrence"),
    ("+1d", "2024-03-10T03:30:00-07:00", "plus-day-over-dst"),
    ("2024-03-11", "2024-03-11T02:30:00-07:00", "date-after-dst-keeps-wall-time"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for t, e, _ in VANCOUVER_CASES],
    ids=[i for *_, i in VANCOUVER_CASES],
)
def test_parse_datetime_in_vancouver(text: str, expected: str) -> None:
    result = parse_datetime(text, NOW_VA)
    assert result.tzinfo is VANCOUVER
    assert result.isoformat() == expected


def test_z_is_the_same_instant_in_both_zones() -> None:
    in_shanghai = parse_datetime("2024-10-01T06:00Z", NOW_SH)
    in_vancouver = parse_datetime("2024-10-01T06:00Z", NOW_VA)
    assert in_shanghai == in_vancouver == datetime(2024, 10, 1, 6, 0, tzinfo=UTC)
    assert in_shanghai.date() == date(2024, 10, 1)
    assert in_vancouver.date() == date(2024, 9, 30)


NOT_A_DATETIME = (
    "is not a date or time; use YYYY-MM-DD HH:MM, HH:MM, now, today, tomorrow, +3d or a weekday"
)
DATETIME_REFUSALS = [
    ("25:00", "is not a real time (hours run 00 to 23); use YYYY-MM-DD HH:MM", "hour-25"),
    ("24:00", "is not a real time (hours run 00 to 23); use YYYY-MM-DD HH:MM", "hour-24"),
    ("10:60", "is not a real time (minutes run 00 to 59); use YYYY-MM-DD HH:MM", "minute-60"),
    ("2024-10-01 10:00:61", "is not a real time (seconds run 00 to 59); use YYYY-MM-DD HH:MM",
     "second-61"),
    ("2024-02-30 10:00", "is not a real date (February 2024 has 29 days); use YYYY-MM-DD HH:MM",
     "impossible-date-with-time"),
    ("2024-02-30", "is not a real date (February 2024 has 29 days); use YYYY-MM-DD HH:MM",
     "impossible-date"),
    ("01/02/2024 10:00", "is ambiguous; write the date as YYYY-MM-DD, e.g. 2024-01-02 or "
     "2024-02-01", "ambiguous-date-with-time"),
    ("10:00+25:00", "has an impossible UTC offset; use YYYY-MM-DD HH:MM with Z or ±HH:MM such "
     "as +08:00", "offset-25-hours"),
    ("xyz", NOT_A_DATETIME, "word"),
    ("", NOT_A_DATETIME, "empty"),
    ("10", NOT_A_DATETIME, "bare-hour"),
    ("10:0", NOT_A_DATETIME, "one-digit-minute"),
    ("10am", NOT_A_DATETIME, "am-pm"),
    ("2024-10-01 t 10:00", NOT_A_DATETIME, "spaced-t"),
    ("xyz 10:00", NOT_A_DATETIME, "word-with-time"),
    ("2024-10-01T10:00+08:00:00", NOT_A_DATETIME, "offset-with-seconds"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for t, e, _ in DATETIME_REFUSALS],
    ids=[i for *_, i in DATETIME_REFUSALS],
)
def test_parse_datetime_refuses(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_datetime(text, NOW_SH)
    message = str(excinfo.value)
    assert message.startswith(f"{text!r} {expected}")
    assert "YYYY-MM-DD" in message
    assert "\n" not in message


def test_parse_datetime_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_datetime("now", datetime(2024, 10, 25, 9, 30))


@settings(max_examples=150, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
    zone=st.sampled_from([SHANGHAI, VANCOUVER]),
)
def test_utc_input_is_the_same_instant(moment: datetime, zone: ZoneInfo) -> None:
    moment = moment.replace(microsecond=0)
    now = datetime(2024, 10, 25, 9, 30, tzinfo=zone)
    result = parse_datetime(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), now)
    # Compare in UTC: PEP 495 makes == False across zones inside a repeated (DST) hour.
    assert result.astimezone(UTC) == moment.replace(tzinfo=UTC)
    assert result.tzinfo is zone


# ---------------------------------------------------------------- quarters

QUARTER_OF = [
    (date(2024, 1, 1), "2024Q1", "first-day-of-year"),
    (date(2024, 3, 31), "2024Q1", "last-day-of-q1"),
    (date(2024, 4, 1), "2024Q2", "first-day-of-q2"),
    (date(2024, 6, 30), "2024Q2", "last-day-of-q2"),
    (date(2024, 7, 1), "2024Q3", "first-day-of-q3"),
    (date(2024, 9, 30), "2024Q3", "last-day-of-q3"),
    (date(2024, 10, 1), "2024Q4", "first-day-of-q4"),
    (date(2024, 12, 31), "2024Q4", "year-end"),
    (date(2024, 2, 29), "2024Q1", "leap-day"),
    (date(999, 5, 5), "0999Q2", "padded-year"),
]


@pytest.mark.parametrize(
    ("d", "expected"), [(d, e) for d, e, _ in QUARTER_OF], ids=[i for *_, i in QUARTER_OF]
)
def test_quarter_of(d: date, expected: str) -> None:
    assert quarter_of(d) == expected


BOUNDS = [
    ("2024Q1", date(2024, 1, 1), date(2024, 4, 1), "q1"),
    ("2024Q2", date(2024, 4, 1), date(2024, 7, 1), "q2"),
    ("2024Q3", date(2024, 7, 1), date(2024, 10, 1), "q3"),
    ("2024Q4", date(2024, 10, 1), date(2025, 1, 1), "q4-ends-next-year"),
    ("2024q4", date(2024, 10, 1), date(2025, 1, 1), "lower-q"),
    (" 2024Q4 ", date(2024, 10, 1), date(2025, 1, 1), "surrounding-space"),
    ("２０２４Ｑ４", date(2024, 10, 1), date(2025, 1, 1), "full-width"),
]


@pytest.mark.parametrize(
    ("q", "start", "end"), [(q, s, e) for q, s, e, _ in BOUNDS], ids=[i for *_, i in BOUNDS]
)
def test_quarter_bounds(q: str, start: date, end: date) -> None:
    assert quarter_bounds(q) == (start, end)


@pytest.mark.parametrize(
    "q",
    ["2024Q5", "2024Q0", "2024Q", "24Q1", "Q4 2024", "2024-Q4", "2024Q12", "0000Q1", "", "xyz"],
    ids=["q5", "q0", "no-number", "two-digit-year", "reversed", "dash", "q12", "year-0", "empty",
         "word"],
)  # fmt: skip
@pytest.mark.parametrize(
    "rule",
    [quarter_bounds, previous_quarter, same_quarter_last_year],
    ids=["bounds", "previous", "last-year"],
)
def test_malformed_quarters_are_refused(q: str, rule: Callable[[str], object]) -> None:
    with pytest.raises(ValueError) as excinfo:
        rule(q)
    assert str(excinfo.value) == f"{q!r} is not a quarter; use YYYYQn, e.g. 2024Q4"


def test_quarter_message_from_the_brief_word_for_word() -> None:
    with pytest.raises(ValueError) as excinfo:
        quarter_bounds("2024Q5")
    assert str(excinfo.value) == "'2024Q5' is not a quarter; use YYYYQn, e.g. 2024Q4"


PREVIOUS = [
    ("2024Q4", "2024Q3", "2023Q4", "q4"),
    ("2024Q2", "2024Q1", "2023Q2", "q2"),
    ("2024Q1", "2023Q4", "2023Q1", "q1-crosses-year"),
    ("2024q1", "2023Q4", "2023Q1", "lower-q-normalised"),
    ("1000Q1", "0999Q4", "0999Q1", "padded-year"),
]


@pytest.mark.parametrize(
    ("q", "previous", "last_year"),
    [(q, p, y) for q, p, y, _ in PREVIOUS],
    ids=[i for *_, i in PREVIOUS],
)
def test_previous_and_last_year(q: str, previous: str, last_year: str) -> None:
    assert previous_quarter(q) == previous
    assert same_quarter_last_year(q) == last_year


@pytest.mark.parametrize(
    ("rule", "q", "expected"),
    [
        (quarter_bounds, "9999Q4", "ends after 9999-12-31"),
        (previous_quarter, "0001Q1", "has no previous quarter"),
        (same_quarter_last_year, "0001Q3", "has no previous year"),
    ],
    ids=["bounds-past-calendar", "previous-before-calendar", "last-year-before-calendar"],
)
def test_quarters_at_the_calendar_edges(
    rule: Callable[[str], object], q: str, expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        rule(q)


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2, 1, 1), max_value=date(9999, 9, 30)))
def test_a_date_lies_within_its_quarter(d: date) -> None:
    q = quarter_of(d)
    start, end = quarter_bounds(q)
    assert start <= d < end
    assert quarter_bounds(previous_quarter(q))[1] == start
    assert quarter_of(end - timedelta(days=1)) == q
    last_year_start, _ = quarter_bounds(same_quarter_last_year(q))
    assert (last_year_start.year, last_year_start.month) == (start.year - 1, start.month)


@pytest.mark.parametrize("text", ["0001-01-01", "1999-12-31", "2100-01-01", "+30000d"],
                         ids=["year-1", "day-before", "day-after", "relative-past-2099"])
def test_parse_date_refuses_dates_outside_within(text: str) -> None:
    from salesflow.rules.dates import RECORD_RANGE

    with pytest.raises(ValueError) as excinfo:
        parse_date(text, FRIDAY, within=RECORD_RANGE)
    assert str(excinfo.value) == (
        f"'{text}' is outside the accepted dates; use a date from 2000-01-01 to 2099-12-31")


@pytest.mark.parametrize(("text", "expected"),
                         [("2000-01-01", date(2000, 1, 1)), ("2099-12-31", date(2099, 12, 31))],
                         ids=["first", "last"])
def test_parse_date_accepts_the_bounds_of_within(text: str, expected: date) -> None:
    from salesflow.rules.dates import RECORD_RANGE

    assert parse_date(text, FRIDAY, within=RECORD_RANGE) == expected


def test_parse_datetime_refuses_a_moment_outside_within() -> None:
    from datetime import UTC, datetime

    from salesflow.rules.dates import RECORD_RANGE, parse_datetime

    now = datetime(2024, 10, 8, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="use a date from 2000-01-01 to 2099-12-31"):
        parse_datetime("0001-01-01 10:00", now, within=RECORD_RANGE)
