"""The morning agenda (跟进计划): what is overdue, due today and coming up.

It reads the stored, indexed `next_due_at` range [.., plan date + days]: no customer
outside that range is loaded. Kinds here: `next-action` (a promised action), `followup`
(the tier cadence reached) and `new-lead` (the 3-working-day screening deadline).

Contracts add two more, each read through an index as well: `payment` (an unpaid
installment of a signed contract, from 3 days before it falls due; 7+ days late it is an
escalation, which also belongs to every sales manager's agenda: `--owner <manager>`
includes it) and `approval` (a pending contract waiting for the acting user's role, not
created by them; its due date is the day it reached that step).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.models import Contract, Customer, FollowUp, Payment
from salesflow.rules import contract as contract_rules
from salesflow.rules.cadence import SCREENING_WORKING_DAYS, phase_for
from salesflow.rules.money import format_yuan
from salesflow.rules.tier import tier_rank
from salesflow.services.env import Env
from salesflow.services.schedule import latest_followup
from salesflow.services.users import role_of

KINDS = ("followup", "next-action", "new-lead", "payment", "approval")
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
    what = "follow up" if phase_for(stage) == "prospecting" else "account care"
    return f"{what} ({tier}: every {days}d)"


def items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    horizon = q.plan + timedelta(days=q.days)
    promise = latest_followup(col(FollowUp.next_action))
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
        out.append(_item(env, q, due, kind, code, name, tier, stage, owner,
                         _action(kind, tier, stage, promised, env), last, ref=""))
    if not q.kinds or "payment" in q.kinds:
        out.extend(_payment_items(session, env, q))
    if not q.kinds or "approval" in q.kinds:
        out.extend(_approval_items(session, env, q))
    return sort_items(out)


def _customer_columns() -> tuple[Any, ...]:
    return (col(Customer.code), col(Customer.name), col(Customer.tier), col(Customer.stage),
            col(Customer.owner), col(Customer.last_contact_at))


def _payment_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Unpaid installments of signed contracts due by the reminder horizon: the index
    (paid_at, due) holds exactly the open ones in due order."""
    cutoff = contract_rules.escalation_cutoff(q.plan)
    query = (
        sa_select(col(Payment.id), col(Payment.due), col(Payment.amount),
                  col(Payment.paid_amount), col(Contract.number), *_customer_columns())
        .join_from(Payment, Contract, col(Contract.id) == col(Payment.contract_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Payment.paid_at).is_(None),
               col(Payment.due) <= contract_rules.reminder_horizon(q.plan, q.days),
               col(Contract.status) == "signed")
        .order_by(col(Payment.due), col(Payment.id))
    )
    if q.owner:
        theirs = col(Customer.owner) == q.owner
        if role_of(session, q.owner) == "manager":
            theirs = or_(theirs, col(Payment.due) <= cutoff)
        query = query.where(theirs)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    out = []
    for pid, due, amount, paid, number, code, name, tier, stage, owner, last in (
            session.execute(query)):
        late = (q.plan - due).days
        left = format_yuan(amount - paid)
        if contract_rules.payment_alert(due, q.plan, q.days) == "escalation":
            action = (f"escalation: {left} of {number} unpaid {late} days; collect (催款) "
                      "with the sales manager")
        elif late > 0:
            action = f"payment overdue: {left} of {number}; chase it"
        else:
            action = f"payment reminder: {left} of {number}; remind the customer"
        out.append(_item(env, q, due, "payment", code, name, tier, stage, owner, action, last,
                         ref=f"{number}-{pid}"))
    return out


def _approval_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Pending contracts waiting for the acting user's role (index (status, pending_step));
    a rep, whose role is no step of the chain, has none."""
    role = role_of(session, env.actor)
    if role not in contract_rules.STEPS:
        return []
    horizon = q.plan + timedelta(days=q.days)
    query = (
        sa_select(col(Contract.number), col(Contract.amount), col(Contract.pending_since),
                  *_customer_columns())
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Contract.status) == "pending", col(Contract.pending_step) == role,
               col(Contract.created_by) != env.actor)
        .order_by(col(Contract.pending_since), col(Contract.number))
    )
    if q.owner:
        query = query.where(col(Customer.owner) == q.owner)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    out = []
    for number, amount, since, code, name, tier, stage, owner, last in session.execute(query):
        waiting = env.local_date(since)
        if waiting > horizon:
            continue
        action = f"approve contract {number} ({format_yuan(amount)}): the {role} step"
        out.append(_item(env, q, waiting, "approval", code, name, tier, stage, owner, action,
                         last, ref=number))
    return out


def _item(env: Env, q: Query, due: date, kind: str, code: str, name: str, tier: str,
          stage: str, owner: str, action: str, last: Any, *, ref: str) -> dict[str, Any]:
    return {
        "due_date": due,
        "days_overdue": (q.plan - due).days,
        "kind": kind,
        "customer_code": code,
        "customer": name,
        "tier": tier,
        "stage": stage,
        "owner": owner,
        "action": action,
        "last_contact": env.local_date(last) if last else None,
        "section": section_of(due, q.plan),
        "ref": ref,  # tells two items of one customer apart (ics uid); not a column
    }


def sort_items(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue first (most days overdue first), then today, then upcoming by date;
    tier A before B before C within each."""
    return sorted(rows, key=lambda r: (SECTIONS.index(r["section"]), -r["days_overdue"],
                                       tier_rank(r["tier"]), r["customer_code"], r["kind"]))
