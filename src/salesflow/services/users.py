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


def add(session: Session, env: Env, name: str, role: str,
        password: str | None = None) -> User:
    """Add a user; on a server database also its login role (services/server.py), with
    `password` (read from stdin by the command, never from the command line)."""
    from salesflow.services import server

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
    on_server = server.is_server(session)
    if on_server:
        server.require_administrator(session)
    if password is not None and not on_server:
        raise InputError(_("--password-stdin: only a server database (PostgreSQL) has "
                           "logins; a SQLite file's users need no password"))
    user = User(name=name, role=role, created_at=env.now)
    session.add(user)
    audit.record(session, env, f"user {name} added as {role}")
    session.flush()
    if on_server:
        env.notices.extend(server.grant_login(session, name, role, password))
    return user


def remove(session: Session, env: Env, name: str) -> User:
    """Remove a user who owns no customer; on a server database also revoke its login's
    access to this database (the role itself stays: roles are shared by the server)."""
    from salesflow.models import Customer
    from salesflow.services import server

    name = field_text("name", name).strip()
    require_admin(session, env, "user", _("remove users"))
    if server.is_server(session):
        server.require_administrator(session)
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(unknown_user("name", name, names(session)))
    if name == env.actor:
        raise Conflict(_("name: you cannot remove yourself ({name}); another manager or "
                         "gm may").format(name=name))
    owned = session.exec(select(func.count()).select_from(Customer)
                         .where(Customer.owner == name)).one()
    if owned:
        raise Conflict(_("name: {name} still owns {count} customer(s); reassign them first: "
                         "salesflow customer reassign --from {name} --to OTHER").format(
                             name=name, count=owned))
    session.delete(user)
    audit.record(session, env, f"user {name} removed (was {user.role})")
    session.flush()
    if server.is_server(session):
        server.revoke_login(session, name)
    return user


def rows(session: Session) -> Iterator[dict[str, Any]]:
    for u in session.exec(select(User).order_by(User.name)):
        yield {"name": u.name, "role": u.role, "created_at": u.created_at}
