"""`salesflow contract add|submit|approve|sign|list|show` — contracts and their approval
chain (合同审批表): sales manager → legal → general manager, then signing."""

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
    help=_("Contracts: draft, submit, approve (manager → legal → gm), sign, list, show."),
)

Number = Annotated[str, typer.Argument(help=_("Contract number, e.g. HT20231001."))]


@app.command("add")
def add(
    ctx: typer.Context,
    customer: CustomerRef,
    amount: Annotated[str | None, typer.Option(
        help=_("Contract amount in yuan: 2580000, 258万, 2.58m (default with --solution: "
               "its quote)."))] = None,
    start: Annotated[str | None, typer.Option(help=_("First day of the contract, YYYY-MM-DD."))]
    = None,
    end: Annotated[str | None, typer.Option(help=_("Last day of the contract, YYYY-MM-DD."))]
    = None,
    terms: Annotated[str | None, typer.Option(
        help=_("Summary of the main terms, e.g. '一次性付款，30天质保'."))] = None,
    payment: Annotated[list[str] | None, typer.Option(
        "--payment", metavar="DATE:AMOUNT",
        help=_("An installment, e.g. 2024-01-31:1290000, or acceptance+30:129万 (due 30 "
               "days after acceptance) (repeatable)."))] = None,
    warranty: Annotated[str | None, typer.Option(
        help=_("Warranty (质保期) from acceptance, in months or days: 12m, 90d."))] = None,
    number: Annotated[str | None, typer.Option(
        help=_("Contract number (default: HT + this month + the month's sequence)."))] = None,
    submit: Annotated[bool, typer.Option(
        "--submit", help=_("Submit it for approval at once."))] = False,
    solution: Annotated[str | None, typer.Option(
        "--solution", metavar="FA…",
        help=_("The accepted solution it comes from; its quote is the default amount."))]
    = None,
) -> None:
    from salesflow.output import message
    from salesflow.rules.money import format_yuan
    from salesflow.services import contracts

    with state(ctx).unit("contract add", write=True) as unit:
        added = contracts.add(unit.session, unit.env, customer, amount=amount, start=start,
                              end=end, terms=terms, payments=payment or [], number=number,
                              submit=submit, solution=solution, warranty=warranty)
        typer.echo(added.contract.number)
    c = added.contract
    state_ = (_("submitted, waiting for {step}").format(step=c.pending_step)
              if c.status == "pending" else
              _("draft (submit it with salesflow contract submit {number})").format(
                  number=c.number))
    message(_("added {number} for {code} {name}: {amount}, {count} installment(s) — "
              "{state}").format(number=c.number, code=added.customer.code,
                                name=added.customer.name, amount=format_yuan(c.amount),
                                count=len(added.installments), state=state_))
    if added.unscheduled:
        message(_("note: the installments leave {amount} of the amount unscheduled").format(
            amount=format_yuan(added.unscheduled)), style="yellow")


add.__doc__ = _(
    "Draft a contract for a customer; prints its number (e.g. HT20231001) on stdout.\n"
    "\n"
    "The payment schedule is optional; installments may not add up to more than the\n"
    "amount; acceptance+N:AMOUNT falls due N days after the acceptance (project accept).\n"
    "--warranty 12m starts the after-sales visits at acceptance. --submit sends it to\n"
    "the approval chain at once. --solution FA… links it to\n"
    "the customer's accepted solution and takes its quote as the amount unless --amount.\n"
    "\n"
    "Example: salesflow contract add MFG-EC-001 --amount 258万 --start 2023-11-01\n"
    "--end 2024-11-01 --terms \"一次性付款，30天质保\" --payment 2023-12-01:258万 --submit"
)


@app.command("submit")
def submit(ctx: typer.Context, number: Number) -> None:
    from salesflow.output import message
    from salesflow.services import contracts

    with state(ctx).unit("contract submit", write=True) as unit:
        contract = contracts.submit(unit.session, unit.env, number)
    message(_("{number} submitted: waiting for {step}").format(
        number=contract.number, step=contract.pending_step))


submit.__doc__ = _(
    "Send a draft (or a rejected and revised) contract to the approval chain; a\n"
    "resubmission starts the chain again at the sales manager.\n"
    "\n"
    "Example: salesflow contract submit HT20231001"
)


