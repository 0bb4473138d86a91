"""Needs (需求反馈表): record a customer's need, respond to it, resolve it.

From 需求反馈流程: "将客户需求录入需求反馈表, 标注优先级(高/中/低)及处理时限; 责任部门需在48小时内
响应, 同步处理进度; 需求解决后, 向客户反馈结果". A need is `must` (刚性), `nice` (弹性) or
`latent` (潜在), with a priority and the department responsible, and moves

    open → responded → resolved

An open need is on the agenda (`need`, rules/deadline.py) until it is responded to.
Decision: resolving an open need also counts as its response (at the same moment, by the
same user, with the same note), since the customer got an answer; the agenda item goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import N_, _
from salesflow.models import Customer, Need
from salesflow.rules.choices import NEED_KINDS, NEED_STATUSES, PRIORITIES, parse_choice
from salesflow.rules.deadline import need_due
from salesflow.rules.numbers import INT64_MAX, parse_int
from salesflow.services import audit
from salesflow.services.customers import resolve
from salesflow.services.env import Env
from salesflow.services.text import field_text

# the Chinese words accepted besides the English ones, named in refusals
_CHINESE = {"need_kind": "刚性/弹性/潜在", "priority": "高/中/低",
            "need_status": "待响应/已响应/已解决"}


def _choice(text: str, choices: tuple[str, ...], kind: str, field: str) -> str:
    try:
        return parse_choice(text, choices, kind)
    except ValueError as exc:
        raise InputError.field(field, _("{error} (or {chinese})").format(
            error=exc, chinese=_CHINESE[kind])) from None


def _text(value: str | None, field: str, example: str) -> str:
    text = (field_text(field, value, multiline=True) or "").strip()
    if not text:
        raise InputError(_("{field}: cannot be empty; {example}").format(field=field,
                                                                         example=example))
    return text


def parse_id(text: str) -> int:
    """A need id as `need add` printed it: 7 (or #7)."""
    try:
        return parse_int(text.strip().removeprefix("#"), 1, INT64_MAX, what=N_("a need id"))
    except ValueError:
        raise InputError(_("id: '{value}' is not a need id; use the number `need add` "
                           "printed, e.g. 7, from 1 to {high} (see salesflow need list)")
                         .format(value=text, high=INT64_MAX)) from None


def get(session: Session, ref: str) -> Need:
    need = session.get(Need, parse_id(ref))
    if need is None:
        raise NotFound(_("id: no need #{id}; see salesflow need list").format(id=parse_id(ref)))
    return need


def add(session: Session, env: Env, customer_ref: str, description: str, *, kind: str,
        priority: str, department: str | None = None) -> tuple[Need, Customer]:
    customer = resolve(session, customer_ref)
    assert customer.id is not None
    need = Need(
        customer_id=customer.id,
        description=_text(description, "description",
                          _("say what the customer needs, e.g. '数控机床升级'")),
        kind=_choice(kind, NEED_KINDS, "need_kind", "kind"),
        priority=_choice(priority, PRIORITIES, "priority", "priority"),
        department=(field_text("department", department) or "").strip() or None,
        status="open",
        created_at=env.now,
        created_by=env.actor,
    )
    session.add(need)
    session.flush()
    audit.record(session, env, f"need #{need.id} added for {customer.code} "
                               f"({need.kind}, {need.priority})")
    session.flush()
    return need, customer


def due_on(env: Env, need: Need) -> date:
    """The day the responsible department must have responded by (48 hours)."""
    return need_due(need.created_at, env.tz)


def respond(session: Session, env: Env, ref: str, note: str | None) -> Need:
    """open → responded, with what was answered."""
    need = get(session, ref)
    text = _text(note, "note", _("say what was answered, e.g. --note '已安排技术评估'"))
    if need.status != "open":
        raise Conflict(_("id: need #{id} is already {status}; only an open need "
                         "can be responded to").format(id=need.id, status=need.status)
                       + ("" if need.status == "resolved" else
                          _(" (resolve it: salesflow need resolve {id})").format(id=need.id)))
    need.status = "responded"
    need.responded_at, need.responded_by, need.response = env.now, env.actor, text
    session.add(need)
    audit.record(session, env, f"need #{need.id} responded")
    session.flush()
    return need


def resolve_need(session: Session, env: Env, ref: str, note: str | None) -> Need:
    """open or responded → resolved; an open need counts as responded at the same time."""
    need = get(session, ref)
    if need.status == "resolved":
        raise Conflict(_("id: need #{id} is already resolved; only an open or responded "
                         "need can be resolved").format(id=need.id))
    text = (field_text("note", note, multiline=True) or "").strip() or None
    if need.status == "open":
        need.responded_at, need.responded_by, need.response = env.now, env.actor, text
    need.status = "resolved"
    need.resolved_at, need.resolved_by, need.resolution = env.now, env.actor, text
    session.add(need)
    audit.record(session, env, f"need #{need.id} resolved")
    session.flush()
    return need


def parse_status(text: str) -> str:
    return _choice(text, NEED_STATUSES, "need_status", "status")


def row(n: Need, code: str) -> dict[str, Any]:
    """The keys of columns.NEED."""
    return {
        "id": n.id, "customer_code": code, "description": n.description, "kind": n.kind,
        "priority": n.priority, "department": n.department, "status": n.status,
        "created_at": n.created_at, "created_by": n.created_by,
        "responded_at": n.responded_at, "response": n.response,
        "resolved_at": n.resolved_at, "resolution": n.resolution,
    }


def rows(session: Session, *, customer: str | None = None,
         status: str | None = None) -> Iterator[dict[str, Any]]:
    """Needs oldest first, streamed; filters are checked before the first row."""
    query = (sa_select(Need, col(Customer.code))
             .join(Customer, col(Customer.id) == col(Need.customer_id))
             .order_by(col(Need.created_at), col(Need.id)))
    if status:
        query = query.where(col(Need.status) == parse_status(status))
    if customer:
        query = query.where(col(Need.customer_id) == resolve(session, customer).id)
    return (row(n, code) for n, code in session.execute(query.execution_options(yield_per=500)))
