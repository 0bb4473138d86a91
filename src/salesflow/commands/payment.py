"""`salesflow payment record` — money received against a signed contract (回款)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True, help=_("Payments received against contracts."))


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
