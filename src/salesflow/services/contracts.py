"""Contracts (合同审批表): draft, submit, the approval chain, signing; list and show.

A rep drafts a contract (with its payment schedule) and submits it; the sales manager,
legal and the general manager approve it in that order (rules.contract); a rejection
sends it back to draft and the next submission starts a new round of the chain. Signing
an approved contract is the only way a customer becomes won (or repeat): it goes through
customers.record_move, so the stage history and due date stay true.

Every write is audited. The contract keeps the step it waits for (`pending_step`, and
since when) so that `due` and `list --waiting-for-me` find a role's work by index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from salesflow.errors import Conflict, Forbidden, InputError, NotFound
from salesflow.i18n import N_, Msg, _
from salesflow.models import Approval, Contract, Customer, Payment, ProjectChange, StageChange
from salesflow.rules import contract as rules
from salesflow.rules import pipeline
from salesflow.rules import project as project_rules
from salesflow.rules.dates import RECORD_RANGE, parse_date, parse_datetime
from salesflow.rules.money import format_yuan, parse_money
from salesflow.services import aftercare, audit, customers, numbering, solutions, users
from salesflow.services.env import Env
from salesflow.services.text import field_text

CLOCK_SKEW = timedelta(minutes=5)


def resolve(session: Session, number: str) -> Contract:
    """A contract by its number, in any case."""
    try:
        key = rules.normalize_number(number)
    except ValueError:
        key = None
    found = (session.exec(select(Contract).where(col(Contract.number) == key)).first()
             if key else None)
    if found is None:
        raise NotFound(_("contract: no contract '{number}'; use a number such as HT20231001 "
                         "(see salesflow contract list)").format(number=number))
    return found


def _customer(session: Session, contract: Contract) -> Customer:
    customer = session.get(Customer, contract.customer_id)
    assert customer is not None  # a foreign key
    return customer


# --- drafting ---------------------------------------------------------------------------------


@dataclass
class Added:
    contract: Contract
    customer: Customer
    installments: list[Payment]
    unscheduled: int  # fen of the amount no installment covers


def add(session: Session, env: Env, customer_ref: str, *, amount: str | None,
        start: str | None = None, end: str | None = None, terms: str | None = None,
        payments: Sequence[str] = (), number: str | None = None,
        submit: bool = False, solution: str | None = None,
        warranty: str | None = None) -> Added:
    """Draft a contract for a customer (and submit it at once with submit=True); with
    `solution`, linked to that accepted solution, whose quote is the default amount."""
    customer = customers.resolve(session, customer_ref)
    source = (solutions.accepted_for_contract(session, solution, customer)
              if solution is not None else None)
    if amount is None or not amount.strip():
        if source is None:
            raise InputError(_("amount: give the contract amount, e.g. --amount 258万 (or "
                               "--solution FA… to take an accepted solution's quote)"))
        fen = source.quote
    else:
        try:
            fen = parse_money(amount)
        except ValueError as exc:
            raise InputError.field("amount", exc) from None
    if fen <= 0:
        raise InputError(_("amount: a contract is worth more than zero; use yuan such as "
                           "258万"))
    start_on = _date("start", start, env)
    end_on = _date("end", end, env)
    if start_on and end_on and end_on < start_on:
        raise InputError(_("end: {end} is before the start {start}; a contract ends on "
                           "or after the day it starts").format(end=end_on, start=start_on))
    schedule = []
    relative: list[tuple[int, int]] = []  # (days after acceptance, fen)
    for text in payments:
        try:
            if project_rules.is_relative(text):
                relative.append(project_rules.parse_relative_installment(text))
            else:
                schedule.append(rules.parse_installment(text, env.today))
        except ValueError as exc:
            raise InputError.field("payment", exc) from None
    try:
        # an installment due after acceptance counts towards the total; its date is
        # unknown, so it is never early
        unscheduled = rules.check_schedule(
            fen, [*schedule, *((start_on or date.max, part) for _days, part in relative)],
            start_on) if schedule or relative else 0
    except ValueError as exc:
        raise InputError.field("payment", exc) from None
    kept_warranty = None
    if warranty is not None and warranty.strip():
        try:
            kept_warranty = project_rules.parse_warranty(warranty)
        except ValueError as exc:
            raise InputError.field("warranty", exc) from None
    if number:
        try:
            number = rules.normalize_number(number)
        except ValueError as exc:
            raise InputError.field("number", exc) from None
        if _taken(session, number):
            raise Conflict(_("number: contract {number} already exists; choose another "
                             "number or leave --number out for the next HT "
                             "number").format(number=number))
    else:
        number = _next_number(session, env)
    assert customer.id is not None
    terms = field_text("terms", terms, multiline=True)
    contract = Contract(number=number, customer_id=customer.id, amount=fen, start=start_on,
                        end=end_on, terms=(terms or "").strip() or None,
                        created_by=env.actor, created_at=env.now, status="draft", round=0,
                        solution_id=source.id if source else None, warranty=kept_warranty)
    session.add(contract)
    session.flush()
    assert contract.id is not None
    installments = [Payment(contract_id=contract.id, due=due, amount=part)
                    for due, part in sorted(schedule, key=lambda item: item[0])]
    installments += [Payment(contract_id=contract.id, due=None, amount=part,
                             after_acceptance=days) for days, part in relative]
    session.add_all(installments)
    audit.record(session, env, f"contract {number} added for {customer.code}: "
                               f"{format_yuan(fen)}, {len(installments)} installment(s)"
                               + (f", from solution {source.number}" if source else ""))
    if submit:
        _submit(session, env, contract)
    session.flush()
    return Added(contract, customer, installments, unscheduled)


def _date(name: str, text: str | None, env: Env) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return parse_date(text, env.today, within=RECORD_RANGE)
    except ValueError as exc:
        raise InputError.field(name, exc) from None


def _taken(session: Session, number: str) -> bool:
    return session.exec(select(Contract.id).where(col(Contract.number) == number)).first() \
        is not None


def _next_number(session: Session, env: Env) -> str:
    """HT + this month + the month's next sequence, skipping numbers typed by hand."""
    return numbering.next_number(session, env, rules.NUMBER_PREFIX,
                                 lambda number: _taken(session, number))


