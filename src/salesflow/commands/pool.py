"""`salesflow pool list|claim|release|sweep` — the shared pool (公海, SPEC §15)."""

from __future__ import annotations

import typer

from salesflow.commands._options import CustomerRef, FormatOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("The shared pool (公海): customers idle past pool.idle_days return "
                         "to it; any rep may claim them."))


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import pool

    fmt = check_format(fmt)
    with state(ctx).unit("pool list", write=False) as unit:
        render(pool.rows(unit.session, unit.env), columns.POOL, OutputOptions(fmt),
               tz=unit.env.tz, title=_("The shared pool (公海)"),
               empty=_("The pool is empty."))


list_.__doc__ = _(
    "List the customers in the pool, with who had each last and since when.\n"
    "\n"
    "Example: salesflow pool list --format csv"
)


@app.command("claim")
def claim(
    ctx: typer.Context,
    ref: CustomerRef,
) -> None:
    from salesflow.output import message
    from salesflow.services import pool

    with state(ctx).unit("pool claim", write=True) as unit:
        customer = pool.claim(unit.session, unit.env, ref)
    message(_("claimed {code} {name}; next due {due}").format(
        code=customer.code, name=customer.name, due=customer.next_due_at or "—"))


claim.__doc__ = _(
    "Take a customer from the pool. Refused when you already hold pool.max_per_rep\n"
    "customers, or lost this one to the pool within pool.lockout_days.\n"
    "\n"
    "Example: salesflow pool claim MFG-EC-001"
)


@app.command("release")
def release(
    ctx: typer.Context,
    ref: CustomerRef,
) -> None:
    from salesflow.output import message
    from salesflow.services import pool

    with state(ctx).unit("pool release", write=True) as unit:
        customer = pool.release(unit.session, unit.env, ref)
    message(_("released {code} {name} to the pool").format(code=customer.code,
                                                           name=customer.name))


release.__doc__ = _(
    "Give a customer back to the pool (its owner, or a manager or gm). Its last owner may\n"
    "not claim it again within pool.lockout_days.\n"
    "\n"
    "Example: salesflow pool release MFG-EC-001"
)


@app.command("sweep")
def sweep(ctx: typer.Context) -> None:
    from salesflow.output import message

    # every writing command sweeps first (AppState.unit); this one does nothing else
    with state(ctx).unit("pool sweep", write=True) as unit:
        moved = unit.swept
    message(_("{count} customer(s) returned to the pool").format(count=len(moved))
            + (f": {', '.join(moved)}" if moved else ""))


sweep.__doc__ = _(
    "Return every customer idle past pool.idle_days to the pool now (every writing\n"
    "command does this first; run it from cron on a quiet team).\n"
    "\n"
    "Example: salesflow pool sweep"
)
