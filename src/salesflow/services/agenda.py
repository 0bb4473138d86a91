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

The shared pool (公海, rules/pool.py) adds `pool`: a rep's customer that returns to the
pool on its stored `pool_on` day unless followed up, shown from pool.warn_days before
(index on pool_on). Customers in the pool (no owner) are nobody's agenda.

An approved extension (延期申请表, rules/extension.py) moves a `new-lead`, `objection`,
`need` or `proposal` item to its new date, shown with the reason. Each of those reads
LEFT JOINs the item's latest approved extension through the index (customer_id, kind,
status), so it stays one indexed range read: an extension only moves an item later, so
the range on the stored start still holds every item that can be due by the horizon, and
the moved date is checked against the horizon once joined.

Relationship care (SPEC §13, rules/relationship.py) adds three, each read through its own
index: `greeting` (a customer's key date, by the month-day index of key_date over the
occasions that can be due by the horizon; and the greeted statutory holidays, whose dates
come from the calendar, so that on a day with no holiday near there is no read at all, and
near one the read is the owner's A and B customers through (owner, tier)); a greeting
follow-up in the window answers it (index (customer_id, purpose, at)); `survey` (index
(owner, survey_from) / survey_from, up to horizon − cadence.survey) and `minutes` (index
followup.minutes_due_at, up to the end of the horizon; extendable, the follow-up's id as
its ref).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salesflow.db import plain_rows, rare
from salesflow.i18n import Msg
from salesflow.models import (
    Contract,
    Customer,
    Extension,
    FollowUp,
    KeyDate,
    Need,
    Payment,
    Phase,
    RecoveryPlan,
)
from salesflow.nogc import nogc
from salesflow.rules import contract as contract_rules
from salesflow.rules import deadline
from salesflow.rules import extension as extension_rules
from salesflow.rules import pool as pool_rules
from salesflow.rules import project as project_rules
from salesflow.rules import relationship as care
from salesflow.rules.cadence import SCREENING_WORKING_DAYS, phase_for
from salesflow.rules.choices import CHANNEL_NAMES, PRIORITY_NAMES, ROLE_NAMES
from salesflow.rules.dates import start_of_day
from salesflow.rules.money import format_yuan
from salesflow.rules.recovery import needs_plan
from salesflow.rules.workdays import holiday_start
from salesflow.services.env import Env
from salesflow.services.recovery import latest_plan
from salesflow.services.schedule import latest_followup
from salesflow.services.server import visible_owners
from salesflow.services.users import require_user, role_of

KINDS = ("followup", "next-action", "new-lead", "payment", "approval", "objection", "proposal",
         "need", "stalled", "delivery", "aftersales", "renewal", "greeting", "survey",
         "minutes", "pool")


@dataclass(frozen=True)
class Query:
    plan: date
    days: int = 3
    owner: str | None = None
    tiers: Sequence[str] = ()
    kinds: Sequence[str] = ()
    # on a server, the owners row-level security lets the acting rep see (services/server
    # .visible_owners): said in the query too, so that it reads the (owner, …) indexes
    owners: Sequence[str] = ()
    # one customer's items only (brief): every kind's read is narrowed to it in SQL
    customer_id: int | None = None


def section_of(due: date, plan: date) -> str:
    return "overdue" if due < plan else "today" if due == plan else "upcoming"


def _action(kind: str, tier: str, stage: str, promise: str | None, env: Env,
            delivering: bool = False) -> str:
    """What to do. A Msg: English in CSV/JSON, the user's language in tables and ICS; a
    promised next action is the rep's own words (stored data), never translated."""
    if kind == "next-action":
        return promise or Msg("promised next action")
    if kind == "new-lead":
        return Msg("screen the new lead (within {days} working days)",
                   days=SCREENING_WORKING_DAYS)
    days = env.settings.cadences.days(tier, stage)
    if delivering and env.settings.delivery_days < days:
        return Msg("project progress (every {days}d while delivering)",
                   days=env.settings.delivery_days)
    if phase_for(stage) == "prospecting":
        return Msg("follow up ({tier}: every {days}d)", tier=tier, days=days)
    return Msg("account care ({tier}: every {days}d)", tier=tier, days=days)


@nogc
def items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    if q.owner:
        require_user(session, "owner", q.owner)
    elif not q.owners:
        q = replace(q, owners=visible_owners(session, env.actor))
    horizon = q.plan + timedelta(days=q.days)
    # the promise (latest follow-up) and the extension are looked up only for the rows
    # whose kind uses them: CASE evaluates its subquery for those alone
    promise = case((col(Customer.next_due_kind) == "next-action",
                    latest_followup(col(FollowUp.next_action))))
    query = (
        sa_select(col(Customer.code), col(Customer.name), col(Customer.tier),
                  col(Customer.stage), col(Customer.owner), col(Customer.next_due_at),
                  col(Customer.next_due_kind), col(Customer.last_contact_at), promise,
                  col(Customer.delivering), *_EXTENDED)
        .where(col(Customer.next_due_at).is_not(None), col(Customer.next_due_at) <= horizon)
    )
    query = _with_extension(query, "new-lead", when=col(Customer.next_due_kind) == "new-lead")
    query = _owned(query, q)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    if q.kinds:
        query = query.where(col(Customer.next_due_kind).in_(list(q.kinds)))
    out = []
    actions: dict[tuple[str, str, str, bool], str] = {}  # one Msg per kind of row
    for (code, name, tier, stage, owner, due, kind, last, promised, delivering,
         *ext) in plain_rows(session, query):
        if promised is None:
            key = (kind, tier, stage, bool(delivering))
            action = actions.get(key)
            if action is None:
                action = actions[key] = _action(kind, tier, stage, None, env, key[3])
        else:
            action = _action(kind, tier, stage, promised, env, bool(delivering))
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


def _owned(query: Any, q: Query) -> Any:
    """The --owner filter, or the owners a server lets the acting rep see; one customer's
    rows when the query names it."""
    if q.customer_id is not None:
        query = query.where(col(Customer.id) == q.customer_id)
    if q.owner:
        return query.where(col(Customer.owner) == q.owner)
    if q.owners:
        return query.where(col(Customer.owner).in_(list(q.owners)))
    return query


def _customer_columns() -> tuple[Any, ...]:
    return (col(Customer.code), col(Customer.name), col(Customer.tier), col(Customer.stage),
            col(Customer.owner), col(Customer.last_contact_at))


def _payment_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Unpaid installments of signed contracts due by the reminder horizon: the index
    (paid_at, due) holds exactly the open ones in due order (an installment waiting for
    an acceptance has no date yet, so it is not in the range). A promise to pay keeps a
    contract's late installments off until its day; 7+ days late (or the day after a broken
    promise) is an escalation, which a sales manager's agenda holds too;
    `collection.legal_days` late is a legal review, on every legal user's agenda."""
    cutoff = contract_rules.escalation_cutoff(q.plan)
    legal = project_rules.legal_cutoff(q.plan, env.settings.legal_days)
    query = (
        sa_select(col(Payment.id), col(Payment.due), col(Payment.amount),
                  col(Payment.paid_amount), col(Contract.number), col(Contract.promise_until),
                  *_customer_columns())
        .join_from(Payment, Contract, col(Contract.id) == col(Payment.contract_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Payment.paid_at).is_(None),
               col(Payment.due) <= contract_rules.reminder_horizon(q.plan, q.days),
               col(Contract.status) == "signed",
               or_(col(Contract.promise_until).is_(None), col(Contract.promise_until) < q.plan,
                   col(Payment.due) >= q.plan))
        .order_by(col(Payment.due), col(Payment.id))
    )
    if q.owner:
        theirs = col(Customer.owner) == q.owner
        role = role_of(session, q.owner)
        if role == "manager":
            theirs = or_(theirs, col(Payment.due) <= cutoff,
                         and_(col(Contract.promise_until) < q.plan,
                              col(Payment.due) <= col(Contract.promise_until)))
        elif role == "legal":
            theirs = or_(theirs, col(Payment.due) <= legal)
        query = query.where(theirs)
    elif q.owners:
        query = query.where(col(Customer.owner).in_(list(q.owners)))
    if q.customer_id is not None:
        query = query.where(col(Customer.id) == q.customer_id)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    out = []
    for pid, due, amount, paid, number, promised, code, name, tier, stage, owner, last in (
            plain_rows(session, query)):
        late = (q.plan - due).days
        left = format_yuan(amount - paid)
        if due <= legal:
            action = Msg("collection: legal review: {amount} of {number} unpaid {days} days",
                         amount=left, number=number, days=late)
        elif (contract_rules.payment_alert(due, q.plan, q.days) == "escalation"
              or project_rules.promise_broken(due, q.plan, promised)):
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
    query = _owned(query, q)
    if q.tiers:
        query = query.where(col(Customer.tier).in_(list(q.tiers)))
    out = []
    for number, amount, since, code, name, tier, stage, owner, last in plain_rows(session, query):
        waiting = env.local_date(since)
        if waiting > horizon:
            continue
        action = Msg("approve contract {number} ({amount}): the {role} step", number=number,
                     amount=format_yuan(amount), role=Msg(ROLE_NAMES.get(role, role)))
        out.append(_item(env, q, waiting, "approval", code, name, tier, stage, owner, action,
                         last, ref=number))
    return out


