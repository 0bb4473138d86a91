"""Recovery plans (挽回策略) and the weekly lead-risk report (线索跟进报告, SPEC §14).

`record` keeps every plan; the latest one counts. `stalled` lists the customers the
agenda shows as `stalled` on a day (rules/deadline.py), read like the agenda through the
index (tier, progressed_at), each with its latest plan in one correlated lookup through
(customer_id, at).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.errors import InputError
from salesflow.i18n import _
from salesflow.models import Customer, RecoveryPlan
from salesflow.rules import deadline
from salesflow.rules.recovery import plan_age_days
from salesflow.services import audit
from salesflow.services.customers import resolve
from salesflow.services.env import Env


def record(session: Session, env: Env, ref: str, plan: str) -> tuple[RecoveryPlan, Customer]:
    text = (plan or "").strip()
    if not text:
        raise InputError(_("plan: cannot be empty; describe the recovery plan, e.g. "
                           "'约决策人面谈, 调整报价'"))
    customer = resolve(session, ref)
    assert customer.id is not None
    row = RecoveryPlan(customer_id=customer.id, plan=text, by=env.actor, at=env.now)
    session.add(row)
    audit.record(session, env, f"customer {customer.code} recovery plan recorded")
    session.flush()
    return row, customer


def latest_plan(column: Any) -> Any:
    """A column of the customer's latest recovery plan (correlated, index (customer_id,
    at)); NULL without one."""
    return (sa_select(column).where(col(RecoveryPlan.customer_id) == col(Customer.id))
            .order_by(col(RecoveryPlan.at).desc(), col(RecoveryPlan.id).desc())
            .limit(1).scalar_subquery())


def stalled(session: Session, env: Env, day: date, *,
            owner: str | None = None) -> Iterator[dict[str, Any]]:
    """Customers whose `stalled` item is due by `day`, longest stalled first."""
    cutoff = deadline.stalled_cutoff(day, env.tz)
    query = (
        sa_select(col(Customer.code), col(Customer.name), col(Customer.tier),
                  col(Customer.owner), col(Customer.potential), col(Customer.progressed_at),
                  col(Customer.last_contact_at), latest_plan(col(RecoveryPlan.plan)),
                  latest_plan(col(RecoveryPlan.at)))
        .where(col(Customer.tier).in_(list(deadline.STALLED_TIERS)),
               col(Customer.progressed_at) < cutoff,
               col(Customer.stage).in_(list(deadline.STALLED_STAGES)))
        .order_by(col(Customer.progressed_at), col(Customer.code))
    )
    if owner:
        query = query.where(col(Customer.owner) == owner)
    for code, name, tier, who, potential, progressed, last, plan, planned in (
            session.execute(query)):
        yield {
            "customer_code": code, "customer": name, "tier": tier, "owner": who,
            "potential": potential,
            "days_stalled": (day - env.local_date(progressed)).days,
            "last_contact": env.local_date(last) if last else None,
            "plan": plan,
            "plan_age_days": plan_age_days(env.local_date(planned) if planned else None, day),
        }
