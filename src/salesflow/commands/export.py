"""`salesflow export customers|followups|contracts|payments|stage-changes|solutions|phases|
changes|acceptances|key-dates` — every row,
for other systems.

Rows stream from the database to stdout (or --output FILE) in constant memory, with the
stable columns of SPEC §7. One command per entity; each is a few lines around
export_rows(), so another entity is one more such command here and one more query in
services/export.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from salesflow.commands._options import ExcelOpt, RawOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    help=_("Stream every row of an entity as CSV, JSON or JSON Lines (for cron and other "
           "systems).\n\nExample: salesflow export customers --since 2024-10-01 > new.csv"),
)

EXPORT_FORMATS = ("csv", "json", "jsonl", "xlsx")

ExportFormatOpt = Annotated[
    str, typer.Option("--format", "-f", help=_("csv (default), json (one array), jsonl "
                                               "(one object per line) or xlsx (a spreadsheet: "
                                               "with --output, or into a pipe)."),
                      case_sensitive=False)
]
HeadersOpt = Annotated[
    str, typer.Option("--headers", help=_("en (default): the stable column names; zh: the "
                                          "客户信息登记表 headers (客户编号 first) and the "
                                          "standard's words for values, which `customer "
                                          "import` reads back (csv and xlsx)."))
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE",
                             help=_("Only rows from this day on (team time zone): "
                                    "YYYY-MM-DD, -7d, today …"))
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", dir_okay=False,
                              help=_("Write to FILE (created 0600, replaced only when the "
                                     "export succeeds) instead of stdout."))
]


def export_rows(ctx: typer.Context, entity: str, columns: Sequence[Any],
                fetch: Callable[..., Iterable[dict[str, Any]]], *, fmt: str,
                since: str | None, excel: bool, raw: bool, output: Path | None,
                shape: Callable[..., tuple[Sequence[Any], Callable[..., Any]]] | None = None
                ) -> None:
    """The body of every export command: `fetch(session, env, since=…)` → rows → out.
    `shape(env)` may give other columns and a row mapping (export customers --headers zh)."""
    from salesflow.errors import InputError
    from salesflow.output import OutputOptions, message, render, write_xlsx

    fmt = check_format(fmt, EXPORT_FORMATS)
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise InputError(_("format: xlsx is a binary file; give --output FILE (or pipe it)"))
    with state(ctx).unit(f"export {entity}", write=False) as unit:
        rows = fetch(unit.session, unit.env, since=since)  # checks --since before any output
        if shape is not None:
            columns, mapping = shape(unit.env)
            rows = map(mapping, rows)
        if fmt == "xlsx":
            with _binary_destination(output) as target:
                count = write_xlsx(rows, columns, target, sheet=entity)
        else:
            with _destination(output) as out:
                count = render(rows, columns, OutputOptions(fmt, excel, raw), out=out)
    if output is not None and sys.stderr.isatty():
        message(_("exported {count} {entity} to {output}").format(
            count=count, entity=entity, output=output))


@contextmanager
def _destination(path: Path | None) -> Iterator[TextIO]:
    """stdout, or FILE written through a private (0600) temporary file that replaces FILE
    only once every row is written, so a failed export never leaves half a file behind
    and a reader never sees one. A symlink or anything but a regular file (/dev/stdout,
    a named pipe) is written in place instead: replacing it would destroy the link.

    The temporary file (.FILE.<pid>.<random>.tmp) holds personal data, so it is removed
    however the export ends: on an error, on Ctrl-C, and on SIGTERM or SIGHUP (caught
    while it exists). A process killed outright (SIGKILL, power loss) cannot clean up;
    the next export to FILE removes what such a dead process left (see _remove_stale)."""
    import stat

    from salesflow.errors import InputError

    if path is None:
        yield sys.stdout
        return
    path = path.expanduser()

    def refusal(exc: OSError) -> InputError:
        return InputError(_("output: cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror or exc))

    try:
        mode: int | None = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise refusal(exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(path, "w", encoding="utf-8", newline="") as direct:
                yield direct
        except BrokenPipeError:
            raise
        except OSError as exc:  # /dev/full, a device gone: one line, not a traceback
            raise refusal(exc) from None
        return
    import tempfile

    _remove_stale(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    except OSError as exc:
        raise refusal(exc) from None
    try:
        with _signals_raise():
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    yield out
                os.replace(temp, path)
            except OSError as exc:  # a full disk, a quota: the file is not replaced
                raise refusal(exc) from None
    finally:
        Path(temp).unlink(missing_ok=True)


_CAUGHT = ("SIGTERM", "SIGHUP")
STALE_AGE = 24 * 3600  # seconds: a temp file nobody wrote to for a day is abandoned


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise SystemExit(128 + signal) instead of ending the process on
    the spot, so that the `finally` blocks above run (the temporary file is removed, the
    unit of work rolls back); the previous handlers come back afterwards."""
    import signal

    def leave(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous: dict[int, Any] = {}
    for name in _CAUGHT:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, leave)
        except ValueError:  # not the main thread: leave the handlers alone
            break
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _remove_stale(path: Path) -> None:
    """Remove temporary files of exports to `path` whose process is gone: the pid in the
    name no longer runs, or (a name from before the pid was in it, or a pid reused) nobody
    has written to the file for STALE_AGE. A concurrent export's file is left alone."""
    import time

    now = time.time()
    for temp in path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"):
        middle = temp.name[len(path.name) + 2:-len(".tmp")]
        pid_text = middle.split(".", 1)[0] if "." in middle else ""
        try:
            if temp.is_symlink() or not temp.is_file():
                continue
            dead = pid_text.isdigit() and not _running(int(pid_text))
            if dead or now - temp.stat().st_mtime > STALE_AGE:
                temp.unlink()
        except OSError:
            continue  # another user's file, or already gone


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@app.command("customers")
def customers(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
              excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None,
              headers: HeadersOpt = "en") -> None:
    from salesflow import columns
    from salesflow.errors import InputError
    from salesflow.services import export

    if headers not in ("en", "zh"):
        raise InputError(_("headers: '{headers}' is not accepted; use en or zh").format(
            headers=headers))
    if headers == "zh" and fmt.lower() not in ("csv", "xlsx"):
        raise InputError(_("headers: zh is for csv and xlsx; json keys never change"))
    export_rows(ctx, "customers", columns.CUSTOMER, export.customers, fmt=fmt, since=since,
                excel=excel, raw=raw, output=output,
                shape=_register if headers == "zh" else None)


