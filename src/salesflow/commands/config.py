"""`salesflow config show|set` — team settings, stored in the database."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, state

app = typer.Typer(no_args_is_help=True, help="Team settings: thresholds, cadences, "
                                             "calendar, time zone, code mappings.")


@app.command("show")
def show(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """Show every setting with its value and default.

    Example: salesflow config show
    """
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import settings

    fmt = check_format(fmt)
    with state(ctx).unit("config show", write=False) as unit:
        render(settings.rows(unit.session), columns.SETTING, OutputOptions(fmt),
               title="Settings")


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting name, e.g. calendar or "
                                            "cadence.A.prospecting.")],
    value: Annotated[str, typer.Argument(help="New value ('' clears a code mapping).")],
) -> None:
    """Change a setting. Changing the calendar, the time zone or a cadence recomputes
    every customer's due date at once; tier thresholds apply at the next `grade --all`.

    Examples: salesflow config set calendar weekdays ·
    salesflow config set timezone Asia/Shanghai · salesflow config set code.industry.矿业 MIN
    """
    from salesflow.output import message
    from salesflow.services import config

    with state(ctx).unit("config set", write=True) as unit:
        key, stored, refreshed = config.set_value(unit.session, unit.env, key, value)
    message(f"{key} = {stored or '(cleared)'}")
    if refreshed is not None:
        message(f"due dates recomputed for {refreshed} customer(s)")
