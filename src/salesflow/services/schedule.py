"""Keeps each customer's stored `next_due_at` true (SPEC §4).

Every write that can move a due date (a follow-up, a tier or stage change, a settings
change) calls refresh() or refresh_all(), so that `due` reads a short indexed range
instead of computing anything for every customer.
"""

from __future__ import annotations

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, select

from salesflow.models import Customer, FollowUp
from salesflow.rules.cadence import next_due
from salesflow.services.env import Env

BATCH = 2000


def latest_promise(session: Session, customer_id: int):  # type: ignore[no-untyped-def]
    """The next_action_due of the customer's latest follow-up (a later one closes it)."""
    return session.exec(
        select(FollowUp.next_action_due)
        .where(FollowUp.customer_id == customer_id)
        .order_by(FollowUp.at.desc(), FollowUp.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()


def _due(env: Env, *, stage, tier, created_at, last_contact_at, promise):  # type: ignore[no-untyped-def]
    return next_due(
        stage=stage,
        tier=tier,
        created_on=env.local_date(created_at),
        last_contact_on=env.local_date(last_contact_at) if last_contact_at else None,
        next_action_due=promise,
        cadences=env.settings.cadences,
        calendar=env.calendar,
    )


def refresh(session: Session, env: Env, customer: Customer) -> None:
    promise = latest_promise(session, customer.id) if customer.id is not None else None
    due = _due(env, stage=customer.stage, tier=customer.tier, created_at=customer.created_at,
               last_contact_at=customer.last_contact_at, promise=promise)
    customer.next_due_at = due.on if due else None
    customer.next_due_kind = due.kind if due else None
    session.add(customer)


def refresh_all(session: Session, env: Env) -> int:
    """Recompute every customer's due date (after a settings change); returns the count."""
    latest = (
        sa_select(FollowUp.next_action_due)
        .where(FollowUp.customer_id == Customer.id)
        .order_by(FollowUp.at.desc(), FollowUp.id.desc())  # type: ignore[union-attr]
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )
    query = (
        sa_select(Customer.id, Customer.stage, Customer.tier, Customer.created_at,
                  Customer.last_contact_at, latest)
        .order_by(Customer.id)
    )
    last_id = 0
    count = 0
    while True:
        batch = session.execute(query.where(Customer.id > last_id).limit(BATCH)).all()
        if not batch:
            return count
        params = []
        for cid, stage, tier, created_at, last_contact_at, promise in batch:
            due = _due(env, stage=stage, tier=tier, created_at=created_at,
                       last_contact_at=last_contact_at, promise=promise)
            params.append({"cid": cid, "on": due.on if due else None,
                           "kind": due.kind if due else None})
        session.connection().execute(
            update(Customer.__table__)  # type: ignore[arg-type]
            .where(Customer.__table__.c.id == _bind("cid"))  # type: ignore[attr-defined]
            .values(next_due_at=_bind("on"), next_due_kind=_bind("kind")),
            params,
        )
        count += len(batch)
        last_id = batch[-1][0]


def _bind(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import bindparam

    return bindparam(name)
