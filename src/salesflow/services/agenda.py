"""The morning agenda (跟进计划): what is overdue, due today and coming up.

It reads the stored, indexed `next_due_at` range [.., plan date + days]: no customer
outside that range is loaded. Kinds here: `next-action` (a promised action), `followup`
(the tier cadence reached) and `new-lead` (the 3-working-day screening deadline).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.models import Customer, FollowUp
from salesflow.rules.cadence import SCREENING_WORKING_DAYS, phase_for
from salesflow.rules.tier import tier_rank
from salesflow.services.env import Env

KINDS = ("followup", "next-action", "new-lead")
SECTIONS = ("overdue", "today", "upcoming")


@dataclass(frozen=True)
class Query:
    plan: date
    days: int = 3
    owner: str | None = None
    tiers: Sequence[str] = ()
    kinds: Sequence[str] = ()


def section_of(due: date, plan: date) -> str:
    return "overdue" if due < plan else "today" if due == plan else "upcoming"


def _action(kind: str, tier: str, stage: str, promise: str | None, env: Env) -> str:
    if kind == "next-action":
        return promise or "promised next action"
    if kind == "new-lead":
        return f"screen the new lead (within {SCREENING_WORKING_DAYS} working days)"
    days = env.settings.cadences.days(tier, stage)
    what = "contact again" if phase_for(stage) == "prospecting" else "account care call"
    return f"{what} (tier {tier}: every {days} d)"


def items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    horizon = q.plan + timedelta(days=q.days)
    promise = (
        sa_select(col(FollowUp.next_action))
        .where(col(FollowUp.customer_id) == col(Customer.id))
        .order_by(col(FollowUp.at).desc(), col(FollowUp.id).desc())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )
    query = (
        sa_select(col(Customer.code), col(Customer.name), col(Customer.tier),
                  col(Customer.stage), col(Customer.owner), col(Customer.next_due_at),
                  col(Customer.next_due_kind), col(Customer.last_contact_at), promise)
        .where(col(Customer.next_due_at).is_not(None), col(Customer.next_due_at) <= horizon)
    )
    if q.owner:
        query = query.where(col(Customer.owner) == q.owner)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    if q.kinds:
        query = query.where(col(Customer.next_due_kind).in_(list(q.kinds)))
    out = []
    for code, name, tier, stage, owner, due, kind, last, promised in session.execute(query):
        out.append({
            "due_date": due,
            "days_overdue": (q.plan - due).days,
            "kind": kind,
            "customer_code": code,
            "customer": name,
            "tier": tier,
            "stage": stage,
            "owner": owner,
            "action": _action(kind, tier, stage, promised, env),
            "last_contact": env.local_date(last) if last else None,
            "section": section_of(due, q.plan),
        })
    return sort_items(out)


def sort_items(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue first (most days overdue first), then today, then upcoming by date;
    tier A before B before C within each."""
    return sorted(rows, key=lambda r: (SECTIONS.index(r["section"]), -r["days_overdue"],
                                       tier_rank(r["tier"]), r["customer_code"], r["kind"]))
