"""The one safe copy of a SQLite database (SPEC §10), shared by `backup`, `restore` and the
backup that db.migrate() takes before a schema upgrade.

A copy only counts once it is whole: it is written through SQLite's online backup API
(consistent while another process writes, since WAL readers never block the writer) to a
hidden temporary name in the destination folder (`.<name>.sfpartial-<pid>`, 0600), switched
to a rollback journal so that it is one self-contained file, checked with
`PRAGMA integrity_check` and for its schema version, fsynced, and only then renamed into
place (and the folder fsynced). A kill or a full disk therefore leaves at most a temporary
file that no pattern of real backups matches; the next copy into that folder removes it
once the process that wrote it is gone.

Only the standard library is imported, so db.py and the services can both use it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from salesflow.errors import DatabaseError
from salesflow.i18n import _

PARTIAL = ".sfpartial-"
SIDECARS = ("-journal", "-wal", "-shm")


def _uri(path: Path, mode: str) -> str:
    """A `file:` URI for the path (percent-encoded, so `?`, `#` or 客户 in a folder name
    are part of the path), opened in `mode` (`ro`: never writes; `rw`: never creates)."""
    return f"{path.expanduser().resolve().as_uri()}?mode={mode}"


@dataclass(frozen=True)
class Checked:
    """What a SQLite file holds: None `problem` when it is whole."""

    problem: str | None
    version: str | None


def check_file(path: Path) -> Checked:
    """Is `path` a whole SQLite database, and which salesflow schema version does it hold?

    Opened read-only (`mode=ro`), so checking a file never changes it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        return Checked(_("cannot read {path}: {error}").format(path=path, error=exc.strerror),
                       None)
    if header != b"SQLite format 3\x00":
        return Checked(_("{path} is not a SQLite database").format(path=path), None)
    try:
        con = sqlite3.connect(_uri(path, "ro"), uri=True)
    except sqlite3.Error as exc:
        return Checked(_("{path} cannot be opened: {error}").format(path=path, error=exc), None)
    try:
        try:
            result = [row[0] for row in con.execute("PRAGMA integrity_check")]
        except sqlite3.Error as exc:
            return Checked(_("{path} is damaged: {error}").format(path=path, error=exc), None)
        if result != ["ok"]:
            return Checked(_("{path} is damaged: {error}").format(path=path, error=result[0]),
                           None)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        return Checked(None, row[0] if row else None)
    finally:
        con.close()


def read_version(path: Path) -> str | None:
    """The salesflow schema version stored in the file (no check, nothing written)."""
    try:
        con = sqlite3.connect(_uri(path, "ro"), uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    return row[0] if row else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete the temporary copies left in `folder` by a copy that was killed."""
    removed = []
    for path in folder.glob(f".*{PARTIAL}*"):
        # `<pid>`, or `<pid>-journal` / `-wal` / `-shm` beside it
        pid_text = path.name.rsplit(PARTIAL, 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def safe_copy(source: Path, dest: Path, *, replace: bool = False) -> str | None:
    """Copy the database `source` to `dest` atomically; returns the copy's schema version.

    `dest` must not exist unless `replace` is set. On any failure nothing is left at
    `dest` (an earlier file there stays as it was) and DatabaseError says why."""
    dest = dest.expanduser()
    if dest.exists() and not replace:
        raise DatabaseError(
            _("{dest} already exists; choose a new file name").format(dest=dest))
    remove_stale_partials(dest.parent)
    temp = dest.with_name(f".{dest.name}{PARTIAL}{os.getpid()}")
    for leftover in (temp, *(Path(f"{temp}{side}") for side in SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()  # our own, from an earlier copy in this process
    try:
        fd = os.open(temp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        src = sqlite3.connect(_uri(source, "rw"), uri=True)  # never creates it
        try:
            try:
                row = src.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.OperationalError:
                row = None
            expected = row[0] if row else None
            out = sqlite3.connect(temp)
            try:
                src.backup(out)
                # One self-contained file: no -wal beside the copy.
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            src.close()
        checked = check_file(temp)
        if checked.problem is not None:
            raise DatabaseError(_("the copy of {source} failed its check ({problem}); "
                                  "nothing was written to {dest}").format(
                source=source, problem=checked.problem, dest=dest))
        if checked.version != expected:
            raise DatabaseError(_("the copy of {source} does not hold its schema version; "
                                  "nothing was written to {dest}").format(
                source=source, dest=dest))
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, dest)
        _fsync_dir(dest.parent)
        return checked.version
    except sqlite3.Error as exc:
        raise DatabaseError(_("cannot copy {source} to {dest}: {error}").format(
            source=source, dest=dest, error=exc)) from None
    except OSError as exc:
        raise DatabaseError(_("cannot copy {source} to {dest}: {error}").format(
            source=source, dest=dest, error=exc.strerror or exc)) from None
    finally:
        for leftover in (temp, *(Path(f"{temp}{side}") for side in SIDECARS)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
