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
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, create_engine, event, insert, text, type_coerce
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.sqltypes import NullType
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from salesflow.errors import DatabaseBusy, DatabaseError
from salesflow.i18n import _
from salesflow.migrations import HEAD

DEFAULT_BUSY_TIMEOUT = 15.0  # seconds


class SharedSQLite(SQLiteDialect_pysqlite):
    """SQLAlchemy's SQLite dialect (the standard sqlite3 module), except that any two are
    equal. SQLAlchemy keys its cache of compiled statements by the dialect object; every
    SQLite engine here is made alike (make_engine: no dialect options, one sqlite3
    library), so a statement compiled for one database serves every other one in the
    process (one cache, _compiled()): later commands of an in-process run, and each child
    of the warm server, whose parent compiled the daily commands' statements before
    forking (salesflow.server.rehearse)."""

    supports_statement_cache = True

    def __eq__(self, other: object) -> bool:
        return other.__class__ is SharedSQLite

    def __hash__(self) -> int:
        return hash(SharedSQLite)


registry.register("sqlite.salesflow", __name__, "SharedSQLite")
COMPILED_SIZE = 1200  # statements; SQLAlchemy's own default is 500 per engine


def is_url(location: str) -> bool:
    return "://" in location


def busy_timeout() -> float:
    try:
        return float(os.environ.get("SALESFLOW_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def busy_error() -> DatabaseBusy:
    return DatabaseBusy(_(
        "the database is busy: another command (salesflow, or a sqlite session) is writing "
        "to it or upgrading it, and this one waited {seconds} s for it; try again when it "
        "has finished (SALESFLOW_BUSY_TIMEOUT sets the wait)"
    ).format(seconds=f"{busy_timeout():g}"))


def _is_lock(exc: BaseException) -> bool:
    message = str(getattr(exc, "orig", None) or exc)
    return "locked" in message or "busy" in message


def _is_damage(exc: BaseException) -> bool:
    message = str(getattr(exc, "orig", None) or exc)
    return "not a database" in message or "malformed" in message


def damaged_error(path: Path | str) -> DatabaseError:
    return DatabaseError(_(
        "{path} is not a SQLite database (or is damaged); check --db/SALESFLOW_DB, or "
        "restore the file from a backup"
    ).format(path=path))


def ensure_private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 directory (it holds customers' contacts)."""
    if path.exists():
        return
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def locate_sqlite(location: str, *, write: bool) -> Path:
    """The database file; created (0600 in a 0700 folder) by a writing command only.

    A read command on a mistyped path must not leave an empty database behind and report
    an empty agenda: for cron that would be a silent failure.
    """
    path = Path(location).expanduser()
    if path.exists():
        if path.is_dir():
            raise DatabaseError(_(
                "{path} is a folder, not a database file; check --db/SALESFLOW_DB"
            ).format(path=path))
        return path
    if not write:
        raise DatabaseError(_(
            "no database at {path}; run `salesflow demo` or `salesflow customer add …` to "
            "create one, or check --db/SALESFLOW_DB"
        ).format(path=path))
    try:
        ensure_private_file(path)
    except OSError as exc:
        raise DatabaseError(_(
            "cannot create the database {path} ({reason}); choose a folder you can write "
            "to with --db or SALESFLOW_DB"
        ).format(path=path, reason=exc.strerror or exc)) from None
    return path


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not ours before anything changes it.

    Runs on a plain connection, without the WAL pragma: a foreign SQLite file keeps its
    journal mode and its bytes, and a database from a newer salesflow is refused before a
    migration backup is made. It waits for a lock like every statement (busy timeout).
    """
    try:
        con = sqlite3.connect(path, timeout=busy_timeout(), isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(_("cannot open {path} ({reason}); check --db/SALESFLOW_DB")
                            .format(path=path, reason=exc)) from None
    try:
        tables = {row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            version = row[0] if row else None
    except sqlite3.OperationalError as exc:
        if _is_lock(exc):
            raise busy_error() from None
        raise DatabaseError(_("cannot read {path} ({reason}); check --db/SALESFLOW_DB")
                            .format(path=path, reason=exc)) from None
    except sqlite3.DatabaseError:
        raise damaged_error(path) from None
    finally:
        con.close()
    refuse_unknown_schema(str(path), version, tables)


def refuse_unknown_schema(location: str, version: str | None, tables: set[str]) -> None:
    """A foreign database (tables but no salesflow schema) or one from a newer salesflow."""
    if version == HEAD or not tables:
        return
    if version is None or "customer" not in tables:
        raise DatabaseError(_(
            "{location} is not a salesflow database (it holds other tables and no "
            "salesflow schema version); check --db/SALESFLOW_DB"
        ).format(location=location))
    config = _alembic_config()
    if version not in _known_revisions(config):
        raise DatabaseError(_(
            "the database schema ({version}) is newer than this salesflow ({head}); "
            "upgrade salesflow"
        ).format(version=version, head=HEAD))


def _set_wal(dbapi_connection: sqlite3.Connection) -> None:
    """WAL mode (persistent): switching needs the file to itself, and SQLite refuses at
    once rather than calling the busy handler, so wait for it as a statement would."""
    cursor = dbapi_connection.cursor()
    try:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        deadline = time.monotonic() + busy_timeout()
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_lock(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
    finally:
        cursor.close()


WRITE_CACHE_KIB = 32 * 1024  # SQLite's page cache for a writing command (default 2 MiB)
MAPPED_BYTES = 1 << 31  # of the file mapped at most (SQLite's own limit is about as much)


def make_engine(location: str, *, write: bool, secure_delete: bool = False,
                mapped: bool = False) -> Engine:
    if is_url(location):
        return _url_engine(location)
    path = locate_sqlite(location, write=write)
    check_sqlite_file(path)
    engine = create_engine(
        f"sqlite+salesflow:///{path}",
        connect_args={"timeout": busy_timeout(), "check_same_thread": False},
        execution_options={"compiled_cache": _compiled()},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        _set_wal(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if write:
            # A bulk write (customer import: 10,000 customers into a table with a dozen
            # indexes) touches index pages all over: with room for them (used only as
            # pages are read), it does not evict and read them again. 0.6 → 0.45 s.
            cursor.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
        if mapped:
            # A read of rows scattered over the file (the whole team's agenda: 77,000
            # rows from a dozen indexes, 0.41 → 0.33 s): pages come from the OS's cache
            # through a memory map, without a read() and a copy each. Only where asked:
            # the mapped pages a command touches count in its resident memory, which an
            # export of every row would then grow to the size of the file.
            cursor.execute(f"PRAGMA mmap_size={MAPPED_BYTES}")
        if secure_delete:
            # Space freed or overwritten by this connection is zeroed, not left readable.
            cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # A migration writes even in a read command: it takes the write lock up front,
        # so that it waits its turn instead of failing on a snapshot gone stale.
        immediate = write or conn.get_execution_options().get("salesflow_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


_COMPILED: Any = None


def _compiled() -> Any:
    """The compiled-statement cache every SQLite engine of this process shares."""
    global _COMPILED
    if _COMPILED is None:
        from sqlalchemy.util import LRUCache

        _COMPILED = LRUCache(COMPILED_SIZE)
    return _COMPILED


def _url_engine(location: str) -> Engine:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    accepted = _("a file path, or postgresql+psycopg://USER@HOST/DATABASE")
    scheme = location.split("://", 1)[0]
    try:
        make_url(location)
        return create_engine(location, pool_pre_ping=False)
    except (NoSuchModuleError, ImportError):
        raise DatabaseError(_(
            "--db: salesflow cannot open '{scheme}://' databases (unknown URL scheme or "
            "driver not installed); use {accepted}"
        ).format(scheme=scheme, accepted=accepted)) from None
    except (ArgumentError, ValueError):
        raise DatabaseError(_("--db: not a valid database URL; use {accepted}")
                            .format(accepted=accepted)) from None


def _safe_url(location: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(location).render_as_string(hide_password=True)
    except Exception:  # it was parsed once already; never print a password
        return location.split("://", 1)[0] + "://…"


def schema_version(engine: Engine) -> str | None:
    """The stored revision; None only when there is no alembic_version table. A lock or
    any other failure is raised, never mistaken for "no table"."""
    with engine.connect() as conn:
        return _version_on(conn)


def _version_on(conn) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        message = str(exc.orig)
        undefined = getattr(exc.orig, "sqlstate", None) == "42P01"  # PostgreSQL
        if undefined or "no such table" in message:
            conn.rollback()
            return None
        raise


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
    """Bring the schema to HEAD. Cheap when it is already there (one SELECT).

    Otherwise: refuse a foreign or newer database before anything is copied or changed,
    then take the write lock (waiting like any writer), look again under it (another
    command may have just upgraded), back the file up and upgrade.
    """
    current = schema_version(engine)
    if current == HEAD:
        return
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(salesflow_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # Two first commands on an empty server database queue here.
                conn.execute(text("SELECT pg_advisory_xact_lock(5417)"))
            current, tables = _version_and_tables(conn)
            if current == HEAD:
                return
            refuse_unknown_schema(location, current, tables)
            if current is not None and not is_url(location):
                path = Path(location).expanduser()
                backup = path.with_name(f"{path.name}.before-{HEAD}.bak")
                backup_sqlite(path, backup, reuse=True)
            config = _alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


def _version_and_tables(conn) -> tuple[str | None, set[str]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        return None, tables
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar(), tables


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def _known_revisions(config) -> set[str]:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


def translate(exc: DBAPIError, location: str | None = None) -> Exception:
    """A driver's error as one line a user can act on."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if _is_lock(exc):
        return busy_error()
    if _is_damage(exc) and location is not None and not is_url(location):
        return damaged_error(Path(location).expanduser())
    return DatabaseError(_("database error: {reason}").format(reason=_first_line(message)))


def refused(exc: DBAPIError) -> Exception:
    """The server's row-level security or grants refused a change (SPEC §15)."""
    from salesflow.errors import Forbidden

    message = str(exc.orig) if exc.orig is not None else str(exc)
    return Forbidden(_(
        "the server refused it: {reason}; your database login's role may not do this here"
    ).format(reason=_first_line(message)))


def connect_error(exc: DBAPIError, location: str) -> Exception:
    """The server refused, is down, or the database named in the URL does not exist."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    return DatabaseError(_(
        "cannot connect to the database {url}: {reason}; check that the server is running "
        "and the --db/SALESFLOW_DB URL"
    ).format(url=_safe_url(location), reason=_first_line(message)))


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else message


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
            vacuumed = True
        except sqlite3.OperationalError:
            vacuumed = False
        try:
            busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:
            busy = 1
        # Where the old copies are: the main file keeps them in its free space when the
        # rebuild failed, and in its old pages until a checkpoint overwrites them (the
        # rebuilt pages wait in the WAL, which also still holds older versions).
        if busy or not vacuumed:
            held = [str(path)] + ([f"{path}-wal"] if busy else [])
            notes.append(_(
                "warning: erased, but another connection (a salesflow or sqlite session) "
                "still reads an old snapshot of the database, so old copies of the erased "
                "data remain in {files}; run the command again once the other session has "
                "closed"
            ).format(files=" and ".join(held)))
        cursor.close()
    finally:
        raw.close()
    backups = sorted(path.parent.glob(f"{path.name}.before-*.bak"))
    if backups:
        notes.append(_("note: {files} (backup before a schema upgrade) may still hold the "
                       "erased data; delete it if that copy must go too").format(
            files=", ".join(str(b) for b in backups)))
    return notes


@contextmanager
def unit_of_work(location: str, *, write: bool, erase: bool = False, mapped: bool = False,
                 notes: list[str] | None = None) -> Iterator[Session]:
    """One transaction for one command: commit at the end, or roll everything back.

    mapped=True (due): the command reads rows scattered over the whole file, and SQLite
    maps the file into memory to read them (make_engine).

    erase=True (customer forget): on SQLite, freed space is zeroed while the command
    writes, and after the commit the files are scrubbed (scrub_sqlite), its notes
    appended to `notes`. On PostgreSQL the rows are updated and the server's VACUUM
    reclaims the old row versions.
    """
    sqlite_erase = erase and not is_url(location)
    engine = make_engine(location, write=write, secure_delete=sqlite_erase, mapped=mapped)
    try:
        try:
            migrate(engine, location)
        except OperationalError as exc:
            if is_url(location):
                raise connect_error(exc, location) from None
            raise translate(exc, location) from None
        except DBAPIError as exc:
            raise translate(exc, location) from None
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except (OperationalError, DBAPIError) as exc:
            session.rollback()
            if isinstance(exc, OperationalError) or _is_damage(exc):
                raise translate(exc, location) from None
            if getattr(exc.orig, "sqlstate", None) == "42501":
                raise refused(exc) from None
            raise
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


class rare(FunctionElement[Any]):  # noqa: N801 (used as a SQL function)
    """A condition few rows meet, said to SQLite's query planner: `likelihood(cond,
    0.001)` on SQLite, the condition itself elsewhere. Without it SQLite reads, say, a
    rep's follow-ups through the customer's (owner) index, customer by customer, rather
    than the few unsent minutes in the minutes_due_at index (76 ms instead of 0.1 ms at
    2,853 customers); PostgreSQL's planner has the column statistics to know."""

    type = NullType()  # not Boolean: SQLite would get `likelihood(…) = 1`, which hides it
    inherit_cache = True


@compiles(rare)
def _rare_default(element: rare, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(rare, "sqlite")
def _rare_sqlite(element: rare, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.clauses, **kw)}, 0.001)"


def plain_rows(session: Session, query: Any) -> list[Any]:
    """Every row of a Core select of plain columns, each value what SQLAlchemy would give
    (a timestamp an aware UTC datetime, a date a date, a boolean a bool), as a tuple.

    On SQLite, SQLAlchemy still executes the statement (its binds, events, errors and
    compiled cache), but the rows are read straight from the driver's cursor, and each
    timestamp column is read as the text SQLite stores and parsed here: no Row object per
    row, no two-step conversion (text to datetime, then sqlmodel's UTCDateTime setting
    its zone) per timestamp. The whole team's agenda reads 77,000 rows and 127,000
    timestamps this way (its items 970 → 800 ms). Other columns keep SQLAlchemy's own
    result conversion; other databases give SQLAlchemy's rows as they are."""
    return [row for batch in plain_batches(session, query, None) for row in batch]


def plain_batches(session: Session, query: Any, size: int | None) -> Iterator[list[Any]]:
    """plain_rows, `size` rows at a time (None: all at once), for a caller that streams."""
    if session.get_bind().dialect.name != "sqlite":
        result = session.execute(query)
        yield from (result.partitions(size) if size else [list(result.all())])
        return
    stamps = [i for i, column in enumerate(query.selected_columns)
              if _is_timestamp(column.type)]
    if stamps:
        columns = list(query.selected_columns)
        query = query.with_only_columns(*(
            type_coerce(column, String).label(column.key) if i in stamps else column
            for i, column in enumerate(columns)))
    result = session.connection().execute(query)  # Core: the driver's cursor is there
    try:
        yield from driver_batches(result, size, stamps)
    finally:
        result.close()


def driver_batches(result: Any, size: int | None,
                   stamps: Sequence[int] = ()) -> Iterator[list[Any]]:
    """The rows of an executed statement read straight from the driver's cursor,
    fetchmany(size) at a time (None: all at once), instead of a Row object per row: the
    columns SQLAlchemy converts get its own conversion here, and the columns `stamps`
    (timestamps read as the text SQLite stores) are parsed by utc_from_stored. With a
    SQLAlchemy other than the one this was written for, its own rows, converted alike."""
    cursor = getattr(result, "cursor", None)
    processors = getattr(getattr(result, "_metadata", None), "_processors", None)
    stamped = [(i, utc_from_stored) for i in stamps]
    if cursor is None or processors is None:
        for part in (result.partitions(size) if size else [result.all()]):
            yield [_fixed(row, stamped) for row in part] if stamped else list(part)
        return
    fixes = [(i, p) for i, p in enumerate(processors) if p is not None] + stamped
    while part := (cursor.fetchmany(size) if size else cursor.fetchall()):
        yield [_fixed(row, fixes) for row in part] if fixes else part
        if not size:
            return


def _is_timestamp(kind: Any) -> bool:  # the models' timestamps: sqlmodel's UTCDateTime
    return isinstance(kind, UTCDateTime)


def _fixed(row: Any, fixes: list[tuple[int, Any]]) -> tuple[Any, ...]:
    cells = list(row)
    for i, convert in fixes:
        value = cells[i]
        if value is not None:
            cells[i] = convert(value)
    return tuple(cells)


_fromisoformat = datetime.fromisoformat


def utc_from_stored(stored: str) -> datetime:
    """A timestamp as SQLite stores it ('2024-05-03 23:30:15.123456', UTC without an
    offset) as the aware UTC datetime SQLAlchemy and sqlmodel's UTCDateTime make of it:
    parsed the same way (fromisoformat), the zone given in the text rather than set on
    the result afterwards. A text in another shape (an offset) goes their general way."""
    if (len(stored) in (19, 26) and stored[10] == " " and stored[13] == ":"
            and stored[16] == ":"):  # SQLAlchemy's own shape: no room for an offset
        try:
            return _fromisoformat(stored + "+00:00")
        except ValueError:  # it held one after all ('…:15.123+08'): the general way
            pass
    moment = _fromisoformat(stored)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def insert_many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (dicts with the same keys) into the table, in one executemany.

    On SQLite, SQLAlchemy compiles the INSERT for those keys and executes it (its events
    and errors), but the parameters are made here, a tuple per row: a timestamp becomes the
    text SQLAlchemy and sqlmodel's UTCDateTime store (stored_utc), any other value goes
    through the column type's own bind conversion (most have none). That is what
    `customer import` writes 10,000 customers with, their stage changes, contacts and
    audit lines: the parameters in about two-fifths of the time SQLAlchemy's per-row
    processing takes (profiled).
    Rows whose keys differ, or that leave out a column the model would fill with a
    Python-side default, go SQLAlchemy's way, as on every other database."""
    if not rows:
        return
    keys = rows[0].keys()
    dialect = session.get_bind().dialect
    if (dialect.name != "sqlite"
            or any(row.keys() != keys for row in rows)
            or any(column.default is not None and column.key not in keys
                   for column in table.columns)):
        session.execute(insert(table), rows)
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    names = list(compiled.positiontup or ())
    stored: dict[datetime, str] = {}  # a bulk write's timestamps are mostly one: now

    def stamp(moment: datetime) -> str:
        text = stored.get(moment)
        if text is None:
            text = stored[moment] = stored_utc(moment)
        return text

    converters = [stamp if isinstance(table.c[name].type, UTCDateTime)
                  else table.c[name].type._cached_bind_processor(dialect)
                  for name in names]
    steps = [(i, convert) for i, convert in enumerate(converters) if convert is not None]
    rows_params = [_fixed([row[name] for name in names], steps) for row in rows]
    session.flush()  # what Session.execute does first: pending objects keep their order
    session.connection().exec_driver_sql(compiled.string, rows_params)


def stored_utc(moment: datetime) -> str:
    """The text a timestamp is stored as on SQLite ('2024-05-03 23:30:15.123456', UTC),
    as sqlmodel's UTCDateTime and SQLAlchemy's SQLite DATETIME write it; a moment without
    a zone is refused as they refuse it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Datetime values must have timezone information. "
                         "Use datetime.now(timezone.utc), or annotate the field with "
                         "NaiveDatetime for naive storage.")
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:-6]
