"""`salesflow need add|respond|resolve|list` — the need feedback form (需求反馈表)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    complete_customer,
    state,
)
from salesflow.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    help=_("Customer needs (需求反馈表): record, respond within 48 hours, resolve, list."),
)

Id = Annotated[str, typer.Argument(help=_("The need's id, as `need add` printed it (e.g. 7)."))]


@app.command("add")
def add(
    ctx: typer.Context,
    customer: CustomerRef,
    description: Annotated[str, typer.Argument(help=_("What the customer needs."))],
    kind: Annotated[str, typer.Option(
        help=_("must (刚性, has to be met), nice (弹性, negotiable) or latent (潜在, not yet "
             "explicit)."))],
    priority: Annotated[str, typer.Option(help=_("high, medium or low (高/中/低)."))],
    department: Annotated[str | None, typer.Option(
        help=_("The department responsible for responding, e.g. 产品部."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import needs

    with state(ctx).unit("need add", write=True) as unit:
        need, found = needs.add(unit.session, unit.env, customer, description, kind=kind,
                                priority=priority, department=department)
        due = needs.due_on(unit.env, need)
        typer.echo(need.id)
    message(_("added need #{id} for {code} ({kind}, {priority}); respond by {due}").format(
        id=need.id, code=found.code, kind=need.kind, priority=need.priority, due=due))


add.__doc__ = _(
    "Record a customer's need; prints its id on stdout. The responsible department must\n"
    "respond within 48 hours: until then it is a `need` item of `salesflow due`.\n"
    "\n"
    "Example: salesflow need add MFG-EC-001 \"数控机床升级\" --kind 刚性 --priority high\n"
    "--department 技术部"
)


@app.command("respond")
def respond(
    ctx: typer.Context,
    id_: Id,
    note: Annotated[str, typer.Option(help=_("The response given to the customer."))],
) -> None:
    from salesflow.output import message
    from salesflow.services import needs

    with state(ctx).unit("need respond", write=True) as unit:
        need = needs.respond(unit.session, unit.env, id_, note)
    message(_("need #{id} responded").format(id=need.id))


respond.__doc__ = _(
    "Record the response to an open need (open → responded); it leaves the agenda.\n"
    "\n"
    "Example: salesflow need respond 7 --note \"技术部已评估, 下周给出方案\""
)


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    id_: Id,
    note: Annotated[str | None, typer.Option(help=_("How it was resolved."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import needs

    with state(ctx).unit("need resolve", write=True) as unit:
        need = needs.resolve_need(unit.session, unit.env, id_, note)
    message(_("need #{id} resolved").format(id=need.id))


resolve.__doc__ = _(
    "Close a need once it is met (open or responded → resolved). Resolving an open need\n"
    "also counts as its response.\n"
    "\n"
    "Example: salesflow need resolve 7 --note \"已交付定制模块, 客户确认满意\""
)


@app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(
        help=_("Only this customer's needs (code or name)."),
        autocompletion=complete_customer)] = None,
    status: Annotated[str | None, typer.Option(
        help=_("Only this status: open, responded or resolved."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import needs

    fmt = check_format(fmt)
    with state(ctx).unit("need list", write=False) as unit:
        render(needs.rows(unit.session, customer=customer, status=status),
               columns.NEED if fmt != "table" else _table_cols(),
               OutputOptions(fmt, excel, raw), tz=unit.env.tz, title=_("Needs"),
               empty=_("No needs match."))


list_.__doc__ = _(
    "List needs, oldest first.\n"
    "\n"
    "Example: salesflow need list --status open --format csv"
)


def _table_cols():  # type: ignore[no-untyped-def]
    """The terminal shows what a rep scans for (kind and department only when there is
    room, so an 80-column terminal keeps the description readable); csv/json carry every
    column."""
    from rich.console import Console

    from salesflow import columns
    from salesflow.output import NARROW

    shown = ["id", "customer_code", "description", "priority", "status", "created_at"]
    if Console().width >= NARROW:
        shown += ["kind", "department"]
    return tuple(c for c in columns.NEED if c.name in shown)
