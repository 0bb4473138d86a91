"""`config set`: store a setting and keep every due date true under it."""

from __future__ import annotations

from sqlmodel import Session

from salesflow.rules.settings import AFFECTS_CONTRACTS, AFFECTS_DUE
from salesflow.services import aftercare, audit, schedule, settings
from salesflow.services.env import Env


def set_value(session: Session, env: Env, key: str, value: str) -> tuple[str, str, int | None]:
    """Returns (key, stored value, customers recomputed or None)."""
    key, text = settings.set_value(session, key, value)
    audit.record(session, env, f"setting {key} = {text}")
    fresh = env.with_settings(settings.load(session))
    if key.startswith(AFFECTS_CONTRACTS):
        aftercare.refresh_all(session, fresh)
    if not key.startswith(AFFECTS_DUE):
        session.flush()
        return key, text, None
    count = schedule.refresh_all(session, fresh)
    session.flush()
    return key, text, count
