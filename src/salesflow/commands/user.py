"""`salesflow user add|remove|list` — who works here and in which role."""

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
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin",
        help=_("Server database: read the login's password from the first line of "
               "standard input (never give it on the command line)."))] = False,
) -> None:
    import sys

    from salesflow.errors import InputError
    from salesflow.output import message
    from salesflow.services import users

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError(_("--password-stdin: standard input gave no password; pipe "
                               "it in, e.g. printf '%s\\n' \"$PW\" | salesflow user add "
                               "NAME --password-stdin"))
    with state(ctx).unit("user add", write=True) as unit:
        user = users.add(unit.session, unit.env, name, role, password)
    message(_("added {name} as {role}").format(name=user.name, role=user.role))


add.__doc__ = _(
    "Add a user with a role. The first user may be added by anyone; after that only a\n"
    "manager or gm may add users. On a server database (PostgreSQL) this also creates\n"
    "the user's database login, with the password read by --password-stdin.\n"
    "\n"
    "Example: salesflow user add wang.lei --role manager"
)


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("User name."))],
) -> None:
    from salesflow.output import message
    from salesflow.services import users

    with state(ctx).unit("user remove", write=True) as unit:
        user = users.remove(unit.session, unit.env, name)
    message(_("removed {name}").format(name=user.name))


remove.__doc__ = _(
    "Remove a user who owns no customers (a manager or gm). On a server database this\n"
    "also revokes the login's access to the database.\n"
    "\n"
    "Example: salesflow user remove wang.lei"
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
