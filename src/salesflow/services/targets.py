"""Quarterly KPI targets (销售数据分析表 目标值): set by a sales manager, listed, and read by
the quarterly report.

A target is one integer per (quarter, metric) in the metric's stored unit (rules/kpi.py).
Setting it again replaces it; every setting is audited with the old and new value. Once the
team has users, only a manager or gm may set targets (a database without users lets
anyone, as for `user add`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, select

from salesflow.errors import InputError
from salesflow.i18n import _
from salesflow.models import Target
from salesflow.rules import kpi
from salesflow.services import audit, users
from salesflow.services.env import Env


def parse_quarter(text: str) -> str:
    try:
        return kpi.parse_quarter(text)
    except ValueError as exc:
        raise InputError.field("quarter", exc) from None


def for_quarter(session: Session, quarter: str) -> dict[str, int]:
    """The quarter's targets by metric name, stored units."""
    return {t.metric: t.value for t in session.exec(select(Target)
                                                    .where(col(Target.quarter) == quarter))}


@dataclass
class Saved:
    target: Target
    metric: kpi.Metric
    previous: int | None  # the value it replaced


def set_target(session: Session, env: Env, quarter: str, metric: str, value: str) -> Saved:
    """Set (or replace) a quarter's target for one metric."""
    quarter = parse_quarter(quarter)
    try:
        found = kpi.parse_metric(metric)
    except ValueError as exc:
        raise InputError.field("metric", exc) from None
    try:
        stored = kpi.parse_target(found, value)
    except ValueError as exc:
        raise InputError.field("value", exc) from None
    users.require_admin(session, env, "target", _("set targets"))
    target = session.exec(select(Target).where(col(Target.quarter) == quarter,
                                               col(Target.metric) == found.name)).first()
    previous = target.value if target is not None else None
    if target is None:
        target = Target(quarter=quarter, metric=found.name, value=stored, set_by=env.actor,
                        set_at=env.now)
    else:
        target.value, target.set_by, target.set_at = stored, env.actor, env.now
    session.add(target)
    was = f" (was {kpi.format_target(found, previous)})" if previous is not None else ""
    audit.record(session, env, f"target {quarter} {found.name} set to "
                               f"{kpi.format_target(found, stored)}{was}")
    session.flush()
    return Saved(target, found, previous)


def rows(session: Session, *, quarter: str | None = None) -> Iterator[dict[str, Any]]:
    """Targets by quarter, then in the KPI table's metric order (columns.TARGET). The
    quarter is checked before the first row is written."""
    order = case({m.name: i for i, m in enumerate(kpi.METRICS)}, value=col(Target.metric),
                 else_=len(kpi.METRICS))
    query = select(Target).order_by(col(Target.quarter), order, col(Target.metric))
    if quarter:
        query = query.where(col(Target.quarter) == parse_quarter(quarter))
    return (_row(t) for t in session.exec(query))


def _row(t: Target) -> dict[str, Any]:
    metric = kpi.BY_NAME.get(t.metric)
    return {"quarter": t.quarter, "metric": t.metric,
            "value": kpi.format_target(metric, t.value) if metric else str(t.value),
            "set_by": t.set_by, "set_at": t.set_at}