@app.command("approve")
def approve(
    ctx: typer.Context,
    number: Number,
    reject: Annotated[bool, typer.Option(
        "--reject", help=_("Reject instead: back to draft (needs --note)."))] = False,
    note: Annotated[str | None, typer.Option(help=_("A comment; the reason when rejecting."))]
    = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import contracts

    with state(ctx).unit("contract approve", write=True) as unit:
        done = contracts.decide(unit.session, unit.env, number, reject=reject, note=note)
    c = done.contract
    if done.decision == "reject":
        message(_("{number}: rejected at the {step} step; back to draft").format(
            number=c.number, step=done.step))
    elif done.next_step:
        message(_("{number}: {step} step approved; waiting for {next}").format(
            number=c.number, step=done.step, next=done.next_step))
    else:
        message(_("{number}: {step} step approved; the contract is approved — sign it "
                  "with salesflow contract sign {number}").format(number=c.number,
                                                                   step=done.step))


approve.__doc__ = _(
    "Approve the step the contract waits for (manager → legal → gm), as the acting user.\n"
    "\n"
    "You must hold that step's role, may approve a contract only once, and never one you\n"
    "created. --reject --note TEXT sends it back to draft; it must be resubmitted.\n"
    "\n"
    "Example: salesflow --as wang.lei contract approve HT20231001 --note 同意"
)


@app.command("sign")
def sign(
    ctx: typer.Context,
    number: Number,
    date_: Annotated[str | None, typer.Option(
        "--date", help=_("When it was signed (default now): YYYY-MM-DD [HH:MM]."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import contracts

    with state(ctx).unit("contract sign", write=True) as unit:
        signed = contracts.sign(unit.session, unit.env, number, date_)
    message(_("{number} signed; {code}: {from_stage} → {to_stage}").format(
        number=signed.contract.number, code=signed.customer.code,
        from_stage=signed.move.from_stage, to_stage=signed.move.to_stage))


sign.__doc__ = _(
    "Record the signature of an approved contract: the customer becomes won (its first\n"
    "contract) or repeat (a further one). Only for a customer in negotiation, won or\n"
    "repeat (不跳环节): accept a solution first, or have a manager skip the customer there.\n"
    "\n"
    "Example: salesflow contract sign HT20231001 --date 2023-10-20"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        help=_("Only this status: draft, pending, approved, signed, rejected, cancelled."))]
    = None,
    customer: Annotated[str | None, typer.Option(
        help=_("Only this customer's contracts (code or name)."),
        autocompletion=complete_customer)] = None,
    waiting_for_me: Annotated[bool, typer.Option(
        "--waiting-for-me", help=_("Only contracts waiting for your approval."))] = False,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.rules.choices import parse_choice
    from salesflow.rules.contract import STATUSES
    from salesflow.services import contracts

    fmt = check_format(fmt)
    try:
        status = parse_choice(status, STATUSES, "status") if status else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--status") from None
    with state(ctx).unit("contract list", write=False) as unit:
        render(contracts.rows(unit.session, unit.env, status=status, customer=customer,
                              waiting_for_me=waiting_for_me),
               columns.CONTRACT if fmt != "table" else _table_cols(),
               OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Waiting for you") if waiting_for_me else _("Contracts"),
               empty=_("No contracts match."))


list_.__doc__ = _(
    "List contracts (columns as `export contracts`).\n"
    "\n"
    "Example: salesflow --as wang.lei contract list --waiting-for-me"
)


def _table_cols():  # type: ignore[no-untyped-def]
    from salesflow import columns
    from salesflow.columns import Col

    picked = {c.name: c for c in columns.CONTRACT}
    return (picked["number"], picked["customer_code"], Col("customer"), picked["amount"],
            picked["status"], Col("waiting_for"), picked["created_by"], picked["signed_at"])


@app.command("show")
def show(ctx: typer.Context, number: Number, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.columns import Col
    from salesflow.output import OutputOptions, render_object
    from salesflow.services import contracts

    fmt = check_format(fmt)
    with state(ctx).unit("contract show", write=False) as unit:
        data = contracts.show(unit.session, unit.env, number)
        table = fmt == "table"
        render_object(
            data.row, columns.CONTRACT, OutputOptions(fmt),
            # JSON is exactly the export keys plus the two lists (SPEC §7); the terminal
            # also shows the terms and the chain.
            extra=data.extra if table else None,
            lists={"approvals": (columns.APPROVAL + ((Col("round", "int"),) if table else ()),
                                 data.approvals),
                   "payments": (columns.PAYMENT_SHOW, data.payments),
                   "changes": (columns.CHANGE, data.changes)},
            tz=unit.env.tz, title=f"{data.row['number']} {data.row['customer']}",
        )


show.__doc__ = _(
    "One contract: its terms, the approval chain with who approved when (every round),\n"
    "and its installments with what has been paid.\n"
    "\n"
    "Example: salesflow contract show HT20231001 --format json"
)
