"""Working days: which days count when a deadline is set in working days.

The standards set several deadlines in working days, e.g. 销售流程标准化管理系统模板
(节点把控): 线索筛选需在3个工作日内完成, 方案提交需在需求确认后5个工作日内. In China a working day
is defined by the official calendar published each year by the State Council (国务院办公厅
关于节假日安排的通知): statutory holidays are days off even on a weekday, and make-up working
days (调休) are working days even on a Saturday or Sunday.

Two calendars are offered (the team setting `calendar`):

- `cn`: the official Chinese calendar from the `chinese_calendar` package. The package only
  knows the years the State Council has published; for any other year the calendar falls
  back to Monday–Friday and records the year in `uncovered_years`, so that the caller can
  say so once (this module never prints).
- `weekdays`: Monday–Friday, for teams outside mainland China.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Protocol

import chinese_calendar

from salesflow.i18n import _

_ONE_DAY = timedelta(days=1)
# No real calendar goes a whole year without a working day; past this a loop would never end.
_MAX_DAYS_OFF_IN_A_ROW = 366


class WorkCalendar(Protocol):
    """A calendar that knows which days are working days."""

    name: str

    def is_workday(self, d: date) -> bool: ...


class WeekdayCalendar:
    """Monday to Friday are working days; no holidays."""

    name: str = "weekdays"

    def is_workday(self, d: date) -> bool:
        return d.weekday() < 5

    def __repr__(self) -> str:
        return "WeekdayCalendar()"


@cache
def _cn_covered_years() -> range:
    # The package's own bounds: it refuses any year outside its holiday table.
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@cache
def _cn_workday(d: date) -> bool | None:
    """The package's answer for a day of a covered year (None: it has none), kept: it
    scans its whole holiday table on every call, and `due` asks about the same few
    hundred days for thousands of deadlines."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


def warm() -> None:
    """Every day of the covered years asked of the package once (~0.3 s): the warm server
    does it before it forks, so that no command pays for its days one by one."""
    for year in _cn_covered_years():
        day = date(year, 1, 1)
        while day.year == year:
            _cn_workday(day)
            day += _ONE_DAY


class ChineseCalendar:
    """The official Chinese calendar (statutory holidays and 调休), Monday–Friday beyond it.

    `uncovered_years` collects the years asked about that the installed data does not cover;
    it is per-instance state, so take a fresh instance per use (see `calendar_for`).
    """

    name: str = "cn"

    def __init__(self) -> None:
        self.uncovered_years: set[int] = set()

    @staticmethod
    def covered_years() -> range:
        """The years the installed calendar data covers, e.g. range(2004, 2027)."""
        return _cn_covered_years()

    def is_workday(self, d: date) -> bool:
        if d.year in _cn_covered_years():
            known = _cn_workday(d)
            if known is not None:
                return known
            # else the package disagrees with its own table: treat the year as uncovered
        self.uncovered_years.add(d.year)
        return d.weekday() < 5

    def __repr__(self) -> str:
        return f"ChineseCalendar(uncovered_years={sorted(self.uncovered_years)!r})"


CALENDAR_NAMES = ("cn", "weekdays")


def calendar_for(name: str) -> WorkCalendar:
    """A new calendar for the setting value `cn` or `weekdays` (case and spaces ignored)."""
    key = name.strip().lower()
    if key == "cn":
        return ChineseCalendar()
    if key == "weekdays":
        return WeekdayCalendar()
    raise ValueError(_("'{name}' is not a calendar; use cn or weekdays").format(name=name))


def _next_workday(d: date, cal: WorkCalendar) -> date:
    """The first working day strictly after d."""
    day = d
    for _step in range(_MAX_DAYS_OFF_IN_A_ROW):
        day += _ONE_DAY
        if cal.is_workday(day):
            return day
    raise ValueError(
        _("calendar '{calendar}' has no working day in the year after {day}; "
          "use cn or weekdays").format(calendar=cal.name, day=d.isoformat())
    )


def add_working_days(start: date, n: int, cal: WorkCalendar) -> date:
    """The n-th working day after start; n=0 is start itself, even on a day off.

    A lead created on Thursday 2023-09-28 plus 3 working days is 2023-10-09 on `cn`
    (09-29..10-06 is the National Day holiday, 10-07 and 10-08 are make-up working days)
    and 2023-10-03 on `weekdays`.
    """
    if n < 0:
        raise ValueError(_("'{n}' is not a number of working days; use 0 or more").format(n=n))
    d = start
    for _step in range(n):
        d = _next_workday(d, cal)
    return d


def working_days_between(start: date, end: date, cal: WorkCalendar) -> int:
    """How many working days fall in (start, end]; 0 when end is on or before start.

    The inverse of add_working_days: working_days_between(s, add_working_days(s, n)) == n.
    """
    count = 0
    d = start + _ONE_DAY
    while d <= end:
        if cal.is_workday(d):
            count += 1
        d += _ONE_DAY
    return count


@cache
def _festival_days() -> dict[tuple[str, int], date]:
    """(the calendar's holiday name, year) → the festival's first statutory day off."""
    first: dict[tuple[str, int], date] = {}
    for day, name in chinese_calendar.holidays.items():
        key = (str(name), day.year)
        if key not in first or day < first[key]:
            first[key] = day
    return first


def holiday_start(name: str, year: int) -> date | None:
    """The first day of the official holiday period of the festival `name` (the calendar
    data's English name, e.g. "Spring Festival") in `year`, or None beyond the installed
    data. The period is the run of days off around the festival: weekend days just before
    it count (端午节 2024: 06-08, a Saturday, though the statutory day is 06-10), and so does
    a holiday it shares (中秋节 2025 falls inside the National Day period, which starts
    10-01). Spring Festival 2024: 2024-02-10."""
    first = _festival_days().get((name, year))
    if first is None:
        return None
    day = first
    for _step in range(_MAX_DAYS_OFF_IN_A_ROW):
        before = day - _ONE_DAY
        if before.year not in _cn_covered_years():
            break
        try:
            if chinese_calendar.is_workday(before):
                break
        except NotImplementedError:
            break
        day = before
    return day
