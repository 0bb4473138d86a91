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
    """The team's targets of the quarter by metric name, stored units."""
    return {t.metric: t.value for t in session.exec(select(Target).where(
        col(Target.quarter) == quarter, col(Target.owner) == "",
        col(Target.industry) == "", col(Target.region) == ""))}


def for_owners(session: Session, quarter: str) -> dict[str, dict[str, int]]:
    """Each owner's own targets of the quarter: owner → metric → stored value."""
    out: dict[str, dict[str, int]] = {}
    for t in session.exec(select(Target).where(col(Target.quarter) == quarter,
                                               col(Target.owner) != "")):
        out.setdefault(t.owner, {})[t.metric] = t.value
    return out


def segments(session: Session, quarter: str) -> list[Target]:
    """The quarter's industry/region targets, in a stable order."""
    return list(session.exec(select(Target).where(
        col(Target.quarter) == quarter, col(Target.owner) == "",
        (col(Target.industry) != "") | (col(Target.region) != ""))
        .order_by(col(Target.metric), col(Target.industry), col(Target.region))))


@dataclass
class Saved:
    target: Target
    metric: kpi.Metric
    previous: int | None  # the value it replaced


def set_target(session: Session, env: Env, quarter: str, metric: str, value: str, *,
               owner: str | None = None, industry: str | None = None,
               region: str | None = None) -> Saved:
    """Set (or replace) a quarter's target for one metric: the team's, one owner's, or
    (new_leads) one industry's and/or region's."""
    quarter = parse_quarter(quarter)
    try:
        found = kpi.parse_metric(metric)
    except ValueError as exc:
        raise InputError.field("metric", exc) from None
    try:
        stored = kpi.parse_target(found, value)
    except ValueError as exc:
        raise InputError.field("value", exc) from None
    scope = {"owner": (owner or "").strip(), "industry": (industry or "").strip(),
             "region": (region or "").strip()}
    try:
        kpi.check_scope(found.name, **scope)
    except ValueError as exc:
        raise InputError.field("industry" if scope["industry"] else
                               "region" if scope["region"] else "owner", exc) from None
    users.require_admin(session, env, "target", _("set targets"))
    target = session.exec(select(Target).where(
        col(Target.quarter) == quarter, col(Target.metric) == found.name,
        *[getattr(Target, k) == v for k, v in scope.items()])).first()
    previous = target.value if target is not None else None
    if target is None:
        target = Target(quarter=quarter, metric=found.name, value=stored, set_by=env.actor,
                        set_at=env.now, owner=scope["owner"], industry=scope["industry"],
                        region=scope["region"])
    else:
        target.value, target.set_by, target.set_at = stored, env.actor, env.now
    session.add(target)
    was = f" (was {kpi.format_target(found, previous)})" if previous is not None else ""
    whose = "".join(f" {k}={v}" for k, v in scope.items() if v)
    audit.record(session, env, f"target {quarter} {found.name}{whose} set to "
                               f"{kpi.format_target(found, stored)}{was}")
    session.flush()
    return Saved(target, found, previous)


def rows(session: Session, *, quarter: str | None = None) -> Iterator[dict[str, Any]]:
    """Targets by quarter, then in the KPI table's metric order (columns.TARGET). The
    quarter is checked before the first row is written."""
    order = case({m.name: i for i, m in enumerate(kpi.METRICS)}, value=col(Target.metric),
                 else_=len(kpi.METRICS))
    query = select(Target).order_by(col(Target.quarter), order, col(Target.metric),
                                    col(Target.owner), col(Target.industry),
                                    col(Target.region))
    if quarter:
        query = query.where(col(Target.quarter) == parse_quarter(quarter))
    return (_row(t) for t in session.exec(query))


def _row(t: Target) -> dict[str, Any]:
    metric = kpi.BY_NAME.get(t.metric)
    return {"quarter": t.quarter, "metric": t.metric,
            "value": kpi.format_target(metric, t.value) if metric else str(t.value),
            "set_by": t.set_by, "set_at": t.set_at, "owner": t.owner,
            "industry": t.industry, "region": t.region}