# --- the approval chain ----------------------------------------------------------------------


def _steps(contract: Contract, env: Env) -> tuple[str, ...]:
    steps = rules.steps_for(contract.amount, env.settings.gm_threshold_fen)
    if contract.pending_step and contract.pending_step not in steps:
        # The gm threshold was raised while the contract waited for gm: this round's
        # chain already reached that step, and it stays.
        return rules.STEPS
    return steps


def _approved(session: Session, contract: Contract) -> list[rules.Approved]:
    """The approvals given in the contract's current round, oldest first."""
    return [
        rules.Approved(a.step, a.by)
        for a in session.exec(
            select(Approval)
            .where(col(Approval.contract_id) == contract.id,
                   col(Approval.round) == contract.round,
                   col(Approval.decision) == "approve")
            .order_by(col(Approval.id)))
    ]


def state_text(contract: Contract) -> str:
    """The status, with the step a pending contract waits for."""
    if contract.status == "pending" and contract.pending_step:
        return _("pending (waiting for the {step} step)").format(step=contract.pending_step)
    return contract.status


_NEXT = {
    "draft": N_("submit it first: salesflow contract submit {n}"),
    "approved": N_("sign it with salesflow contract sign {n}"),
    "rejected": N_("submit it again once it is revised"),
}


def _wrong_state(contract: Contract, wanted: str) -> Conflict:
    hint = (_(_NEXT[contract.status]).format(n=contract.number)
            if contract.status in _NEXT else "")
    return Conflict(_("contract: {number} is {state}; {wanted}").format(
        number=contract.number, state=state_text(contract), wanted=wanted)
                    + (f"; {hint}" if hint else ""))


def submit(session: Session, env: Env, number: str) -> Contract:
    contract = resolve(session, number)
    _submit(session, env, contract)
    session.flush()
    return contract


def _submit(session: Session, env: Env, contract: Contract) -> None:
    if contract.status not in ("draft", "rejected"):
        raise _wrong_state(contract, _("only a draft can be submitted"))
    steps = rules.steps_for(contract.amount, env.settings.gm_threshold_fen)
    contract.round += 1
    contract.status = "pending"
    contract.pending_step = steps[0]
    contract.pending_since = env.now
    session.add(contract)
    audit.record(session, env, f"contract {contract.number} submitted (round "
                               f"{contract.round}): waiting for {steps[0]}")


@dataclass
class Decided:
    contract: Contract
    step: str
    decision: str
    next_step: str | None


