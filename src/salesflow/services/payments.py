"""Payments: money received against a signed contract's installments (回款).

A receipt is applied to the earliest open installments first (rules.contract.allocate);
an installment is paid when all of it has come in, on the day the last of it did. More
than is still open is refused, so the schedule never shows a negative balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from salesflow.errors import Conflict, InputError
from salesflow.i18n import _
from salesflow.models import Payment, PaymentPromise
from salesflow.rules import contract as rules
from salesflow.rules import project as project_rules
from salesflow.rules.dates import RECORD_RANGE, parse_date
from salesflow.rules.money import format_yuan, parse_money
from salesflow.services import audit
from salesflow.services.contracts import resolve, state_text
from salesflow.services.env import Env
from salesflow.services.text import field_text


def payment_row(p: Payment, number: str) -> dict[str, Any]:
    """The keys of columns.PAYMENT."""
    return {"contract_number": number, "due": p.due, "amount": p.amount,
            "paid_at": p.paid_at, "paid_amount": p.paid_amount,
            "status": rules.payment_status(p.amount, p.paid_amount),
            "due_rule": project_rules.due_rule(p.after_acceptance)}


@dataclass
class Recorded:
    number: str
    amount: int  # fen received
    day: date  # received
    touched: list[dict[str, Any]]  # the installments it went to (payment rows)
    still_open: int  # fen open on the contract afterwards


def record(session: Session, env: Env, number: str, amount: str,
           when: str | None = None) -> Recorded:
    contract = resolve(session, number)
    try:
        fen = parse_money(amount)
    except ValueError as exc:
        raise InputError.field("amount", exc) from None
    if fen <= 0:
        raise InputError(_("amount: a payment is more than zero yuan, e.g. 1290000 or 129万"))
    day = env.today
    if when and when.strip():
        try:
            day = parse_date(when, env.today, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("date", exc) from None
        if day > env.today:
            raise InputError(_("date: {day} is in the future; record money once it is "
                               "received").format(day=day))
    if contract.status != "signed":
        raise Conflict(_("contract: {number} is {state}; payments are recorded against a "
                         "signed contract").format(number=contract.number,
                                                   state=state_text(contract)))
    installments = list(session.exec(
        select(Payment).where(col(Payment.contract_id) == contract.id)
        .order_by(col(Payment.due).is_(None), col(Payment.due), col(Payment.id))))
    if not installments:
        raise Conflict(_("contract: {number} has no payment schedule; installments are "
                         "given when it is drafted (contract add --payment "
                         "DATE:AMOUNT)").format(number=contract.number))
    try:
        applied = rules.allocate(
            [rules.Installment(p.due, p.amount, p.paid_amount) for p in installments], fen)
    except ValueError as exc:
        raise InputError(f"amount: {exc} on {contract.number}") from None
    touched = []
    for payment, part in zip(installments, applied, strict=True):
        if not part:
            continue
        payment.paid_amount += part
        if payment.paid_amount >= payment.amount and payment.paid_at is None:
            payment.paid_at = day
        session.add(payment)
        touched.append(payment_row(payment, contract.number))
    still_open = sum(max(p.amount - p.paid_amount, 0) for p in installments)
    audit.record(session, env, f"payment of {format_yuan(fen)} received {day} on "
                               f"{contract.number}; {format_yuan(still_open)} still open")
    session.flush()
    return Recorded(contract.number, fen, day, touched, still_open)


def promise(session: Session, env: Env, number: str, until: str,
            note: str | None = None) -> tuple[str, date, int]:
    """Record the customer's promise to pay (催款流程): the contract's late installments stay
    off every agenda until that day. Returns (number, the day, late installments it
    covers)."""
    contract = resolve(session, number)
    try:
        day = parse_date(until, env.today, within=RECORD_RANGE)
    except ValueError as exc:
        raise InputError.field("date", exc) from None
    if day < env.today:
        raise InputError(_("date: {day} is in the past; a promise to pay names a day from "
                           "today on").format(day=day))
    text = (field_text("note", note, multiline=True) or "").strip() or None
    if contract.status != "signed":
        raise Conflict(_("contract: {number} is {state}; a promise to pay is for a signed "
                         "contract").format(number=contract.number,
                                            state=state_text(contract)))
    open_ = list(session.exec(select(Payment).where(col(Payment.contract_id) == contract.id,
                                                    col(Payment.paid_at).is_(None))))
    if not open_:
        raise Conflict(_("contract: {number} has no open installment; nothing to "
                         "promise").format(number=contract.number))
    assert contract.id is not None
    contract.promise_until = day
    contract.promise_note = text
    session.add(contract)
    session.add(PaymentPromise(contract_id=contract.id, until=day, note=text, by=env.actor,
                               at=env.now))
    late = sum(1 for p in open_ if p.due is not None and p.due < env.today)
    audit.record(session, env, f"payment promise on {contract.number} until {day} "
                               f"({late} late installment(s))")
    session.flush()
    return contract.number, day, late
