"""`salesflow target set|list` — quarterly KPI targets (销售数据分析表 目标值)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import ExcelOpt, FormatOpt, RawOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("Quarterly KPI targets, shown by `salesflow report quarter`."))


@app.command("set")
def set_(
    ctx: typer.Context,
    quarter: Annotated[str, typer.Argument(help=_("The quarter, e.g. 2024Q4."))],
    metric: Annotated[str, typer.Argument(
        help=_("new_leads, won_deals, lead_conversion_rate, signed_amount, avg_deal_size, "
             "avg_sales_cycle_days, csat, followups, on_time_rate or late_entry_rate."))],
    value: Annotated[str, typer.Argument(
        help=_("Counts: 40. Money: 258万, 2,580,000. Rates: {percent} or {fraction} (at "
               "most {most}). Days: 45 or 45.5.").format(percent="15%", fraction="0.15",
                                                       most="100%"))],
    owner: Annotated[str | None, typer.Option(
        help=_("One owner's target, shown with completion by report quarter --by owner."))]
    = None,
    industry: Annotated[str | None, typer.Option(
        help=_("A new_leads target for one industry, e.g. 制造业 (a row "
               "new_leads[industry=制造业] of report quarter)."))] = None,
    region: Annotated[str | None, typer.Option(
        help=_("A new_leads target for one region, e.g. 华东 (with --industry: that "
               "industry in that region)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.rules.kpi import format_target
    from salesflow.services import targets

    with state(ctx).unit("target set", write=True) as unit:
        saved = targets.set_target(unit.session, unit.env, quarter, metric, value,
                                   owner=owner, industry=industry, region=region)
    t = saved.target
    was = (_(" (was {value})").format(value=format_target(saved.metric, saved.previous))
           if saved.previous is not None else "")
    message(_("target {quarter} {metric}: {value}{was}").format(
        quarter=t.quarter, metric=t.metric, value=format_target(saved.metric, t.value),
        was=was))


set_.__doc__ = _(
    "Set a quarter's target for one metric; setting it again replaces it.\n"
    "\n"
    "Once the team has users, only a manager or gm may set targets.\n"
    "\n"
    "Example: salesflow --as wang.lei target set 2024Q4 lead_conversion_rate 15%\n"
    "\n"
    "Per owner: target set 2024Q4 signed_amount 100万 --owner li.na; per industry: "
    "target set 2024Q4 new_leads 30 --industry 制造业"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    quarter: Annotated[str | None, typer.Option(help=_("Only this quarter, e.g. 2024Q4."))]
    = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import targets

    fmt = check_format(fmt)
    with state(ctx).unit("target list", write=False) as unit:
        render(targets.rows(unit.session, quarter=quarter), columns.TARGET,
               OutputOptions(fmt, excel, raw), tz=unit.env.tz, title=_("Targets"),
               empty=_("No targets set."))


list_.__doc__ = _(
    "List targets by quarter, in the KPI table's metric order.\n"
    "\n"
    "Each value is written as target set takes it: 15%, ¥2,580,000.00, 40, 45.5.\n"
    "\n"
    "Example: salesflow target list --quarter 2024Q4 --format csv"
)
