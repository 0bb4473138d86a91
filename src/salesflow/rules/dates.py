"""Dates, times and quarters as people type them, resolved in the team's time zone.

SPEC §1: dates are ISO 8601 calendar dates (YYYY-MM-DD); relative forms (today, tomorrow,
+3d, +2w, +1m) and weekday names (fri, next monday) are accepted because reps log
follow-ups that way. A numeric date in day/month order is refused rather than guessed —
01/02/2024 is 1 February in Shanghai and 2 January in Vancouver — and so is an impossible
one such as 2024-02-30; both messages suggest the ISO form. Months are added with
`dateutil.relativedelta`, which clamps to the month end (2024-01-31 +1m = 2024-02-29).

Every answer is relative to `today`/`now`, which the caller reads once in the team's zone
(setting `timezone`): this module never reads the clock. Quarters are calendar quarters
(Q1 = January–March) as used by the quarterly KPI table (SPEC §6), written `2024Q4`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from dateutil.relativedelta import relativedelta

from salesflow.i18n import N_, _

_DATE_FORMS = N_(
    "YYYY-MM-DD, today, tomorrow, +3d, +2w, +1m or a weekday such as fri or next monday")
_DATETIME_FORMS = N_(
    "YYYY-MM-DD HH:MM, HH:MM, now, today, tomorrow, +3d or a weekday such as fri or next monday"
)

# English names, not calendar.month_name, which follows the process locale.
_MONTH_NAMES = (
    "", N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
    N_("December"),
)  # fmt: skip

_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip

_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}

# [0-9], not \d: NFKC turns full-width digits into ASCII but leaves other scripts' digits.
# Year first is unambiguous however it is separated (2024-1-2, 2024/01/02, 2024.1.2, 2024年1月2日).
_YEAR_FIRST = re.compile(
    r"(?P<y>[0-9]{4})(?:(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<cm>[0-9]{1,2})月(?P<cd>[0-9]{1,2})日?)"
)
# Day and month first, in either order: refused, never guessed.
_NUMERIC_OTHER = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_RELATIVE = re.compile(r"([+-]) ?([0-9]+) ?([dwm])")
_WEEKDAY = re.compile(r"(?:next )?([a-z]+)")
_WITH_TIME = re.compile(
    r"(?:(?P<date>.+) )?(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?"
    r"(?P<off>z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_ISO_T = re.compile(r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])")
_QUARTER = re.compile(r"([0-9]{4})q([1-4])")

# More digits than this is further than the calendar (years 1–9999) reaches in any unit.
_MAX_RELATIVE_DIGITS = 7

# The dates a record of the sales process may carry (a follow-up, a promise, a contract's
# days, a payment, the planning day): year 1 or 9999 is a typing mistake, not a date of
# the business. Callers pass it as `within`; SALESFLOW_TODAY must fall in it too.
RECORD_RANGE = (date(2000, 1, 1), date(2099, 12, 31))


def check_within(day: date, within: tuple[date, date] | None, *, quoted: str) -> date:
    """`day` if it lies in the inclusive range `within` (None: any date); ValueError
    stating the range otherwise."""
    if within is not None and not within[0] <= day <= within[1]:
        raise ValueError(
            _("'{value}' is outside the accepted dates; use a date from {first} to {last}")
            .format(value=quoted, first=within[0].isoformat(), last=within[1].isoformat())
        )
    return day


def parse_date(text: str, today: date, *, within: tuple[date, date] | None = None) -> date:
    """The date `text` means, seen from `today`, refused outside `within` (e.g.
    RECORD_RANGE) when given.

    ISO 2024-10-25 (or 2024-1-5), today/tomorrow/yesterday, ±N days/weeks/months (+3d, -2w,
    +1m) and weekdays (fri, friday, next fri: the first one strictly after today).
    """
    day = _resolve_date(
        _clean(text), today, quoted=text, what=N_("a date"), forms=_DATE_FORMS, use="YYYY-MM-DD"
    )
    return check_within(day, within, quoted=text)


def parse_datetime(text: str, now: datetime, *,
                   within: tuple[date, date] | None = None) -> datetime:
    """The moment `text` means (below), refused when its date in now's zone is outside
    `within` (e.g. RECORD_RANGE) when given."""
    moment = _moment(text, now)
    check_within(moment.date(), within, quoted=text)
    return moment


def _moment(text: str, now: datetime) -> datetime:
    """The moment `text` means, seen from the aware `now`; returned in `now`'s zone.

    `now`; anything parse_date accepts (at now's time of day); a date or date form followed
    by HH:MM[:SS] (ISO also with T), local to now's zone unless it carries Z or ±HH:MM;
    HH:MM alone is today. A local time skipped by a DST change moves forward by the gap;
    one that occurs twice is the first occurrence.
    """
    zone = now.tzinfo
    if zone is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now.isoformat()}")
    cleaned = _ISO_T.sub(r"\1 ", _clean(text), count=1)
    use = "YYYY-MM-DD HH:MM"
    if cleaned == "now":
        return now

    match = _WITH_TIME.fullmatch(cleaned)
    day_text = cleaned if match is None else (match["date"] or "today")
    day = _resolve_date(
        day_text, now.date(), quoted=text, what=N_("a date or time"), forms=_DATETIME_FORMS, use=use
    )
    if match is None:
        return _localize(datetime.combine(day, now.time()), zone, quoted=text)

    hour, minute = int(match["h"]), int(match["mi"])
    second = int(match["s"] or 0)
    for value, top, unit in ((hour, 23, N_("hours")), (minute, 59, N_("minutes")),
                             (second, 59, N_("seconds"))):
        if value > top:
            raise ValueError(_("{text} is not a real time ({unit} run 00 to {top}); use {use}")
                             .format(text=repr(text), unit=_(unit), top=top, use=use))
    naive = datetime.combine(day, time(hour, minute, second))
    if match["off"] is None:
        return _localize(naive, zone, quoted=text)
    try:
        return naive.replace(tzinfo=_offset(match["off"], quoted=text)).astimezone(zone)
    except OverflowError:
        raise _out_of_range(text) from None


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """The first instant (in UTC) of a calendar day in `zone`: where a day of the team's
    calendar begins for timestamps stored in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def quarter_of(d: date) -> str:
    """The calendar quarter a date falls in: 2024-11-05 → '2024Q4'."""
    return f"{d.year:04d}Q{(d.month - 1) // 3 + 1}"


def quarter_bounds(q: str) -> tuple[date, date]:
    """First day of the quarter and first day of the next one (a half-open range)."""
    year, number = _parse_quarter(q)
    start = date(year, 3 * number - 2, 1)
    if number < 4:
        return start, date(year, 3 * number + 1, 1)
    if year == 9999:
        raise ValueError(
            _("{quarter} ends after 9999-12-31, the calendar's last day; use 9999Q3 or "
              "earlier").format(quarter=repr(q))
        )
    return start, date(year + 1, 1, 1)


def previous_quarter(q: str) -> str:
    """The quarter before: '2024Q1' → '2023Q4'."""
    year, number = _parse_quarter(q)
    if number > 1:
        return f"{year:04d}Q{number - 1}"
    if year == 1:
        raise ValueError(_("{quarter} has no previous quarter; the calendar starts at "
                         "0001Q1").format(quarter=repr(q)))
    return f"{year - 1:04d}Q4"


def same_quarter_last_year(q: str) -> str:
    """The same quarter a year earlier, for year-on-year comparison: '2024Q4' → '2023Q4'."""
    year, number = _parse_quarter(q)
    if year == 1:
        raise ValueError(_("{quarter} has no previous year; the calendar starts at "
                         "0001Q1").format(quarter=repr(q)))
    return f"{year - 1:04d}Q{number}"


# --- months, and periods (a quarter 2024Q4 or a month 2024-11) ---------------------------


def month_bounds(m: str) -> tuple[date, date]:
    """First day of the month '2024-11' and first day of the next one (half-open)."""
    year, month = int(m[:4]), int(m[5:7])
    start = date(year, month, 1)
    return start, date(year + month // 12, month % 12 + 1, 1)


def previous_month(m: str) -> str:
    """'2024-01' → '2023-12'."""
    year, month = int(m[:4]), int(m[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def is_quarter(period: str) -> bool:
    return "Q" in period


def period_bounds(period: str) -> tuple[date, date]:
    """A quarter's or a month's [first day, first day after)."""
    return quarter_bounds(period) if is_quarter(period) else month_bounds(period)


def previous_period(period: str) -> str:
    """The quarter before a quarter, the month before a month (环比)."""
    return previous_quarter(period) if is_quarter(period) else previous_month(period)


def same_period_last_year(period: str) -> str:
    """The same quarter or month a year earlier (同比)."""
    if is_quarter(period):
        return same_quarter_last_year(period)
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


def _clean(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def _resolve_date(
    cleaned: str, today: date, *, quoted: str, what: str, forms: str, use: str
) -> date:
    if cleaned in _NAMED_DAYS:
        return _shift(today, timedelta(days=_NAMED_DAYS[cleaned]), quoted=quoted)

    if match := _YEAR_FIRST.fullmatch(cleaned):
        month, day = (match["m"], match["d"]) if match["sep"] else (match["cm"], match["cd"])
        return _real_date(int(match["y"]), int(month), int(day), quoted=quoted, use=use)

    if match := _NUMERIC_OTHER.fullmatch(cleaned):
        raise _not_iso(match, quoted=quoted)

    if match := _RELATIVE.fullmatch(cleaned):
        sign, count, unit = match.groups()
        if len(count) > _MAX_RELATIVE_DIGITS:
            raise _out_of_range(quoted)
        n = int(count) if sign == "+" else -int(count)
        if unit == "m":
            return _shift(today, relativedelta(months=n), quoted=quoted)
        return _shift(today, timedelta(days=n * (7 if unit == "w" else 1)), quoted=quoted)

    if (match := _WEEKDAY.fullmatch(cleaned)) and match[1] in _WEEKDAYS:
        # The first such weekday strictly after today: on a Friday, "fri" is a week away.
        ahead = (_WEEKDAYS[match[1]] - today.weekday() - 1) % 7 + 1
        return _shift(today, timedelta(days=ahead), quoted=quoted)

    raise ValueError(_("{text} is not {what}; use {forms}").format(
        text=repr(quoted), what=_(what), forms=_(forms)))


def _shift(today: date, delta: timedelta | relativedelta, *, quoted: str) -> date:
    try:
        result: date = today + delta
    except (OverflowError, ValueError):  # relativedelta reports a year past 9999 as ValueError
        raise _out_of_range(quoted) from None
    return result


def _real_date(year: int, month: int, day: int, *, quoted: str, use: str) -> date:
    if year < 1:
        why = _("there is no year 0")
    elif not 1 <= month <= 12:
        why = _("there is no month {month}").format(month=month)
    else:
        days = calendar.monthrange(year, month)[1]
        if 1 <= day <= days:
            return date(year, month, day)
        why = _("{month} {year} has {days} days").format(
            month=_(_MONTH_NAMES[month]), year=year, days=days)
    raise ValueError(_("{text} is not a real date ({why}); use {use}").format(
        text=repr(quoted), why=why, use=use))


def _not_iso(match: re.Match[str], *, quoted: str) -> ValueError:
    """Why a day/month-first numeric date is refused, with the ISO dates it could mean."""
    first, _sep, second, year_text = match.groups()
    a, b = int(first), int(second)
    if len(year_text) == 4:
        readings = [(int(year_text), a, b), (int(year_text), b, a)]
    else:
        # A two-digit year could also come first (24/01/02 = 2024-01-02); 20yy either way.
        yy = 2000 + int(year_text)
        readings = [(yy, a, b), (yy, b, a), (2000 + a, b, int(year_text))]
    valid = sorted({date(*r) for r in readings if _is_real(*r)})
    isos = [d.isoformat() for d in valid]
    if len(isos) > 1:
        choices = _("{some} or {last}").format(some=", ".join(isos[:-1]), last=isos[-1])
        return ValueError(_("{text} is ambiguous; write the date as YYYY-MM-DD, e.g. "
                            "{choices}").format(text=repr(quoted), choices=choices))
    if isos:
        return ValueError(_("{text} is not in YYYY-MM-DD form; write it as {iso}").format(
            text=repr(quoted), iso=isos[0]))
    return ValueError(_("{text} is not a real date; use YYYY-MM-DD").format(text=repr(quoted)))


def _is_real(year: int, month: int, day: int) -> bool:
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _localize(naive: datetime, zone: tzinfo, *, quoted: str) -> datetime:
    """Wall-clock time in `zone`, normalised so that a time skipped by DST reads correctly.

    fold=0 (the default) picks the first of a repeated hour and, for a skipped hour, the
    offset in force before the change; the round trip through UTC then shows the real
    wall-clock time (02:30 on a spring-forward night becomes 03:30).
    """
    try:
        return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    except OverflowError:
        raise _out_of_range(quoted) from None


def _offset(text: str, *, quoted: str) -> tzinfo:
    if text == "z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(
            _("{text} has an impossible UTC offset; use YYYY-MM-DD HH:MM with Z or ±HH:MM "
              "such as +08:00").format(text=repr(quoted))
        )
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _out_of_range(quoted: str) -> ValueError:
    return ValueError(
        _("{text} is beyond the calendar (years 0001 to 9999); use a YYYY-MM-DD date "
          "within it").format(text=repr(quoted))
    )


def _parse_quarter(q: str) -> tuple[int, int]:
    match = _QUARTER.fullmatch(_clean(q))
    if match is None or int(match[1]) < 1:
        raise ValueError(_("{text} is not a quarter; use YYYYQn, e.g. 2024Q4").format(
            text=repr(q)))
    return int(match[1]), int(match[2])