_EXTENDED = (col(Extension.due_date), col(Extension.to_date), col(Extension.reason))


def _with_extension(query: Any, kind: str, *, ref: Any = None, when: Any = None) -> Any:
    """LEFT JOIN the item's latest approved extension (index (customer_id, kind, status));
    the select must already hold _EXTENDED. `when`: only rows meeting it look one up."""
    other = aliased(Extension)
    latest: Any = (sa_select(func.max(col(other.id)))
                   .where(col(other.customer_id) == col(Customer.id), col(other.kind) == kind,
                          col(other.status) == "approved"))
    if ref is not None:
        latest = latest.where(col(other.ref) == ref)
    latest = latest.scalar_subquery()
    if when is not None:
        latest = case((when, latest))
    return query.outerjoin(Extension, col(Extension.id) == latest)


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
    query = _owned(query.where(col(Customer.stage) != "lost",
                               col(Customer.owner) != pool_rules.POOL_OWNER), q)
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
    answer = {True: Msg("answer the objection (24h)"),
              False: Msg("answer the negative feedback (24h)")}
    horizon = _horizon(q)
    for since, objection, code, name, tier, stage, owner, last, *ext in plain_rows(session, query):
        due, action = _extended(deadline.objection_due(since, env.tz),
                                answer[bool(objection)], *ext)
        if due > horizon:
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
         *ext) in plain_rows(session, query):
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
    submit = Msg("submit the proposal ({days} working days)",
                 days=deadline.PROPOSAL_WORKING_DAYS)
    due_on: dict[date, date] = {}  # the deadline of each day customers entered intent
    horizon = _horizon(q)
    for entered, code, name, tier, stage, owner, last, *ext in plain_rows(session, query):
        day = env.local_date(entered)
        due = due_on.get(day)
        if due is None:
            due = due_on[day] = deadline.proposal_due(day, env.calendar)
        due, action = _extended(due, submit, *ext)
        if due > horizon:
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
    update = Msg("update the recovery plan (no progress in {days}d)",
                 days=deadline.STALLED_DAYS)
    push = Msg("push the deal (no progress in {days}d)", days=deadline.STALLED_DAYS)
    for progressed, planned, code, name, tier, stage, owner, last in plain_rows(session, query):
        action = update if needs_plan(env.local_date(planned) if planned else None,
                                      q.plan) else push
        out.append(_item(env, q, deadline.stalled_due(progressed, env.tz), "stalled", code,
                         name, tier, stage, owner,
                         action, last, ref=""))
    return out