def decide(session: Session, env: Env, number: str, *, reject: bool = False,
           note: str | None = None) -> Decided:
    """Approve (or reject) the step the contract waits for, as the acting user."""
    contract = resolve(session, number)
    if contract.status != "pending":
        raise _wrong_state(contract, _("only a pending contract can be approved or rejected"))
    note = (field_text("note", note, multiline=True) or "").strip() or None
    if reject and note is None:
        raise InputError(_("note: a rejection needs a reason the rep can act on; add "
                           "--note TEXT"))
    steps = _steps(contract, env)
    approved = _approved(session, contract)
    refusal = rules.approval_refusal(steps=steps, approved=approved, actor=env.actor,
                                     actor_role=users.role_of(session, env.actor),
                                     created_by=contract.created_by)
    if refusal is not None:
        error = Forbidden if refusal.kind in ("creator", "role") else Conflict
        raise error(_("{field}: {message}").format(field=refusal.field, message=refusal.message))
    step = rules.pending_step(steps, approved)
    assert step is not None  # approval_refusal said something is pending
    assert contract.id is not None
    decision = "reject" if reject else "approve"
    session.add(Approval(contract_id=contract.id, round=contract.round, step=step,
                         decision=decision, by=env.actor, at=env.now, note=note))
    next_step = None
    if reject:
        contract.status = "draft"
        contract.pending_step = None
        contract.pending_since = None
        what = f"rejected at the {step} step: {note}"
    else:
        next_step = rules.pending_step(steps, [*approved, rules.Approved(step, env.actor)])
        if next_step is None:
            contract.status = "approved"
            contract.pending_step = None
            contract.pending_since = None
            what = f"{step} step approved; the contract is approved"
        else:
            contract.pending_step = next_step
            contract.pending_since = env.now
            what = f"{step} step approved; waiting for {next_step}"
    session.add(contract)
    audit.record(session, env, f"contract {contract.number} {what}")
    session.flush()
    return Decided(contract, step, decision, next_step)


# --- signing -----------------------------------------------------------------------------------


@dataclass
class Signed:
    contract: Contract
    customer: Customer
    move: pipeline.Move


