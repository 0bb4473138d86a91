"""Quarterly KPIs (销售数据分析表, SPEC §6): what each metric means, its targets, and how
a value is compared, rounded and written.

The standard's quarterly table has, per metric, the target, the actual value, the
completion (actual ÷ target) and the change against the same quarter a year earlier (同比);
SPEC §6 adds the change against the previous quarter (环比). Definitions, all over the
quarter's calendar dates in the team's time zone:

- new_leads: customers created in the quarter;
- won_deals / signed_amount: contracts signed in the quarter, and the sum of their amounts;
- lead_conversion_rate: customers whose FIRST signed contract was signed in the quarter ÷
  new_leads (the two groups differ: a customer created last quarter may sign now, so the
  rate can exceed 100%);
- avg_deal_size (平均客单价): signed_amount ÷ won_deals, to the fen (half up);
- avg_sales_cycle_days: the mean, over contracts signed in the quarter that were their
  customer's first, of the whole calendar days (team time zone) from the day the customer
  was created to the day the contract was signed. Calendar days, not elapsed hours: a rep
  counts "created 1 October, signed 21 October" as 20 days whatever the hours were, and
  the quarter itself is a range of calendar days;
- csat: of the satisfaction answers (1–5) given in follow-ups in the quarter, the share
  that are 4 or 5;
- followups: follow-ups that happened (`at`) in the quarter;
- on_time_rate: the share of those made no later than the customer's due date at that
  time (followup.due_at_time, the stored next_due_at when the contact was logged): on
  time when the contact's local date is on or before that date. A contact when nothing
  was due (a lost customer has no due date, and rows older than schema 0003 have none
  recorded) counts as on time: it cannot have been late;
- late_entry_rate: the share of those logged more than 24 hours after they happened
  (数据录入需在24小时内).

A ratio whose denominator is zero is None (shown `—`), never 0. YoY and QoQ are
relative changes, (actual − previous) ÷ previous, None when the previous value is None or
zero. Printed ratios are Decimals rounded half up to 4 places (0.1525 = 15.25%); day
averages likewise.

Targets (`target set 2024Q4 lead_conversion_rate 15%`) are stored as integers in the
metric's unit: a count as is, money in fen, a rate or a number of days in 1/10000. A rate
target is a share from 0% to 100%: `15%` or `0.15`; a bare `15` is refused rather than
read as 1500%.

This module never reads the clock; time-zone offsets are computed for the instants the
caller gives (offset_periods), so the database can compare UTC timestamps with local
calendar days in one aggregate query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from salesflow.i18n import N_, _
from salesflow.rules.dates import period_bounds, start_of_day
from salesflow.rules.money import fen_to_yuan, format_yuan, parse_money
from salesflow.rules.numbers import parse_int

Kind = Literal["count", "money", "rate", "days"]
Value = int | Decimal  # a count or fen (int); a rate or a number of days (Decimal)


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    label: str  # for the table, untranslated: _(metric.label); zh_CN is the standard's name


METRICS: tuple[Metric, ...] = (
    Metric("new_leads", "count", N_("new leads")),  # 新增线索
    Metric("won_deals", "count", N_("won deals")),  # 成交单数
    Metric("lead_conversion_rate", "rate", N_("lead conversion rate")),  # 线索转化率
    Metric("signed_amount", "money", N_("signed amount")),  # 签约金额
    Metric("avg_deal_size", "money", N_("average deal size")),  # 平均客单价
    Metric("avg_sales_cycle_days", "days", N_("average sales cycle (days)")),  # 平均成交周期(天)
    Metric("csat", "rate", N_("customer satisfaction")),  # 客户满意度
    Metric("followups", "count", N_("follow-ups")),  # 跟进次数
    Metric("on_time_rate", "rate", N_("on-time follow-up rate")),  # 按时跟进率
    Metric("late_entry_rate", "rate", N_("entered after 24h")),  # 超24小时录入率
)
BY_NAME: Mapping[str, Metric] = {m.name: m for m in METRICS}

FUNNEL_STAGES = ("lead", "intent", "proposal", "negotiation", "won", "repeat")

SCALE = 10_000  # a stored rate or day target is in 1/10000
MAX_TARGET_COUNT = 10**9  # a count target beyond this is a typing mistake (and past 64 bits)
MAX_TARGET_DAYS = 3660  # ten years, like the longest decision cycle
PLACES = Decimal("0.0001")
MIN_YEAR, MAX_YEAR = 1900, 9998  # a previous year and a next quarter always exist
NONE_SHOWN = "—"

_QUARTER = re.compile(r"([0-9]{4}) ?-? ?Q([0-9])")
_COUNT = re.compile(r"[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_DAY_SUFFIX = re.compile(r"\s*(?:d|days?|天)$")


# --- names ----------------------------------------------------------------------------------


def parse_quarter(text: str) -> str:
    """'2024Q4', '2024q4', '2024-Q4' → '2024Q4'; anything else is refused."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split()).upper()
    match = _QUARTER.fullmatch(cleaned)
    if match is None or not 1 <= int(match[2]) <= 4:
        raise ValueError(_("'{text}' is not a quarter; use YYYYQn with n from 1 to 4, "
                           "e.g. 2024Q4 (2024q4 and 2024-Q4 also work)").format(text=text))
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("'{text}' is out of range; use a quarter from {low}Q1 to "
                           "{high}Q4, e.g. 2024Q4").format(text=text, low=MIN_YEAR,
                                                           high=MAX_YEAR))
    return f"{year:04d}Q{match[2]}"


