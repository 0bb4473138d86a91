"""`salesflow user add|list` — who works here and in which role."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("Users and roles: rep, manager, legal, gm, presales, delivery, "
                         "aftersales."))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("User name (as given to --as)."))],
    role: Annotated[str, typer.Option(
        help=_("rep, manager, legal, gm, presales (产品专家/技术支持), delivery or "
               "aftersales."))] = "rep",
) -> None:
    from salesflow.output import message
    from salesflow.services import users

    with state(ctx).unit("user add", write=True) as unit:
        user = users.add(unit.session, unit.env, name, role)
    message(_("added {name} as {role}").format(name=user.name, role=user.role))


add.__doc__ = _(
    "Add a user with a role. The first user may be added by anyone; after that only a\n"
    "manager or gm may add users.\n"
    "\n"
    "Example: salesflow user add wang.lei --role manager"
)


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import users

    fmt = check_format(fmt)
    with state(ctx).unit("user list", write=False) as unit:
        render(users.rows(unit.session), columns.USER, OutputOptions(fmt), tz=unit.env.tz,
               title=_("Users"),
               empty=_("No users yet: everyone acts as a rep."))


list_.__doc__ = _(
    "List users and their roles.\n"
    "\n"
    "Example: salesflow user list --format json"
)