def sign(session: Session, env: Env, number: str, when: str | None = None) -> Signed:
    """Sign an approved contract: the customer becomes won, or repeat after a first one."""
    contract = resolve(session, number)
    if contract.status != "approved":
        raise _wrong_state(contract, _("only an approved contract can be signed"))
    signed_at = env.now
    if when and when.strip():
        try:
            signed_at = parse_datetime(when, env.local_now, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("date", exc) from None
        if signed_at > env.now + CLOCK_SKEW:
            raise InputError(_("date: '{when}' is in the future; sign a contract once it is "
                               "signed").format(when=when))
        if env.local_date(signed_at) < env.local_date(contract.created_at):
            raise InputError(_("date: '{when}' is before the contract was drafted on "
                               "{drafted}").format(when=when,
                                                   drafted=env.local_date(contract.created_at)))
    customer = _customer(session, contract)
    try:
        move = pipeline.check_signing_move(customer.stage)
    except ValueError as exc:
        raise Conflict(f"stage: {customer.code}: {exc}") from None
    if move.to_stage != "repeat" and _signed_before(session, contract):
        # Won once already (the stage may have been moved back by hand since): a further
        # signed contract is a repeat purchase.
        move = pipeline.Move(move.from_stage, "repeat", move.kind)
    contract.status = "signed"
    contract.signed_at = signed_at
    session.add(contract)
    customers.record_move(session, env, customer, move, f"contract {contract.number} signed")
    if signed_at != env.now:
        # A signature entered afterwards: the stage was reached when the contract was
        # signed, which is what the funnel counts (the audit keeps the real time).
        change = session.exec(
            select(StageChange).where(col(StageChange.customer_id) == customer.id)
            .order_by(col(StageChange.id).desc()).limit(1)).one()
        change.at = signed_at
        customer.stage_changed_at = customer.progressed_at = signed_at
        session.add_all([change, customer])
    aftercare.refresh_customer(session, env, customer)
    audit.record(session, env, f"contract {contract.number} signed; {customer.code} "
                               f"{move.from_stage} → {move.to_stage}")
    session.flush()
    return Signed(contract, customer, move)


def _signed_before(session: Session, contract: Contract) -> bool:
    return session.exec(
        select(Contract.id).where(col(Contract.customer_id) == contract.customer_id,
                                  col(Contract.status) == "signed",
                                  col(Contract.id) != contract.id).limit(1)
    ).first() is not None


# --- reading --------------------------------------------------------------------------------


def row(contract: Contract, customer: Customer, amendments: int = 0) -> dict[str, Any]:
    """The export/list/show keys (columns.CONTRACT), plus `customer` and `waiting_for` for
    the terminal table. `amendments`: the cost of its change requests (fen)."""
    return {
        "number": contract.number, "customer_code": customer.code,
        "amount": contract.amount, "start": contract.start, "end": contract.end,
        "status": contract.status, "created_by": contract.created_by,
        "signed_at": contract.signed_at, "accepted_on": contract.accepted_on,
        "warranty": contract.warranty, "amendments": amendments,
        "customer": customer.name, "waiting_for": contract.pending_step,
    }


def _amendments(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {cid: int(total) for cid, total in session.execute(
        select(ProjectChange.contract_id, func.sum(col(ProjectChange.cost)))
        .where(col(ProjectChange.contract_id).in_(ids))
        .group_by(col(ProjectChange.contract_id)))}


def rows(session: Session, env: Env, *, status: str | None = None,
         customer: str | None = None, waiting_for_me: bool = False
         ) -> Iterator[dict[str, Any]]:
    """Contracts by number; `waiting_for_me`: those whose pending step is the acting user's
    role and that the acting user did not create."""
    query = (select(Contract, Customer)
             .join(Customer, col(Customer.id) == col(Contract.customer_id))
             .order_by(col(Contract.number)))
    if status:
        query = query.where(col(Contract.status) == status)
    if customer:
        query = query.where(col(Contract.customer_id) == customers.resolve(session, customer).id)
    if waiting_for_me:
        role = users.role_of(session, env.actor)
        query = query.where(col(Contract.status) == "pending",
                            col(Contract.pending_step) == role,
                            col(Contract.created_by) != env.actor)
    found = list(session.exec(query))
    costs = _amendments(session, [c.id for c, _owner in found if c.id is not None])
    for contract, owner in found:
        yield row(contract, owner, costs.get(contract.id or 0, 0))


def approval_row(a: Approval) -> dict[str, Any]:
    return {"step": a.step, "decision": a.decision, "by": a.by, "at": a.at, "note": a.note,
            "round": a.round}


@dataclass
class Shown:
    row: dict[str, Any]
    approvals: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    changes: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def show(session: Session, env: Env, number: str) -> Shown:
    """One contract, its approvals (every round, oldest first) and its installments."""
    from salesflow.services.payments import payment_row

    contract = resolve(session, number)
    customer = _customer(session, contract)
    approvals = list(session.exec(select(Approval)
                                  .where(col(Approval.contract_id) == contract.id)
                                  .order_by(col(Approval.id))))
    installments = session.exec(select(Payment)
                                .where(col(Payment.contract_id) == contract.id)
                                .order_by(col(Payment.due).is_(None), col(Payment.due),
                                          col(Payment.id)))
    changes = list(session.exec(select(ProjectChange)
                                .where(col(ProjectChange.contract_id) == contract.id)
                                .order_by(col(ProjectChange.id))))
    cost = sum(c.cost for c in changes)
    steps = _steps(contract, env)
    current = [a for a in approvals if a.round == contract.round]
    return Shown(
        row=row(contract, customer, cost),
        changes=[{"at": c.at, "description": c.description, "cost": c.cost, "days": c.days,
                  "confirmed_by": c.confirmed_by, "by": c.by} for c in changes],
        approvals=[approval_row(a) for a in approvals],
        payments=[payment_row(p, contract.number) for p in installments],
        extra={
            "customer": customer.name,
            "terms": contract.terms,
            "created_at": env.local_date(contract.created_at).isoformat(),
            "chain": _chain_text(steps, current, contract),
            "round": contract.round,
            **({"amended_amount": format_yuan(contract.amount + cost)} if changes else {}),
            **({"promise": f"{contract.promise_until} {contract.promise_note or ''}".strip()}
               if contract.promise_until else {}),
        },
    )


def _chain_text(steps: Sequence[str], current: Sequence[Approval],
                contract: Contract) -> str:
    """manager ✓ wang.lei → legal (waiting) → gm, for the terminal."""
    if contract.round == 0:
        return Msg("{steps} (not submitted)", steps=" → ".join(steps))
    by_step = {a.step: a for a in current}
    parts = []
    waiting: int | None = None
    for step in steps:
        a = by_step.get(step)
        if a is not None and a.decision == "approve":
            parts.append(f"{step} ✓ {a.by}")
        elif a is not None:
            parts.append(f"{step} ✗ {a.by}")
        elif step == contract.pending_step:
            waiting = len(parts)
            parts.append(step)
        else:
            parts.append(step)
    if waiting is None:
        return " → ".join(parts)
    done, rest = parts[:waiting], parts[waiting + 1:]
    return Msg("{done}{step} (waiting){rest}", done="".join(p + " → " for p in done),
               step=parts[waiting], rest="".join(" → " + p for p in rest))
