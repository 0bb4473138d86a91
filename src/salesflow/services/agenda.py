"""The morning agenda (跟进计划): what is overdue, due today and coming up.

It reads the stored, indexed `next_due_at` range [.., plan date + days]: no customer
outside that range is loaded. Kinds here: `next-action` (a promised action), `followup`
(the tier cadence reached) and `new-lead` (the 3-working-day screening deadline).

Contracts add two more, each read through an index as well: `payment` (an unpaid
installment of a signed contract, from 3 days before it falls due; 7+ days late it is an
escalation, which also belongs to every sales manager's agenda: `--owner <manager>`
includes it) and `approval` (a pending contract waiting for the acting user's role, not
created by them; its due date is the day it reached that step).

The process deadlines (rules/deadline.py) add four, each read through its own index up to
a cutoff computed from the horizon (plan date + days), never by loading every customer:
`objection` (an unanswered negative or objection follow-up, 24 hours; index objection_at),
`need` (an open need not responded to, 48 hours; index (status, created_at)), `proposal`
(in intent 5 working days without reaching proposal; index (stage, stage_changed_at)) and
`stalled` (an A-tier customer with no stage progress for 14 days; index (tier,
progressed_at); its action asks to update the recovery plan while the latest one is missing
or older than a week, rules/recovery.py). Lost customers have none. One customer may show
under several kinds.

An approved extension (延期申请表, rules/extension.py) moves a `new-lead`, `objection`,
`need` or `proposal` item to its new date, shown with the reason. Each of those reads
LEFT JOINs the item's latest approved extension through the index (customer_id, kind,
status), so it stays one indexed range read: an extension only moves an item later, so
the range on the stored start still holds every item that can be due by the horizon, and
the moved date is checked against the horizon once joined.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salesflow.i18n import Msg
from salesflow.models import (
    Contract,
    Customer,
    Extension,
    FollowUp,
    Need,
    Payment,
    RecoveryPlan,
)
from salesflow.rules import contract as contract_rules
from salesflow.rules import deadline
from salesflow.rules import extension as extension_rules
from salesflow.rules.cadence import SCREENING_WORKING_DAYS, phase_for
from salesflow.rules.choices import PRIORITY_NAMES, ROLE_NAMES
from salesflow.rules.dates import start_of_day
from salesflow.rules.money import format_yuan
from salesflow.rules.recovery import needs_plan
from salesflow.rules.tier import tier_rank
from salesflow.services.env import Env
from salesflow.services.recovery import latest_plan
from salesflow.services.schedule import latest_followup
from salesflow.services.users import require_user, role_of

KINDS = ("followup", "next-action", "new-lead", "payment", "approval", "objection", "proposal",
         "need", "stalled")
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
    """What to do. A Msg: English in CSV/JSON, the user's language in tables and ICS; a
    promised next action is the rep's own words (stored data), never translated."""
    if kind == "next-action":
        return promise or Msg("promised next action")
    if kind == "new-lead":
        return Msg("screen the new lead (within {days} working days)",
                   days=SCREENING_WORKING_DAYS)
    days = env.settings.cadences.days(tier, stage)
    if phase_for(stage) == "prospecting":
        return Msg("follow up ({tier}: every {days}d)", tier=tier, days=days)
    return Msg("account care ({tier}: every {days}d)", tier=tier, days=days)


