"""Delivery (SPEC §12, 模板五/六): a signed contract's plan of phases, the change requests
the customer confirmed (需求变更确认单) and the acceptance (项目验收报告).

A phase is added to a signed contract whose plan is still open (not accepted); a change
moves every unfinished phase by its days and keeps its cost as an amendment (the signed
amount, which the KPIs count, never changes); a passed acceptance closes the plan (its
unfinished phases are done that day), sets the contract's `accepted_on` and dates the
installments relative to it. Every write keeps the stored agenda dates true
(services/aftercare.py) and is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Acceptance, Contract, Customer, Payment, Phase, ProjectChange
from salesflow.rules import project as rules
from salesflow.rules.dates import RECORD_RANGE, parse_date
from salesflow.rules.money import format_yuan, parse_money
from salesflow.services import aftercare, audit
from salesflow.services.contracts import resolve, state_text
from salesflow.services.env import Env
from salesflow.services.text import field_text


def _customer(session: Session, contract: Contract) -> Customer:
    customer = session.get(Customer, contract.customer_id)
    assert customer is not None  # a foreign key
    return customer


def _signed(session: Session, number: str, doing: str) -> Contract:
    contract = resolve(session, number)
    if contract.status != "signed":
        raise Conflict(_("contract: {number} is {state}; {doing} needs a signed "
                         "contract").format(number=contract.number, state=state_text(contract),
                                            doing=doing))
    return contract


def _open_plan(session: Session, number: str, doing: str) -> Contract:
    contract = _signed(session, number, doing)
    if contract.accepted_on is not None:
        raise Conflict(_("contract: {number} was accepted on {day}; its plan is "
                         "closed").format(number=contract.number, day=contract.accepted_on))
    return contract


def _day(name: str, text: str | None, env: Env, *, default: date | None = None,
         past: bool = False) -> date:
    if text is None or not text.strip():
        if default is None:
            raise InputError(_("{field}: give a date, YYYY-MM-DD").format(field=name))
        return default
    try:
        day = parse_date(text, env.today, within=RECORD_RANGE)
    except ValueError as exc:
        raise InputError.field(name, exc) from None
    if past and day > env.today:
        raise InputError(_("{field}: {day} is in the future; record it once it "
                           "happened").format(field=name, day=day))
    return day


def _text(name: str, value: str | None, *, multiline: bool = False) -> str | None:
    return (field_text(name, value, multiline=multiline) or "").strip() or None


def _phases(session: Session, contract: Contract) -> list[Phase]:
    return list(session.exec(select(Phase).where(col(Phase.contract_id) == contract.id)
                             .order_by(col(Phase.start), col(Phase.end), col(Phase.id))))


def _phase(session: Session, contract: Contract, name: str) -> Phase:
    wanted = name.strip()
    phases = _phases(session, contract)
    found = next((p for p in phases if p.name == wanted), None)
    if found is None:
        known = ", ".join(p.name for p in phases) or _("none yet")
        raise NotFound(_("phase: {number} has no phase '{name}'; its phases: "
                         "{known}").format(number=contract.number, name=name, known=known))
    return found


def _signed_on(env: Env, contract: Contract) -> date:
    assert contract.signed_at is not None
    return env.local_date(contract.signed_at)


def add(session: Session, env: Env, number: str, name: str, *, start: str | None,
        end: str | None, owner: str | None = None, tasks: str | None = None,
        deliverable: str | None = None, risk: str | None = None,
        mitigation: str | None = None) -> Phase:
    contract = _open_plan(session, number, _("a delivery plan"))
    phase_name = _text("phase", name)
    if phase_name is None:
        raise InputError(_("phase: name the phase, e.g. 需求确认"))
    start_on = _day("start", start, env)
    end_on = _day("end", end, env)
    try:
        rules.check_phase_dates(start_on, end_on)
    except ValueError as exc:
        raise InputError.field("end", exc) from None
    if any(p.name == phase_name for p in _phases(session, contract)):
        raise Conflict(_("phase: {number} already has a phase '{name}'; choose another "
                         "name").format(number=contract.number, name=phase_name))
    assert contract.id is not None
    phase = Phase(contract_id=contract.id, name=phase_name, start=start_on, end=end_on,
                  owner=_text("owner", owner), tasks=_text("tasks", tasks, multiline=True),
                  deliverable=_text("deliverable", deliverable),
                  risk=_text("risk", risk, multiline=True),
                  mitigation=_text("mitigation", mitigation, multiline=True),
                  created_by=env.actor, created_at=env.now)
    session.add(phase)
    session.flush()
    aftercare.refresh_customer(session, env, _customer(session, contract))
    audit.record(session, env, f"project {contract.number}: phase {phase_name} "
                               f"{start_on}..{end_on} added")
    return phase


def done(session: Session, env: Env, number: str, name: str, when: str | None = None
         ) -> Phase:
    contract = _open_plan(session, number, _("finishing a phase"))
    phase = _phase(session, contract, name)
    if phase.done_on is not None:
        raise Conflict(_("phase: '{name}' of {number} was done on {day}").format(
            name=phase.name, number=contract.number, day=phase.done_on))
    day = _day("date", when, env, default=env.today, past=True)
    if day < _signed_on(env, contract):
        raise InputError(_("date: {day} is before {number} was signed on {signed}").format(
            day=day, number=contract.number, signed=_signed_on(env, contract)))
    phase.done_on = day
    session.add(phase)
    aftercare.refresh_customer(session, env, _customer(session, contract))
    audit.record(session, env, f"project {contract.number}: phase {phase.name} done {day}")
    return phase


def change(session: Session, env: Env, number: str, *, description: str | None,
           confirmed_by: str | None, cost: str | None = None, days: int = 0
           ) -> tuple[ProjectChange, list[Phase]]:
    """Record a change the customer confirmed; returns it and the phases it moved."""
    contract = _open_plan(session, number, _("a change request"))
    text = _text("description", description, multiline=True)
    if text is None:
        raise InputError(_("description: say what the customer asked to change"))
    who = _text("confirmed-by", confirmed_by)
    if who is None:
        raise InputError(_("confirmed-by: name the customer's person who confirmed the "
                           "change (需求变更确认单)"))
    fen = 0
    if cost is not None and cost.strip():
        try:
            fen = parse_money(cost)
        except ValueError as exc:
            raise InputError.field("cost", exc) from None
    try:
        rules.check_shift(days)
    except ValueError as exc:
        raise InputError.field("days", exc) from None
    moving = [p for p in _phases(session, contract) if p.done_on is None]
    if days and not moving:
        raise Conflict(_("days: {number} has no unfinished phase to move").format(
            number=contract.number))
    for phase in moving if days else []:
        phase.start = rules.shifted(phase.start, days)
        phase.end = rules.shifted(phase.end, days)
        session.add(phase)
    assert contract.id is not None
    record = ProjectChange(contract_id=contract.id, description=text, cost=fen, days=days,
                           confirmed_by=who, by=env.actor, at=env.now)
    session.add(record)
    session.flush()
    aftercare.refresh_customer(session, env, _customer(session, contract))
    audit.record(session, env, f"project {contract.number}: change #{record.id} confirmed: "
                               f"{format_yuan(fen)}, {days:+d} days, "
                               f"{len(moving) if days else 0} phase(s) moved")
    return record, moving if days else []


def accept(session: Session, env: Env, number: str, *, when: str | None, by: str | None,
           result: str | None = None, issues: str | None = None) -> Acceptance:
    contract = _signed(session, number, _("an acceptance"))
    if contract.accepted_on is not None:
        raise Conflict(_("contract: {number} was accepted on {day} already").format(
            number=contract.number, day=contract.accepted_on))
    day = _day("date", when, env, past=True)
    if day < _signed_on(env, contract):
        raise InputError(_("date: {day} is before {number} was signed on {signed}").format(
            day=day, number=contract.number, signed=_signed_on(env, contract)))
    who = _text("by", by)
    if who is None:
        raise InputError(_("by: name the customer's person who signed the acceptance, "
                           "e.g. 王经理(采购总监)"))
    try:
        outcome = rules.parse_result(result) if result and result.strip() else "pass"
    except ValueError as exc:
        raise InputError.field("result", exc) from None
    problems = _text("issues", issues, multiline=True)
    if outcome == "fail" and problems is None:
        raise InputError(_("issues: a failed acceptance lists what is left to fix; add "
                           "--issues TEXT"))
    assert contract.id is not None
    record = Acceptance(contract_id=contract.id, accepted_on=day, by=who, result=outcome,
                        issues=problems, recorded_by=env.actor, recorded_at=env.now)
    session.add(record)
    closed = 0
    dated = 0
    if outcome == "pass":
        contract.accepted_on = day
        session.add(contract)
        for phase in _phases(session, contract):
            if phase.done_on is None:
                phase.done_on = day
                session.add(phase)
                closed += 1
        for payment in session.exec(select(Payment).where(
                col(Payment.contract_id) == contract.id,
                col(Payment.after_acceptance).is_not(None))):
            assert payment.after_acceptance is not None
            payment.due = rules.relative_due(day, payment.after_acceptance)
            session.add(payment)
            dated += 1
    session.flush()
    aftercare.refresh_customer(session, env, _customer(session, contract))
    audit.record(session, env, f"project {contract.number}: acceptance {day}: {outcome}; "
                               f"{closed} phase(s) closed, {dated} installment(s) dated")
    return record


# --- reading ------------------------------------------------------------------------------


def phase_row(p: Phase, env: Env, *, number: str = "", code: str = "") -> dict[str, Any]:
    """The keys of columns.PHASE_EXPORT."""
    return {"contract_number": number, "customer_code": code, "phase": p.name,
            "start": p.start, "end": p.end, "owner": p.owner,
            "status": rules.phase_status(p.start, p.end, p.done_on, env.today),
            "done_on": p.done_on, "risk": p.risk, "mitigation": p.mitigation,
            "tasks": p.tasks, "deliverable": p.deliverable}


def change_row(c: ProjectChange, *, number: str = "", code: str = "") -> dict[str, Any]:
    return {"contract_number": number, "customer_code": code, "at": c.at,
            "description": c.description, "cost": c.cost, "days": c.days,
            "confirmed_by": c.confirmed_by, "by": c.by}


def acceptance_row(a: Acceptance, *, number: str = "", code: str = "") -> dict[str, Any]:
    return {"contract_number": number, "customer_code": code, "accepted_on": a.accepted_on,
            "by": a.by, "result": a.result, "issues": a.issues,
            "recorded_by": a.recorded_by, "recorded_at": a.recorded_at}


def changes_of(session: Session, contract: Contract) -> list[ProjectChange]:
    return list(session.exec(select(ProjectChange)
                             .where(col(ProjectChange.contract_id) == contract.id)
                             .order_by(col(ProjectChange.id))))


def show(session: Session, env: Env, number: str) -> dict[str, Any]:
    """The plan of one contract (SPEC §7: contract, accepted_on, result, phases, changes),
    with its acceptances."""
    contract = resolve(session, number)
    customer = _customer(session, contract)
    acceptances = list(session.exec(select(Acceptance)
                                    .where(col(Acceptance.contract_id) == contract.id)
                                    .order_by(col(Acceptance.id))))
    latest = acceptances[-1] if acceptances else None
    return {
        "contract": contract.number,
        "customer_code": customer.code,
        "customer": customer.name,
        "accepted_on": contract.accepted_on,
        "result": latest.result if latest else None,
        "issues": latest.issues if latest else None,
        "warranty": contract.warranty,
        "phases": [phase_row(p, env, number=contract.number, code=customer.code)
                   for p in _phases(session, contract)],
        "changes": [change_row(c, number=contract.number, code=customer.code)
                    for c in changes_of(session, contract)],
        "acceptances": [acceptance_row(a, number=contract.number, code=customer.code)
                        for a in acceptances],
    }


def rows(session: Session, env: Env, *, late: bool = False, contract: str | None = None,
         customer_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Phases of every signed contract, by contract and date; `late`: only those past their
    end and not done (read through the index (done_on, end))."""
    query = (sa_select(Phase, col(Contract.number), col(Customer.code))
             .join(Contract, col(Contract.id) == col(Phase.contract_id))
             .join(Customer, col(Customer.id) == col(Contract.customer_id))
             .order_by(col(Contract.number), col(Phase.start), col(Phase.end), col(Phase.id)))
    if late:
        query = query.where(col(Phase.done_on).is_(None),
                            col(Phase.end) < env.today, col(Contract.status) == "signed")
    if contract:
        query = query.where(col(Contract.id) == resolve(session, contract).id)
    if customer_id is not None:
        query = query.where(col(Contract.customer_id) == customer_id)
    for phase, number, code in session.execute(query):
        yield phase_row(phase, env, number=number, code=code)


def earliest_open_phase(session: Session, customer_id: int) -> Phase | None:
    """The customer's unfinished phase that ends first (the `delivery` item an extension
    asks to move)."""
    return session.exec(
        select(Phase).join(Contract, col(Contract.id) == col(Phase.contract_id))
        .where(col(Contract.customer_id) == customer_id, col(Contract.status) == "signed",
               col(Phase.done_on).is_(None))
        .order_by(col(Phase.end), col(Phase.id)).limit(1)).first()