_MONTH = re.compile(r"([0-9]{4}) ?[-/] ?([0-9]{1,2})")


def parse_month(text: str) -> str:
    """'2024-11', '2024-1', '2024/11' → '2024-11'; anything else is refused."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    match = _MONTH.fullmatch(cleaned)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(_("'{value}' is not a month; use YYYY-MM, e.g. 2024-11").format(
            value=text))
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("'{value}' is out of range; use a month from {first}-01 to "
                           "{last}-12, e.g. 2024-11").format(value=text, first=MIN_YEAR,
                                                             last=MAX_YEAR))
    return f"{year:04d}-{int(match[2]):02d}"


def parse_period(text: str) -> str:
    """A quarter (2024Q4) or a month (2024-11), normalized; both are named when refused."""
    try:
        return parse_quarter(text)
    except ValueError:
        pass
    try:
        return parse_month(text)
    except ValueError:
        raise ValueError(_("'{value}' is not a period; use a quarter such as 2024Q4 or a "
                           "month such as 2024-11").format(value=text)) from None


def parse_metric(text: str) -> Metric:
    """A metric by its name (any case, '-' for '_'); unknown names list the known ones."""
    key = unicodedata.normalize("NFKC", text).strip().lower().replace("-", "_")
    if key in BY_NAME:
        return BY_NAME[key]
    raise ValueError(_("'{text}' is not a metric; use one of {metrics}").format(
        text=text, metrics=", ".join(BY_NAME)))


# --- targets --------------------------------------------------------------------------------

SEGMENTED = ("new_leads",)  # the metrics whose target may be per industry or region


def check_scope(metric: str, *, owner: str, industry: str, region: str) -> None:
    """A target is the team's, one owner's, or (new_leads only, SPEC §14: 本季度新增30家
    制造业客户，其中20家来自华东) one industry's and/or region's; never an owner's segment."""
    if (industry or region) and metric not in SEGMENTED:
        raise ValueError(_("only {metrics} targets may be per industry or region, not "
                           "{metric}").format(metrics=", ".join(SEGMENTED), metric=metric))
    if owner and (industry or region):
        raise ValueError(_("a target is per owner or per industry/region, not both"))


def segment_label(metric: str, industry: str, region: str) -> str:
    """The report row of a segment target: new_leads[industry=制造业,region=华东]."""
    parts = [f"industry={industry}"] if industry else []
    parts += [f"region={region}"] if region else []
    return f"{metric}[{','.join(parts)}]"



