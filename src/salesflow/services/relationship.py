"""Relationship care (长期关系维护; SPEC §13): a customer's key dates (`customer date
add|list|remove`) and the holiday greetings the settings add. The rules (occasions, the
greeting window, the survey clock, minutes) are in rules/relationship.py; the agenda's
`greeting`, `survey` and `minutes` reads are in services/agenda.py; minutes are recorded
by services/followups.record_minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Customer, KeyDate
from salesflow.rules import relationship as rules
from salesflow.rules.workdays import holiday_start
from salesflow.services import audit
from salesflow.services.customers import resolve
from salesflow.services.env import Env
from salesflow.services.text import field_text


def add(session: Session, env: Env, ref: str, name: str, on: str,
        year: int | None = None) -> tuple[KeyDate, str]:
    """Add a key date (yearly, or once in `year`); returns it and the customer's code."""
    try:
        month, day = rules.parse_month_day(on)
    except ValueError as exc:
        raise InputError.field("on", exc) from None
    if year is not None:
        try:
            rules.check_year(year, month, day)
        except ValueError as exc:
            raise InputError.field("year", exc) from None
    try:
        name = rules.check_name(field_text("name", name) or "")
    except ValueError as exc:
        raise InputError.field("name", exc) from None
    customer = resolve(session, ref)
    assert customer.id is not None
    clash = session.exec(select(KeyDate.id).where(KeyDate.customer_id == customer.id,
                                                  KeyDate.name == name)).first()
    if clash is not None:
        raise Conflict(_("name: {code} already has the key date '{name}'; remove it first "
                         "to change it").format(code=customer.code, name=name))
    key = KeyDate(customer_id=customer.id, name=name, month_day=rules.month_day(month, day),
                  year=year, created_by=env.actor, created_at=env.now)
    session.add(key)
    session.flush()
    # the audit names the key date by its id: its name may name a person (王总生日)
    audit.record(session, env, f"key date #{key.id} added for {customer.code}")
    return key, customer.code


def remove(session: Session, env: Env, ref: str, name: str) -> str:
    customer = resolve(session, ref)
    wanted = " ".join((name or "").split())
    key = session.exec(select(KeyDate).where(KeyDate.customer_id == customer.id,
                                             KeyDate.name == wanted)).first()
    if key is None:
        held = session.exec(select(KeyDate.name).where(KeyDate.customer_id == customer.id)
                            .order_by(col(KeyDate.month_day))).all()
        raise NotFound(_("name: {code} has no key date '{name}'; it has: {held}").format(
            code=customer.code, name=wanted, held=", ".join(held) or _("none")))
    session.delete(key)
    audit.record(session, env, f"key date #{key.id} removed for {customer.code}")
    session.flush()
    return customer.code


def _month_day(key: KeyDate | Any) -> tuple[int, int]:
    month, day = key.month_day.split("-")
    return int(month), int(day)


def key_row(env: Env, key: Any, code: str) -> dict[str, Any]:
    month, day = _month_day(key)
    return {"customer_code": code, "name": key.name, "month_day": key.month_day,
            "year": key.year, "next_on": rules.next_occurrence(month, day, key.year, env.today),
            "created_by": key.created_by, "created_at": key.created_at}


def rows(session: Session, env: Env, *, ref: str | None = None,
         since: str | None = None) -> Iterator[dict[str, Any]]:
    """Key dates, one customer's (by month-day) or every one (oldest first), streamed."""
    query = (sa_select(KeyDate, col(Customer.code))
             .join(Customer, col(Customer.id) == col(KeyDate.customer_id)))
    if ref:
        query = query.where(col(KeyDate.customer_id) == resolve(session, ref).id).order_by(
            col(KeyDate.month_day), col(KeyDate.id))
    else:
        query = query.order_by(col(KeyDate.created_at), col(KeyDate.id))
    start = env.since_start(since)
    if start is not None:
        query = query.where(col(KeyDate.created_at) >= start)
    for key, code in session.execute(query.execution_options(yield_per=1000)):
        yield key_row(env, key, code)


def holiday_dates(env: Env, customer: Customer) -> list[dict[str, Any]]:
    """The next occasion of each greeted holiday for an A or B customer that is not lost
    (none beyond the installed calendar's years)."""
    if not rules.greets_holidays(customer.tier, customer.stage):
        return []
    out = []
    for name in env.settings.greeting_holidays:
        for year in (env.today.year, env.today.year + 1):
            on = holiday_start(rules.HOLIDAYS[name], year)
            if on is not None and on >= env.today:
                out.append({"name": name, "next_on": on, "holiday": True})
                break
    return out


def key_dates_of(session: Session, env: Env, customer: Customer) -> list[dict[str, Any]]:
    """The brief's key dates: the customer's own and the greeted holidays, each with its
    next occasion, soonest first."""
    own = [{"name": r["name"], "month_day": r["month_day"], "year": r["year"],
            "next_on": r["next_on"], "holiday": False}
           for r in rows(session, env, ref=customer.code)]
    holidays = [{"name": h["name"], "month_day": h["next_on"].strftime("%m-%d"),
                 "year": h["next_on"].year, "next_on": h["next_on"], "holiday": True}
                for h in holiday_dates(env, customer)]
    return sorted((*own, *holidays), key=lambda r: (r["next_on"] is None,
                                                    r["next_on"] or env.today, r["name"]))
