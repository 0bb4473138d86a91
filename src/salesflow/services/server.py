"""A team on one PostgreSQL server (SPEC §15): who one is, and the logins of the team.

On a server the acting user is the database login (`current_user`), mapped to the
salesflow user of the same name. The database's administrator — a superuser or a member
of the database's owner role, who bypasses row-level security in psql anyway — may still
name the user it acts for with --as (setting up, scripts, the test suite); every other
login acts as itself, and --as naming anyone else is refused.

`user add` on a server also creates the login role (its password sent as a SCRAM
verifier computed here, so that the password itself never reaches the server's logs)
and grants it the salesflow group role of its role and CONNECT on this database; `user
remove` revokes CONNECT. Roles are cluster-wide: a login that already exists (the same
person on a second salesflow database of the server) is granted, not created, and keeps
its password; it is never dropped here, since another database may still use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from salesflow.errors import Forbidden, NotFound
from salesflow.i18n import _
from salesflow.models import User

SCRAM_ITERATIONS = 4096


def is_server(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"


@dataclass(frozen=True)
class Login:
    name: str
    admin: bool  # a superuser or a member of the database's owner role


def login(session: Session) -> Login:
    name, admin = session.execute(text(
        "SELECT current_user, coalesce((SELECT rolsuper FROM pg_roles "
        "WHERE rolname = current_user), false) OR pg_has_role(current_user, "
        "(SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER')"
    )).one()
    return Login(str(name), bool(admin))


def acting_user(session: Session, named: str | None) -> str:
    """The acting user on a server database: the login itself, or for the administrator
    the user --as/SALESFLOW_USER names. A login that is no salesflow user is refused."""
    me = login(session)
    if me.admin:
        return named if named is not None else me.name
    if named is not None and named != me.name:
        raise Forbidden(_(
            "--as: on a server database you act as your database login ({login}), not as "
            "'{name}'; drop --as and SALESFLOW_USER, or connect with {name}'s login"
        ).format(login=me.name, name=named))
    # a login of no salesflow group may not even read the user table
    grouped = session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "AND left(g.rolname, 10) = 'salesflow_')")).scalar()
    if not grouped or session.exec(
            select(User.id).where(User.name == me.name)).first() is None:
        raise NotFound(_(
            "user: the database login {login} is no salesflow user of this database; "
            "the database's administrator adds it: salesflow user add {login} --role rep "
            "--password-stdin"
        ).format(login=me.name))
    return me.name


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scram_verifier(password: str, *, salt: bytes | None = None,
                   iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677; the
    password normalized as SASLprep would for the common cases: NFKC)."""
    salt = salt if salt is not None else os.urandom(16)
    secret = unicodedata.normalize("NFKC", password).encode()
    salted = hashlib.pbkdf2_hmac("sha256", secret, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return (f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:"
            f"{b64(server_key)}")


def _privileged(session: Session, statement: str, name: str) -> bool:
    """Run a role statement in a savepoint; False when the role appeared meanwhile (another
    database's `user add` created it at the same moment: roles are cluster-wide)."""
    try:
        with session.begin_nested():
            session.connection().exec_driver_sql(statement)
        return True
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state in ("42710", "23505"):  # duplicate_object, unique_violation
            return False
        if state == "42501":  # insufficient_privilege
            raise Forbidden(_(
                "user: your database login may not create or grant the login {name}; run "
                "`salesflow user add|remove` as the database's administrator (a login "
                "with CREATEROLE that owns the database)").format(name=name)) from None
        raise


def require_administrator(session: Session) -> None:
    """Logins are the server's: only the database's administrator creates and revokes
    them (a manager's own login holds no CREATEROLE)."""
    me = login(session)
    if not me.admin:
        raise Forbidden(_(
            "user: on a server database the team's logins are managed by the database's "
            "administrator (a superuser or the database owner), not by {login}; ask them "
            "to run it").format(login=me.name))


def grant_login(session: Session, name: str, role: str, password: str | None) -> list[str]:
    """Create (or reuse) the login role `name`, grant it salesflow_<role> and CONNECT on
    this database. Returns notes for stderr."""
    notes: list[str] = []
    exists = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                             {"n": name}).first() is not None
    if not exists:
        statement = f"CREATE ROLE {_ident(name)} LOGIN"
        if password:
            statement += f" PASSWORD '{scram_verifier(password)}'"
        exists = not _privileged(session, statement, name)
        if not exists and not password:
            notes.append(_("note: the login {name} has no password (give one with "
                           "--password-stdin); it can connect only where the server "
                           "trusts it (peer, certificate)").format(name=name))
    if exists:
        notes.append(_("note: the database login {name} exists already (roles are shared "
                       "by every database of the server); it keeps its password and is "
                       "granted access to this database").format(name=name))
    _privileged(session, f"GRANT salesflow_{role} TO {_ident(name)}", name)
    database = session.execute(text("SELECT current_database()")).scalar_one()
    _privileged(session, f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(name)}",
                name)
    return notes


def revoke_login(session: Session, name: str) -> None:
    """Take the login's access to this database away (CONNECT); the role stays."""
    if session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                       {"n": name}).first() is None:
        return
    database = session.execute(text("SELECT current_database()")).scalar_one()
    _privileged(session,
                f"REVOKE CONNECT ON DATABASE {_ident(database)} FROM {_ident(name)}", name)


def visible_owners(session: Session, actor: str) -> tuple[str, ...]:
    """The owners whose customers row-level security lets this login read, when that is
    a short list (a rep and the like: their own, and the pool's ''); () when it is not
    (SQLite, the administrator, a manager, gm or legal). A query that says so reads the
    (owner, …) indexes instead of filtering a whole range by the policy."""
    if not is_server(session) or login(session).admin:
        return ()
    role = session.exec(select(User.role).where(User.name == actor)).first()
    if role in ("manager", "gm", "legal"):
        return ()
    return (actor, "")