def parse_target(metric: Metric, text: str) -> int:
    """The stored integer for a target typed by a person (see the module docstring)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if metric.kind == "money":
        return parse_money(cleaned)
    if metric.kind == "count":
        if not _COUNT.fullmatch(cleaned):
            raise ValueError(_("'{text}' is not a count; use a whole number such as 40").format(
                text=text))
        return parse_int(cleaned.replace(",", ""), 0, MAX_TARGET_COUNT)
    if metric.kind == "days":
        number = _decimal(_DAY_SUFFIX.sub("", cleaned), text, N_("a number of days such as 30 "
                                                                 "or 45.5"))
        if number > MAX_TARGET_DAYS:
            raise ValueError(_("'{value}' is out of range; use 0 to {high} days").format(
                value=text, high=MAX_TARGET_DAYS))
        return _scaled(number, text, N_("days"))
    percent = cleaned.endswith("%")
    number = _decimal(cleaned.removesuffix("%").strip(), text, N_("a rate such as {example}"))
    share = number / 100 if percent else number
    if share > 1:
        raise ValueError(_("'{text}' is more than 100%; a rate target is a share from 0% to "
                           "100%: write {example}").format(text=text, example=_rate_example()))
    return _scaled(share, text, N_("a rate (at most 0.01%)"))


def _rate_example() -> str:
    # Kept out of the msgids: "15% or" reads as a %-format to gettext's tools.
    return _("{percent} or {share}").format(percent="15%", share="0.15")


def _decimal(text: str, quoted: str, use: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise ValueError(_("'{quoted}' is not {use}").format(
            quoted=quoted, use=_(use).format(example=_rate_example())))
    return Decimal(text)


def _scaled(number: Decimal, quoted: str, what: str) -> int:
    stored = number * SCALE
    if stored != stored.to_integral_value():
        raise ValueError(_("'{quoted}' is more precise than {what} can be; use at most "
                           "4 decimals").format(quoted=quoted, what=_(what)))
    return int(stored)


def target_value(metric: Metric, stored: int) -> Value:
    """A stored target in the metric's own unit (count, fen, rate, days)."""
    if metric.kind in ("rate", "days"):
        return Decimal(stored) / SCALE
    return stored


def format_target(metric: Metric, stored: int) -> str:
    """A target as a person writes it (and `target set` accepts it): 15%, 15.25%,
    ¥2,580,000.00, 40, 30.5 — exactly, without rounding."""
    value = target_value(metric, stored)
    if metric.kind == "rate":
        return percent(Decimal(value), places=None)
    if metric.kind == "days":
        return _plain(Decimal(value))
    return human_value(metric, value)


# --- computing the metrics ------------------------------------------------------------------


@dataclass(frozen=True)
class Tallies:
    """The quarter's raw aggregates (one owner's, or the team's), read by SQL."""

    new_leads: int = 0
    won_deals: int = 0
    signed_amount: int = 0  # fen
    first_deals: int = 0  # customers whose first signed contract is in the quarter
    cycle_days: int = 0  # the calendar days of those first deals, summed
    answers: int = 0  # satisfaction answers
    satisfied: int = 0  # of which 4 or 5
    followups: int = 0
    on_time: int = 0
    late_entries: int = 0


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole, exact; None when whole is zero (no denominator, no rate)."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def metrics(t: Tallies) -> dict[str, Value | None]:
    """Every metric of METRICS from the tallies, in METRICS order, unrounded."""
    deal = ratio(t.signed_amount, t.won_deals)
    return {
        "new_leads": t.new_leads,
        "won_deals": t.won_deals,
        "lead_conversion_rate": ratio(t.first_deals, t.new_leads),
        "signed_amount": t.signed_amount,
        "avg_deal_size": None if deal is None else int(deal.quantize(1, ROUND_HALF_UP)),
        "avg_sales_cycle_days": ratio(t.cycle_days, t.first_deals),
        "csat": ratio(t.satisfied, t.answers),
        "followups": t.followups,
        "on_time_rate": ratio(t.on_time, t.followups),
        "late_entry_rate": ratio(t.late_entries, t.followups),
    }


def change(actual: Value | None, previous: Value | None) -> Decimal | None:
    """Relative change (actual − previous) ÷ previous; None without a nonzero previous."""
    if actual is None or previous is None or previous == 0:
        return None
    return (Decimal(actual) - Decimal(previous)) / Decimal(previous)


def completion(actual: Value | None, target: Value | None) -> Decimal | None:
    """actual ÷ target; None without a target, with a zero target or no actual value."""
    if actual is None or target is None:
        return None
    return ratio(actual, target)


@dataclass(frozen=True)
class Line:
    """One row of the KPI table, in the metric's own unit (fen for money)."""

    metric: Metric
    target: Value | None
    actual: Value | None
    completion: Decimal | None
    yoy: Decimal | None
    qoq: Decimal | None


def lines(current: Tallies, last_year: Tallies | None, previous: Tallies | None,
          targets: Mapping[str, int]) -> list[Line]:
    """The KPI table: every metric with its target, completion, YoY and QoQ."""
    now = metrics(current)
    year = metrics(last_year) if last_year is not None else {}
    before = metrics(previous) if previous is not None else {}
    out = []
    for m in METRICS:
        target = target_value(m, targets[m.name]) if m.name in targets else None
        out.append(Line(m, target, now[m.name], completion(now[m.name], target),
                        change(now[m.name], year.get(m.name)),
                        change(now[m.name], before.get(m.name))))
    return out


