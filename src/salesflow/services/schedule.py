"""Keeps each customer's stored `next_due_at` true (SPEC §4).

Every write that can move a due date (a follow-up, a tier or stage change, a settings
change) calls refresh() or refresh_all(), so that `due` reads a short indexed range
instead of computing anything for every customer.

refresh() also keeps `objection_at` (the `objection` deadline, rules/deadline.py): the
time of the customer's latest follow-up while that one is negative feedback or an
objection, i.e. not yet answered by another contact; None otherwise and for a lost
customer. A back-dated entry older than the latest follow-up does not answer it. A
reopened customer whose latest contact was negative has it again, as the 0003 migration
would compute it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ScalarSelect, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.models import Customer, FollowUp
from salesflow.rules.cadence import Due, next_due
from salesflow.rules.deadline import objection_since
from salesflow.services.env import Env

BATCH = 2000


def _latest_first() -> tuple[Any, ...]:
    """The latest follow-up is the one that happened last (a back-dated entry logged
    later does not count as later); the id breaks a tie."""
    return col(FollowUp.at).desc(), col(FollowUp.id).desc()


def latest_followup(column: Any) -> ScalarSelect[Any]:
    """`column` of each customer's latest follow-up, as a correlated scalar subquery
    (one index probe per customer row of the outer query)."""
    return (
        sa_select(column)
        .where(col(FollowUp.customer_id) == col(Customer.id))
        .order_by(*_latest_first())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )


def _latest(session: Session, customer_id: int) -> Any:
    """The customer's latest follow-up as a row (next_action_due, at, feedback, objection),
    or None: one index probe on (customer_id, at)."""
    return session.execute(
        sa_select(col(FollowUp.next_action_due), col(FollowUp.at), col(FollowUp.feedback),
                  col(FollowUp.objection))
        .where(col(FollowUp.customer_id) == customer_id)
        .order_by(*_latest_first())
        .limit(1)
    ).first()


def _utc(moment: datetime) -> datetime:
    """Stored timestamps are UTC; SQLite hands them back naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _due(env: Env, *, stage: str, tier: str, created_at: datetime,
         last_contact_at: datetime | None, promise: date | None,
         stage_changed_at: datetime | None) -> Due | None:
    """The due date by the rule (rules/cadence.next_due). `stage_changed_at` is the last
    stage move, a signing included (signing moves the stage, back-dated to the signature);
    equal to `created_at`, it is the creation, not a move."""
    moved = (stage_changed_at
             if stage_changed_at and _utc(stage_changed_at) > _utc(created_at) else None)
    return next_due(
        stage=stage,
        tier=tier,
        created_on=env.local_date(created_at),
        last_contact_on=env.local_date(last_contact_at) if last_contact_at else None,
        next_action_due=promise,
        cadences=env.settings.cadences,
        calendar=env.calendar,
        last_moved_on=env.local_date(moved) if moved else None,
    )


def refresh(session: Session, env: Env, customer: Customer) -> None:
    """Recompute the customer's stored deadlines from its latest follow-up: next_due_at
    (with its kind) and objection_at."""
    latest = _latest(session, customer.id) if customer.id is not None else None
    (customer.next_due_at, customer.next_due_kind,
     customer.objection_at) = _deadlines(env, customer, latest)
    session.add(customer)


def fill_new(env: Env, row: dict[str, Any]) -> None:
    """refresh() for a customer not written yet, given as its columns (a bulk import):
    it has no follow-up, so nothing is read."""
    row["next_due_at"], row["next_due_kind"], row["objection_at"] = _deadlines(
        env, SimpleNamespace(**row), None)


def _deadlines(env: Env, customer: Any, latest: Any) -> tuple[Any, Any, Any]:
    """(next_due_at, next_due_kind, objection_at) of a customer (its columns as
    attributes) whose latest follow-up is `latest` (None: it has none)."""
    due = _due(env, stage=customer.stage, tier=customer.tier, created_at=customer.created_at,
               last_contact_at=customer.last_contact_at,
               promise=latest.next_action_due if latest else None,
               stage_changed_at=customer.stage_changed_at)
    objection_at = (
        objection_since(customer.stage, latest.at, latest.feedback, latest.objection)
        if latest else None)
    return (due.on if due else None, due.kind if due else None, objection_at)


def _recomputed(session: Session, env: Env) -> Iterator[list[tuple[int, str, Any, Any,
                                                                   Due | None]]]:
    """Every customer's due date recomputed, in keyset-paged batches of plain columns (so
    memory stays flat): per customer (id, code, stored date, stored kind, recomputed due).
    One read for refresh_all() and drifted(), so `doctor --fix` mends exactly what
    `doctor` names."""
    query = (
        sa_select(col(Customer.id), col(Customer.code), col(Customer.stage),
                  col(Customer.tier), col(Customer.created_at), col(Customer.last_contact_at),
                  latest_followup(col(FollowUp.next_action_due)),
                  col(Customer.stage_changed_at), col(Customer.next_due_at),
                  col(Customer.next_due_kind))
        .order_by(col(Customer.id))
    )
    last_id = 0
    while True:
        batch = session.execute(query.where(col(Customer.id) > last_id).limit(BATCH)).all()
        if not batch:
            return
        yield [(cid, code, stored_on, stored_kind,
                _due(env, stage=stage, tier=tier, created_at=created_at,
                     last_contact_at=last_contact_at, promise=promise,
                     stage_changed_at=moved_at))
               for (cid, code, stage, tier, created_at, last_contact_at, promise, moved_at,
                    stored_on, stored_kind) in batch]
        last_id = batch[-1][0]


def refresh_all(session: Session, env: Env) -> int:
    """Recompute every customer's due date (after a settings change); returns the count.
    Writes with one executemany per batch (an ORM bulk UPDATE by primary key)."""
    count = 0
    for batch in _recomputed(session, env):
        session.execute(update(Customer), [
            {"id": cid, "next_due_at": due.on if due else None,
             "next_due_kind": due.kind if due else None}
            for cid, _code, _on, _kind, due in batch])
        count += len(batch)
    return count


def drifted(session: Session, env: Env) -> list[tuple[str, Any, Any, Any, Any]]:
    """The customers whose stored due date or kind differs from a recomputation (for
    `doctor`): (code, stored date, stored kind, computed date, computed kind), by code."""
    out: list[tuple[str, Any, Any, Any, Any]] = []
    for batch in _recomputed(session, env):
        for _cid, code, stored_on, stored_kind, due in batch:
            on, kind = (due.on, due.kind) if due else (None, None)
            if (on, kind) != (stored_on, stored_kind):
                out.append((code, stored_on, stored_kind, on, kind))
    return sorted(out)
