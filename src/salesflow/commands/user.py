"""`salesflow user add|list` — who works here and in which role."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, state

app = typer.Typer(no_args_is_help=True,
                  help="Users and roles: rep, manager, legal, gm, presales, delivery, "
                       "aftersales.")


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name (as given to --as).")],
    role: Annotated[str, typer.Option(
        help="rep, manager, legal, gm, presales (产品专家/技术支持), delivery or "
             "aftersales.")] = "rep",
) -> None:
    """Add a user with a role. The first user may be added by anyone; after that only a
    manager or gm may add users.

    Example: salesflow user add wang.lei --role manager
    """
    from salesflow.output import message
    from salesflow.services import users

    with state(ctx).unit("user add", write=True) as unit:
        user = users.add(unit.session, unit.env, name, role)
    message(f"added {user.name} as {user.role}")


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """List users and their roles.

    Example: salesflow user list --format json
    """
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import users

    fmt = check_format(fmt)
    with state(ctx).unit("user list", write=False) as unit:
        render(users.rows(unit.session), columns.USER, OutputOptions(fmt), tz=unit.env.tz,
               title="Users", empty="No users yet: everyone acts as a rep.")
