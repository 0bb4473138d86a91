"""Users and their roles (rep, manager, legal, gm). A database without users treats
everyone as a rep; once users exist, only a manager or gm may add more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, func, select

from salesflow.errors import Conflict, Forbidden, InputError, NotFound
from salesflow.i18n import _
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
        raise Forbidden(_("{field}: only a manager or gm may {doing} ({actor} is "
                          "{role}); run it as one with --as NAME").format(
                              field=field, doing=doing, actor=env.actor, role=role))


def names(session: Session) -> list[str]:
    return list(session.exec(select(User.name).order_by(User.name)).all())


def unknown_user(field: str, name: str, known: list[str]) -> str:
    """The refusal for a name that is not a user: the field, and who is accepted."""
    shown = ", ".join(known[:10]) + (", …" if len(known) > 10 else "")
    return _("{field}: no user '{name}'; use one of {names} (see salesflow user list)").format(
        field=field, name=name, names=shown)


def require_user(session: Session, field: str, name: str) -> None:
    """Once users exist, `name` (an owner, the acting user) must be one of them; a database
    without users is one person's and accepts any name."""
    known = names(session)
    if known and name not in known:
        raise NotFound(unknown_user(field, name, known))


def require_owners(session: Session, owners: set[str]) -> dict[str, str]:
    """The owners among `owners` that name no user (once users exist), each with its
    refusal; empty when every one is a user."""
    known = names(session)
    if not known:
        return {}
    return {o: unknown_user("owner", o, known) for o in owners if o not in known}


def add(session: Session, env: Env, name: str, role: str) -> User:
    name = field_text("name", name).strip()
    if not name:
        raise InputError(_("name: a user needs a name"))
    try:
        role = parse_choice(role, ROLES, "role")
    except ValueError as exc:
        raise InputError.field("role", exc) from None
    require_admin(session, env, "user", _("add users"))
    if session.exec(select(User).where(User.name == name)).first():
        raise Conflict(_("name: user '{name}' already exists").format(name=name))
    user = User(name=name, role=role, created_at=env.now)
    session.add(user)
    audit.record(session, env, f"user {name} added as {role}")
    session.flush()
    return user


def rows(session: Session) -> Iterator[dict[str, Any]]:
    for u in session.exec(select(User).order_by(User.name)):
        yield {"name": u.name, "role": u.role, "created_at": u.created_at}
