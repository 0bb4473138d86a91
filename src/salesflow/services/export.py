"""Exports for other systems (SPEC §9): every row of an entity, streamed in constant memory.

Each entity function checks its input at once (a bad --since fails before any output),
builds one SQLAlchemy Core SELECT of just the exported columns, and returns a generator
that fetches them from the database in batches of BATCH rows: nothing is collected, no ORM
object is built, so a million follow-ups cost as little memory as a hundred.

Rows come oldest first (by the entity's own timestamp, then id), which is also the order
an index already holds, so the database never sorts; an incremental `--since` export
reads only the tail of that index. Keys are the names of the entity's columns in
salesflow.columns (the stable CSV headers of SPEC §7).

To add an entity: write a function that builds its SELECT (labels = its columns' names;
join to customer for `customer_code`), filter it with env.since_start(), and return
stream(session, query).

Which day `--since` counts from: a customer's creation, a follow-up's or a stage move's
`at`, a contract's drafting (`created_at`; its signing is the `signed_at` column), and an
installment's `due` date. Contracts and installments are few (one per deal, a handful per
contract), so ordering them is cheap even where no index holds that order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session

from salesflow import columns
from salesflow.models import (
    Acceptance,
    Contract,
    Customer,
    FollowUp,
    Payment,
    Phase,
    ProjectChange,
    StageChange,
)
from salesflow.rules.contract import payment_status
from salesflow.rules.project import due_rule, phase_status
from salesflow.services.env import Env

BATCH = 1000

Row = dict[str, Any]


def stream(session: Session, query: Select[Any]) -> Iterator[Row]:
    """Run the query lazily and yield each row as a dict keyed by its column labels."""
    result = session.execute(query.execution_options(yield_per=BATCH, stream_results=True))
    try:
        keys = tuple(result.keys())
        for row in result:  # plain tuples: a RowMapping per row costs a quarter of the time
            yield dict(zip(keys, row, strict=True))
    finally:
        result.close()  # an abandoned export (`| head`) releases its cursor at once


def _columns(table: Any, names: Sequence[str]) -> list[ColumnElement[Any]]:
    return [table.c[name] for name in names]


def customers(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Customers created on or after --since, oldest first (columns.CUSTOMER)."""
    start = env.since_start(since)
    table = Customer.__table__  # type: ignore[attr-defined]
    query = (select(*_columns(table, [c.name for c in columns.CUSTOMER]))
             .order_by(table.c.created_at, table.c.id))
    if start is not None:
        query = query.where(table.c.created_at >= start)
    return stream(session, query)


def _of_customer(env: Env, model: Any, cols: Sequence[columns.Col],
                 since: str | None) -> Select[Any]:
    """Rows of a per-customer table with the customer's code, oldest first by `at`."""
    start = env.since_start(since)
    table = model.__table__
    customer = Customer.__table__  # type: ignore[attr-defined]
    names = [c.name for c in cols if c.name != "customer_code"]
    query = (select(customer.c.code.label("customer_code"), *_columns(table, names))
             .join_from(table, customer, customer.c.id == table.c.customer_id)
             .order_by(table.c.at, table.c.id))
    if start is not None:
        query = query.where(table.c.at >= start)
    return query


