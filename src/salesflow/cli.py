"""The root command: global options (--db, --as), sub-apps, and the one error handler.

Only Typer and light modules are imported here; SQLAlchemy, Alembic, Rich tables and the
services load inside the commands that need them, so `--help` and completion stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesflow import __version__
from salesflow.commands import (
    brief,
    config,
    contact,
    contract,
    customer,
    demo,
    due,
    export,
    followup,
    grade,
    need,
    payment,
    report,
    solution,
    target,
    user,
)
from salesflow.context import AppState
from salesflow.errors import SalesflowError


def _debug() -> bool:
    return os.environ.get("SALESFLOW_DEBUG", "") not in ("", "0")


class SalesflowGroup(TyperGroup):
    """Turns a SalesflowError into `Error: …` on stderr and its exit code; no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SalesflowError as exc:
            typer.echo(f"Error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # `salesflow export … | head`: the reader left; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:
            if _debug() or type(exc).__module__.startswith("typer"):
                raise
            typer.echo(
                f"Error: internal error ({type(exc).__name__}: {exc}); "
                "run again with SALESFLOW_DEBUG=1 for the traceback",
                err=True,
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=SalesflowGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold customer data
    help=(
        "A standardized B2B sales process in the terminal: complete customer records, "
        "A/B/C tiers, follow-ups with next actions, and the morning agenda.\n\n"
        "Example: salesflow demo && salesflow due"
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="SALESFLOW_DB", metavar="PATH|URL",
                     help="SQLite file, or a SQLAlchemy URL (postgresql+psycopg://…). "
                          "Default: the platform's user data directory."),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", envvar="SALESFLOW_USER", metavar="NAME",
                     help="Acting user (default: your login name)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Show the version and exit.")
    ] = False,
) -> None:
    """Global options; the database opens lazily, only in a command that needs it."""
    ctx.obj = AppState(db=db, user=as_user)


app.add_typer(customer.app, name="customer")
app.add_typer(followup.app, name="followup")
app.add_typer(user.app, name="user")
app.add_typer(config.app, name="config")
app.add_typer(export.app, name="export")
app.add_typer(contract.app, name="contract")
app.add_typer(payment.app, name="payment")
app.add_typer(need.app, name="need")
app.add_typer(report.app, name="report")
app.add_typer(target.app, name="target")
app.add_typer(contact.app, name="contact")
app.add_typer(solution.app, name="solution")
app.command("grade")(grade.grade)
app.command("due")(due.due)
app.command("demo")(demo.demo)
app.command("brief")(brief.brief)


def main() -> None:
    app(prog_name="salesflow")
