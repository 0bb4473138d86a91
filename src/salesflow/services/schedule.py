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

It keeps `survey_from` too (SPEC §13, rules/relationship.survey_since): for a customer in
won/repeat, the later of its last satisfaction answer and its first signing; None
otherwise. The `survey` item's date is counted from it at read time, so a change of
`cadence.survey` moves no stored value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ScalarSelect, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.models import Contract, Customer, FollowUp, User
from salesflow.rules import pool as pool_rules
from salesflow.rules.cadence import Due, next_due
from salesflow.rules.deadline import objection_since
from salesflow.rules.relationship import SURVEY_STAGES, survey_since
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
         stage_changed_at: datetime | None, delivering: bool = False) -> Due | None:
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
        delivery_days=env.settings.delivery_days if delivering else None,
    )


def _last_signed() -> Any:
    """The customer's latest signature, as a correlated scalar subquery."""
    return (sa_select(func.max(col(Contract.signed_at)))
            .where(col(Contract.customer_id) == col(Customer.id),
                   col(Contract.status) == "signed")
            .correlate(Customer).scalar_subquery())


def roles(session: Session) -> dict[str, str]:
    """Every user's role, by name."""
    return {name: role for name, role in session.execute(
        sa_select(col(User.name), col(User.role)))}


def _pool_on(env: Env, *, owner: str, role: str, stage: str, created_at: datetime,
             last_contact_at: datetime | None, claimed_at: datetime | None,
             last_signed: datetime | None) -> date | None:
    return pool_rules.returns_on(
        owner=owner, owner_role=role, stage=stage, idle_days=env.settings.pool_idle_days,
        created=env.local_date(_utc(created_at)),
        last_contact=env.local_date(_utc(last_contact_at)) if last_contact_at else None,
        claimed=env.local_date(_utc(claimed_at)) if claimed_at else None,
        last_signed=env.local_date(_utc(last_signed)) if last_signed else None)


def refresh_pool(session: Session, env: Env, customer: Customer) -> None:
    """Recompute the day the customer returns to the shared pool (pool_on)."""
    if env.settings.pool_idle_days is None or customer.owner == pool_rules.POOL_OWNER:
        customer.pool_on = None
        return
    role = session.execute(sa_select(col(User.role)).where(
        col(User.name) == customer.owner)).scalar() or "rep"
    signed = None
    if customer.id is not None:
        signed = session.execute(sa_select(func.max(col(Contract.signed_at))).where(
            col(Contract.customer_id) == customer.id,
            col(Contract.status) == "signed")).scalar()
    customer.pool_on = _pool_on(env, owner=customer.owner, role=role, stage=customer.stage,
                                created_at=customer.created_at,
                                last_contact_at=customer.last_contact_at,
                                claimed_at=customer.claimed_at, last_signed=signed)


def refresh(session: Session, env: Env, customer: Customer) -> None:
    """Recompute the customer's stored deadlines from its latest follow-up: next_due_at
    (with its kind), objection_at and pool_on. A customer in the pool is nobody's to
    follow up: it has none until it is claimed."""
    refresh_pool(session, env, customer)
    if customer.owner == pool_rules.POOL_OWNER:
        customer.next_due_at = customer.next_due_kind = customer.objection_at = None
        session.add(customer)
        return
    latest = _latest(session, customer.id) if customer.id is not None else None
    (customer.next_due_at, customer.next_due_kind,
     customer.objection_at) = _deadlines(env, customer, latest)
    customer.survey_from = _survey_from(session, customer)
    session.add(customer)


def fill_new(env: Env, row: dict[str, Any], role_of: dict[str, str]) -> None:
    """refresh() for a new lead not written yet, given as its columns (a bulk import),
    with every user's role (roles()): it has no follow-up, contract or survey, so nothing
    is read."""
    row["next_due_at"], row["next_due_kind"], row["objection_at"] = _deadlines(
        env, SimpleNamespace(**row), None)
    row["survey_from"] = None
    pooled = env.settings.pool_idle_days is None or row["owner"] == pool_rules.POOL_OWNER
    row["pool_on"] = None if pooled else _pool_on(
        env, owner=row["owner"], role=role_of.get(row["owner"], "rep"), stage=row["stage"],
        created_at=row["created_at"], last_contact_at=row.get("last_contact_at"),
        claimed_at=row.get("claimed_at"), last_signed=None)


def _deadlines(env: Env, customer: Any, latest: Any) -> tuple[Any, Any, Any]:
    """(next_due_at, next_due_kind, objection_at) of a customer (its columns as
    attributes) whose latest follow-up is `latest` (None: it has none)."""
    due = _due(env, stage=customer.stage, tier=customer.tier, created_at=customer.created_at,
               last_contact_at=customer.last_contact_at,
               promise=latest.next_action_due if latest else None,
               stage_changed_at=customer.stage_changed_at,
               delivering=bool(customer.delivering))
    objection_at = (
        objection_since(customer.stage, latest.at, latest.feedback, latest.objection)
        if latest else None)
    return (due.on if due else None, due.kind if due else None, objection_at)


