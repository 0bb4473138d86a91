"""Engine, one unit of work per command, SQLite pragmas, migrations on open.

SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and a
writing command takes the write lock when its transaction begins (BEGIN IMMEDIATE), so a
cron export and an interactive edit at the same moment both succeed, and two writers
queue instead of failing half-way. A value with `://` is a SQLAlchemy URL (PostgreSQL).

An erasing unit of work (`customer forget`) also leaves nothing of the erased values in the
SQLite file: see scrub_sqlite().
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from salesflow.errors import DatabaseBusy, DatabaseError
from salesflow.migrations import HEAD

DEFAULT_BUSY_TIMEOUT = 15.0  # seconds


def is_url(location: str) -> bool:
    return "://" in location


def busy_timeout() -> float:
    try:
        return float(os.environ.get("SALESFLOW_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def ensure_private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 directory (it holds customers' contacts)."""
    if path.exists():
        return
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def make_engine(location: str, *, write: bool, secure_delete: bool = False) -> Engine:
    if is_url(location):
        return create_engine(location, pool_pre_ping=False)
    path = Path(location).expanduser()
    if write or not path.exists():
        ensure_private_file(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": busy_timeout(), "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if secure_delete:
            # Space freed or overwritten by this connection is zeroed, not left readable.
            cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def schema_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None
        except Exception:  # PostgreSQL: undefined table
            return None


def has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())


def backup_sqlite(source: Path, dest: Path, *, reuse: bool = False) -> None:
    """An online, consistent, checked copy, written 0600 and renamed into place only once
    it is whole (sqlite_copy.safe_copy: the one implementation `backup` uses too).

    reuse=True (the backup before a migration): an existing `dest` is kept only if it is
    a whole database; a 0-byte or partial one from a killed run is replaced."""
    from salesflow.sqlite_copy import check_file, safe_copy

    if reuse and dest.exists() and check_file(dest).problem is None:
        return
    safe_copy(source, dest, replace=reuse)


def migrate(engine: Engine, location: str) -> None:
    """Bring the schema to HEAD. Cheap when it is already there (one SELECT)."""
    current = schema_version(engine)
    if current == HEAD:
        return
    if current is not None and not is_url(location):
        path = Path(location).expanduser()
        backup = path.with_name(f"{path.name}.before-{HEAD}.bak")
        backup_sqlite(path, backup, reuse=True)
    elif current is None and has_tables(engine):
        raise DatabaseError(f"{location} is not a salesflow database (no schema version)")
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    if current is not None and current not in _known_revisions(config):
        raise DatabaseError(
            f"the database schema ({current}) is newer than this salesflow ({heads[0]}); "
            "upgrade salesflow"
        )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _known_revisions(config) -> set[str]:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


def translate(exc: OperationalError) -> Exception:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in message or "busy" in message:
        return DatabaseBusy(
            f"the database is busy: another salesflow command held it for more than "
            f"{busy_timeout():g} s; try again"
        )
    return DatabaseError(f"database error: {message}")


def scrub_sqlite(engine: Engine, path: Path) -> list[str]:
    """After an erasure has committed, leave no copy of the erased values in the files.

    Updated rows get new page versions, but the old versions stay readable: in the WAL
    until a checkpoint, and in the main file's free cells and free pages (from this and
    every earlier edit) until they happen to be reused. So the file is rebuilt (VACUUM:
    no free page or free cell is left), the WAL is folded into it and truncated to zero
    bytes (wal_checkpoint(TRUNCATE)), and the file shrinks to its live pages.

    Returns the one-line notes for stderr: what could not be scrubbed (another
    connection kept the database busy or an old snapshot open) and the migration backups
    (`<db>.before-XXXX.bak`), which hold older copies and are the user's to delete.
    """
    notes: list[str] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("VACUUM")
        except sqlite3.OperationalError as exc:
            notes.append(f"warning: erased, but the database was busy ({exc}), so old copies "
                         f"may remain in the free space of {path}; run the command again")
        try:
            busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:
            busy = 1
        if busy:
            notes.append(f"warning: erased, but a reader holds an old snapshot, so old "
                         f"copies remain in {path.name}-wal until it closes; run the "
                         "command again then")
        cursor.close()
    finally:
        raw.close()
    backups = sorted(path.parent.glob(f"{path.name}.before-*.bak"))
    if backups:
        notes.append("note: " + ", ".join(str(b) for b in backups) + " (backup before a "
                     "schema upgrade) may still hold the erased data; delete it if that "
                     "copy must go too")
    return notes


@contextmanager
def unit_of_work(location: str, *, write: bool, erase: bool = False,
                 notes: list[str] | None = None) -> Iterator[Session]:
    """One transaction for one command: commit at the end, or roll everything back.

    erase=True (customer forget): on SQLite, freed space is zeroed while the command
    writes, and after the commit the files are scrubbed (scrub_sqlite), its notes
    appended to `notes`. On PostgreSQL the rows are updated and the server's VACUUM
    reclaims the old row versions.
    """
    sqlite_erase = erase and not is_url(location)
    engine = make_engine(location, write=write, secure_delete=sqlite_erase)
    try:
        try:
            migrate(engine, location)
        except OperationalError as exc:
            raise translate(exc) from exc
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except OperationalError as exc:
            session.rollback()
            raise translate(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if sqlite_erase:
            scrubbed = scrub_sqlite(engine, Path(location).expanduser())
            if notes is not None:
                notes.extend(scrubbed)
    finally:
        engine.dispose()
