"""The audit trail: one row for every write a command makes (who, when, command, what)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from salesflow.db import insert_many
from salesflow.models import Audit
from salesflow.services.env import Env


def record(session: Session, env: Env, what: str) -> None:
    session.add(Audit(at=env.now, user=env.actor, command=env.command, what=what))


def record_many(session: Session, env: Env, whats: Iterable[str]) -> None:
    """One row per text, in one INSERT (a bulk import writes one per customer)."""
    rows = [{"at": env.now, "user": env.actor, "command": env.command, "what": what}
            for what in whats]
    # one INSERT of the model's table, executemany: no ORM bookkeeping (db.insert_many)
    insert_many(session, Audit.__table__, rows)  # type: ignore[attr-defined]