@dataclass(frozen=True)
class Step:
    """A funnel stage: distinct customers entering it in the quarter, and the share of the
    previous stage's entrants that this is (None for `lead`, or after an empty stage)."""

    stage: str
    entered: int
    conversion: Decimal | None


def funnel(entered: Mapping[str, int]) -> list[Step]:
    """lead → intent → proposal → negotiation → won → repeat, with step conversions."""
    steps = []
    for i, stage in enumerate(FUNNEL_STAGES):
        count = entered.get(stage, 0)
        conv = ratio(count, entered.get(FUNNEL_STAGES[i - 1], 0)) if i else None
        steps.append(Step(stage, count, conv))
    return steps


# --- writing values -------------------------------------------------------------------------


def rounded(value: Decimal | None) -> Decimal | None:
    """4 decimal places, half up, without trailing zeros: 0.15, 20.5, 1.0333."""
    if value is None:
        return None
    q = value.quantize(PLACES, ROUND_HALF_UP)
    return q.quantize(Decimal(1)) if q == q.to_integral_value() else q.normalize()


def machine_value(metric: Metric, value: Value | None) -> int | Decimal | None:
    """A value for CSV/JSON: counts as integers, money in yuan, rates and days rounded."""
    if value is None:
        return None
    if metric.kind == "money":
        yuan = fen_to_yuan(int(value))
        return int(yuan) if yuan == yuan.to_integral_value() else yuan
    if metric.kind == "count":
        return int(value)
    return rounded(Decimal(value))


def percent(value: Decimal | None, *, signed: bool = False, places: int | None = 1) -> str:
    """A ratio as a percentage for people: 15.0%, +12.5%; `—` for None.

    places=None prints as many decimals as the value has (a target: 15%, 15.25%)."""
    if value is None:
        return NONE_SHOWN
    hundred = value * 100
    if places is None:
        text = _plain(hundred)
    else:
        text = f"{hundred.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"
    if signed and value > 0:
        text = "+" + text
    return text.replace("-", "−") + "%"


def human_value(metric: Metric, value: Value | None) -> str:
    """A value for the terminal table: 40, ¥2,580,000.00, 15.0%, 20.5; `—` for None."""
    if value is None:
        return NONE_SHOWN
    if metric.kind == "money":
        return format_yuan(int(value))
    if metric.kind == "rate":
        return percent(Decimal(value))
    if metric.kind == "days":
        return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP):f}"
    return f"{int(value):,}"


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 15, 15.25, 0.5."""
    return f"{number.normalize():f}"


# --- time zones -----------------------------------------------------------------------------


def day_bounds(period: str, zone: tzinfo) -> tuple[datetime, datetime]:
    """The quarter (or month, 2024-11) as UTC instants: [first day 00:00, first day of the
    next period 00:00) in the team's zone, so that a signing at 23:30 local on 31 December
    is in Q4 wherever UTC puts it."""
    first, after = period_bounds(period)
    return start_of_day(first, zone), start_of_day(after, zone)


def offset_periods(zone: tzinfo, start: datetime, end: datetime
                   ) -> tuple[tuple[datetime, int], ...]:
    """The zone's UTC offsets over [start, end): (first instant, offset in seconds) per
    period, the first beginning at `start`. A fixed zone (Asia/Shanghai) is one period; a
    zone with daylight saving time has one more per change.

    Found by probing every day and bisecting a change to the second (tz changes happen on
    whole seconds and never twice within a day), so that SQL can turn a UTC timestamp
    into its local day with a CASE over a few instants instead of a per-row conversion.
    """
    begin = int(start.timestamp() // 1)
    stop = end.timestamp()
    periods = [(_utc(begin), _offset(zone, begin))]
    at = begin
    day = int(timedelta(days=1).total_seconds())
    while at < stop:
        probe = min(at + day, int(stop // 1) + 1)
        if _offset(zone, probe) != periods[-1][1]:
            low, high = at, probe  # low has the old offset, high the new
            while high - low > 1:
                mid = (low + high) // 2
                if _offset(zone, mid) == periods[-1][1]:
                    low = mid
                else:
                    high = mid
            if high < stop:
                periods.append((_utc(high), _offset(zone, high)))
        at = probe
    return tuple(periods)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _offset(zone: tzinfo, seconds: int) -> int:
    delta = _utc(seconds).astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0
