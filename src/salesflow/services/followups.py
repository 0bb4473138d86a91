"""Follow-ups (销售跟进记录表): log a contact with its feedback and next action.

Logging a contact moves last_contact_at, records the due date the contact answered (for
the on-time KPI), and recomputes the customer's next due date: the new follow-up's
promised action replaces any earlier one, and the tier cadence runs from this contact.
It also keeps the `objection` deadline (schedule.refresh): the latest follow-up by `at`,
when negative or an objection, opens it; a later contact of any kind answers it; a
back-dated entry older than the latest changes nothing.

A visit or meeting expects minutes (沟通纪要, SPEC §13): it is logged with `minutes_due_at`
24 hours after it, the `minutes` item, until `followup minutes ID` records them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Customer, FollowUp
from salesflow.rules.choices import CHANNELS, FEEDBACK, PURPOSES, parse_choice
from salesflow.rules.dates import RECORD_RANGE, parse_date, parse_datetime
from salesflow.rules.relationship import MINUTES_CHANNELS, expects_minutes, minutes_due_at
from salesflow.services import aftercare, audit, schedule
from salesflow.services.contacts import find as find_contact
from salesflow.services.customers import resolve
from salesflow.services.env import Env
from salesflow.services.text import field_text

CLOCK_SKEW = timedelta(minutes=5)


def log(session: Session, env: Env, ref: str, *, summary: str, channel: str = "phone",
        at: str | None = None, feedback: str | None = None, reason: str | None = None,
        objection: bool = False, next_action: str | None = None,
        next_due: str | None = None, satisfaction: int | None = None,
        contact: str | None = None, purpose: str = "sales",
        result: str | None = None) -> FollowUp:
    summary = field_text("summary", summary, multiline=True)
    result = field_text("result", result, multiline=True)
    reason = field_text("reason", reason)
    next_action = field_text("next-action", next_action)
    customer = resolve(session, ref)
    spoken_to = None
    if contact is not None:
        if not contact.strip():
            raise InputError(_("contact: name one of the customer's contacts"))
        spoken_to = find_contact(session, customer, contact).name
    if not summary or not summary.strip():
        raise InputError(_("summary: say what was discussed, e.g. --summary 'sent the "
                           "quote'"))
    try:
        channel = parse_choice(channel, CHANNELS, "channel")
    except ValueError as exc:
        raise InputError.field("channel", exc) from None
    try:
        purpose = parse_choice(purpose, PURPOSES, "purpose")
    except ValueError as exc:
        raise InputError.field("purpose", exc) from None
    if feedback:
        try:
            feedback = parse_choice(feedback, FEEDBACK, "feedback")
        except ValueError as exc:
            raise InputError.field("feedback", exc) from None
    moment = env.now
    if at:
        try:
            moment = parse_datetime(at, env.local_now, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("at", exc) from None
        if moment > env.now + CLOCK_SKEW:
            raise InputError(_("at: '{at}' is in the future; log a contact once it "
                               "happened").format(at=at))
    promise: date | None = None
    if next_due:
        try:
            promise = parse_date(next_due, env.today, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("next-due", exc) from None
        if promise < env.local_date(moment):
            raise InputError(_("next-due: {promise} is before the contact on "
                               "{contact}").format(promise=promise,
                                                   contact=env.local_date(moment)))
    if next_action and not promise:
        raise InputError(_("next-due: a next action needs a due date, e.g. --next-due +3d"))
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise InputError(_("satisfaction: '{satisfaction}' is not accepted; use 1 to "
                           "5").format(satisfaction=satisfaction))
    assert customer.id is not None
    followup = FollowUp(
        customer_id=customer.id, at=moment, logged_at=env.now, by=env.actor,
        channel=channel, summary=summary.strip(), feedback=feedback,
        reason=(reason or "").strip() or None, objection=objection,
        next_action=(next_action or "").strip() or (f"follow up: {summary.strip()}"
                                                   if promise else None),
        next_action_due=promise, satisfaction=satisfaction,
        due_at_time=customer.next_due_at, contact=spoken_to, purpose=purpose,
        result=(result or "").strip() or None,
        minutes_due_at=minutes_due_at(moment) if expects_minutes(channel) else None,
    )
    session.add(followup)
    if customer.last_contact_at is None or moment > customer.last_contact_at:
        customer.last_contact_at = moment
    session.flush()
    schedule.refresh(session, env, customer)
    if purpose == "aftersales":  # it answers the after-sales visit (SPEC §12)
        aftercare.refresh_customer(session, env, customer)
    audit.record(session, env, f"followup logged for {customer.code}")
    session.flush()
    return followup


def parse_id(text: str) -> int:
    value = (text or "").strip().removeprefix("#")
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**31:
        raise InputError(_("id: '{value}' is not a follow-up id; use the number `followup "
                           "log` printed (see the id column of salesflow followup list)")
                         .format(value=text))
    return int(value)


def record_minutes(session: Session, env: Env, ref: str,
                   sent_at: str | None = None) -> tuple[FollowUp, str]:
    """Record that the minutes of a visit or meeting were sent (default now): the
    follow-up's `minutes` item is answered. Returns the follow-up and its customer's code."""
    fid = parse_id(ref)
    followup = session.get(FollowUp, fid, with_for_update=True)
    if followup is None:
        raise NotFound(_("id: no follow-up #{id}; see the id column of salesflow followup "
                         "list").format(id=fid))
    if followup.channel not in MINUTES_CHANNELS:
        raise InputError(_("id: follow-up #{id} was a {channel} contact; minutes are kept "
                           "for a visit or a meeting").format(id=fid,
                                                             channel=followup.channel))
    if followup.minutes_sent_at is not None:
        raise Conflict(_("id: the minutes of follow-up #{id} were already sent on "
                         "{sent}").format(id=fid, sent=env.local_date(followup.minutes_sent_at)))
    moment = env.now
    if sent_at:
        try:
            moment = parse_datetime(sent_at, env.local_now, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("sent-at", exc) from None
        if moment > env.now + CLOCK_SKEW:
            raise InputError(_("sent-at: '{at}' is in the future; record minutes once they "
                               "are sent").format(at=sent_at))
    held = followup.at if followup.at.tzinfo else followup.at.replace(tzinfo=UTC)
    if moment < held:
        raise InputError(_("sent-at: {sent} is before the meeting itself ({at})").format(
            sent=moment.astimezone(env.tz).strftime("%Y-%m-%d %H:%M"),
            at=held.astimezone(env.tz).strftime("%Y-%m-%d %H:%M")))
    followup.minutes_sent_at = moment
    followup.minutes_due_at = None
    session.add(followup)
    customer = session.get(Customer, followup.customer_id)
    assert customer is not None
    audit.record(session, env, f"minutes of follow-up #{fid} sent for {customer.code}")
    session.flush()
    return followup, customer.code


def followup_row(f: FollowUp, code: str) -> dict[str, Any]:
    return {
        "customer_code": code, "at": f.at, "logged_at": f.logged_at, "by": f.by,
        "channel": f.channel, "summary": f.summary, "feedback": f.feedback,
        "reason": f.reason, "objection": f.objection, "next_action": f.next_action,
        "next_action_due": f.next_action_due, "satisfaction": f.satisfaction,
        "contact": f.contact, "purpose": f.purpose, "result": f.result,
        "id": f.id, "minutes_due_at": f.minutes_due_at, "minutes_sent_at": f.minutes_sent_at,
    }


def rows(session: Session, env: Env, *, ref: str | None = None, since: str | None = None,
         by: str | None = None) -> Iterator[dict[str, Any]]:
    """Follow-ups oldest first, streamed."""
    query = (sa_select(FollowUp, col(Customer.code))
             .join(Customer, col(Customer.id) == col(FollowUp.customer_id))
             .order_by(col(FollowUp.at), col(FollowUp.id)))
    if ref:
        query = query.where(col(FollowUp.customer_id) == resolve(session, ref).id)
    start = env.since_start(since)
    if start is not None:
        query = query.where(col(FollowUp.at) >= start)
    if by:
        query = query.where(col(FollowUp.by) == by)
    for f, code in session.execute(query.execution_options(yield_per=1000)):
        yield followup_row(f, code)
