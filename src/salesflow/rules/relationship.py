"""Relationship care (长期关系维护; SPEC §13): key dates and greetings, satisfaction visits
and meeting minutes. Pure rules: no clock, no database.

Key dates (客户司庆、春节等重要节日). A customer's key date is a month and day (`05-18`),
yearly, or once when a year is given. The setting `greeting.holidays` adds the statutory
holidays of the official calendar (rules/workdays.holiday_start) for every A and B
customer that is not lost. A `greeting` item falls due `greeting.lead_days` days before
each occasion and stands until the occasion itself: a greeting after the day is no
greeting, so an unanswered one drops off the agenda once the day has passed. A follow-up
with purpose `greeting` between the item's due date and the occasion (both included, team
time zone) answers it for that year.

Key dates are read by their month-day (`MM-DD`, text that sorts as the calendar does),
so a yearly date needs no yearly rewrite: the agenda reads the month-day range of the
occasions that can be due by its horizon (month_day_ranges). A yearly 02-29 falls on
02-28 in a common year.

Satisfaction visits (每月1次满意度回访 / 季度服务评价). A customer in won/repeat is due a
`survey` `cadence.survey` days after the latest of its last follow-up that recorded a
satisfaction answer and its first signing.

Minutes (沟通后24小时内发送沟通纪要). A follow-up of channel visit or meeting expects minutes;
without them 24 hours after the meeting it is a `minutes` item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from salesflow.i18n import _

DEFAULT_LEAD_DAYS = 3
MAX_LEAD_DAYS = 60
DEFAULT_SURVEY_DAYS = 91
MINUTES_HOURS = 24
MINUTES_CHANNELS = ("visit", "meeting")
SURVEY_STAGES = ("won", "repeat")
GREETING_TIERS = ("A", "B")
MAX_NAME = 40

# The statutory holidays of the official calendar (国务院办公厅关于节假日安排的通知), by
# their Chinese names, with the name the calendar data uses.
HOLIDAYS = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}
DEFAULT_HOLIDAYS = ("春节", "中秋节")

_MONTH_DAY = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")


def parse_month_day(text: str) -> tuple[int, int]:
    """`05-18` → (5, 18); 02-29 is accepted (a yearly date that falls on 02-28 in a common
    year), 02-30 is not."""
    match = _MONTH_DAY.match(text or "")
    if not match:
        raise ValueError(_("'{value}' is not a month and day; use MM-DD, e.g. 05-18").format(
            value=text))
    month, day = int(match[1]), int(match[2])
    try:
        date(2000, month, day)  # a leap year: 02-29 exists
    except ValueError:
        raise ValueError(_("'{value}' is not a day of the year; use MM-DD, e.g. 05-18")
                         .format(value=text)) from None
    return month, day


def month_day(month: int, day: int) -> str:
    return f"{month:02d}-{day:02d}"


def check_year(year: int, month: int, day: int) -> int:
    """A one-off key date's year: a real date in 1900..2999."""
    if not 1900 <= year <= 2999:
        raise ValueError(_("'{year}' is not a year; use four digits, e.g. 2025").format(
            year=year))
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(_("{year}-{md} is not a date; check the day or the year").format(
            year=year, md=month_day(month, day))) from None
    return year


def check_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValueError(_("the key date needs a name, e.g. 司庆"))
    if len(name) > MAX_NAME:
        raise ValueError(_("'{value}' is longer than {max} characters").format(
            value=name, max=MAX_NAME))
    return name


def occurrence(year: int, month: int, day: int) -> date:
    """The key date in `year`: 02-29 falls on 02-28 in a common year."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def occurrences(month: int, day: int, once_in: int | None, start: date,
                end: date) -> Iterator[date]:
    """The occasions of a key date in [start, end], in order."""
    for year in range(start.year, end.year + 1):
        if once_in is not None and year != once_in:
            continue
        on = occurrence(year, month, day)
        if start <= on <= end:
            yield on


def next_occurrence(month: int, day: int, once_in: int | None, today: date) -> date | None:
    """The key date's next occasion on or after today (None: a one-off date passed)."""
    if once_in is not None:
        on = occurrence(once_in, month, day)
        return on if on >= today else None
    on = occurrence(today.year, month, day)
    return on if on >= today else occurrence(today.year + 1, month, day)


def occasion_window(plan: date, horizon: date, lead_days: int) -> tuple[date, date]:
    """The occasions that are on the agenda of `plan` up to `horizon`: not yet past (on or
    after the plan date), and due (lead_days before) by the horizon."""
    return plan, horizon + timedelta(days=lead_days)


def month_day_ranges(start: date, end: date) -> list[tuple[str, str]] | None:
    """The inclusive MM-DD ranges covering the days start..end; None when they cover the
    whole year. A range ending on 02-28 of a common year takes 02-29 too (that is when a
    yearly 02-29 falls)."""
    if (end - start).days >= 365:
        return None

    def last(day: date) -> str:
        if day.month == 2 and day.day == 28:
            return "02-29"
        return month_day(day.month, day.day)

    first = month_day(start.month, start.day)
    if start.year == end.year:
        return [(first, last(end))]
    return [(first, "12-31"), ("01-01", last(end))]


def greeting_due(occasion: date, lead_days: int) -> date:
    return occasion - timedelta(days=lead_days)


def answered(occasion: date, lead_days: int, greeted_on: Sequence[date]) -> bool:
    """A greeting follow-up between the item's due date and the occasion answers it."""
    start = greeting_due(occasion, lead_days)
    return any(start <= day <= occasion for day in greeted_on)


def parse_holidays(text: str) -> tuple[str, ...]:
    """The setting `greeting.holidays`: a comma list of statutory holidays, by their
    Chinese or English names (春节 or "Spring Festival"); `none` or empty for none.
    Returns the Chinese names in the calendar's order, without repeats."""
    wanted = [part.strip() for part in re.split(r"[,，、]", text or "") if part.strip()]
    if len(wanted) == 1 and wanted[0].lower() == "none":
        return ()
    english = {v.casefold(): k for k, v in HOLIDAYS.items()}
    names = []
    for part in wanted:
        name = part if part in HOLIDAYS else english.get(part.casefold())
        if name is None:
            raise ValueError(_("'{value}' is not a statutory holiday; use {accepted}, or "
                               "none").format(value=part, accepted=", ".join(HOLIDAYS)))
        names.append(name)
    return tuple(n for n in HOLIDAYS if n in names)


def greets_holidays(tier: str, stage: str) -> bool:
    return tier in GREETING_TIERS and stage != "lost"


def survey_due_on(since_on: date, days: int) -> date:
    return since_on + timedelta(days=days)


def survey_cutoff_day(horizon: date, days: int) -> date:
    """A customer is due a survey by the horizon when its survey clock started on or
    before this day."""
    return horizon - timedelta(days=days)


def survey_since(stage: str, last_answer: datetime | None,
                 first_signing: datetime | None) -> datetime | None:
    """When the survey clock started: the latest of the last satisfaction answer and the
    first signing; None before won."""
    if stage not in SURVEY_STAGES:
        return None
    moments = [m for m in (last_answer, first_signing) if m is not None]
    return max(moments) if moments else None


def expects_minutes(channel: str) -> bool:
    return channel in MINUTES_CHANNELS


def minutes_due_at(at: datetime) -> datetime:
    return at + timedelta(hours=MINUTES_HOURS)