def followups(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Follow-ups that happened on or after --since, oldest first (columns.FOLLOWUP)."""
    return stream(session, _of_customer(env, FollowUp, columns.FOLLOWUP, since))


def stage_changes(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Stage moves made on or after --since, oldest first (columns.STAGE_CHANGE)."""
    return stream(session, _of_customer(env, StageChange, columns.STAGE_CHANGE, since))


def contracts(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Contracts drafted on or after --since, oldest first (columns.CONTRACT)."""
    start = env.since_start(since)
    table = Contract.__table__  # type: ignore[attr-defined]
    customer = Customer.__table__  # type: ignore[attr-defined]
    change = ProjectChange.__table__  # type: ignore[attr-defined]
    amendments = (select(func.coalesce(func.sum(change.c.cost), 0))
                  .where(change.c.contract_id == table.c.id).scalar_subquery())
    names = [c.name for c in columns.CONTRACT if c.name not in ("customer_code", "amendments")]
    query = (select(customer.c.code.label("customer_code"), *_columns(table, names),
                    amendments.label("amendments"))
             .join_from(table, customer, customer.c.id == table.c.customer_id)
             .order_by(table.c.created_at, table.c.id))
    if start is not None:
        query = query.where(table.c.created_at >= start)
    return stream(session, query)


def payments(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Installments falling due on or after --since, in due order (columns.PAYMENT_EXPORT); the
    status (open, partial, paid) is derived from the amounts as in `contract show`."""
    start = env.since_start(since)
    table = Payment.__table__  # type: ignore[attr-defined]
    contract = Contract.__table__  # type: ignore[attr-defined]
    customer = Customer.__table__  # type: ignore[attr-defined]
    query = (select(contract.c.number.label("contract_number"), table.c.due, table.c.amount,
                    table.c.paid_at, table.c.paid_amount,
                    customer.c.code.label("customer_code"),
                    table.c.after_acceptance.label("due_rule"),
                    contract.c.promise_until.label("promised_until"),
                    contract.c.promise_note)
             .join_from(table, contract, contract.c.id == table.c.contract_id)
             .join(customer, customer.c.id == contract.c.customer_id)
             # an installment waiting for its acceptance has no date yet: last
             .order_by(table.c.due.is_(None), table.c.due, table.c.id))
    if start is not None:
        query = query.where(table.c.due >= start.date())
    return _with_status(stream(session, query))


def _with_status(rows: Iterator[Row]) -> Iterator[Row]:
    for row in rows:
        row["status"] = payment_status(row["amount"], row["paid_amount"])
        row["due_rule"] = due_rule(row["due_rule"])
        yield row


def _of_contract(env: Env, model: Any, cols: Sequence[columns.Col], since: str | None,
                 stamp: str) -> Select[Any]:
    """Rows of a per-contract table (SPEC §12) with the contract's number and customer's
    code, oldest first by `stamp` (a time or a date column), then id."""
    table = model.__table__
    contract = Contract.__table__  # type: ignore[attr-defined]
    customer = Customer.__table__  # type: ignore[attr-defined]
    names = [c.name for c in cols if c.name not in ("contract_number", "customer_code")]
    renamed = {"phase": "name"}
    query = (select(contract.c.number.label("contract_number"),
                    customer.c.code.label("customer_code"),
                    *[table.c[renamed.get(n, n)].label(n) for n in names if n != "status"])
             .join_from(table, contract, contract.c.id == table.c.contract_id)
             .join(customer, customer.c.id == contract.c.customer_id)
             .order_by(table.c[stamp], table.c.id))
    start = env.since_start(since)
    if start is not None:
        column = table.c[stamp]
        query = query.where(column >= (start.date() if stamp in ("start", "accepted_on")
                                       else start))
    return query


def phases(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Delivery phases starting on or after --since, in start order (columns.PHASE_EXPORT),
    with their status on the day of the export."""
    query = _of_contract(env, Phase, columns.PHASE_EXPORT, since, "start")
    return _with_phase_status(stream(session, query), env)


def _with_phase_status(rows: Iterator[Row], env: Env) -> Iterator[Row]:
    for row in rows:
        row["status"] = phase_status(row["start"], row["end"], row["done_on"], env.today)
        yield {c.name: row[c.name] for c in columns.PHASE_EXPORT}


def changes(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Change requests (需求变更确认单) recorded on or after --since, oldest first
    (columns.CHANGE_EXPORT)."""
    return stream(session, _of_contract(env, ProjectChange, columns.CHANGE_EXPORT, since, "at"))


def acceptances(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Acceptances (项目验收报告) on or after --since, oldest first
    (columns.ACCEPTANCE_EXPORT)."""
    return stream(session, _of_contract(env, Acceptance, columns.ACCEPTANCE_EXPORT, since,
                                        "accepted_on"))


def solutions(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Solutions drafted on or after --since, oldest first (columns.SOLUTION); few (a
    handful per deal), so read through the service's row builder, which also derives the
    discount."""
    from salesflow.services import solutions as service

    return service.rows(session, env, since=since)


def key_dates(session: Session, env: Env, *, since: str | None = None) -> Iterator[Row]:
    """Key dates added on or after --since, oldest first (columns.KEY_DATE); the next
    occasion is computed from today, so they go through the service's row builder."""
    from salesflow.services import relationship

    return relationship.rows(session, env, since=since)
