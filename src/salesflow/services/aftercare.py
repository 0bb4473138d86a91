"""Keeps the stored dates of SPEC §12 true, so that `due` reads each after-the-deal kind
through one indexed range (services/agenda.py), never by computing anything per contract:

- contract.aftersales_due: the next after-sales visit (rules/project.aftersales_due), from
  acceptance (or signing, without a plan) every `cadence.aftersales` days after the last
  `--purpose aftersales` follow-up, while within the warranty;
- contract.renewal_on: end − `renewal.days`, while no later contract of its customer is
  signed;
- customer.delivering: a signed, unaccepted contract of the customer has unfinished
  phases, so its cadence is `cadence.delivery` (services/schedule.py).

Every write that can move them calls refresh_customer(): a signing, a phase added, done or
moved, an acceptance, an after-sales follow-up; a change of `cadence.aftersales`,
`renewal.days` or the time zone calls refresh_all().
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from salesflow.models import Contract, Customer, FollowUp, Phase
from salesflow.rules import project as rules
from salesflow.services import schedule
from salesflow.services.env import Env

BATCH = 2000


def last_aftersales_visit(session: Session, env: Env, customer_id: int) -> date | None:
    """The day of the customer's latest after-sales follow-up: one probe of the index
    (customer_id, purpose, at)."""
    at = session.execute(
        sa_select(col(FollowUp.at))
        .where(col(FollowUp.customer_id) == customer_id, col(FollowUp.purpose) == "aftersales")
        .order_by(col(FollowUp.at).desc()).limit(1)).scalar()
    return env.local_date(at) if at is not None else None


def has_plan(session: Session, contract_id: int) -> bool:
    return session.execute(sa_select(col(Phase.id)).where(col(Phase.contract_id) == contract_id)
                           .limit(1)).first() is not None


def _dates(env: Env, contract: Contract, *, plan: bool, last_visit: date | None,
           renewed: bool) -> tuple[date | None, date | None]:
    if contract.status != "signed" or contract.signed_at is None:
        return None, None
    start = rules.aftersales_start(accepted_on=contract.accepted_on,
                                   signed_on=env.local_date(contract.signed_at),
                                   has_plan=plan)
    due = rules.aftersales_due(start=start, warranty=contract.warranty, last_visit=last_visit,
                               days=env.settings.aftersales_days)
    return due, rules.renewal_on(contract.end, env.settings.renewal_days, renewed=renewed)


def _signed_in_order(session: Session, customer_id: int) -> list[Contract]:
    return list(session.exec(
        select(Contract).where(col(Contract.customer_id) == customer_id,
                               col(Contract.status) == "signed")
        .order_by(col(Contract.signed_at), col(Contract.id))))


def refresh_customer(session: Session, env: Env, customer: Customer) -> None:
    """Recompute the customer's contracts' after-sales and renewal dates and its delivery
    flag (and so its due date, when the flag moves)."""
    assert customer.id is not None
    session.flush()
    signed = _signed_in_order(session, customer.id)
    visit = last_aftersales_visit(session, env, customer.id) if signed else None
    for index, contract in enumerate(signed):
        assert contract.id is not None
        contract.aftersales_due, contract.renewal_on = _dates(
            env, contract, plan=has_plan(session, contract.id), last_visit=visit,
            renewed=index < len(signed) - 1)
        session.add(contract)
    open_ids = [c.id for c in signed if c.accepted_on is None]
    delivering = bool(open_ids) and session.execute(
        sa_select(col(Phase.id)).where(col(Phase.contract_id).in_(open_ids),
                                       col(Phase.done_on).is_(None)).limit(1)
    ).first() is not None
    if bool(customer.delivering) != delivering:
        customer.delivering = delivering
        schedule.refresh(session, env, customer)
    session.add(customer)
    session.flush()


def refresh_all(session: Session, env: Env) -> int:
    """Recompute every signed contract's stored dates (after a settings change); returns
    the number of contracts whose dates moved."""
    moved = 0
    for batch in _recomputed(session, env):
        changes = [{"id": cid, "aftersales_due": computed[0], "renewal_on": computed[1]}
                   for cid, _number, stored, computed in batch if computed != stored]
        if changes:
            session.execute(update(Contract), changes)
            moved += len(changes)
    return moved


def drifted(session: Session, env: Env) -> list[tuple[str, Any, Any]]:
    """The signed contracts whose stored (aftersales_due, renewal_on) differ from a
    recomputation (for `doctor`): (number, stored pair, computed pair), by number."""
    return sorted((number, stored, computed) for batch in _recomputed(session, env)
                  for _cid, number, stored, computed in batch if computed != stored)


def _recomputed(session: Session, env: Env) -> Iterator[list[tuple[int, str, Any, Any]]]:
    """Every signed contract's dates recomputed, reading plain columns in keyset-paged
    batches of customers: per contract (id, number, stored (aftersales_due, renewal_on),
    recomputed pair). One read for refresh_all() and drifted(), so `doctor --fix` mends
    exactly what `doctor` names."""
    has_phase = (sa_select(col(Phase.id)).where(col(Phase.contract_id) == col(Contract.id))
                 .limit(1).correlate(Contract).exists())
    visit = (sa_select(col(FollowUp.at))
             .where(col(FollowUp.customer_id) == col(Contract.customer_id),
                    col(FollowUp.purpose) == "aftersales")
             .order_by(col(FollowUp.at).desc()).limit(1).correlate(Contract).scalar_subquery())
    query = (sa_select(col(Contract.id), col(Contract.number), col(Contract.customer_id),
                       col(Contract.signed_at), col(Contract.accepted_on),
                       col(Contract.warranty), col(Contract.end), col(Contract.aftersales_due),
                       col(Contract.renewal_on), has_phase, visit)
             .where(col(Contract.status) == "signed")
             .order_by(col(Contract.customer_id), col(Contract.signed_at), col(Contract.id)))
    last_customer = 0
    while True:
        customer_ids = session.execute(
            sa_select(col(Contract.customer_id)).distinct()
            .where(col(Contract.status) == "signed", col(Contract.customer_id) > last_customer)
            .order_by(col(Contract.customer_id)).limit(BATCH)).scalars().all()
        if not customer_ids:
            return
        rows = session.execute(query.where(col(Contract.customer_id) >= customer_ids[0],
                                           col(Contract.customer_id) <= customer_ids[-1])).all()
        batch = []
        for index, (cid, number, customer_id, signed_at, accepted_on, warranty, end,
                    stored_due, stored_renewal, plan, visited) in enumerate(rows):
            last = index == len(rows) - 1 or rows[index + 1][2] != customer_id
            start = rules.aftersales_start(accepted_on=accepted_on,
                                           signed_on=env.local_date(signed_at),
                                           has_plan=bool(plan))
            due = rules.aftersales_due(
                start=start, warranty=warranty,
                last_visit=env.local_date(visited) if visited is not None else None,
                days=env.settings.aftersales_days)
            renewal = rules.renewal_on(end, env.settings.renewal_days, renewed=not last)
            batch.append((cid, number, (stored_due, stored_renewal), (due, renewal)))
        yield batch
        last_customer = customer_ids[-1]
