"""`salesflow export customers|followups|contracts|payments|stage-changes` — every row,
for other systems.

Rows stream from the database to stdout (or --output FILE) in constant memory, with the
stable columns of SPEC §7. One command per entity; each is a few lines around
export_rows(), so another entity is one more such command here and one more query in
services/export.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from salesflow.commands._options import ExcelOpt, RawOpt, check_format, state

app = typer.Typer(
    no_args_is_help=True,
    help="Stream every row of an entity as CSV, JSON or JSON Lines (for cron and other "
         "systems).\n\nExample: salesflow export customers --since 2024-10-01 > new.csv",
)

EXPORT_FORMATS = ("csv", "json", "jsonl")

ExportFormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="csv (default), json (one array) or jsonl "
                                             "(one object per line).", case_sensitive=False)
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE",
                             help="Only rows from this day on (team time zone): "
                                  "YYYY-MM-DD, -7d, today …")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", dir_okay=False,
                              help="Write to FILE (created 0600, replaced only when the "
                                   "export succeeds) instead of stdout.")
]


def export_rows(ctx: typer.Context, entity: str, columns: Sequence[Any],
                fetch: Callable[..., Iterator[dict[str, Any]]], *, fmt: str,
                since: str | None, excel: bool, raw: bool, output: Path | None) -> None:
    """The body of every export command: `fetch(session, env, since=…)` → rows → out."""
    from salesflow.output import OutputOptions, message, render

    fmt = check_format(fmt, EXPORT_FORMATS)
    with state(ctx).unit(f"export {entity}", write=False) as unit:
        rows = fetch(unit.session, unit.env, since=since)  # checks --since before any output
        with _destination(output) as out:
            count = render(rows, columns, OutputOptions(fmt, excel, raw), out=out)
    if output is not None and sys.stderr.isatty():
        message(f"exported {count} {entity} to {output}")


@contextmanager
def _destination(path: Path | None) -> Iterator[TextIO]:
    """stdout, or FILE written through a private (0600) temporary file that replaces FILE
    only once every row is written, so a failed export never leaves half a file behind
    and a reader never sees one. A symlink or anything but a regular file (/dev/stdout,
    a named pipe) is written in place instead: replacing it would destroy the link."""
    import stat

    from salesflow.errors import InputError

    if path is None:
        yield sys.stdout
        return
    path = path.expanduser()
    try:
        mode: int | None = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"output: cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        try:
            direct = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"output: cannot write {path}: {exc.strerror or exc}") from None
        with direct:
            yield direct
        return
    import tempfile

    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"output: cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@app.command("customers")
def customers(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
              excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None) -> None:
    """Customers, oldest first; --since filters on the day they were created.

    Example: salesflow export customers --since 2024-10-01 --excel -o customers.csv
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "customers", columns.CUSTOMER, export.customers, fmt=fmt, since=since,
                excel=excel, raw=raw, output=output)


@app.command("followups")
def followups(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
              excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None) -> None:
    """Follow-ups, oldest first; --since filters on when the contact happened.

    Example: salesflow export followups --since -1d --format jsonl >> followups.jsonl
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "followups", columns.FOLLOWUP, export.followups, fmt=fmt, since=since,
                excel=excel, raw=raw, output=output)


@app.command("stage-changes")
def stage_changes(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
                  excel: ExcelOpt = False, raw: RawOpt = False,
                  output: OutputOpt = None) -> None:
    """Every stage move (from, to, who, why), oldest first; --since filters on its time.

    Example: salesflow export stage-changes --since 2024-10-01 --format json
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "stage-changes", columns.STAGE_CHANGE, export.stage_changes, fmt=fmt,
                since=since, excel=excel, raw=raw, output=output)


@app.command("contracts")
def contracts(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
              excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None) -> None:
    """Contracts (number, customer, amount, term, status, creator, signing), oldest first;
    --since filters on the day a contract was drafted (signed_at says when it was signed).

    Example: salesflow export contracts --since 2024-10-01 --format json > contracts.json
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "contracts", columns.CONTRACT, export.contracts, fmt=fmt, since=since,
                excel=excel, raw=raw, output=output)


@app.command("payments")
def payments(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
             excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None) -> None:
    """Installments of every contract (due, amount, what was paid and when, open / partial /
    paid, and the customer's code), in due order; --since filters on the due date.

    Example: salesflow export payments --since 2024-01-01 --excel -o payments.csv
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "payments", columns.PAYMENT_EXPORT, export.payments, fmt=fmt,
                since=since, excel=excel, raw=raw, output=output)


@app.command("solutions")
def solutions(ctx: typer.Context, since: SinceOpt = None, fmt: ExportFormatOpt = "csv",
              excel: ExcelOpt = False, raw: RawOpt = False, output: OutputOpt = None) -> None:
    """Solutions (number, customer, name, quote, list price, discount, status, author,
    sent, accepted), oldest first; --since filters on the day a solution was drafted.

    Example: salesflow export solutions --format json > solutions.json
    """
    from salesflow import columns
    from salesflow.services import export

    export_rows(ctx, "solutions", columns.SOLUTION, export.solutions, fmt=fmt, since=since,
                excel=excel, raw=raw, output=output)
