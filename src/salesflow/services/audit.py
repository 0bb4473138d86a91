"""The audit trail: one row for every write a command makes (who, when, command, what)."""

from __future__ import annotations

from sqlmodel import Session

from salesflow.models import Audit
from salesflow.services.env import Env


def record(session: Session, env: Env, what: str) -> None:
    session.add(Audit(at=env.now, user=env.actor, command=env.command, what=what))
