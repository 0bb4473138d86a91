"""Reading and writing the team's settings (stored in the database so a team shares them)."""

from __future__ import annotations

from sqlmodel import Session, select

from salesflow.errors import InputError
from salesflow.i18n import Msg
from salesflow.models import Setting
from salesflow.rules import settings as rules
from salesflow.rules.settings import Settings


def stored(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.exec(select(Setting))}


def load(session: Session) -> Settings:
    return rules.settings_from(stored(session))


def rows(session: Session) -> list[dict[str, str]]:
    current = rules.effective_values(load(session))
    defaults = rules.effective_values(Settings())
    out = []
    for key, value in current.items():
        desc = rules.SCALAR_KEYS[key][1] if key in rules.SCALAR_KEYS else Msg("code mapping")
        out.append({"key": key, "value": value, "default": defaults.get(key, ""),
                    "description": desc})
    return out


def set_value(session: Session, key: str, value: str) -> tuple[str, str]:
    """Validate and store one setting; returns the stored (key, value)."""
    try:
        key, text = rules.parse_setting(key, value)
    except ValueError as exc:
        known = rules.canonical_key(key)
        raise InputError.field(known if known in rules.SCALAR_KEYS else "key", exc) from None
    row = session.get(Setting, key)
    if text == "" and key.startswith(rules.MAPPING_PREFIXES):
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
        session.add(row)
    session.flush()
    return key, text
