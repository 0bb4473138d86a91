"""`salesflow solution add|submit|review|send|accept|decline|list|show` — solutions and
quotes (解决方案定制表) and their review (方案评审)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    customer_ref,
    state,
)
from salesflow.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    help=_("Solutions and quotes: draft, review (manager, gm beyond the discount limit), "
           "send, accept or decline."))

Number = Annotated[str, typer.Argument(help=_("Solution number, e.g. FA20231001."))]


@app.command("add")
def add(
    ctx: typer.Context,
    ref: CustomerRef,
    name: Annotated[str, typer.Argument(help=_("The solution's name."))],
    quote: Annotated[str, typer.Option(help=_("Quoted price in yuan: 258万, 2580000."))],
    list_price: Annotated[str | None, typer.Option(
        "--list-price", help=_("List price in yuan; the discount is 1 − quote ÷ list price."))]
    = None,
    config: Annotated[str | None, typer.Option(help=_("Product configuration (产品配置)."))]
    = None,
    days: Annotated[int | None, typer.Option(help=_("Delivery period in days (实施周期)."))]
    = None,
    extras: Annotated[str | None, typer.Option(help=_("Extra services (附加服务)."))] = None,
    highlights: Annotated[str | None, typer.Option(help=_("Selling points (方案亮点)."))]
    = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import solutions

    with state(ctx).unit("solution add", write=True) as unit:
        solution = solutions.add(unit.session, unit.env, ref, name, quote=quote,
                                 list_price=list_price, config=config, days=days,
                                 extras=extras, highlights=highlights)
        typer.echo(solution.number)
        text = _("drafted {number}; submit it for review with salesflow solution submit "
                 "{number}").format(number=solution.number)
    message(text)


add.__doc__ = _(
    "Draft a solution for a customer; prints its number (FA + year, month, sequence).\n"
    "\n"
    "Example: salesflow solution add MFG-EC-001 智能分拣解决方案 --quote 258万\n"
    "--list-price 280万 --config \"A型分拣机2台+管理系统\" --days 45 "
    "--extras \"免费培训3次+1年质保\""
)


@app.command("submit")
def submit(ctx: typer.Context, number: Number) -> None:
    from salesflow.output import message
    from salesflow.services import solutions

    with state(ctx).unit("solution submit", write=True) as unit:
        solution = solutions.submit(unit.session, unit.env, number)
        text = _("{number}: {state}").format(
            number=solution.number,
            state=solutions.state_text(unit.session, unit.env, solution))
    message(text)


submit.__doc__ = _(
    "Send a draft to review (a manager who is not its author; a gm too beyond the\n"
    "discount limit).\n"
    "\n"
    "Example: salesflow solution submit FA20231001"
)


@app.command("review")
def review(
    ctx: typer.Context, number: Number,
    approve: Annotated[bool, typer.Option("--approve/--reject",
                                          help=_("Approve, or reject back to draft."))]
    = True,
    note: Annotated[str | None, typer.Option(help=_("A comment; required to reject."))]
    = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import solutions

    with state(ctx).unit("solution review", write=True) as unit:
        done = solutions.review(unit.session, unit.env, number, approve=approve, note=note)
    s = done.solution
    if done.decision == "reject":
        message(_("{number}: rejected at the {step} review; back to draft").format(
            number=s.number, step=done.step))
    elif done.next_step:
        message(_("{number}: {step} review approved; waiting for the {next} review").format(
            number=s.number, step=done.step, next=done.next_step))
    else:
        message(_("{number}: approved; send it with salesflow solution send {number}")
                .format(number=s.number))


review.__doc__ = _(
    "Review a solution as the acting user: the manager's review first, then the gm's\n"
    "when the discount is beyond the setting discount.limit. The author never reviews.\n"
    "\n"
    "Example: salesflow --as wang.lei solution review FA20231001 --approve --note 通过，需补充案例"
)


def _moved(done) -> None:  # type: ignore[no-untyped-def]
    from salesflow.output import message

    if done.move is not None:
        message(_("{number} {status}; {code}: {src} → {dst}").format(
            number=done.solution.number, status=done.solution.status,
            code=done.customer.code, src=done.move.from_stage, dst=done.move.to_stage))
    else:
        message(_("{number} {status}; {code} stays at {stage}").format(
            number=done.solution.number, status=done.solution.status,
            code=done.customer.code, stage=done.customer.stage))


@app.command("send")
def send(ctx: typer.Context, number: Number) -> None:
    from salesflow.services import solutions

    with state(ctx).unit("solution send", write=True) as unit:
        done = solutions.send(unit.session, unit.env, number)
    _moved(done)


send.__doc__ = _(
    "Record that an approved solution went to the customer: intent → proposal.\n"
    "\n"
    "Example: salesflow solution send FA20231001"
)


@app.command("accept")
def accept(
    ctx: typer.Context, number: Number,
    letter_date: Annotated[str | None, typer.Option(
        "--letter-date", help=_("Date of the letter of intent (合作意向书), default today."))]
    = None,
) -> None:
    from salesflow.services import solutions

    with state(ctx).unit("solution accept", write=True) as unit:
        done = solutions.accept(unit.session, unit.env, number, letter_date)
    _moved(done)


accept.__doc__ = _(
    "Record the customer's acceptance and letter of intent: proposal → negotiation.\n"
    "\n"
    "Example: salesflow solution accept FA20231001 --letter-date 2023-10-20"
)


@app.command("decline")
def decline(
    ctx: typer.Context, number: Number,
    reason: Annotated[str | None, typer.Option(help=_("Why the customer declined."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import solutions

    with state(ctx).unit("solution decline", write=True) as unit:
        solution = solutions.decline(unit.session, unit.env, number, reason)
    message(_("{number} declined").format(number=solution.number))


decline.__doc__ = _(
    "Record that the customer declined a sent solution; the customer stays in proposal\n"
    "(a revised solution is a new draft).\n"
    "\n"
    "Example: salesflow solution decline FA20231001 --reason 预算不足"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    ref: Annotated[str | None, customer_ref(_("Only this customer's solutions."))]
    = None,
    status: Annotated[str | None, typer.Option(
        help=_("Only this status: draft, review, approved, sent, accepted, declined."))]
    = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import solutions

    fmt = check_format(fmt)
    with state(ctx).unit("solution list", write=False) as unit:
        render(solutions.rows(unit.session, unit.env, ref=ref, status=status),
               columns.SOLUTION, OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Solutions"), empty=_("No solutions match."))


list_.__doc__ = _(
    "List solutions (columns as `export solutions`).\n"
    "\n"
    "Example: salesflow solution list MFG-EC-001 --status sent --format csv"
)


@app.command("show")
def show(ctx: typer.Context, number: Number, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render_object
    from salesflow.services import solutions

    fmt = check_format(fmt)
    with state(ctx).unit("solution show", write=False) as unit:
        data = solutions.show(unit.session, unit.env, number)
        render_object(data.row, columns.SOLUTION, OutputOptions(fmt),
                      extra=data.extra if fmt == "table" else None,
                      lists={"reviews": (columns.SOLUTION_REVIEW, data.reviews)},
                      tz=unit.env.tz, title=f"{data.row['number']} {data.row['name']}")


show.__doc__ = _(
    "One solution with its reviews; --format json is the `export solutions` columns plus\n"
    "`reviews`.\n"
    "\n"
    "Example: salesflow solution show FA20231001 --format json"
)
