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


# `--by owner`, the one breakdown of report quarter and report month
ByOwner = Annotated[str | None, typer.Option(
    "--by", metavar="owner", help=_("owner: the same metrics and funnel per customer "
                                    "owner."))]

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
    _("CSV columns: metric,target,actual,completion,yoy,qoq,factors,actions (the last two "
      "from salesflow report note). JSON: one object with "
      "quarter, from, to, metrics (the CSV rows) and funnel (stage, entered, conversion). "
      "Money is in yuan; rates, completion, YoY and QoQ are decimals (0.15 = 15%), rounded "
      "like days to 4 decimal places. A ratio without a denominator (or a completion "
      "without a target, a change from nothing) is empty in CSV, null in JSON, — in the "
      "table."),
    _("--by owner counts each customer, contract and follow-up for the customer's current "
      "owner. CSV puts an owner column after qoq (then factors,actions): first the "
      "team's rows (owner empty, with the targets), then each owner's rows (target and "
      "completion from the owner's own targets, target set --owner). A new_leads target "
      "per industry or region adds a row such as new_leads[industry=制造业] after the ten "
      "metrics. JSON adds by_owner (those rows) and funnel_by_owner."),
    _("Example: salesflow report quarter 2024Q4 --by owner --format csv"),
])


@app.command("quarter", help=QUARTER_HELP)
def quarter(
    ctx: typer.Context,
    quarter_: Annotated[str | None, typer.Argument(
        metavar="QUARTER",
        help=_("The quarter, e.g. 2024Q4 (also 2024q4, 2024-Q4). Default: the current one."))]
    = None,
    by: ByOwner = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    """The quarterly KPI table (help: QUARTER_HELP)."""
    from salesflow.services import report as reports

    fmt = check_format(fmt)
    by_owner = _by_owner(by)
    with state(ctx).unit("report quarter", write=False) as unit:
        data = reports.quarter_report(unit.session, unit.env, quarter_, by_owner=by_owner)
    _show(data, fmt, excel, raw, by_owner=by_owner, key="quarter")


def _by_owner(by: str | None) -> bool:
    if by is not None and by.strip().lower() != "owner":
        raise typer.BadParameter(_("'{value}' is not a breakdown; use owner").format(
            value=by), param_hint="--by")
    return by is not None


def _show(data: Report, fmt: str, excel: bool, raw: bool, *, by_owner: bool,
          key: str) -> None:
    from salesflow.output import OutputOptions

    if fmt == "table":
        _tables(data, by_owner=by_owner)
    else:
        _machine(data, OutputOptions(fmt, excel, raw), by_owner=by_owner, key=key)


MONTH_HELP = "\n\n".join([
    _("The KPI table of one month, in the quarter's shape: the same metrics and funnel "
      "over the month's calendar days; yoy is the change against the same month a year "
      "earlier and qoq (the same column, so one parser reads both reports) the change "
      "against the previous month. Targets are set per quarter, so a month shows none."),
    _("CSV columns: metric,target,actual,completion,yoy,qoq,factors,actions. JSON: one "
      "object with month, from, to, metrics and funnel; --by owner as for report "
      "quarter."),
    _("Example: salesflow report month 2024-11 --format csv"),
])


@app.command("month", help=MONTH_HELP)
def month(
    ctx: typer.Context,
    month_: Annotated[str | None, typer.Argument(
        metavar="MONTH", help=_("The month, e.g. 2024-11. Default: the current one."))]
    = None,
    by: ByOwner = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow.services import report as reports

    fmt = check_format(fmt)
    by_owner = _by_owner(by)
    with state(ctx).unit("report month", write=False) as unit:
        data = reports.month_report(unit.session, unit.env, month_, by_owner=by_owner)
    _show(data, fmt, excel, raw, by_owner=by_owner, key="month")


@app.command("note", help="\n\n".join([
    _("Record 模板八's last two columns for one metric of a quarter (or a month): the main "
      "factors behind the figure (主要影响因素) and the improvement actions (改进措施). "
      "report quarter shows them in its factors and actions columns. Setting one again "
      "replaces it; one not given is kept."),
    _("Example: salesflow report note 2024Q4 lead_conversion_rate --factor 需求挖掘深度不足 "
      "--action 加强销售培训"),
]))
def note(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(
        metavar="QUARTER", help=_("The quarter, e.g. 2024Q4 (or a month, 2024-11)."))],
    metric: Annotated[str, typer.Argument(help=_("The metric, e.g. lead_conversion_rate."))],
    factor: Annotated[str | None, typer.Option(
        help=_("The main factors (主要影响因素)."))] = None,
    action: Annotated[str | None, typer.Option(
        help=_("The improvement actions (改进措施)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import notes

    with state(ctx).unit("report note", write=True) as unit:
        saved = notes.set_note(unit.session, unit.env, period, metric, factor=factor,
                               action=action)
    message(_("note saved for {period} {metric}").format(period=saved.period,
                                                         metric=saved.metric))


@app.command("stalled", help=_(
    "The weekly lead-risk report (线索跟进报告): every A-tier customer without stage "
    "progress for 14 days or more (the `stalled` agenda items), longest stalled first, "
    "with its potential, last contact and the latest recovery plan (salesflow customer "
    "recovery) with its age in days.\n\n"
    "CSV columns: customer_code,customer,tier,owner,potential,days_stalled,last_contact,"
    "plan,plan_age_days.\n\n"
    "Example: salesflow report stalled --owner li.na --format csv"))
def stalled(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option(help=_("Only this owner's customers."))]
    = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import recovery

    fmt = check_format(fmt)
    with state(ctx).unit("report stalled", write=False) as unit:
        render(recovery.stalled(unit.session, unit.env, unit.env.today, owner=owner),
               columns.STALLED, OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Stalled leads (线索跟进报告)"), empty=_("No stalled leads."))


@app.command("review", help="\n\n".join([
    _("The review (复盘) of a quarter or a month: time in each stage (median and mean "
      "calendar days, over customers who left the stage in the period), the success "
      "rate of each step (of those who left a stage, the share who moved to the next), "
      "won and lost counts with the lost reasons grouped, conversion by follow-up "
      "frequency (customers whose outcome fell in the period, by follow-ups per 30 days "
      "before it: 0-1, 1-2, 2-4, 4+) and the need hotspots (needs recorded in the "
      "period by kind and department, with the 3 most frequent descriptions)."),
    _("JSON: {period, stage_days: [{stage, median, mean, customers}], steps: [{from, to, "
      "rate}], won, lost, lost_reasons: [{reason, count}], by_frequency: [{bucket, "
      "customers, won, rate}], hotspots: [{kind, department, count, top}]}. CSV: one row "
      "per figure with the columns section,item,customers,count,median,mean,rate,won,top "
      "(section is stage_days, steps, outcome, lost_reasons, by_frequency or hotspots)."),
    _("Example: salesflow report review 2024Q4 --format json"),
]))
def review(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(
        metavar="PERIOD", help=_("A quarter (2024Q4) or a month (2024-11)."))],
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow.output import OutputOptions
    from salesflow.services import review as reviews

    fmt = check_format(fmt)
    with state(ctx).unit("report review", write=False) as unit:
        data = reviews.review(unit.session, unit.env, period)
    _show_review(data, OutputOptions(fmt, excel, raw))


def _show_review(data: Any, opts: Any) -> None:
    import json
    import sys

    from salesflow import columns
    from salesflow.output import json_row, render, write_table

    sections = (("stage_days", columns.REVIEW_STAGE, data.stage_days),
                ("steps", columns.REVIEW_STEP, data.steps),
                ("lost_reasons", columns.REVIEW_REASON, data.lost_reasons),
                ("by_frequency", columns.REVIEW_FREQUENCY, data.by_frequency),
                ("hotspots", columns.REVIEW_HOTSPOT, data.hotspots))
    lists = {key: [json_row(r, cols) for r in rows] for key, cols, rows in sections}
    if opts.format == "json":
        obj = {"period": data.period, "stage_days": lists["stage_days"],
               "steps": lists["steps"], "won": data.won, "lost": data.lost,
               "lost_reasons": lists["lost_reasons"], "by_frequency": lists["by_frequency"],
               "hotspots": lists["hotspots"]}
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
        return
    if opts.format == "csv":
        rows: list[dict[str, Any]] = []
        rows += [{"section": "stage_days", "item": r["stage"], **r} for r in data.stage_days]
        rows += [{"section": "steps", "item": f"{r['from']}→{r['to']}", "rate": r["rate"]}
                 for r in data.steps]
        rows += [{"section": "outcome", "item": "won", "count": data.won},
                 {"section": "outcome", "item": "lost", "count": data.lost}]
        rows += [{"section": "lost_reasons", "item": r["reason"], "count": r["count"]}
                 for r in data.lost_reasons]
        rows += [{"section": "by_frequency", "item": r["bucket"], **r}
                 for r in data.by_frequency]
        rows += [{"section": "hotspots", "item": f"{r['kind']}/{r['department'] or ''}",
                  **r} for r in data.hotspots]
        render(rows, columns.REVIEW_CSV, opts)
        return
    titles = {"stage_days": _("Days in each stage"), "steps": _("Step success"),
              "lost_reasons": _("Lost reasons"),
              "by_frequency": _("Conversion by follow-ups per 30 days"),
              "hotspots": _("Need hotspots")}
    empties = {"stage_days": _("No stage_days."), "steps": _("No steps."),
               "lost_reasons": _("No lost_reasons."), "by_frequency": _("No by_frequency."),
               "hotspots": _("No hotspots.")}
    typer.echo(_("Review {period} ({first} – {last}): won {won}, lost {lost}").format(
        period=data.period, first=data.first_day.isoformat(),
        last=data.last_day.isoformat(), won=data.won, lost=data.lost))
    for key, cols, rows in sections:
        write_table(rows, cols, tz=None, title=titles[key],
                    empty=empties[key])


def _metric_row(line: Line, owner: str | None = None,
                notes: tuple[str | None, str | None] = (None, None),
                label: str | None = None) -> dict[str, Any]:
    from salesflow.rules.kpi import machine_value, rounded

    return {"metric": label or line.metric.name, "target": machine_value(line.metric, line.target),
            "actual": machine_value(line.metric, line.actual),
            "completion": rounded(line.completion), "yoy": rounded(line.yoy),
            "qoq": rounded(line.qoq), "owner": owner, "factors": notes[0],
            "actions": notes[1]}


def _funnel_row(step: Step, owner: str | None = None) -> dict[str, Any]:
    from salesflow.rules.kpi import rounded

    return {"stage": step.stage, "entered": step.entered,
            "conversion": rounded(step.conversion), "owner": owner}


def _machine(data: Report, opts: Any, *, by_owner: bool, key: str) -> None:
    from salesflow import columns
    from salesflow.output import render, render_object

    team = [_metric_row(line, None, data.notes.get(line.metric.name, (None, None)))
            for line in data.lines]
    team += [_metric_row(line, None, data.notes.get(label, (None, None)), label)
             for label, line in data.segments]
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
    header = columns.REPORT_HEADER if key == "quarter" else columns.MONTH_HEADER
    render_object({key: data.period, "from": data.first_day, "to": data.last_day},
                  header, opts, lists=lists)


def _tables(data: Report, *, by_owner: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from salesflow.output import shown
    from salesflow.rules.kpi import human_value, percent

    console = Console()
    title = (_("KPIs {period} ({first} – {last})") if "Q" in data.period
             else _("KPIs {month} ({first} – {last})"))
    kpis = Table(title=title.format(period=data.period, month=data.period,
                                    first=data.first_day, last=data.last_day),
                 title_justify="left", title_style="bold", header_style="bold underline",
                 box=None)
    kpis.add_column(_("metric"), no_wrap=True)
    for name in (_("target"), _("actual"), _("completion"), _("YoY"),
                 _("QoQ") if "Q" in data.period else _("MoM")):
        kpis.add_column(name, justify="right", no_wrap=True)
    if data.notes:  # 模板八's last columns, only when a note was made
        kpis.add_column(_("factors"))
        kpis.add_column(_("actions"))
    for line in data.lines:
        noted = data.notes.get(line.metric.name, (None, None)) if data.notes else ()
        kpis.add_row(_(line.metric.label), human_value(line.metric, line.target),
                     human_value(line.metric, line.actual), percent(line.completion),
                     percent(line.yoy, signed=True), percent(line.qoq, signed=True),
                     *(n or "" for n in noted))
    for label, line in data.segments:
        kpis.add_row(label, human_value(line.metric, line.target),
                     human_value(line.metric, line.actual), percent(line.completion),
                     percent(line.yoy, signed=True), percent(line.qoq, signed=True),
                     *(("", "") if data.notes else ()))
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
        owners.add_column(shown(o.owner), justify="right", no_wrap=True)
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