def _delivery_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Unfinished phases of signed contracts, due on their end date (index (done_on,
    end): the unfinished ones in end order, a range up to the horizon); an approved
    extension (ref: the phase's id) moves one later."""
    query = _scoped(
        sa_select(col(Phase.id), col(Phase.name), col(Phase.end), col(Contract.number),
                  *_customer_columns(), *_EXTENDED)
        .join_from(Phase, Contract, col(Contract.id) == col(Phase.contract_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Phase.done_on).is_(None), col(Phase.end) <= _horizon(q),
               col(Contract.status) == "signed")
        .order_by(col(Phase.end), col(Phase.id)),
        q)
    query = _with_extension(query, "delivery", ref=cast(col(Phase.id), String))
    out = []
    for (pid, phase, end, number, code, name, tier, stage, owner, last,
         *ext) in plain_rows(session, query):
        action = (Msg("phase {phase} of {number} is late (ended {end}): finish it or ask "
                      "for an extension", phase=phase, number=number, end=end.isoformat())
                  if end < q.plan else
                  Msg("phase {phase} of {number} ends {end}", phase=phase, number=number,
                      end=end.isoformat()))
        due, action = _extended(end, action, *ext)
        if due > _horizon(q):
            continue
        out.append(_item(env, q, due, "delivery", code, name, tier, stage, owner, action,
                         last, ref=str(pid)))
    return out


def _aftersales_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """The next after-sales visit of each signed contract within its warranty: the stored
    contract.aftersales_due (index), a range up to the horizon."""
    query = _scoped(
        sa_select(col(Contract.aftersales_due), col(Contract.number), *_customer_columns())
        .join_from(Contract, Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Contract.aftersales_due) <= _horizon(q), col(Contract.status) == "signed")
        .order_by(col(Contract.aftersales_due), col(Contract.id)),
        q)
    out = []
    for due, number, code, name, tier, stage, owner, last in plain_rows(session, query):
        action = Msg("after-sales visit for {number} (every {days}d within the warranty)",
                     number=number, days=env.settings.aftersales_days)
        out.append(_item(env, q, due, "aftersales", code, name, tier, stage, owner, action,
                         last, ref=number))
    return out


