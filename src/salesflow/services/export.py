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

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    func,
    select,
    type_coerce,
)
from sqlmodel import Session

from salesflow import columns
from salesflow.db import driver_batches
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

BATCH = 1000  # rows per fetch as dicts
BULK_BATCH = 10_000  # rows per fetch as tuples (output.write_csv/jsonl): fewer round trips

Row = dict[str, Any]


class Rows:
    """The rows of one export SELECT, run when first read: iterated, each row is a dict
    keyed by the column labels (what every caller can use); `batches()` gives the same
    rows as lists of plain tuples in `keys` order, which is how output.py writes CSV, JSON
    and JSON Lines in bulk. There, on SQLite, timestamps and dates come as the text SQLite
    stores (the very statement, its columns typed as text with type_coerce: SQLite sends
    the same SQL), which output.iso_utc_text and date_text turn into the exported text by
    slicing, instead of a datetime per value built and formatted again. PostgreSQL's
    driver returns datetimes whatever the type, so there the values are as when iterated.

    `derived` appends computed columns: (name, function, names of its arguments)."""

    def __init__(self, session: Session, query: Select[Any],
                 derived: Sequence[tuple[str, Any, tuple[str, ...]]] = ()) -> None:
        self.session, self.query, self.derived = session, query, tuple(derived)
        selected = list(query.selected_columns.keys())
        self.keys = tuple(selected) + tuple(name for name, _f, _args in self.derived)
        self._args = [tuple(selected.index(a) for a in args) for _n, _f, args in self.derived]
        self._result: Any = None

    def _execute(self, query: Select[Any], batch: int) -> Any:
        self.close()
        self._result = self.session.execute(
            query.execution_options(yield_per=batch, stream_results=True))
        return self._result

    def __iter__(self) -> Iterator[Row]:
        keys = self.keys
        for part in self.batches(as_stored=False, size=BATCH):
            for row in part:
                yield dict(zip(keys, row, strict=True))

    def batches(self, *, as_stored: bool = True, size: int = BULK_BATCH
                ) -> Iterator[Sequence[Sequence[Any]]]:
        if as_stored and self.session.get_bind().dialect.name == "sqlite":
            parts = self._stored(size)
        else:
            parts = self._execute(self.query, size).partitions()
        try:
            for part in parts:
                if self.derived:
                    part = [(*row, *(f(*(row[i] for i in args))
                                     for (_n, f, _a), args in zip(self.derived, self._args,
                                                                  strict=True)))
                            for row in part]
                yield part
        finally:
            self.close()

    def _stored(self, size: int) -> Iterator[Sequence[Sequence[Any]]]:
        """SQLite: the statement (executed by SQLAlchemy: its binds, events and errors), its
        rows read straight from the driver's cursor, fetchmany(size) at a time, instead of
        a Row object per row. The columns left with a result conversion (none in the
        exports today: timestamps, dates and booleans come as stored) get it here."""
        query = self.query.with_only_columns(*map(_as_stored, self.query.selected_columns))
        self.close()
        self._result = self.session.execute(query)
        yield from driver_batches(self._result, size)

    def close(self) -> None:
        """An abandoned export (`| head`) releases its cursor at once."""
        if self._result is not None:
            self._result.close()
            self._result = None


def _as_stored(column: Any) -> Any:
    """A timestamp or date column read as the text SQLite stores (same SQL, no result
    conversion); any other column as it is."""
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, (DateTime, Date)):
        return type_coerce(column, String).label(column.key)
    if isinstance(kind, Boolean):  # 0 or 1; output.py reads a bool column's 1 as true
        return type_coerce(column, Integer).label(column.key)
    return column


def stream(session: Session, query: Select[Any]) -> Rows:
    """The query's rows, read lazily (see Rows)."""
    return Rows(session, query)


def _columns(table: Any, names: Sequence[str]) -> list[ColumnElement[Any]]:
    return [table.c[name] for name in names]


def customers(session: Session, env: Env, *, since: str | None = None) -> Rows:
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


def followups(session: Session, env: Env, *, since: str | None = None) -> Rows:
    """Follow-ups that happened on or after --since, oldest first (columns.FOLLOWUP)."""
    return stream(session, _of_customer(env, FollowUp, columns.FOLLOWUP, since))


def stage_changes(session: Session, env: Env, *, since: str | None = None) -> Rows:
    """Stage moves made on or after --since, oldest first (columns.STAGE_CHANGE)."""
    return stream(session, _of_customer(env, StageChange, columns.STAGE_CHANGE, since))


def contracts(session: Session, env: Env, *, since: str | None = None) -> Rows:
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


def payments(session: Session, env: Env, *, since: str | None = None) -> Rows:
    """Installments falling due on or after --since, in due order (columns.PAYMENT_EXPORT); the
    status (open, partial, paid) is derived from the amounts as in `contract show`."""
    start = env.since_start(since)
    table = Payment.__table__  # type: ignore[attr-defined]
    contract = Contract.__table__  # type: ignore[attr-defined]
    customer = Customer.__table__  # type: ignore[attr-defined]
    query = (select(contract.c.number.label("contract_number"), table.c.due, table.c.amount,
                    table.c.paid_at, table.c.paid_amount,
                    customer.c.code.label("customer_code"),
                    table.c.after_acceptance,  # derived: due_rule
                    contract.c.promise_until.label("promised_until"),
                    contract.c.promise_note)
             .join_from(table, contract, contract.c.id == table.c.contract_id)
             .join(customer, customer.c.id == contract.c.customer_id)
             # an installment waiting for its acceptance has no date yet: last
             .order_by(table.c.due.is_(None), table.c.due, table.c.id))
    if start is not None:
        query = query.where(table.c.due >= start.date())
    return Rows(session, query, derived=[
        ("status", payment_status, ("amount", "paid_amount")),
        ("due_rule", due_rule, ("after_acceptance",))])


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
