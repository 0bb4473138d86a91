"""`config set`: store a setting and keep every due date true under it."""

from __future__ import annotations

from sqlmodel import Session

from salesflow.rules.settings import AFFECTS_DUE
from salesflow.services import audit, schedule, settings
from salesflow.services.env import Env


def set_value(session: Session, env: Env, key: str, value: str) -> tuple[str, str, int | None]:
    """Returns (key, stored value, customers recomputed or None)."""
    key, text = settings.set_value(session, key, value)
    audit.record(session, env, f"setting {key} = {text}")
    if not key.startswith(AFFECTS_DUE):
        return key, text, None
    fresh = env.with_settings(settings.load(session))
    count = schedule.refresh_all(session, fresh)
    session.flush()
    return key, text, count