def _renewal_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Signed contracts ending within `renewal.days` with no later contract signed for the
    customer: the stored contract.renewal_on (index), a range up to the horizon."""
    query = _scoped(
        sa_select(col(Contract.renewal_on), col(Contract.number), col(Contract.end),
                  *_customer_columns())
        .join_from(Contract, Customer, col(Customer.id) == col(Contract.customer_id))
        .where(col(Contract.renewal_on) <= _horizon(q), col(Contract.status) == "signed")
        .order_by(col(Contract.renewal_on), col(Contract.id)),
        q)
    out = []
    for due, number, end, code, name, tier, stage, owner, last in plain_rows(session, query):
        action = Msg("push the renewal of {number} (ends {end})",
                     number=number, end=end.isoformat())
        out.append(_item(env, q, due, "renewal", code, name, tier, stage, owner, action,
                         last, ref=number))
    return out


def _greeting_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Key dates and greeted holidays whose occasion is on or after the plan date and whose
    greeting falls due by the horizon, not answered by a greeting follow-up."""
    lead = env.settings.greeting_lead_days
    start, end = care.occasion_window(q.plan, _horizon(q), lead)
    out = _key_date_items(session, env, q, start, end, lead)
    for name in env.settings.greeting_holidays:
        for year in range(start.year, end.year + 2):  # 元旦's period may start in December
            on = holiday_start(care.HOLIDAYS[name], year)
            if on is not None and start <= on <= end:
                out.extend(_holiday_items(session, env, q, name, on, lead))
    return out


