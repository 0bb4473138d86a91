"""`salesflow project add|done|change|accept|show|list` — delivery after the deal (SPEC §12):
项目实施计划表, 需求变更确认单, 项目验收报告."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import (
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    state,
    whole_number,
)
from salesflow.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    help=_("Delivery of a signed contract: phases, change requests, acceptance."),
)

Number = Annotated[str, typer.Argument(help=_("Contract number, e.g. HT20231001."))]
PhaseName = Annotated[str, typer.Argument(help=_("The phase's name, e.g. 需求确认."))]


@app.command("add")
def add(
    ctx: typer.Context,
    number: Number,
    phase: PhaseName,
    start: Annotated[str, typer.Option(help=_("First day of the phase, YYYY-MM-DD."))],
    end: Annotated[str, typer.Option(help=_("Last day of the phase, YYYY-MM-DD."))],
    owner: Annotated[str | None, typer.Option(
        help=_("Who is responsible (负责人), e.g. a presales or delivery user."))] = None,
    tasks: Annotated[str | None, typer.Option(help=_("Key tasks (关键任务)."))] = None,
    deliverable: Annotated[str | None, typer.Option(
        help=_("What it delivers (交付物), e.g. 《需求确认书》."))] = None,
    risk: Annotated[str | None, typer.Option(help=_("Risk (风险点)."))] = None,
    mitigation: Annotated[str | None, typer.Option(help=_("Mitigation (应对措施)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import projects

    with state(ctx).unit("project add", write=True) as unit:
        added = projects.add(unit.session, unit.env, number, phase, start=start, end=end,
                             owner=owner, tasks=tasks, deliverable=deliverable, risk=risk,
                             mitigation=mitigation)
    message(_("{number}: phase {phase} added, {start} to {end}").format(
        number=number.upper(), phase=added.name, start=added.start, end=added.end))


add.__doc__ = _(
    "Add a phase to a signed contract's delivery plan (项目实施计划表). While a phase is\n"
    "unfinished the customer's cadence is cadence.delivery (7 days); a phase not done by\n"
    "its end is a `delivery` item of `salesflow due`.\n"
    "\n"
    "Example: salesflow project add HT20231001 需求确认 --start 2023-11-01 --end 2023-11-05\n"
    "--owner 技术支持 --deliverable 《需求确认书》 --risk 客户需求变更 --mitigation 签署变更确认单"
)


@app.command("done")
def done(
    ctx: typer.Context,
    number: Number,
    phase: PhaseName,
    date_: Annotated[str | None, typer.Option(
        "--date", help=_("The day it was finished (default today): YYYY-MM-DD."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import projects

    with state(ctx).unit("project done", write=True) as unit:
        finished = projects.done(unit.session, unit.env, number, phase, date_)
    message(_("{number}: phase {phase} done on {day}").format(
        number=number.upper(), phase=finished.name, day=finished.done_on))


done.__doc__ = _(
    "Mark a phase of the delivery plan done.\n"
    "\n"
    "Example: salesflow project done HT20231001 需求确认 --date 2023-11-05"
)


@app.command("change")
def change(
    ctx: typer.Context,
    number: Number,
    description: Annotated[str, typer.Option(help=_("What the customer asked to change."))],
    confirmed_by: Annotated[str, typer.Option(
        "--confirmed-by", help=_("The customer's person who confirmed it."))],
    cost: Annotated[str | None, typer.Option(
        help=_("Its cost in yuan, kept as an amendment (the signed amount stays)."))] = None,
    days: Annotated[int, typer.Option(
        parser=whole_number("days", -365, 365),
        help=_("Days every unfinished phase moves (-365 to 365)."))] = 0,
) -> None:
    from salesflow.output import message
    from salesflow.rules.money import format_yuan
    from salesflow.services import projects

    with state(ctx).unit("project change", write=True) as unit:
        record, moved = projects.change(unit.session, unit.env, number,
                                        description=description, confirmed_by=confirmed_by,
                                        cost=cost, days=days)
        typer.echo(record.id)
    message(_("{number}: change #{id} recorded ({cost}, {days:+d} days); {moved} unfinished "
              "phase(s) moved").format(number=number.upper(), id=record.id,
                                       cost=format_yuan(record.cost), days=record.days,
                                       moved=len(moved)))


change.__doc__ = _(
    "Record a change request the customer confirmed (需求变更确认单); prints its id.\n"
    "\n"
    "Unfinished phases move by --days; done ones stay. The cost is an amendment shown by\n"
    "`contract show`; the KPIs keep the signed amount.\n"
    "\n"
    "Example: salesflow project change HT20231001 --description 增加一条分拣线 --cost 20万\n"
    "--days 10 --confirmed-by 王经理"
)


@app.command("accept")
def accept(
    ctx: typer.Context,
    number: Number,
    date_: Annotated[str, typer.Option("--date", help=_("The day of the acceptance."))],
    by: Annotated[str, typer.Option(
        help=_("The customer's person who signed it, e.g. 王经理(采购总监)."))],
    result: Annotated[str | None, typer.Option(help=_("pass (default) or fail."))] = None,
    issues: Annotated[str | None, typer.Option(
        help=_("Issues left open (未解决问题); needed for a fail."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import projects

    with state(ctx).unit("project accept", write=True) as unit:
        record = projects.accept(unit.session, unit.env, number, when=date_, by=by,
                                 result=result, issues=issues)
    if record.result == "pass":
        message(_("{number}: accepted on {day} by {by}; the plan is closed").format(
            number=number.upper(), day=record.accepted_on, by=record.by))
    else:
        message(_("{number}: acceptance on {day} failed; the plan stays open: "
                  "{issues}").format(number=number.upper(), day=record.accepted_on,
                                     issues=record.issues))


accept.__doc__ = _(
    "Record the acceptance (项目验收报告). A pass closes the plan, sets the contract's\n"
    "accepted_on, dates the installments due after acceptance and starts the after-sales\n"
    "visits of the warranty; a fail keeps the plan open with the issues.\n"
    "\n"
    "Example: salesflow project accept HT20231001 --date 2023-12-20 --by 王经理(采购总监)"
)


@app.command("show")
def show(ctx: typer.Context, number: Number, fmt: FormatOpt = "table") -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render_object
    from salesflow.services import projects

    fmt = check_format(fmt)
    with state(ctx).unit("project show", write=False) as unit:
        data = projects.show(unit.session, unit.env, number)
        render_object(
            data, columns.PROJECT, OutputOptions(fmt),
            lists={"phases": (columns.PHASE, data["phases"]),
                   "changes": (columns.CHANGE, data["changes"]),
                   "acceptances": (columns.ACCEPTANCE, data["acceptances"])},
            tz=unit.env.tz, title=f"{data['contract']} {data['customer']}")


show.__doc__ = _(
    "One contract's delivery plan: its phases in date order with their status (planned,\n"
    "active, done, late), the change requests and the acceptances.\n"
    "\n"
    "Example: salesflow project show HT20231001 --format json"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    late: Annotated[bool, typer.Option(
        "--late", help=_("Only phases past their end and not done."))] = False,
    contract: Annotated[str | None, typer.Option(
        help=_("Only this contract's phases."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import projects

    fmt = check_format(fmt)
    with state(ctx).unit("project list", write=False) as unit:
        render(projects.rows(unit.session, unit.env, late=late, contract=contract),
               columns.PHASE_EXPORT, OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Late phases") if late else _("Phases"),
               empty=_("No phases match."))


list_.__doc__ = _(
    "Phases of every contract's delivery plan (columns as `export phases`).\n"
    "\n"
    "Example: salesflow project list --late"
)
