"""`salesflow config show|set` — team settings, stored in the database."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True, help=_("Team settings: thresholds, cadences, "
                                             "calendar, time zone, code mappings."))


@app.command("show")
def show(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import settings

    fmt = check_format(fmt)
    with state(ctx).unit("config show", write=False) as unit:
        render(settings.rows(unit.session), columns.SETTING, OutputOptions(fmt),
               title=_("Settings"))


show.__doc__ = _(
    "Show every setting with its value and default.\n"
    "\n"
    "Example: salesflow config show"
)


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help=_("Setting name, e.g. calendar or "
                                            "cadence.A.prospecting."))],
    value: Annotated[str, typer.Argument(help=_("New value ('' clears a code mapping)."))],
) -> None:
    from salesflow.output import message
    from salesflow.services import config

    with state(ctx).unit("config set", write=True) as unit:
        key, stored, refreshed = config.set_value(unit.session, unit.env, key, value)
    message(_("{key} = {value}").format(key=key, value=stored or _("(cleared)")))
    if refreshed is not None:
        message(_("due dates recomputed for {count} customer(s)").format(count=refreshed))


set_.__doc__ = _(
    "Change a setting. Changing the calendar, the time zone or a cadence recomputes\n"
    "every customer's due date at once; tier thresholds apply at the next `grade --all`.\n"
    "\n"
    "Examples: salesflow config set calendar weekdays ·\n"
    "salesflow config set timezone Asia/Shanghai · salesflow config set code.industry.矿业 MIN"
)
