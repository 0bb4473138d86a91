"""`salesflow followup log|list` — the follow-up record (销售跟进记录表)."""

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
    whole_number,
)
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True, help=_("Log contacts with customers and list them."))


@app.command("log")
def log(
    ctx: typer.Context,
    ref: CustomerRef,
    summary: Annotated[str, typer.Option("--summary", "-s", help=_("What was discussed."))],
    channel: Annotated[str, typer.Option(help=_("phone, email, visit, meeting or im."))]
    = "phone",
    at: Annotated[str | None, typer.Option(
        help=_("When it happened (default now): 'YYYY-MM-DD HH:MM', yesterday, 14:30."))] = None,
    feedback: Annotated[str | None, typer.Option(
        help=_("positive, neutral or negative."))] = None,
    reason: Annotated[str | None, typer.Option(help=_("Why that feedback."))] = None,
    objection: Annotated[bool, typer.Option("--objection", help=_("The customer raised an "
                                                                "objection."))] = False,
    next_action: Annotated[str | None, typer.Option("--next-action", "--next",
                                                    help=_("The promised next step."))] = None,
    next_due: Annotated[str | None, typer.Option(
        "--next-due", help=_("When the next step is due: YYYY-MM-DD, +3d, fri …"))] = None,
    satisfaction: Annotated[int | None, typer.Option(
        parser=whole_number("satisfaction", 1, 5),
        help=_("Satisfaction survey answer, 1–5."))] = None,
    contact: Annotated[str | None, typer.Option(
        help=_("Whom you spoke to: one of the customer's contacts (salesflow contact "
               "list)."))] = None,
    purpose: Annotated[str, typer.Option(
        help=_("Why: sales, aftersales, satisfaction, greeting, event, delivery or "
               "recovery."))] = "sales",
    result: Annotated[str | None, typer.Option(
        help=_("What came of it (处理结果), e.g. the discount granted."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import followups

    with state(ctx).unit("followup log", write=True) as unit:
        f = followups.log(unit.session, unit.env, ref, summary=summary, channel=channel,
                          at=at, feedback=feedback, reason=reason, objection=objection,
                          next_action=next_action, next_due=next_due,
                          satisfaction=satisfaction, contact=contact, purpose=purpose,
                          result=result)
        from salesflow.models import Customer

        customer = unit.session.get(Customer, f.customer_id)
        assert customer is not None
        due = f"{customer.next_due_at} ({customer.next_due_kind})" if customer.next_due_at \
            else _("nothing")
        code, fid, minutes = customer.code, f.id, f.minutes_due_at
        minutes_by = (minutes.astimezone(unit.env.tz).strftime("%Y-%m-%d %H:%M")
                      if minutes else None)
    message(_("logged follow-up #{id} for {code}; next due {due}").format(
        id=fid, code=code, due=due))
    if minutes_by:
        message(_("send the minutes by {time}, then: salesflow followup minutes {id}").format(
            time=minutes_by, id=fid))


log.__doc__ = _(
    "Log a contact. It becomes the last contact, closes any earlier promised action,\n"
    "and the next due date is recomputed (the promise, or the tier cadence). Prints the\n"
    "follow-up's id; a visit or meeting expects minutes within 24 hours (followup minutes).\n"
    "\n"
    "Example: salesflow followup log MFG-EC-001 -s \"演示方案, 客户关注交期\"\n"
    "--channel visit --feedback positive --next-action \"发送报价\" --next-due +3d "
    "--contact 王强"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    ref: Annotated[str | None, customer_ref(_("Only this customer."))] = None,
    since: Annotated[str | None, typer.Option(help=_("From this date: YYYY-MM-DD, -7d …"))]
    = None,
    by: Annotated[str | None, typer.Option(help=_("Only contacts by this user."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import followups

    fmt = check_format(fmt)
    with state(ctx).unit("followup list", write=False) as unit:
        render(followups.rows(unit.session, unit.env, ref=ref, since=since, by=by),
               columns.FOLLOWUP, OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Follow-ups"), empty=_("No follow-ups."))


list_.__doc__ = _(
    "List follow-ups, oldest first (columns as `export followups`).\n"
    "\n"
    "Example: salesflow followup list MFG-EC-001 --since -30d"
)


@app.command("minutes")
def minutes(
    ctx: typer.Context,
    id_: Annotated[str, typer.Argument(
        metavar="ID", help=_("The follow-up's id, as `followup log` printed it (the id "
                             "column of followup list)."))],
    sent_at: Annotated[str | None, typer.Option(
        "--sent-at", help=_("When the minutes were sent (default now): 'YYYY-MM-DD HH:MM', "
                            "yesterday, 14:30."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import followups

    with state(ctx).unit("followup minutes", write=True) as unit:
        f, code = followups.record_minutes(unit.session, unit.env, id_, sent_at)
        assert f.minutes_sent_at is not None
        sent = f.minutes_sent_at.astimezone(unit.env.tz).strftime("%Y-%m-%d %H:%M")
    message(_("minutes of follow-up #{id} ({code}) recorded as sent {sent}").format(
        id=f.id, code=code, sent=sent))


minutes.__doc__ = _(
    "Record that the minutes (沟通纪要) of a visit or meeting were sent: its `minutes`\n"
    "item, due 24 hours after the meeting, is answered.\n"
    "\n"
    "Example: salesflow followup minutes 42 --sent-at \"2024-03-05 18:00\""
)
