"""The review (复盘, SPEC §14) of a period: time in each stage, step success, outcomes with
lost reasons, conversion by follow-up frequency and need hotspots (rules/review.py).

Every figure is an SQL aggregate. The median uses ROW_NUMBER and COUNT over a window
(the mean of the one or two middle ranks, rules/review.median_ranks), which SQLite and
PostgreSQL both run; the time in a stage pairs each move with the customer's previous
move by LAG. Calendar days come from services/report.Clock, as for the sales cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from salesflow.errors import InputError
from salesflow.models import Customer, FollowUp, Need, StageChange
from salesflow.rules import kpi
from salesflow.rules import review as rules
from salesflow.rules.dates import period_bounds
from salesflow.services.env import Env
from salesflow.services.report import DAY_MS, Clock


@dataclass
class Review:
    period: str
    first_day: date
    last_day: date
    stage_days: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    won: int = 0
    lost: int = 0
    lost_reasons: list[dict[str, Any]] = field(default_factory=list)
    by_frequency: list[dict[str, Any]] = field(default_factory=list)
    hotspots: list[dict[str, Any]] = field(default_factory=list)


def _days(value: Any) -> Decimal | None:
    return None if value is None else kpi.rounded(Decimal(str(value)))


def review(session: Session, env: Env, period: str) -> Review:
    try:
        period = kpi.parse_period(period)
    except ValueError as exc:
        raise InputError.field("period", exc) from None
    first, after = period_bounds(period)
    start, end = kpi.day_bounds(period, env.tz)
    out = Review(period, first, after - timedelta(days=1))
    _stages(session, env, out, start, end)
    _outcomes(session, out, start, end)
    _frequency(session, env, out, start, end)
    _hotspots(session, out, start, end)
    return out


def _stages(session: Session, env: Env, out: Review, start: Any, end: Any) -> None:
    clock = Clock(session, env)
    earliest = session.execute(sa_select(func.min(col(StageChange.at)))).scalar() or start
    moved = sa_select(col(StageChange.customer_id)).where(
        col(StageChange.at) >= start, col(StageChange.at) < end)
    history = (
        sa_select(col(StageChange.customer_id).label("customer_id"),
                  col(StageChange.from_stage).label("stage"),
                  col(StageChange.to_stage).label("to_stage"),
                  col(StageChange.at).label("at"),
                  func.lag(col(StageChange.at)).over(
                      partition_by=col(StageChange.customer_id),
                      order_by=(col(StageChange.at), col(StageChange.id))).label("entered"))
        .where(col(StageChange.customer_id).in_(moved))
        .subquery())
    duration = (clock.local_day(history.c.at, min(earliest, start), end)
                - clock.local_day(history.c.entered, min(earliest, start), end))
    left = (
        sa_select(history.c.customer_id, history.c.stage, history.c.to_stage,
                  duration.label("days"))
        .where(history.c.at >= start, history.c.at < end, history.c.stage.is_not(None),
               history.c.entered.is_not(None),
               history.c.stage.in_(rules.REVIEWED_STAGES))
        .subquery())
    ranked = (
        sa_select(left.c.customer_id, left.c.stage, left.c.to_stage, left.c.days,
                  func.row_number().over(partition_by=left.c.stage,
                                         order_by=left.c.days).label("rn"),
                  func.count().over(partition_by=left.c.stage).label("n"))
        .subquery())
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    following = case({s: n for s, n in rules.steps()}, value=ranked.c.stage)
    query = (
        sa_select(ranked.c.stage,
                  func.avg(case((middle, ranked.c.days))),
                  func.avg(ranked.c.days),
                  func.count(func.distinct(ranked.c.customer_id)),
                  func.count(func.distinct(case((ranked.c.to_stage == following,
                                                 ranked.c.customer_id)))))
        .group_by(ranked.c.stage))
    found = {row[0]: row[1:] for row in session.execute(query)}
    for stage, to in rules.steps():
        median, mean, customers, forward = found.get(stage, (None, None, 0, 0))
        out.stage_days.append({"stage": stage, "median": _days(median), "mean": _days(mean),
                               "customers": int(customers)})
        out.steps.append({"from": stage, "to": to,
                          "rate": kpi.rounded(kpi.ratio(int(forward), int(customers)))})


def _in_period(start: Any, end: Any) -> Any:
    return and_(col(StageChange.at) >= start, col(StageChange.at) < end)


def _outcomes(session: Session, out: Review, start: Any, end: Any) -> None:
    counts = session.execute(
        sa_select(col(StageChange.to_stage),
                  func.count(func.distinct(col(StageChange.customer_id))))
        .where(_in_period(start, end), col(StageChange.to_stage).in_(["won", "lost"]))
        .group_by(col(StageChange.to_stage)))
    found = dict(counts.all())
    out.won, out.lost = int(found.get("won", 0)), int(found.get("lost", 0))
    reasons = session.execute(
        sa_select(col(StageChange.reason), func.count().label("n"))
        .where(_in_period(start, end), col(StageChange.to_stage) == "lost")
        .group_by(col(StageChange.reason))
        .order_by(func.count().desc(), col(StageChange.reason)))
    out.lost_reasons = [{"reason": r, "count": int(n)} for r, n in reasons]


def _frequency(session: Session, env: Env, out: Review, start: Any, end: Any) -> None:
    """Customers whose outcome (won or lost) fell in the period, by follow-ups before it
    per 30 days of life: the bucket is a CASE over integer comparisons (rules.bucket_of)."""
    clock = Clock(session, env)
    outcome = (
        sa_select(col(StageChange.customer_id).label("customer_id"),
                  func.min(col(StageChange.at)).label("at"),
                  func.max(case((col(StageChange.to_stage) == "won", 1), else_=0))
                  .label("won"))
        .where(_in_period(start, end), col(StageChange.to_stage).in_(["won", "lost"]))
        .group_by(col(StageChange.customer_id))
        .subquery())
    contacts = (sa_select(func.count()).select_from(FollowUp)
                .where(col(FollowUp.customer_id) == outcome.c.customer_id,
                       col(FollowUp.at) < outcome.c.at)
                .scalar_subquery())
    life_ms = clock.ms(outcome.c.at) - clock.ms(col(Customer.created_at))
    life = case((life_ms < DAY_MS, literal(DAY_MS)), else_=life_ms)
    per = (
        sa_select(outcome.c.won, (contacts * 30 * DAY_MS).label("scaled"), life.label("life"))
        .select_from(outcome)
        .join(Customer, col(Customer.id) == outcome.c.customer_id)
        .subquery())
    whens = [(per.c.scaled < high * per.c.life, literal(label))
             for label, _low, high in rules.FREQUENCY_BUCKETS if high is not None]
    bucket = case(*whens, else_=literal(rules.FREQUENCY_BUCKETS[-1][0]))
    rows = {b: (int(n), int(w or 0)) for b, n, w in session.execute(
        sa_select(bucket, func.count(), func.sum(per.c.won)).group_by(bucket))}
    for label, _low, _high in rules.FREQUENCY_BUCKETS:
        customers, won = rows.get(label, (0, 0))
        out.by_frequency.append({"bucket": label, "customers": customers, "won": won,
                                 "rate": kpi.rounded(kpi.ratio(won, customers))})


def _hotspots(session: Session, out: Review, start: Any, end: Any) -> None:
    recorded = and_(col(Need.created_at) >= start, col(Need.created_at) < end)
    groups = session.execute(
        sa_select(col(Need.kind), col(Need.department), func.count())
        .where(recorded)
        .group_by(col(Need.kind), col(Need.department))
        .order_by(func.count().desc(), col(Need.kind), col(Need.department))).all()
    same = (sa_select(col(Need.kind).label("kind"), col(Need.department).label("department"),
                      col(Need.description).label("description"),
                      func.count().label("n"))
            .where(recorded)
            .group_by(col(Need.kind), col(Need.department), col(Need.description))
            .subquery())
    ranked = (sa_select(same, func.row_number().over(
        partition_by=(same.c.kind, same.c.department),
        order_by=(same.c.n.desc(), same.c.description)).label("rn")).subquery())
    top: dict[tuple[str, str | None], list[str]] = {}
    for kind, department, description in session.execute(
            sa_select(ranked.c.kind, ranked.c.department, ranked.c.description)
            .where(ranked.c.rn <= rules.TOP_DESCRIPTIONS)
            .order_by(ranked.c.kind, ranked.c.department, ranked.c.rn)):
        top.setdefault((kind, department), []).append(description)
    out.hotspots = [{"kind": k, "department": d, "count": int(n),
                     "top": top.get((k, d), [])} for k, d, n in groups]
