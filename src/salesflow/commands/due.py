"""`salesflow due` — the morning agenda: overdue, today, upcoming."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import ExcelOpt, RawOpt, check_format, state, whole_number
from salesflow.i18n import _

DUE_FORMATS = ("table", "csv", "json", "ics")
MAX_WINDOW_DAYS = 366  # a year ahead, leap day included


def due(
    ctx: typer.Context,
    date_: Annotated[str | None, typer.Option(
        "--date", help=_("The day to plan (default today): YYYY-MM-DD, tomorrow, mon …"))]
    = None,
    days: Annotated[int, typer.Option(
        parser=whole_number("days", 0, MAX_WINDOW_DAYS),
        help=_("Upcoming window after the day, in days (0 to {max}).").format(
            max=MAX_WINDOW_DAYS))] = 3,
    owner: Annotated[str | None, typer.Option(help=_("Only this owner's customers."))] = None,
    tier: Annotated[list[str] | None, typer.Option(help=_("Only these tiers (repeatable)."))]
    = None,
    kind: Annotated[list[str] | None, typer.Option(
        help=_("Only these kinds: followup, next-action, new-lead, payment (installment due "
               "or late; 7+ days late: escalation), approval (contracts waiting for your "
               "role), objection (negative feedback unanswered for 24h), proposal (in intent "
               "5 working days), need (not responded to in 48h), stalled (A tier, no stage "
               "progress for 14 days), delivery (a phase not done by its end), aftersales (a "
               "visit within the warranty), renewal (a contract ending within renewal.days), "
               "greeting (a key date or greeted holiday, greeting.lead_days before it), survey "
               "(won customers: a satisfaction survey every cadence.survey days), minutes (a "
               "visit or meeting without minutes after 24h), pool (returns to the shared pool "
               "soon unless followed up) (repeatable)."))] = None,
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help=_("table, csv, json or ics (a calendar feed)."))]
    = "table",
    fail_if_overdue: Annotated[bool, typer.Option(
        "--fail-if-overdue", help=_("Exit with code 3 when anything is overdue (cron)."))]
    = False,
    excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    # The help is the docstring, translated (set below: a docstring cannot call _).
    from salesflow import columns
    from salesflow.errors import InputError
    from salesflow.output import OutputOptions, render
    from salesflow.rules.dates import RECORD_RANGE, parse_date
    from salesflow.rules.tier import parse_tier
    from salesflow.services import agenda

    fmt = check_format(fmt, DUE_FORMATS)
    try:
        tiers = [parse_tier(t) for t in tier or []]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tier") from None
    for k in kind or []:
        if k not in agenda.KINDS:
            raise typer.BadParameter(_("'{kind}' is not a kind; use {kinds}").format(
                kind=k, kinds=", ".join(agenda.KINDS)), param_hint="--kind")
    with state(ctx).unit("due", write=False, mapped=True) as unit:
        env = unit.env
        plan = env.today
        if date_:
            try:
                plan = parse_date(date_, env.today, within=RECORD_RANGE)
            except ValueError as exc:
                raise InputError.field("date", exc) from None
        items = agenda.items(unit.session, env, agenda.Query(
            plan=plan, days=days, owner=owner, tiers=tiers, kinds=kind or []))
        if fmt == "ics":
            from salesflow.ics import write_ics

            write_ics(items, plan)
        elif fmt == "table":
            _tables(items, env.tz)
        else:
            render(items, columns.DUE, OutputOptions(fmt, excel, raw), tz=env.tz)
    if fail_if_overdue and any(i["section"] == "overdue" for i in items):
        raise typer.Exit(3)


def _tables(items, tz) -> None:  # type: ignore[no-untyped-def]
    from salesflow import columns
    from salesflow.output import message, write_table

    if not items:
        message(_("Nothing due. 🎉"))
        return
    shown = tuple(c for c in columns.DUE if c.name not in ("section", "stage"))
    for section, title in (("overdue", _("Overdue")), ("today", _("Today")),
                           ("upcoming", _("Upcoming"))):
        rows = [i for i in items if i["section"] == section]
        if rows:
            cols = shown if section == "overdue" else tuple(
                c for c in shown if c.name != "days_overdue")
            write_table(rows, cols, tz=tz, title=_("{section} ({count})").format(
                section=title, count=len(rows)))


due.__doc__ = _(
    "What is overdue, due today, and coming up in the next --days days.\n\n"
    "Overdue first (most days overdue first), then today, then upcoming; tier A before "
    "B before C. For cron: `salesflow due --format csv --fail-if-overdue`.\n\n"
    "Example: salesflow due --owner li.na --days 7"
)