def items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    if q.owner:
        require_user(session, "owner", q.owner)
    horizon = q.plan + timedelta(days=q.days)
    promise = latest_followup(col(FollowUp.next_action))
    query = (
        sa_select(col(Customer.code), col(Customer.name), col(Customer.tier),
                  col(Customer.stage), col(Customer.owner), col(Customer.next_due_at),
                  col(Customer.next_due_kind), col(Customer.last_contact_at), promise,
                  *_EXTENDED)
        .where(col(Customer.next_due_at).is_not(None), col(Customer.next_due_at) <= horizon)
    )
    query = _with_extension(query, "new-lead")
    if q.owner:
        query = query.where(col(Customer.owner) == q.owner)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    if q.kinds:
        query = query.where(col(Customer.next_due_kind).in_(list(q.kinds)))
    out = []
    for (code, name, tier, stage, owner, due, kind, last, promised,
         *ext) in session.execute(query):
        action = _action(kind, tier, stage, promised, env)
        if kind == "new-lead":
            due, action = _extended(due, action, *ext)
            if due > horizon:
                continue
        out.append(_item(env, q, due, kind, code, name, tier, stage, owner, action, last,
                         ref=""))
    if not q.kinds or "payment" in q.kinds:
        out.extend(_payment_items(session, env, q))
    if not q.kinds or "approval" in q.kinds:
        out.extend(_approval_items(session, env, q))
    for kind, build in _DEADLINE_ITEMS.items():
        if not q.kinds or kind in q.kinds:
            out.extend(build(session, env, q))
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
            action = Msg("escalation: {amount} of {number} unpaid {days} days; collect (催款) "
                         "with the sales manager", amount=left, number=number, days=late)
        elif late > 0:
            action = Msg("payment overdue: {amount} of {number}; chase it",
                         amount=left, number=number)
        else:
            action = Msg("payment reminder: {amount} of {number}; remind the customer",
                         amount=left, number=number)
        out.append(_item(env, q, due, "payment", code, name, tier, stage, owner, action, last,
                         ref=f"{number}-{pid}"))
    return out


def _approval_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Pending contracts waiting for the acting user's role (index (status, pending_step));
    a rep, whose role is no step of the chain, has none."""
    role = role_of(session, env.actor)
    if role not in contract_rules.STEPS:
        return []
    if q.owner:
        require_user(session, "owner", q.owner)
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
        action = Msg("approve contract {number} ({amount}): the {role} step", number=number,
                     amount=format_yuan(amount), role=Msg(ROLE_NAMES.get(role, role)))
        out.append(_item(env, q, waiting, "approval", code, name, tier, stage, owner, action,
                         last, ref=number))
    return out


_EXTENDED = (col(Extension.due_date), col(Extension.to_date), col(Extension.reason))


def _with_extension(query: Any, kind: str, *, ref: Any = None) -> Any:
    """LEFT JOIN the item's latest approved extension (index (customer_id, kind, status));
    the select must already hold _EXTENDED."""
    other = aliased(Extension)
    latest = (sa_select(func.max(col(other.id)))
              .where(col(other.customer_id) == col(Customer.id), col(other.kind) == kind,
                     col(other.status) == "approved"))
    if ref is not None:
        latest = latest.where(col(other.ref) == ref)
    return query.outerjoin(Extension, col(Extension.id) == latest.scalar_subquery())


def _extended(due: date, action: Msg, asked_for: date | None, to: date | None,
              reason: str | None) -> tuple[date, Msg]:
    """The item's date and action once an approved extension for this due date moves it."""
    new = extension_rules.moved(due, asked_for, to)
    if new == due:
        return due, action
    return new, Msg("{action} (extended from {due}: {reason})", action=action,
                    due=due.isoformat(), reason=reason)


def _horizon(q: Query) -> date:
    return q.plan + timedelta(days=q.days)


def _scoped(query: Any, q: Query) -> Any:
    """The --owner and --tier filters, and never a lost customer."""
    query = query.where(col(Customer.stage) != "lost")
    if q.owner:
        query = query.where(col(Customer.owner) == q.owner)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    return query