def _key_date_items(session: Session, env: Env, q: Query, start: date, end: date,
                    lead: int) -> list[dict[str, Any]]:
    query = _scoped(
        sa_select(col(KeyDate.id), col(KeyDate.name), col(KeyDate.month_day),
                  col(KeyDate.year), col(Customer.id), *_customer_columns())
        .join_from(KeyDate, Customer, col(Customer.id) == col(KeyDate.customer_id))
        .order_by(col(KeyDate.month_day), col(KeyDate.id)),
        q)
    ranges = care.month_day_ranges(start, end)
    if ranges is not None:
        query = query.where(or_(*(col(KeyDate.month_day).between(low, high)
                                  for low, high in ranges)))
    found = []
    for kid, name, md, year, cid, code, cname, tier, stage, owner, last in (
            plain_rows(session, query)):
        month, day = (int(part) for part in md.split("-"))
        for on in care.occurrences(month, day, year, start, end):
            found.append((kid, name, on, cid, code, cname, tier, stage, owner, last))
    greeted = _greeted(session, env, [f[3] for f in found],
                       care.greeting_due(start, lead), end)
    out = []
    for kid, name, on, cid, code, cname, tier, stage, owner, last in found:
        if care.answered(on, lead, greeted.get(cid, ())):
            continue
        action = Msg("send greetings for {name} ({day})", name=name, day=on.isoformat())
        out.append(_item(env, q, care.greeting_due(on, lead), "greeting", code, cname, tier,
                         stage, owner, action, last, ref=f"{kid}-{on.year}"))
    return out


def _greeted(session: Session, env: Env, customer_ids: list[int], first: date,
             last: date) -> dict[int, list[date]]:
    """The days (team zone) of the greeting follow-ups of these customers between two days,
    through the index (customer_id, purpose, at), in chunks."""
    out: dict[int, list[date]] = {}
    ids = sorted(set(customer_ids))
    low, high = start_of_day(first, env.tz), start_of_day(last + timedelta(days=1), env.tz)
    for at in range(0, len(ids), 500):
        chunk = ids[at:at + 500]
        for cid, moment in plain_rows(session,
                sa_select(col(FollowUp.customer_id), col(FollowUp.at))
                .where(col(FollowUp.customer_id).in_(chunk), col(FollowUp.purpose) == "greeting",
                       col(FollowUp.at) >= low, col(FollowUp.at) < high)):
            out.setdefault(cid, []).append(env.local_date(moment))
    return out


def _holiday_items(session: Session, env: Env, q: Query, name: str, on: date,
                   lead: int) -> list[dict[str, Any]]:
    """Every A and B customer not lost (index (owner, tier)) without a greeting follow-up
    in the holiday's window."""
    tiers = [t for t in care.GREETING_TIERS if not q.tiers or t in q.tiers]
    if not tiers:
        return []
    due = care.greeting_due(on, lead)
    greeted = (sa_select(col(FollowUp.id))
               .where(col(FollowUp.customer_id) == col(Customer.id),
                      col(FollowUp.purpose) == "greeting",
                      col(FollowUp.at) >= start_of_day(due, env.tz),
                      col(FollowUp.at) < start_of_day(on + timedelta(days=1), env.tz))
               .exists())
    query = _scoped(sa_select(*_customer_columns())
                    .where(col(Customer.tier).in_(tiers), ~greeted), q)
    action = Msg("send greetings for {name} ({day})", name=name, day=on.isoformat())
    return [_item(env, q, due, "greeting", code, cname, tier, stage, owner, action, last,
                  ref=f"{name}-{on.year}")
            for code, cname, tier, stage, owner, last in plain_rows(session, query)]


