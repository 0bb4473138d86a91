"""`backup`, `restore` and `doctor` (SPEC §10): the database file itself.

Every copy goes through sqlite_copy.safe_copy (checked, then renamed into place), the same
code that guards a migration. The moment of a backup is passed in (the clock is read at the
edge); the decisions (names, rotation, what counts as a problem) are in rules/care.py.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from salesflow.errors import Conflict, DatabaseBusy, DatabaseError, InputError, NotFound
from salesflow.i18n import N_, Msg, _
from salesflow.migrations import HEAD
from salesflow.rules.care import (
    Finding,
    backup_name,
    calendar_finding,
    cloud_folder,
    mode_too_open,
    network_mount,
    to_rotate,
)
from salesflow.sqlite_copy import check_file, read_version, remove_stale_partials, safe_copy

BACKUPS = "backups"


def refuse_postgresql(location: str, command: str) -> None:
    if "://" in location:
        raise Conflict(_(
            "{command} works on a SQLite file; on PostgreSQL use the server's own tools "
            "(pg_dump to back up, pg_restore or psql to restore)").format(command=command))


def existing_database(location: str) -> Path:
    path = Path(location).expanduser()
    if not path.is_file():
        raise NotFound(_("there is no database at {path}; check --db or SALESFLOW_DB").format(
            path=path))
    return path


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import salesflow.migrations

    config = Config()
    config.set_main_option("script_location", str(Path(salesflow.migrations.__file__).parent))
    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


@dataclass(frozen=True)
class BackupDone:
    path: Path
    version: str | None
    rotated: list[Path]


def backup(source: Path, dest: Path | None, *, moment: datetime,
           keep: int | None = None) -> BackupDone:
    """Copy `source` to `dest` (a file, a folder, or None: `backups/` beside the database,
    0700), then rotate the default-named copies in that folder down to `keep`."""
    if keep is not None and keep < 1:
        raise InputError(_("--keep: {keep} is not a number of backups to keep; use 1 or "
                           "more").format(keep=keep))
    if dest is None:
        folder = source.parent / BACKUPS
        if not folder.exists():
            folder.mkdir(mode=0o700)
    elif dest.is_dir():
        folder = dest
    else:
        folder = dest.parent
        if not folder.is_dir():
            raise NotFound(_("the folder {folder} does not exist; create it or choose "
                             "another destination").format(folder=folder))
        if keep is not None:
            raise InputError(_("--keep rotates backups in a folder; give a folder or no "
                               "destination, not a file name"))
    if dest is None or dest.is_dir():
        remove_stale_partials(folder)
        dest = folder / backup_name(moment, {p.name for p in folder.iterdir()})
    version = safe_copy(source, dest)
    rotated: list[Path] = []
    if keep is not None:
        names = [p.name for p in folder.iterdir() if p.is_file()]
        for name in to_rotate(names, keep):
            if name == dest.name:  # never the copy just made, whatever its name sorts as
                continue
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
                rotated.append(folder / name)
    return BackupDone(dest, version, rotated)


def check_restorable(file: Path) -> str:
    """The schema version of a file that may replace the database, or a refusal."""
    if not file.is_file():
        raise NotFound(_("there is no file {file}").format(file=file))
    checked = check_file(file)
    if checked.problem is not None:
        raise DatabaseError(_("{problem}; nothing was restored").format(
            problem=checked.problem))
    if checked.version is None:
        raise DatabaseError(_("{file} is not a salesflow database (no schema version); "
                              "nothing was restored").format(file=file))
    if checked.version not in known_revisions():
        raise DatabaseError(_(
            "{file} was written by a newer salesflow (schema {version}, this one knows up "
            "to {head}); upgrade salesflow first; nothing was restored").format(
            file=file, version=checked.version, head=HEAD))
    return checked.version


@dataclass(frozen=True)
class RestoreDone:
    safety_copy: Path
    version: str


def restore(target: Path, file: Path, *, moment: datetime) -> RestoreDone:
    """Replace the database `target` with `file`, after a safety backup of `target`.

    Refused while another process uses the database: switching it out of WAL mode needs
    every other connection gone, and the exclusive lock taken then is held until the new
    file is in place, so no writer can slip in between."""
    version = check_restorable(file)
    if file.resolve() == target.resolve():
        raise InputError(_("{file} is the database itself; give a backup file").format(
            file=file))
    busy = DatabaseBusy(_("another salesflow command is using the database; restore when "
                          "it has finished"))
    lock = sqlite3.connect(target, timeout=0.2, isolation_level=None)
    try:
        try:
            lock.execute("BEGIN IMMEDIATE")  # a writer at work: refuse now
            lock.execute("ROLLBACK")
        except sqlite3.OperationalError:
            raise busy from None
        safety = backup(target, None, moment=moment).path
        # Make the copy beside the database first (temp name, checked, fsynced) …
        staged = target.with_name(f".{target.name}.restore")
        safe_copy(file, staged, replace=True)
        try:
            try:
                # … then fold the WAL in and drop it (fails if anyone else is connected),
                # and hold the lock while the new file is renamed over the old one.
                mode = lock.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
                if str(mode).lower() != "delete":
                    raise busy
                lock.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError:
                raise busy from None
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{target}{suffix}").unlink()
            os.replace(staged, target)
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
    finally:
        with contextlib.suppress(sqlite3.Error):
            lock.execute("ROLLBACK")
        lock.close()
    return RestoreDone(safety, version)


# --- doctor --------------------------------------------------------------------------------


def schema_finding(version: str | None) -> Finding | None:
    if version == HEAD:
        return None
    if version is None:
        return Finding("schema", "problem", Msg(
            "the database holds no salesflow schema version; it is not a salesflow "
            "database"))
    if version in known_revisions():
        return Finding("schema", "warning", Msg(
            "the schema is {version}, older than this salesflow ({head}); the next command "
            "upgrades it after a backup", version=version, head=HEAD))
    return Finding("schema", "problem", Msg(
        "the schema is {version}, newer than this salesflow ({head}); upgrade salesflow",
        version=version, head=HEAD))


def file_findings(path: Path, *, fix: bool, mounts: str) -> list[Finding]:
    """Integrity, foreign keys, file modes and where the file lives (SQLite only)."""
    out: list[Finding] = []
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        try:
            result = [row[0] for row in con.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            result = [str(exc)]
        if result != ["ok"]:
            out.extend(Finding("integrity", "problem", Msg(
                "integrity check: {detail}; restore the newest backup (salesflow restore)",
                detail=line)) for line in result[:20])
        else:
            for table, rowid, parent, _fk in con.execute("PRAGMA foreign_key_check"):
                out.append(Finding("foreign-key", "problem", Msg(
                    "{table} row {rowid} points at a missing {parent} row",
                    table=table, rowid=rowid, parent=parent)))
    finally:
        con.close()
    for target, wanted, said in (
        (path, 0o600, N_("the database file {path} is {mode}, open to others; it should be "
                        "{wanted} (doctor --fix)")),
        (path.parent, 0o700, N_("the database folder {path} is {mode}, open to others; it "
                               "should be {wanted} (doctor --fix)")),
    ):
        mode = stat.S_IMODE(target.stat().st_mode)
        if mode_too_open(mode):
            if fix:
                os.chmod(target, wanted)
            out.append(Finding("mode", "problem", Msg(
                said, path=target, mode=format(mode, "o"), wanted=format(wanted, "o")), fixed=fix))
    real = str(path.resolve())
    fs = network_mount(real, mounts)
    if fs is not None:
        out.append(Finding("location", "problem", Msg(
            "the database is on a network file system ({fs}); SQLite's locks are not "
            "reliable there: move it to a local disk", fs=fs)))
    synced = cloud_folder(real)
    if synced is not None:
        out.append(Finding("location", "problem", Msg(
            "the database is in {folder}, a folder a cloud client syncs; a copy made "
            "during a write is damaged: move it out and use salesflow backup",
            folder=synced)))
    return out


def erased_backups_finding(path: Path, forgotten: int) -> Finding | None:
    backups = sorted(path.parent.glob(f"{path.name}.before-*.bak"))
    if not backups or not forgotten:
        return None
    return Finding("erased-data", "problem", Msg(
        "{files} (backup before a schema upgrade) still hold data of {count} forgotten "
        "customer(s); delete them",
        files=", ".join(str(b) for b in backups), count=forgotten))


def calendar_check(this_year: int) -> Finding | None:
    from salesflow.rules.workdays import ChineseCalendar

    return calendar_finding(ChineseCalendar.covered_years()[-1], this_year)


def due_findings(session, env, *, fix: bool) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Stored due dates, pool dates, survey clocks and contracts' after-sales and renewal
    dates against a recomputation; `fix` recomputes them all (the same refreshes as
    `config set`, and the survey clock's)."""
    from salesflow.services import aftercare, schedule

    wrong = schedule.drifted(session, env)
    pooled = schedule.drifted_pool(session, env)
    contracts = aftercare.drifted(session, env)
    surveys = schedule.drifted_survey(session)
    if (wrong or pooled) and fix:
        schedule.refresh_all(session, env)  # pool dates included
    if contracts and fix:
        aftercare.refresh_all(session, env)
    if surveys and fix:
        schedule.refresh_all_survey(session)
    if fix:
        session.flush()
    return [Finding("due-date", "problem", Msg(
        "{code}: stored due date {stored} ({stored_kind}) but the rules give {computed} "
        "({computed_kind}); doctor --fix recomputes it",
        code=code, stored=stored_on or "-", stored_kind=stored_kind or "-",
        computed=on or "-", computed_kind=kind or "-"), fixed=fix)
        for code, stored_on, stored_kind, on, kind in wrong] + [
        Finding("pool-date", "problem", Msg(
            "{code}: stored day it returns to the pool {stored} but the rules give "
            "{computed}; doctor --fix recomputes it",
            code=code, stored=stored or "-", computed=on or "-"), fixed=fix)
        for code, stored, on in pooled] + [
        Finding("contract-date", "problem", Msg(
            "{number}: stored next after-sales visit {stored_visit} and renewal "
            "{stored_renewal} but the rules give {visit} and {renewal}; doctor --fix "
            "recomputes them",
            number=number, stored_visit=stored[0] or "-", stored_renewal=stored[1] or "-",
            visit=computed[0] or "-", renewal=computed[1] or "-"), fixed=fix)
        for number, stored, computed in contracts] + [
        Finding("survey-date", "problem", Msg(
            "{code}: stored start of the satisfaction-survey clock {stored} but the rules "
            "give {computed}; doctor --fix recomputes it",
            code=code, stored=iso_or_dash(stored), computed=iso_or_dash(on)), fixed=fix)
        for code, stored, on in surveys]


def iso_or_dash(moment) -> str:  # type: ignore[no-untyped-def]
    """A stored UTC moment as doctor prints it (ISO, Z), or '-'."""
    if moment is None:
        return "-"
    from salesflow.output import iso_utc

    return iso_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def forgotten_count(session) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select
    from sqlmodel import col

    from salesflow.models import Customer

    return int(session.execute(select(func.count()).select_from(Customer)
                               .where(col(Customer.forgotten_at).is_not(None))).scalar() or 0)


def stored_version(location: str) -> str | None:
    """The schema version the database holds, read without migrating or writing."""
    if "://" not in location:
        return read_version(Path(location).expanduser())
    from salesflow.db import make_engine, schema_version

    engine = make_engine(location, write=False)
    try:
        return schema_version(engine)
    finally:
        engine.dispose()


def upgrade(location: str) -> None:
    """Bring a restored older database to this salesflow's schema now (after the usual
    pre-migration backup), rather than on the next command."""
    from salesflow.db import make_engine, migrate

    engine = make_engine(location, write=True)
    try:
        migrate(engine, location)
    finally:
        engine.dispose()
