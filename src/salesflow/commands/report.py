"""`salesflow report quarter` — the quarterly KPI table (销售数据分析表) with the funnel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.commands._options import ExcelOpt, FormatOpt, RawOpt, check_format, state
from salesflow.i18n import _

if TYPE_CHECKING:
    from salesflow.rules.kpi import Line, Step
    from salesflow.services.report import Report

app = typer.Typer(no_args_is_help=True,
                  help=_("Reports: the quarterly KPI table (销售数据分析表) and stage funnel."))

BAR_WIDTH = 30


# Paragraphs are single strings: Typer's rich help keeps every newline inside one.
QUARTER_HELP = "\n\n".join([
    _("The quarter's KPIs with target, actual, completion (actual ÷ target), YoY (vs the "
      "same quarter a year earlier) and QoQ (vs the previous quarter), then the stage "
      "funnel: customers entering each stage in the quarter, with the step conversions."),
    _("A quarter is calendar days in the team's time zone (setting timezone). Metrics: "
      "new_leads; won_deals; lead_conversion_rate (customers whose first contract was "
      "signed in the quarter ÷ new_leads); signed_amount; avg_deal_size; "
      "avg_sales_cycle_days (calendar days from creation to the first signing); csat "
      "(share of satisfaction answers that are 4 or 5); followups; on_time_rate (made on "
      "or before the due date); late_entry_rate (logged more than 24 hours after the "
      "contact). Targets come from salesflow target set."),
    _("CSV columns: metric,target,actual,completion,yoy,qoq. JSON: one object with "
      "quarter, from, to, metrics (the CSV rows) and funnel (stage, entered, conversion). "
      "Money is in yuan; rates, completion, YoY and QoQ are decimals (0.15 = 15%), rounded "
      "like days to 4 decimal places. A ratio without a denominator (or a completion "
      "without a target, a change from nothing) is empty in CSV, null in JSON, — in the "
      "table."),
    _("--by owner counts each customer, contract and follow-up for the customer's current "
      "owner. CSV appends an owner column: first the team's rows (owner empty, with the "
      "targets), then each owner's rows (no target or completion: targets are the "
      "team's). JSON adds by_owner (those rows) and funnel_by_owner."),
    _("Example: salesflow report quarter 2024Q4 --by owner --format csv"),
])


@app.command("quarter", help=QUARTER_HELP)
def quarter(
    ctx: typer.Context,
    quarter_: Annotated[str | None, typer.Argument(
        metavar="QUARTER",
        help=_("The quarter, e.g. 2024Q4 (also 2024q4, 2024-Q4). Default: the current one."))]
    = None,
    by: Annotated[str | None, typer.Option(
        "--by", metavar="owner", help=_("owner: the same metrics and funnel per customer "
                                        "owner."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    """The quarterly KPI table (help: QUARTER_HELP)."""
    from salesflow.output import OutputOptions
    from salesflow.services import report as reports

    fmt = check_format(fmt)
    if by is not None and by.strip().lower() != "owner":
        raise typer.BadParameter(_("'{value}' is not a breakdown; use owner").format(
            value=by), param_hint="--by")
    with state(ctx).unit("report quarter", write=False) as unit:
        data = reports.quarter_report(unit.session, unit.env, quarter_,
                                      by_owner=by is not None)
    opts = OutputOptions(fmt, excel, raw)
    if fmt == "table":
        _tables(data, by_owner=by is not None)
    else:
        _machine(data, opts, by_owner=by is not None)


def _metric_row(line: Line, owner: str | None = None) -> dict[str, Any]:
    from salesflow.rules.kpi import machine_value, rounded

    return {"metric": line.metric.name, "target": machine_value(line.metric, line.target),
            "actual": machine_value(line.metric, line.actual),
            "completion": rounded(line.completion), "yoy": rounded(line.yoy),
            "qoq": rounded(line.qoq), "owner": owner}


def _funnel_row(step: Step, owner: str | None = None) -> dict[str, Any]:
    from salesflow.rules.kpi import rounded

    return {"stage": step.stage, "entered": step.entered,
            "conversion": rounded(step.conversion), "owner": owner}


def _machine(data: Report, opts: Any, *, by_owner: bool) -> None:
    from salesflow import columns
    from salesflow.output import render, render_object

    team = [_metric_row(line) for line in data.lines]
    if opts.format == "csv":
        rows = team + [_metric_row(line, o.owner) for o in data.owners for line in o.lines]
        render(rows, columns.REPORT_BY_OWNER if by_owner else columns.REPORT, opts)
        return
    lists: dict[str, Any] = {
        "metrics": (columns.REPORT, team),
        "funnel": (columns.FUNNEL, [_funnel_row(s) for s in data.funnel]),
    }
    if by_owner:
        lists["by_owner"] = (columns.REPORT_BY_OWNER, [
            _metric_row(line, o.owner) for o in data.owners for line in o.lines])
        lists["funnel_by_owner"] = (columns.FUNNEL_BY_OWNER, [
            _funnel_row(s, o.owner) for o in data.owners for s in o.funnel])
    render_object({"quarter": data.quarter, "from": data.first_day, "to": data.last_day},
                  columns.REPORT_HEADER, opts, lists=lists)


def _tables(data: Report, *, by_owner: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from salesflow.rules.kpi import human_value, percent

    console = Console()
    kpis = Table(title=_("KPIs {quarter} ({first} – {last})").format(
                     quarter=data.quarter, first=data.first_day, last=data.last_day),
                 title_justify="left", title_style="bold", header_style="bold underline",
                 box=None)
    kpis.add_column(_("metric"), no_wrap=True)
    for name in (_("target"), _("actual"), _("completion"), _("YoY"), _("QoQ")):
        kpis.add_column(name, justify="right", no_wrap=True)
    for line in data.lines:
        kpis.add_row(_(line.metric.label), human_value(line.metric, line.target),
                     human_value(line.metric, line.actual), percent(line.completion),
                     percent(line.yoy, signed=True), percent(line.qoq, signed=True))
    console.print(kpis)
    console.print()
    console.print(_funnel_table(_("Funnel (customers entering each stage)"), data.funnel))
    if not by_owner:
        return
    if not data.owners:
        console.print("\n" + _("No owner has customers, contracts or follow-ups in these "
                               "quarters."), style="dim")
        return
    owners = Table(title=_("By owner (actual)"), title_justify="left", title_style="bold",
                   header_style="bold underline", box=None)
    owners.add_column(_("metric"), no_wrap=True)
    for o in data.owners:
        owners.add_column(o.owner, justify="right", no_wrap=True)
    for i, line in enumerate(data.lines):
        owners.add_row(_(line.metric.label),
                       *[human_value(line.metric, o.lines[i].actual) for o in data.owners])
    for i, step in enumerate(data.funnel):
        owners.add_row(_("entered {stage}").format(stage=step.stage),
                       *[str(o.funnel[i].entered) for o in data.owners])
    console.print()
    console.print(owners)


def _funnel_table(title: str, steps: list[Step]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from salesflow.rules.kpi import percent

    top = max((s.entered for s in steps), default=0)
    table = Table(title=title, title_justify="left", title_style="bold", box=None,
                  show_header=True, header_style="bold underline")
    table.add_column(_("stage"), no_wrap=True)
    table.add_column(_("entered"), no_wrap=True)
    table.add_column(_("conversion"), justify="right", no_wrap=True)
    for i, s in enumerate(steps):
        width = round(BAR_WIDTH * s.entered / top) if top else 0
        if s.entered and not width:
            width = 1
        bar = Text("█" * width, style="cyan")
        bar.append(f" {s.entered}")
        conv = f"{steps[i - 1].stage}→{s.stage} {percent(s.conversion)}" if i else ""
        table.add_row(s.stage, bar, conv)
    return table
