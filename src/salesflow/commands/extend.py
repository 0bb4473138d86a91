"""`salesflow extend REF KIND --to DATE --reason TEXT`, `extend approve|reject|list` — the
extension request form (延期申请表)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    state,
)
from salesflow.i18n import _


class _ExtendGroup(TyperGroup):
    """`extend REF KIND …` asks (the `request` command); `extend approve|reject|list` decide
    and list, so the form reads as the spec writes it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["request", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_ExtendGroup,
    no_args_is_help=True,
    help=_("Extension requests (延期申请表): ask to move an agenda item to a later date; a "
           "manager approves or rejects.\n\n"
           "Example: salesflow extend MFG-EC-001 new-lead --to 2023-10-20 --reason "
           "\"客户出差\""),
)

Id = Annotated[str, typer.Argument(help=_("The request's id, as `extend` printed it."))]


@app.command("request", help=_(
    "Ask to move one agenda item (new-lead, proposal, need, objection, delivery, minutes) "
    "to a later date; prints the request's id. Until a manager approves it the item "
    "keeps its date.\n\n"
    "Example: salesflow extend MFG-EC-001 proposal --to 2023-11-03 --reason "
    "\"客户需求变更\""))
def request(
    ctx: typer.Context,
    customer: CustomerRef,
    kind: Annotated[str, typer.Argument(
        help=_("new-lead, proposal, need, objection, delivery or minutes."))],
    to: Annotated[str, typer.Option("--to", help=_("The new date: YYYY-MM-DD, +3d, fri …"))],
    reason: Annotated[str, typer.Option(help=_("Why the item needs more time."))],
) -> None:
    from salesflow.output import message
    from salesflow.services import extensions

    with state(ctx).unit("extend", write=True) as unit:
        ext = extensions.request(unit.session, unit.env, customer, kind, to, reason)
        typer.echo(ext.id)
    message(_("extension #{id} asked: {kind} {due} → {to}; a manager decides it").format(
        id=ext.id, kind=ext.kind, due=ext.due_date.isoformat(), to=ext.to_date.isoformat()))


@app.command("approve", help=_(
    "Approve a pending request (a manager or gm, not the requester): the item moves to "
    "the new date, shown with the reason.\n\nExample: salesflow extend approve 3"))
def approve(ctx: typer.Context, id_: Id,
            note: Annotated[str | None, typer.Option(help=_("A remark."))] = None) -> None:
    from salesflow.output import message
    from salesflow.services import extensions

    with state(ctx).unit("extend approve", write=True) as unit:
        ext = extensions.decide(unit.session, unit.env, id_, "approved", note)
    message(_("extension #{id} approved: the item is due {to}").format(
        id=ext.id, to=ext.to_date.isoformat()))


@app.command("reject", help=_(
    "Reject a pending request (a manager or gm, not the requester): the item keeps its "
    "date.\n\nExample: salesflow extend reject 3 --note \"请按期提交\""))
def reject(ctx: typer.Context, id_: Id,
           note: Annotated[str, typer.Option(help=_("Why it is rejected."))]) -> None:
    from salesflow.errors import InputError
    from salesflow.output import message
    from salesflow.services import extensions

    if not note.strip():
        raise InputError(_("note: cannot be empty; say why the request is rejected"))
    with state(ctx).unit("extend reject", write=True) as unit:
        ext = extensions.decide(unit.session, unit.env, id_, "rejected", note)
    message(_("extension #{id} rejected").format(id=ext.id))


@app.command("list", help=_(
    "List extension requests, oldest first.\n\n"
    "Example: salesflow extend list --status pending --format csv"))
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        help=_("Only this status: pending, approved or rejected."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import extensions

    fmt = check_format(fmt)
    with state(ctx).unit("extend list", write=False) as unit:
        render(extensions.rows(unit.session, status=status), columns.EXTENSION,
               OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Extension requests"), empty=_("No extension requests match."))