customers.__doc__ = _(
    "Customers, oldest first; --since filters on the day they were created.\n\n"
    "Example: salesflow export customers --since 2024-10-01 --excel -o customers.csv\n\n"
    "Example: salesflow export customers --headers zh --format xlsx -o 客户信息登记表.xlsx"
)


def _register(env: Any) -> tuple[Sequence[Any], Callable[..., Any]]:
    """The columns and rows of the 客户信息登记表 (rules.import_map.REGISTER)."""
    from salesflow.columns import Col
    from salesflow.rules.import_map import REGISTER, register_row

    return ([Col(header) for header, _field in REGISTER],
            lambda row: register_row(row, env.tz))


@contextmanager
def _binary_destination(path: Path | None) -> Iterator[Any]:
    """Where an xlsx goes: FILE through a private temporary file that replaces it once
    the workbook is complete, or a pipe (the zip is finished in a temporary file first:
    a spreadsheet is only readable whole)."""
    import shutil
    import tempfile

    from salesflow.errors import InputError

    folder = path.expanduser().parent if path is not None else None
    try:
        fd, temp = tempfile.mkstemp(prefix=".salesflow.", suffix=".xlsx.tmp", dir=folder)
    except OSError as exc:
        raise InputError(_("output: cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "w+b") as out:
            yield out
            if path is None:
                out.seek(0)
                shutil.copyfileobj(out, sys.stdout.buffer)
                sys.stdout.buffer.flush()
        if path is not None:
            os.replace(temp, path.expanduser())
    finally:
        Path(temp).unlink(missing_ok=True)


def _entity_command(name: str, columns_name: str, rows_name: str, doc: str) -> None:
    """`export NAME`: the rows of services.export.<rows_name> in columns.<columns_name>,
    with the options every entity takes (customers adds --headers, above)."""
    def command(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
                excel: ExcelOpt = False, raw: RawOpt = False,
                output: OutputOpt = None) -> None:
        from salesflow import columns
        from salesflow.services import export

        export_rows(ctx, name, getattr(columns, columns_name), getattr(export, rows_name),
                    fmt=fmt, since=since, excel=excel, raw=raw, output=output)

    command.__doc__ = doc
    app.command(name)(command)


# (name, columns, rows, help): in the order `export --help` lists them
_ENTITIES = (
    ("followups", "FOLLOWUP", "followups", _(
        "Follow-ups, oldest first; --since filters on when the contact happened.\n\n"
        "Example: salesflow export followups --since -1d --format jsonl >> followups.jsonl")),
    ("stage-changes", "STAGE_CHANGE", "stage_changes", _(
        "Every stage move (from, to, who, why), oldest first; --since filters on its time.\n\n"
        "Example: salesflow export stage-changes --since 2024-10-01 --format json")),
    ("contracts", "CONTRACT", "contracts", _(
        "Contracts (number, customer, amount, term, status, creator, signing), oldest first; "
        "--since filters on the day a contract was drafted (signed_at says when it was "
        "signed).\n\n"
        "Example: salesflow export contracts --since 2024-10-01 --format json > contracts.json")),
    ("payments", "PAYMENT_EXPORT", "payments", _(
        "Installments of every contract (due, amount, what was paid and when, open / partial / "
        "paid, and the customer's code), in due order; --since filters on the due date.\n\n"
        "Example: salesflow export payments --since 2024-01-01 --excel -o payments.csv")),
    ("solutions", "SOLUTION", "solutions", _(
        "Solutions (number, customer, name, quote, list price, discount, status, author, "
        "sent, accepted), oldest first; --since filters on the day a solution was drafted.\n\n"
        "Example: salesflow export solutions --format json > solutions.json")),
    ("phases", "PHASE_EXPORT", "phases", _(
        "Delivery phases of every contract (项目实施计划表: contract, customer, phase, dates, "
        "owner, status, done, risk, mitigation, tasks, deliverable), in start order; --since "
        "filters on the start.\n\n"
        "Example: salesflow export phases --format json > phases.json")),
    ("changes", "CHANGE_EXPORT", "changes", _(
        "Change requests the customers confirmed (需求变更确认单: contract, customer, when, "
        "description, cost as an amendment, days moved, confirmed by, recorded by), oldest "
        "first; --since filters on when it was recorded.\n\n"
        "Example: salesflow export changes --since 2024-01-01")),
    ("acceptances", "ACCEPTANCE_EXPORT", "acceptances", _(
        "Acceptances (项目验收报告: contract, customer, day, by, pass or fail, issues, recorded "
        "by and when), oldest first; --since filters on the day of the acceptance.\n\n"
        "Example: salesflow export acceptances --format json")),
    ("key-dates", "KEY_DATE", "key_dates", _(
        "Customers' key dates (customer, name, MM-DD, the year of a one-off date, the next "
        "occasion, who added it and when), oldest first; --since filters on when a key date "
        "was added.\n\n"
        "Example: salesflow export key-dates --format json > key-dates.json")),
)
for _entity in _ENTITIES:
    _entity_command(*_entity)