def _objection_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Customers whose latest follow-up is negative or an objection, answered by no later
    contact, due 24 hours after it (index on objection_at, a range up to the cutoff)."""
    cutoff = deadline.hours_cutoff(_horizon(q), deadline.OBJECTION_HOURS, env.tz)
    query = _scoped(
        sa_select(col(Customer.objection_at), latest_followup(col(FollowUp.objection)),
                  *_customer_columns(), *_EXTENDED)
        .where(col(Customer.objection_at).is_not(None), col(Customer.objection_at) < cutoff),
        q)
    query = _with_extension(query, "objection")
    out = []
    for since, objection, code, name, tier, stage, owner, last, *ext in session.execute(query):
        action = (Msg("answer the objection (24h)") if objection
                  else Msg("answer the negative feedback (24h)"))
        due, action = _extended(deadline.objection_due(since, env.tz), action, *ext)
        if due > _horizon(q):
            continue
        out.append(_item(env, q, due, "objection", code, name, tier, stage, owner, action,
                         last, ref=""))
    return out


def _need_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Open needs not responded to, due 48 hours after they were recorded (index (status,
    created_at)); the need's id tells two needs of one customer apart."""
    cutoff = deadline.hours_cutoff(_horizon(q), deadline.NEED_HOURS, env.tz)
    query = _scoped(
        sa_select(col(Need.id), col(Need.created_at), col(Need.priority),
                  *_customer_columns(), *_EXTENDED)
        .join_from(Need, Customer, col(Customer.id) == col(Need.customer_id))
        .where(col(Need.status) == "open", col(Need.created_at) < cutoff)
        .order_by(col(Need.created_at), col(Need.id)),
        q)
    query = _with_extension(query, "need", ref=cast(col(Need.id), String))
    out = []
    for (nid, created, priority, code, name, tier, stage, owner, last,
         *ext) in session.execute(query):
        due, action = _extended(
            deadline.need_due(created, env.tz),
            Msg("respond to need #{id} ({priority}, 48h)", id=nid,
                priority=Msg(PRIORITY_NAMES.get(priority, priority))), *ext)
        if due > _horizon(q):
            continue
        out.append(_item(env, q, due, "need", code, name, tier, stage, owner, action, last,
                         ref=str(nid)))
    return out


def _proposal_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Customers in intent whose proposal is due by the horizon: 5 working days after the
    day they entered intent, so they entered on or before proposal_cutoff (index (stage,
    stage_changed_at))."""
    last_day = deadline.proposal_cutoff(_horizon(q), env.calendar)
    before = start_of_day(last_day + timedelta(days=1), env.tz)
    query = _scoped(
        sa_select(col(Customer.stage_changed_at), *_customer_columns(), *_EXTENDED)
        .where(col(Customer.stage) == deadline.PROPOSAL_STAGE,
               col(Customer.stage_changed_at) < before),
        q)
    query = _with_extension(query, "proposal")
    out = []
    for entered, code, name, tier, stage, owner, last, *ext in session.execute(query):
        due, action = _extended(
            deadline.proposal_due(env.local_date(entered), env.calendar),
            Msg("submit the proposal ({days} working days)",
                days=deadline.PROPOSAL_WORKING_DAYS), *ext)
        if due > _horizon(q):
            continue
        out.append(_item(env, q, due, "proposal", code, name, tier, stage, owner, action,
                         last, ref=""))
    return out


def _stalled_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """A-tier customers still prospecting with no forward move for 14 days (index (tier,
    progressed_at))."""
    tiers = [t for t in deadline.STALLED_TIERS if not q.tiers or t in q.tiers]
    if not tiers:
        return []
    cutoff = deadline.stalled_cutoff(_horizon(q), env.tz)
    query = _scoped(
        sa_select(col(Customer.progressed_at), latest_plan(col(RecoveryPlan.at)),
                  *_customer_columns())
        .where(col(Customer.tier).in_(tiers), col(Customer.progressed_at) < cutoff,
               col(Customer.stage).in_(list(deadline.STALLED_STAGES))),
        q)
    out = []
    for progressed, planned, code, name, tier, stage, owner, last in session.execute(query):
        if needs_plan(env.local_date(planned) if planned else None, q.plan):
            action = Msg("update the recovery plan (no progress in {days}d)",
                         days=deadline.STALLED_DAYS)
        else:
            action = Msg("push the deal (no progress in {days}d)", days=deadline.STALLED_DAYS)
        out.append(_item(env, q, deadline.stalled_due(progressed, env.tz), "stalled", code,
                         name, tier, stage, owner,
                         action, last, ref=""))
    return out


_DEADLINE_ITEMS = {"objection": _objection_items, "need": _need_items,
                   "proposal": _proposal_items, "stalled": _stalled_items}


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
    section_rank = {section: n for n, section in enumerate(SECTIONS)}
    ranks: dict[str, int] = {}

    def rank(tier: str) -> int:  # tier_rank, asked once per tier rather than per item
        known = ranks.get(tier)
        if known is None:
            known = ranks[tier] = tier_rank(tier)
        return known

    return sorted(rows, key=lambda r: (section_rank[r["section"]], -r["days_overdue"],
                                       rank(r["tier"]), r["customer_code"], r["kind"]))
