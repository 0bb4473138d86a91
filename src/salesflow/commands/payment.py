"""`salesflow payment record` — money received against a signed contract (回款)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("Payments received against contracts, and promises to pay."))


@app.command("record")
def record(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("Contract number, e.g. HT20231001."))],
    amount: Annotated[str, typer.Argument(help=_("Amount received, in yuan: 1290000, 129万."))],
    date_: Annotated[str | None, typer.Option(
        "--date", help=_("The day it was received (default today): YYYY-MM-DD."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.rules.money import format_yuan
    from salesflow.services import payments

    with state(ctx).unit("payment record", write=True) as unit:
        done = payments.record(unit.session, unit.env, number, amount, date_)
    parts = ", ".join(
        f"{row['due']} {row['status']}" + (_(" ({amount} open)").format(
            amount=format_yuan(row["amount"] - row["paid_amount"]))
            if row["status"] != "paid" else "")
        for row in done.touched)
    message(_("{number}: {amount} received {day} → {parts}; {open} still open").format(
        number=done.number, amount=format_yuan(done.amount), day=done.day, parts=parts,
        open=format_yuan(done.still_open)))


record.__doc__ = _(
    "Record money received; it pays the earliest open installments first.\n"
    "\n"
    "More than the contract still has open is refused.\n"
    "\n"
    "Example: salesflow payment record HT20231001 258万 --date 2023-12-08"
)


@app.command("promise")
def promise(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("Contract number, e.g. HT20231001."))],
    date_: Annotated[str, typer.Option(
        "--date", help=_("The day the customer promised to pay by: YYYY-MM-DD."))],
    note: Annotated[str | None, typer.Option(help=_("What was agreed."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import payments

    with state(ctx).unit("payment promise", write=True) as unit:
        number_, day, late = payments.promise(unit.session, unit.env, number, date_, note)
    message(_("{number}: promise to pay by {day} recorded; {late} late installment(s) stay "
              "off the agenda until then").format(number=number_, day=day, late=late))


promise.__doc__ = _(
    "Record the customer's promise to pay (催款流程): the contract's late installments\n"
    "stay off every agenda until that day; the day after, still unpaid, they are back as\n"
    "escalations.\n"
    "\n"
    "Example: salesflow payment promise HT20231001 --date 2024-02-05 --note 财务月底付款"
)
