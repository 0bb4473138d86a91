"""Users and their roles (rep, manager, legal, gm). A database without users treats
everyone as a rep; once users exist, only a manager or gm may add more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, func, select

from salesflow.errors import Conflict, Forbidden, InputError
from salesflow.models import User
from salesflow.rules.choices import ROLES, parse_choice
from salesflow.services import audit
from salesflow.services.env import Env
from salesflow.services.text import field_text

ADMIN_ROLES = ("manager", "gm")


def role_of(session: Session, name: str) -> str:
    role = session.exec(select(User.role).where(User.name == name)).first()
    return role or "rep"


def require_admin(session: Session, env: Env, field: str, doing: str) -> None:
    """Once the team has users, only a manager or gm may do this (add users, set targets,
    reassign customers); a database without users is one person's and trusts them."""
    if not session.exec(select(func.count()).select_from(User)).one():
        return
    role = role_of(session, env.actor)
    if role not in ADMIN_ROLES:
        raise Forbidden(f"{field}: only a manager or gm may {doing} ({env.actor} is "
                        f"{role}); run it as one with --as NAME")


def add(session: Session, env: Env, name: str, role: str) -> User:
    name = field_text("name", name).strip()
    if not name:
        raise InputError("name: a user needs a name")
    try:
        role = parse_choice(role, ROLES, "role")
    except ValueError as exc:
        raise InputError.field("role", exc) from None
    require_admin(session, env, "user", "add users")
    if session.exec(select(User).where(User.name == name)).first():
        raise Conflict(f"name: user '{name}' already exists")
    user = User(name=name, role=role, created_at=env.now)
    session.add(user)
    audit.record(session, env, f"user {name} added as {role}")
    session.flush()
    return user


def rows(session: Session) -> Iterator[dict[str, Any]]:
    for u in session.exec(select(User).order_by(User.name)):
        yield {"name": u.name, "role": u.role, "created_at": u.created_at}