def _survey_from(session: Session, customer: Customer) -> datetime | None:
    """When the customer's satisfaction-survey clock started (two index probes), or None
    before won/repeat."""
    if customer.stage not in SURVEY_STAGES or customer.id is None:
        return None
    answered = session.execute(
        sa_select(func.max(col(FollowUp.at)))
        .where(col(FollowUp.customer_id) == customer.id,
               col(FollowUp.satisfaction).is_not(None))).scalar()
    signed = session.execute(
        sa_select(func.min(col(Contract.signed_at)))
        .where(col(Contract.customer_id) == customer.id, col(Contract.status) == "signed")
    ).scalar()
    first = signed if signed is not None else customer.stage_changed_at
    return survey_since(customer.stage, _utc(answered) if answered else None,
                        _utc(first) if first else None)


def _paged(session: Session, query: Any) -> Iterator[Any]:
    """The rows of a SELECT whose first column is customer.id (ordered by it), read in
    keyset-paged batches of BATCH, so that memory stays flat over any number of customers."""
    last_id = 0
    while True:
        batch = session.execute(query.where(col(Customer.id) > last_id).limit(BATCH)).all()
        if not batch:
            return
        yield batch
        last_id = batch[-1][0]


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
                  col(Customer.next_due_kind), col(Customer.delivering))
        .order_by(col(Customer.id))
    )
    for batch in _paged(session, query):
        yield [(cid, code, stored_on, stored_kind,
                _due(env, stage=stage, tier=tier, created_at=created_at,
                     last_contact_at=last_contact_at, promise=promise,
                     stage_changed_at=moved_at, delivering=bool(delivering)))
               for (cid, code, stage, tier, created_at, last_contact_at, promise, moved_at,
                    stored_on, stored_kind, delivering) in batch]


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
    refresh_all_pool(session, env)
    return count


def refresh_all_pool(session: Session, env: Env) -> None:
    """Recompute every customer's pool_on (after pool.idle_days changed), in batches."""
    if env.settings.pool_idle_days is None:
        session.execute(update(Customer).where(col(Customer.pool_on).is_not(None))
                        .values(pool_on=None))
        return
    for batch in _pool_recomputed(session, env):
        changed = [{"id": cid, "pool_on": on} for cid, _code, stored, on in batch
                   if on != stored]
        if changed:
            session.execute(update(Customer), changed)


def _pool_recomputed(session: Session, env: Env) -> Iterator[list[tuple[int, str, Any, Any]]]:
    """Every customer's pool_on recomputed, in keyset-paged batches: per customer (id,
    code, stored, recomputed). One read for refresh_all_pool() and drifted_pool()."""
    by_name = roles(session)
    query = (sa_select(col(Customer.id), col(Customer.code), col(Customer.owner),
                       col(Customer.stage), col(Customer.created_at),
                       col(Customer.last_contact_at), col(Customer.claimed_at),
                       _last_signed(), col(Customer.pool_on))
             .order_by(col(Customer.id)))
    off = env.settings.pool_idle_days is None
    for batch in _paged(session, query):
        yield [(cid, code, stored, None if off or owner == pool_rules.POOL_OWNER else _pool_on(
            env, owner=owner, role=by_name.get(owner, "rep"), stage=stage, created_at=created,
            last_contact_at=contact, claimed_at=claimed, last_signed=signed))
            for cid, code, owner, stage, created, contact, claimed, signed, stored in batch]


def _survey_recomputed(session: Session) -> Iterator[list[tuple[int, str, Any, Any]]]:
    """Every customer's survey_from recomputed (_survey_from as correlated subqueries), in
    keyset-paged batches: per customer (id, code, stored, recomputed)."""
    answered = (sa_select(func.max(col(FollowUp.at)))
                .where(col(FollowUp.customer_id) == col(Customer.id),
                       col(FollowUp.satisfaction).is_not(None))
                .correlate(Customer).scalar_subquery())
    signed = (sa_select(func.min(col(Contract.signed_at)))
              .where(col(Contract.customer_id) == col(Customer.id),
                     col(Contract.status) == "signed")
              .correlate(Customer).scalar_subquery())
    query = (sa_select(col(Customer.id), col(Customer.code), col(Customer.stage),
                       col(Customer.stage_changed_at), answered, signed,
                       col(Customer.survey_from))
             .order_by(col(Customer.id)))
    for batch in _paged(session, query):
        yield [(cid, code, stored, survey_since(
            stage, _utc(last) if last else None,
            _utc(first) if (first := first_signed or changed) else None))
            for cid, code, stage, changed, last, first_signed, stored in batch]


def drifted_survey(session: Session) -> list[tuple[str, Any, Any]]:
    """The customers whose stored survey_from differs from a recomputation (for `doctor`):
    (code, stored, computed), by code."""
    return sorted((code, stored, on) for batch in _survey_recomputed(session)
                  for _cid, code, stored, on in batch if not _same_moment(on, stored))


def refresh_all_survey(session: Session) -> None:
    """Recompute every customer's survey_from (`doctor --fix`)."""
    for batch in _survey_recomputed(session):
        changed = [{"id": cid, "survey_from": on} for cid, _code, stored, on in batch
                   if not _same_moment(on, stored)]
        if changed:
            session.execute(update(Customer), changed)


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    """Two stored moments compared as moments (a backend may hand one back naive UTC)."""
    if a is None or b is None:
        return a is b
    return _utc(a) == _utc(b)


def drifted_pool(session: Session, env: Env) -> list[tuple[str, Any, Any]]:
    """The customers whose stored pool date differs from a recomputation (for `doctor`):
    (code, stored, computed), by code."""
    return sorted((code, stored, on) for batch in _pool_recomputed(session, env)
                  for _cid, code, stored, on in batch if on != stored)


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