def _survey_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Customers in won/repeat whose satisfaction survey falls due by the horizon: their
    survey clock started on or before horizon − cadence.survey (index (owner,
    survey_from), or survey_from)."""
    days = env.settings.survey_days
    last_day = care.survey_cutoff_day(_horizon(q), days)
    before = start_of_day(last_day + timedelta(days=1), env.tz)
    query = _scoped(
        sa_select(col(Customer.survey_from), *_customer_columns())
        .where(col(Customer.survey_from).is_not(None), col(Customer.survey_from) < before),
        q)
    action = Msg("satisfaction survey (every {days}d): log it with --satisfaction", days=days)
    return [_item(env, q, care.survey_due_on(env.local_date(since), days), "survey", code,
                  name, tier, stage, owner, action, last, ref="")
            for since, code, name, tier, stage, owner, last in plain_rows(session, query)]


def _minutes_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Visits and meetings whose minutes were not sent, due 24 hours after them by the
    horizon (index followup.minutes_due_at); the follow-up's id is the item's ref."""
    cutoff = start_of_day(_horizon(q) + timedelta(days=1), env.tz)
    query = _scoped(
        sa_select(col(FollowUp.id), col(FollowUp.minutes_due_at), col(FollowUp.channel),
                  col(FollowUp.at), *_customer_columns(), *_EXTENDED)
        .join_from(FollowUp, Customer, col(Customer.id) == col(FollowUp.customer_id))
        .where(rare(col(FollowUp.minutes_due_at).is_not(None)),
               rare(col(FollowUp.minutes_due_at) < cutoff))
        .order_by(col(FollowUp.minutes_due_at), col(FollowUp.id)),
        q)
    query = _with_extension(query, "minutes", ref=cast(col(FollowUp.id), String))
    out = []
    for (fid, due_at, channel, at, code, name, tier, stage, owner, last,
         *ext) in plain_rows(session, query):
        due, action = _extended(
            env.local_date(due_at),
            Msg("send the minutes of the {channel} on {day} (follow-up #{id}, 24h)",
                channel=Msg(CHANNEL_NAMES.get(channel, channel)),
                day=env.local_date(at).isoformat(), id=fid), *ext)
        if due > _horizon(q):
            continue
        out.append(_item(env, q, due, "minutes", code, name, tier, stage, owner, action,
                         last, ref=str(fid)))
    return out


def _pool_items(session: Session, env: Env, q: Query) -> list[dict[str, Any]]:
    """Customers returning to the shared pool (公海) soon: from pool.warn_days before the
    day (index on pool_on, a range up to the cutoff); due on that day."""
    if env.settings.pool_idle_days is None:
        return []
    cutoff = pool_rules.warning_cutoff(q.plan, _horizon(q), env.settings.pool_warn_days)
    query = _scoped(
        sa_select(col(Customer.pool_on), *_customer_columns())
        .where(col(Customer.pool_on).is_not(None), col(Customer.pool_on) <= cutoff),
        q)
    out = []
    for on, code, name, tier, stage, owner, last in plain_rows(session, query):
        action = Msg("follow up, or it returns to the shared pool (公海) on {day} (idle "
                     "{days}d)", day=on.isoformat(), days=env.settings.pool_idle_days)
        out.append(_item(env, q, on, "pool", code, name, tier, stage, owner, action, last,
                         ref=""))
    return out


_DEADLINE_ITEMS = {"objection": _objection_items, "need": _need_items,
                   "proposal": _proposal_items, "stalled": _stalled_items,
                   "delivery": _delivery_items, "aftersales": _aftersales_items,
                   "renewal": _renewal_items, "greeting": _greeting_items,
                   "survey": _survey_items, "minutes": _minutes_items, "pool": _pool_items}


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
    tier A before B before C within each.

    That order is the due date's: an earlier day is overdue longer, and the sections
    follow one another in time; the tiers, A, B and C, sort as their letters."""
    return sorted(rows, key=itemgetter("due_date", "tier", "customer_code", "kind"))
