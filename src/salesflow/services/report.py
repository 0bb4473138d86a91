"""The quarterly KPI report (销售数据分析表, SPEC §6): metrics with target, completion, YoY
and QoQ, the stage funnel, and the same per customer owner. The same code serves a month
(SPEC §14, `report month`): every query takes a period, a quarter or a month.

Every figure is an SQL aggregate (COUNT/SUM/CASE, a GROUP BY subquery for each customer's
first signed contract) over indexed ranges: created_at, signed_at, followup.at and
stage_change.at. No row is loaded into Python. What the metrics mean is in rules/kpi.py.

The quarter is a range of calendar days in the team's time zone, compared as UTC instants
([first day 00:00 local, next quarter's first day 00:00 local)). Two metrics need a
timestamp's local calendar day inside SQL (the sales cycle in calendar days, and whether a
follow-up's local date was on or before its due date): `_Clock` turns a UTC timestamp into
its local day number with the zone's offset, which is a constant for a fixed zone and a
CASE over the daylight-saving changes in the range otherwise (kpi.offset_periods). The
dialect-specific arithmetic (SQLite julianday, PostgreSQL extract(epoch)) lives there
and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, extract, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from salesflow.errors import InputError
from salesflow.models import Contract, Customer, FollowUp, StageChange
from salesflow.rules import kpi
from salesflow.rules.dates import (
    period_bounds,
    previous_period,
    quarter_of,
    same_period_last_year,
)
from salesflow.services import notes, targets
from salesflow.services.env import Env

DAY_MS = 86_400_000
HALF_DAY_MS = DAY_MS // 2
JD_EPOCH_MS = 210_866_760_000_000  # 1970-01-01 00:00 UTC is Julian day 2440587.5


class _Clock:
    """Integer time arithmetic in SQL, the same on SQLite and PostgreSQL.

    Timestamps become milliseconds since the Julian-day epoch (exact integers on both:
    SQLite keeps julianday in whole milliseconds), and a local calendar day is
    (ms + zone offset + half a day) // one day, a Julian day number.
    """

    def __init__(self, session: Session, env: Env) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.env = env

    def ms(self, expr: Any) -> ColumnElement[int]:
        if self.sqlite:
            return cast(func.round(func.julianday(expr) * DAY_MS), BigInteger)
        return cast(func.round(extract("epoch", expr) * 1000), BigInteger) + \
            literal(JD_EPOCH_MS, BigInteger)

    def day(self, date_expr: Any) -> ColumnElement[int]:
        """The day number of a DATE column (a calendar date, no zone)."""
        return (self.ms(date_expr) + literal(HALF_DAY_MS, BigInteger)) // \
            literal(DAY_MS, BigInteger)

    def local_day(self, expr: Any, start: datetime, end: datetime) -> ColumnElement[int]:
        """The day number of a timestamp's local date in the team's zone, for timestamps
        within [start, end)."""
        periods = kpi.offset_periods(self.env.tz, start, end)
        offset: ColumnElement[int] = literal(periods[-1][1] * 1000, BigInteger)
        if len(periods) > 1:
            offset = case(*[(expr < periods[i + 1][0], literal(off * 1000, BigInteger))
                            for i, (_, off) in enumerate(periods[:-1])],
                          else_=offset)
        return (self.ms(expr) + offset + literal(HALF_DAY_MS, BigInteger)) // \
            literal(DAY_MS, BigInteger)


Clock = _Clock  # for the review (services/review.py), which counts days the same way


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _count(value: Any) -> int:
    return int(value or 0)


def tallies(session: Session, env: Env, quarter: str, *, by_owner: bool
            ) -> dict[str | None, kpi.Tallies]:
    """The period's (a quarter, or a month 2024-11) raw aggregates: the team's (key
    None), or per customer owner (only owners with something in the period)."""
    start, end = kpi.day_bounds(quarter, env.tz)
    clock = _Clock(session, env)
    keys: list[Any] = [col(Customer.owner)] if by_owner else []
    found: dict[str | None, dict[str, int]] = defaultdict(dict)

    def collect(query: Any, names: Sequence[str]) -> None:
        for row in session.execute(query.group_by(*keys)):
            key, values = (row[0], row[1:]) if by_owner else (None, row)
            found[key].update({n: _count(v) for n, v in zip(names, values, strict=True)})

    collect(sa_select(*keys, func.count())
            .select_from(Customer)
            .where(_between(col(Customer.created_at), start, end)),
            ["new_leads"])

    signed = and_(col(Contract.status) == "signed",
                  _between(col(Contract.signed_at), start, end))
    collect(sa_select(*keys, func.count(), func.sum(col(Contract.amount)))
            .select_from(Contract)
            .join(Customer, col(Customer.id) == col(Contract.customer_id))
            .where(signed),
            ["won_deals", "signed_amount"])

    # Each customer's first signing, over the customers who signed in the quarter (an
    # index range on signed_at, then one GROUP BY over those customers' contracts).
    first = (sa_select(col(Contract.customer_id).label("customer_id"),
                       func.min(col(Contract.signed_at)).label("first_at"))
             .where(col(Contract.status) == "signed",
                    col(Contract.customer_id).in_(
                        sa_select(col(Contract.customer_id)).where(signed)))
             .group_by(col(Contract.customer_id))
             .subquery())
    firsts = (sa_select(*keys)
              .select_from(first)
              .join(Customer, col(Customer.id) == first.c.customer_id)
              .where(first.c.first_at >= start))
    created_from = session.execute(
        firsts.with_only_columns(func.min(col(Customer.created_at)))).scalar()
    cycle = (clock.local_day(first.c.first_at, start, end)
             - clock.local_day(col(Customer.created_at), min(created_from or start, start),
                               end))
    collect(firsts.add_columns(func.count(), func.sum(cycle)),
            ["first_deals", "cycle_days"])

    due = col(FollowUp.due_at_time)
    on_time = or_(due.is_(None),
                  clock.local_day(col(FollowUp.at), start, end) <= clock.day(due))
    late = clock.ms(col(FollowUp.logged_at)) - clock.ms(col(FollowUp.at)) > DAY_MS
    satisfied = col(FollowUp.satisfaction) >= 4
    collect(sa_select(*keys, func.count(),
                      func.sum(case((on_time, 1), else_=0)),
                      func.sum(case((late, 1), else_=0)),
                      func.count(col(FollowUp.satisfaction)),
                      func.sum(case((satisfied, 1), else_=0)))
            .select_from(FollowUp)
            .join(Customer, col(Customer.id) == col(FollowUp.customer_id))
            .where(_between(col(FollowUp.at), start, end)),
            ["followups", "on_time", "late_entries", "answers", "satisfied"])

    return {key: kpi.Tallies(**values) for key, values in found.items()}


def entered(session: Session, env: Env, quarter: str, *, by_owner: bool
            ) -> dict[str | None, dict[str, int]]:
    """Distinct customers entering each funnel stage in the period (a stage_change row
    to that stage), for the team (key None) or per customer owner."""
    start, end = kpi.day_bounds(quarter, env.tz)
    keys: list[Any] = [col(Customer.owner)] if by_owner else []
    query = (sa_select(*keys, col(StageChange.to_stage),
                       func.count(func.distinct(col(StageChange.customer_id))))
             .select_from(StageChange)
             .join(Customer, col(Customer.id) == col(StageChange.customer_id))
             .where(_between(col(StageChange.at), start, end),
                    col(StageChange.to_stage).in_(kpi.FUNNEL_STAGES))
             .group_by(*keys, col(StageChange.to_stage)))
    out: dict[str | None, dict[str, int]] = defaultdict(dict)
    for row in session.execute(query):
        key, stage, count = (row[0], row[1], row[2]) if by_owner else (None, row[0], row[1])
        out[key][stage] = int(count)
    return out


def _segment(session: Session, env: Env, compared: Sequence[str],
             target: Any) -> tuple[str, kpi.Line]:
    """The new_leads row of one industry/region target: customers created in the period
    with that industry and/or region, against the same period last year and the previous
    one (one COUNT over the created_at range each)."""
    counts = []
    for period in compared:
        start, end = kpi.day_bounds(period, env.tz)
        query = (sa_select(func.count()).select_from(Customer)
                 .where(_between(col(Customer.created_at), start, end)))
        if target.industry:
            query = query.where(col(Customer.industry) == target.industry)
        if target.region:
            query = query.where(col(Customer.region) == target.region)
        counts.append(_count(session.execute(query).scalar()))
    metric = kpi.BY_NAME[target.metric]
    goal = kpi.target_value(metric, target.value)
    now, year, before = counts
    return (kpi.segment_label(target.metric, target.industry, target.region),
            kpi.Line(metric, goal, now, kpi.completion(now, goal), kpi.change(now, year),
                     kpi.change(now, before)))


@dataclass
class OwnerReport:
    owner: str
    lines: list[kpi.Line]
    funnel: list[kpi.Step]


@dataclass
class Report:
    period: str  # 2024Q4, or a month 2024-11
    first_day: date
    last_day: date
    lines: list[kpi.Line]
    funnel: list[kpi.Step]
    owners: list[OwnerReport] = field(default_factory=list)  # with by_owner
    # new_leads per industry/region target (SPEC §14): (row label, line), after the ten
    segments: list[tuple[str, kpi.Line]] = field(default_factory=list)
    # 模板八's 主要影响因素 / 改进措施 per metric name: (factors, actions)
    notes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def quarter_report(session: Session, env: Env, quarter: str | None = None, *,
                   by_owner: bool = False) -> Report:
    """The KPI table of a quarter (default: the one containing today)."""
    if quarter is None:
        q = quarter_of(env.today)
    else:
        try:
            q = kpi.parse_quarter(quarter)
        except ValueError as exc:
            raise InputError.field("quarter", exc) from None
    return period_report(session, env, q, by_owner=by_owner)


def month_report(session: Session, env: Env, month: str | None = None, *,
                 by_owner: bool = False) -> Report:
    """The same KPI table for a month (default: the one containing today): YoY against
    the same month a year earlier, and in the QoQ position the previous month."""
    if month is None:
        m = env.today.strftime("%Y-%m")
    else:
        try:
            m = kpi.parse_month(month)
        except ValueError as exc:
            raise InputError.field("month", exc) from None
    return period_report(session, env, m, by_owner=by_owner)


def period_report(session: Session, env: Env, period: str, *,
                  by_owner: bool = False) -> Report:
    """The KPI table of a period (a quarter or a month), with its targets (a quarter's;
    a month has none), YoY against the same period a year earlier, the change against the
    previous period (QoQ for a quarter, the previous month for a month), the funnel, the
    notes, and with by_owner the same per customer owner (no targets: they are the
    team's; an owner's own target, target set --owner, shows with its completion)."""
    compared = (period, same_period_last_year(period), previous_period(period))
    first, after = period_bounds(period)
    now, year, before = (tallies(session, env, x, by_owner=False).get(None, kpi.Tallies())
                         for x in compared)
    report = Report(
        period=period, first_day=first, last_day=after - timedelta(days=1),
        lines=kpi.lines(now, year, before, targets.for_quarter(session, period)),
        funnel=kpi.funnel(entered(session, env, period, by_owner=False).get(None, {})),
        notes=notes.for_period(session, period),
        segments=[_segment(session, env, compared, t) for t in targets.segments(session, period)],
    )
    if by_owner:
        owner_targets = targets.for_owners(session, period)
        per = [tallies(session, env, x, by_owner=True) for x in compared]
        stages = entered(session, env, period, by_owner=True)
        names = sorted({str(k) for k in (*per[0], *per[1], *per[2], *stages)})
        for name in names:
            mine, my_year, my_before = (p.get(name, kpi.Tallies()) for p in per)
            report.owners.append(OwnerReport(
                name, kpi.lines(mine, my_year, my_before, owner_targets.get(name, {})),
                kpi.funnel(stages.get(name, {}))))
    return report
