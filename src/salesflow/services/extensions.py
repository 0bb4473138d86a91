"""Extension requests (延期申请表): ask, approve, reject, list (rules/extension.py).

The item asked for is found the way the agenda finds it (rules/deadline.py over the same
stored columns), and its current due date is kept on the request; services/agenda.py
joins the latest approved extension of each item and moves it to the new date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from salesflow.errors import Conflict, Forbidden, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Customer, Extension, FollowUp, Need, User
from salesflow.rules import deadline
from salesflow.rules import extension as rules
from salesflow.rules.dates import parse_date
from salesflow.services import audit
from salesflow.services.customers import resolve
from salesflow.services.env import Env
from salesflow.services.projects import earliest_open_phase
from salesflow.services.users import role_of


def current_item(session: Session, env: Env, customer: Customer,
                 kind: str) -> tuple[date, str] | None:
    """The due date (and ref) of the customer's open item of this kind, as the agenda
    shows it before any extension; None when there is none."""
    if customer.stage == "lost" and kind != "new-lead":
        return None
    if kind == "new-lead":
        if customer.next_due_kind == "new-lead" and customer.next_due_at is not None:
            return customer.next_due_at, ""
        return None
    if kind == "proposal":
        if customer.stage == deadline.PROPOSAL_STAGE:
            return deadline.proposal_due(env.local_date(customer.stage_changed_at),
                                         env.calendar), ""
        return None
    if kind == "objection":
        if customer.objection_at is not None:
            return deadline.objection_due(customer.objection_at, env.tz), ""
        return None
    if kind == "need":
        # the oldest open need not responded to: the one due first
        need = session.exec(
            select(Need).where(Need.customer_id == customer.id, Need.status == "open")
            .order_by(col(Need.created_at), col(Need.id)).limit(1)).first()
        if need is not None:
            return deadline.need_due(need.created_at, env.tz), str(need.id)
        return None
    if kind == "delivery":
        # the unfinished phase that ends first (services/agenda.py: _delivery_items)
        assert customer.id is not None
        phase = earliest_open_phase(session, customer.id)
        if phase is not None:
            return phase.end, str(phase.id)
        return None
    if kind == "minutes":
        # the oldest visit or meeting still waiting for its minutes: the one due first
        followup = session.exec(
            select(FollowUp).where(FollowUp.customer_id == customer.id,
                                   col(FollowUp.minutes_due_at).is_not(None))
            .order_by(col(FollowUp.minutes_due_at), col(FollowUp.id)).limit(1)).first()
        if followup is not None and followup.minutes_due_at is not None:
            return env.local_date(followup.minutes_due_at), str(followup.id)
        return None
    return None


def request(session: Session, env: Env, ref: str, kind: str, to: str,
            reason: str) -> Extension:
    try:
        kind = rules.parse_kind(kind)
    except ValueError as exc:
        raise InputError.field("kind", exc) from None
    try:
        to_date = parse_date(to, env.today)
    except ValueError as exc:
        raise InputError.field("to", exc) from None
    text = (reason or "").strip()
    if not text:
        raise InputError(_("reason: cannot be empty; say why the item needs more time"))
    customer = resolve(session, ref)
    assert customer.id is not None
    item = current_item(session, env, customer, kind)
    if item is None:
        raise Conflict(_("kind: {code} has no {kind} item on the agenda; see salesflow due "
                         "--kind {kind}").format(code=customer.code, kind=kind))
    due, item_ref = item
    try:
        rules.check_new_date(due, to_date)
    except ValueError as exc:
        raise InputError.field("to", exc) from None
    pending = session.exec(select(Extension.id).where(
        Extension.customer_id == customer.id, Extension.kind == kind,
        Extension.ref == item_ref, Extension.due_date == due,
        Extension.status == "pending")).first()
    if pending is not None:
        raise Conflict(_("kind: extension #{id} for this {kind} item is already pending; "
                         "a manager decides it first").format(id=pending, kind=kind))
    ext = Extension(customer_id=customer.id, kind=kind, ref=item_ref, due_date=due,
                    to_date=to_date, reason=text, requested_by=env.actor,
                    requested_at=env.now, status="pending")
    session.add(ext)
    session.flush()
    audit.record(session, env, f"extension #{ext.id} {customer.code} {kind} {due} → "
                               f"{to_date} requested")
    return ext


def parse_id(text: str) -> int:
    value = text.strip().removeprefix("#")
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise InputError(_("id: '{value}' is not an extension id; use the number `extend` "
                           "printed (see salesflow extend list)").format(value=text))
    return int(value)


def decide(session: Session, env: Env, ref: str, decision: str,
           note: str | None = None) -> Extension:
    ext = session.get(Extension, parse_id(ref))
    if ext is None:
        raise NotFound(_("id: no extension #{id}; see salesflow extend list").format(
            id=parse_id(ref)))
    refusal = rules.decision_refusal(
        status=ext.status, requester=ext.requested_by, actor=env.actor,
        role=role_of(session, env.actor),
        team_has_users=bool(session.exec(select(func.count()).select_from(User)).one()))
    if refusal is not None:
        raise (Conflict if ext.status != "pending" else Forbidden)(
            _("id: extension #{id}: {why}").format(id=ext.id, why=refusal))
    ext.status = decision
    ext.decided_by = env.actor
    ext.decided_at = env.now
    ext.note = (note or "").strip() or None
    session.add(ext)
    audit.record(session, env, f"extension #{ext.id} {decision}")
    session.flush()
    return ext


def rows(session: Session, *, status: str | None = None) -> Iterator[dict[str, Any]]:
    query = (
        sa_select(col(Extension.id), col(Customer.code), col(Extension.kind),
                  col(Extension.due_date), col(Extension.to_date), col(Extension.reason),
                  col(Extension.requested_by), col(Extension.status),
                  col(Extension.decided_by), col(Extension.note))
        .join(Customer, col(Customer.id) == col(Extension.customer_id))
        .order_by(col(Extension.id))
    )
    if status:
        try:
            query = query.where(col(Extension.status) == rules.parse_status(status))
        except ValueError as exc:
            raise InputError.field("status", exc) from None
    keys = ("id", "customer_code", "kind", "due_date", "to", "reason", "requested_by",
            "status", "decided_by", "note")
    for r in session.execute(query):
        yield dict(zip(keys, r, strict=True))
