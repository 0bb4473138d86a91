"""Solutions and quotes (解决方案定制表, 方案评审; SPEC §11): draft, submit, review, send,
accept (the letter of intent) or decline; list and show.

A rep drafts a solution with its quote; a manager who is not its author reviews it, and a
gm too when the discount is beyond the setting `discount.limit` (rules.solution). A
rejection sends it back to draft and the next submission starts a new round. Sending an
approved solution is the way a customer reaches `proposal`, and its acceptance moves the
customer to `negotiation` (rules.pipeline), both through customers.record_move so the
stage history and due date stay true. Every write is audited (without notes or reasons:
those are erased by `customer forget`, the audit trail is not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from salesflow.errors import Conflict, Forbidden, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Customer, Solution, SolutionReview
from salesflow.rules import pipeline
from salesflow.rules import solution as rules
from salesflow.rules.choices import parse_choice
from salesflow.rules.contract import normalize_number
from salesflow.rules.dates import parse_date
from salesflow.rules.money import format_yuan, parse_money
from salesflow.services import audit, customers, numbering, users
from salesflow.services.env import Env


def resolve(session: Session, number: str) -> Solution:
    try:
        key: str | None = normalize_number(number)
    except ValueError:
        key = None
    found = (session.exec(select(Solution).where(col(Solution.number) == key)).first()
             if key else None)
    if found is None:
        raise NotFound(_("solution: no solution {number!r}; use a number such as FA20231001 "
                         "(see salesflow solution list)").format(number=number))
    return found


def customer_of(session: Session, solution: Solution) -> Customer:
    customer = session.get(Customer, solution.customer_id)
    assert customer is not None  # a foreign key
    return customer


def _money(field: str, text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        fen = parse_money(text)
    except ValueError as exc:
        raise InputError.field(field, exc) from None
    if fen <= 0:
        raise InputError(_("{field}: use an amount above zero, e.g. 258万").format(
            field=field))
    return fen


def add(session: Session, env: Env, ref: str, name: str, *, quote: str,
        list_price: str | None = None, config: str | None = None, days: int | None = None,
        extras: str | None = None, highlights: str | None = None) -> Solution:
    customer = customers.resolve(session, ref)
    title = " ".join((name or "").split())
    if not title:
        raise InputError(_("name: a solution needs a name, e.g. 智能分拣解决方案"))
    quote_fen = _money("quote", quote)
    if quote_fen is None:
        raise InputError(_("quote: give the quoted price, e.g. --quote 258万"))
    list_fen = _money("list-price", list_price)
    if days is not None and days <= 0:
        raise InputError(_("days: the delivery period is at least 1 day, not {days}").format(
            days=days))
    assert customer.id is not None
    number = numbering.next_number(
        session, env, rules.NUMBER_PREFIX,
        lambda n: session.exec(select(Solution.id).where(col(Solution.number) == n))
        .first() is not None)
    solution = Solution(
        number=number, customer_id=customer.id, name=title, quote=quote_fen,
        list_price=list_fen, config=_text(config), days=days, extras=_text(extras),
        highlights=_text(highlights), status="draft", round=0, author=env.actor,
        created_at=env.now)
    session.add(solution)
    audit.record(session, env, f"solution {number} added for {customer.code}: "
                               f"{format_yuan(quote_fen)}")
    session.flush()
    return solution


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _discount(solution: Solution) -> Any:
    return rules.discount(solution.quote, solution.list_price)


def _steps(solution: Solution, env: Env) -> tuple[str, ...]:
    return rules.steps_for(_discount(solution), env.settings.discount_limit)


def _approved(session: Session, solution: Solution) -> list[tuple[str, str]]:
    return [(r.step, r.by) for r in session.exec(
        select(SolutionReview).where(col(SolutionReview.solution_id) == solution.id,
                                     col(SolutionReview.round) == solution.round,
                                     col(SolutionReview.decision) == "approve")
        .order_by(col(SolutionReview.id)))]


def waiting_for(session: Session, env: Env, solution: Solution) -> str | None:
    if solution.status != "review":
        return None
    return rules.pending_step(_steps(solution, env),
                              [step for step, _by in _approved(session, solution)])


def state_text(session: Session, env: Env, solution: Solution) -> str:
    step = waiting_for(session, env, solution)
    if step:
        return _("{status} (waiting for the {step} review)").format(status=solution.status,
                                                                    step=step)
    return solution.status


def _wrong_state(session: Session, env: Env, solution: Solution, wanted: str) -> Conflict:
    return Conflict(_("solution: {number} is {state}; {wanted}").format(
        number=solution.number, state=state_text(session, env, solution), wanted=wanted))


def submit(session: Session, env: Env, number: str) -> Solution:
    solution = resolve(session, number)
    if solution.status != "draft":
        raise _wrong_state(session, env, solution, _("only a draft is submitted for review"))
    solution.round += 1
    solution.status = "review"
    session.add(solution)
    audit.record(session, env, f"solution {solution.number} submitted for review (round "
                               f"{solution.round})")
    session.flush()
    return solution


@dataclass
class Reviewed:
    solution: Solution
    step: str
    decision: str
    next_step: str | None


def review(session: Session, env: Env, number: str, *, approve: bool,
           note: str | None) -> Reviewed:
    solution = resolve(session, number)
    if solution.status != "review":
        hint = (_("submit it first: salesflow solution submit {n}").format(n=solution.number)
                if solution.status == "draft" else "")
        raise _wrong_state(session, env, solution, _("only a solution in review is reviewed")
                           + (f"; {hint}" if hint else ""))
    note = _text(note)
    if not approve and note is None:
        raise InputError(_("note: a rejection needs a reason the author can act on; add "
                           "--note TEXT"))
    steps = _steps(solution, env)
    approved = _approved(session, solution)
    role = users.role_of(session, env.actor)
    refusal = rules.review_refusal(steps=steps, approved=approved, actor=env.actor,
                                   actor_role=role, author=solution.author)
    if refusal is not None:
        raise Forbidden(f"review: {refusal}")
    step = rules.pending_step(steps, [s for s, _by in approved])
    assert step is not None and solution.id is not None
    decision = "approve" if approve else "reject"
    session.add(SolutionReview(solution_id=solution.id, round=solution.round, step=step,
                               decision=decision, by=env.actor, at=env.now, note=note))
    next_step = None
    if not approve:
        solution.status = "draft"
        what = f"rejected at the {step} review"
    else:
        next_step = rules.pending_step(steps, [*(s for s, _by in approved), step])
        if next_step is None:
            solution.status = "approved"
            what = f"{step} review approved; the solution is approved"
        else:
            what = f"{step} review approved; waiting for {next_step}"
    session.add(solution)
    audit.record(session, env, f"solution {solution.number} {what}")
    session.flush()
    return Reviewed(solution, step, decision, next_step)


@dataclass
class Moved:
    solution: Solution
    customer: Customer
    move: pipeline.Move | None


def _move(session: Session, env: Env, customer: Customer, move: pipeline.Move | None,
          why: str) -> None:
    if move is not None:
        customers.record_move(session, env, customer, move, why)


def send(session: Session, env: Env, number: str) -> Moved:
    """An approved solution goes to the customer: intent → proposal."""
    solution = resolve(session, number)
    if solution.status != "approved":
        raise _wrong_state(session, env, solution, _("only an approved solution is sent"))
    customer = customer_of(session, solution)
    try:
        move = pipeline.solution_sent(customer.stage)
    except ValueError as exc:
        raise Conflict(f"stage: {exc}") from None
    solution.status = "sent"
    solution.sent_at = env.now
    session.add(solution)
    _move(session, env, customer, move, f"solution {solution.number} sent")
    audit.record(session, env, f"solution {solution.number} sent to {customer.code}")
    session.flush()
    return Moved(solution, customer, move)


def accept(session: Session, env: Env, number: str, letter_date: str | None = None) -> Moved:
    """The customer accepts and signs the letter of intent (合作意向书): proposal →
    negotiation. Its scope, price and delivery period are the solution's."""
    solution = resolve(session, number)
    if solution.status != "sent":
        raise _wrong_state(session, env, solution,
                           _("only a sent solution is accepted or declined"))
    letter = env.today
    if letter_date and letter_date.strip():
        try:
            letter = parse_date(letter_date, env.today)
        except ValueError as exc:
            raise InputError.field("letter-date", exc) from None
        if letter > env.today:
            raise InputError(_("letter-date: {day} is in the future; record the letter of "
                               "intent once it is signed").format(day=letter))
        assert solution.sent_at is not None
        if letter < env.local_date(solution.sent_at):
            raise InputError(_("letter-date: {day} is before the solution was sent on "
                               "{sent}").format(day=letter,
                                                sent=env.local_date(solution.sent_at)))
    customer = customer_of(session, solution)
    try:
        move = pipeline.solution_accepted(customer.stage)
    except ValueError as exc:
        raise Conflict(f"stage: {exc}") from None
    solution.status = "accepted"
    solution.accepted_at = env.now
    solution.letter_date = letter
    session.add(solution)
    _move(session, env, customer, move, f"solution {solution.number} accepted")
    audit.record(session, env, f"solution {solution.number} accepted by {customer.code} "
                               f"(letter of intent {letter})")
    session.flush()
    return Moved(solution, customer, move)


def decline(session: Session, env: Env, number: str, reason: str | None) -> Solution:
    solution = resolve(session, number)
    if solution.status != "sent":
        raise _wrong_state(session, env, solution,
                           _("only a sent solution is accepted or declined"))
    text = _text(reason)
    if text is None:
        raise InputError(_("reason: say why the customer declined, e.g. --reason "
                           "'预算不足'"))
    solution.status = "declined"
    solution.declined_at = env.now
    solution.decline_reason = text
    session.add(solution)
    audit.record(session, env, f"solution {solution.number} declined")
    session.flush()
    return solution


def accepted_for_contract(session: Session, number: str, customer: Customer) -> Solution:
    """`contract add --solution`: an accepted solution of that customer."""
    solution = resolve(session, number)
    if solution.customer_id != customer.id:
        raise Conflict(_("solution: {number} is a solution for another customer, not "
                         "{code}").format(number=solution.number, code=customer.code))
    if solution.status != "accepted":
        raise Conflict(_("solution: {number} is {status}; a contract follows an accepted "
                         "solution (salesflow solution accept {number})").format(
                             number=solution.number, status=solution.status))
    return solution


# --- reading --------------------------------------------------------------------------------


def row(s: Solution, code: str) -> dict[str, Any]:
    """columns.SOLUTION keys."""
    return {"number": s.number, "customer_code": code, "name": s.name, "quote": s.quote,
            "list_price": s.list_price, "discount": _discount(s), "status": s.status,
            "author": s.author, "sent_at": s.sent_at, "accepted_at": s.accepted_at}


def parse_status(text: str) -> str:
    try:
        return parse_choice(text, rules.STATUSES, "solution_status")
    except ValueError as exc:
        raise InputError.field("status", exc) from None


def rows(session: Session, env: Env, *, ref: str | None = None, status: str | None = None,
         since: str | None = None, statuses: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """Solutions by number (the order they were drafted in)."""
    query = (select(Solution, Customer.code)
             .join(Customer, col(Customer.id) == col(Solution.customer_id))
             .order_by(col(Solution.created_at), col(Solution.id)))
    if ref:
        query = query.where(col(Solution.customer_id) == customers.resolve(session, ref).id)
    if status:
        query = query.where(col(Solution.status) == parse_status(status))
    if statuses:
        query = query.where(col(Solution.status).in_(statuses))
    start = env.since_start(since)
    if start is not None:
        query = query.where(col(Solution.created_at) >= start)
    for solution, code in session.exec(query.execution_options(yield_per=500)):
        yield row(solution, code)


def review_row(r: SolutionReview) -> dict[str, Any]:
    return {"round": r.round, "step": r.step, "decision": r.decision, "by": r.by,
            "at": r.at, "note": r.note}


@dataclass
class Shown:
    row: dict[str, Any]
    reviews: list[dict[str, Any]]
    extra: dict[str, Any]


def show(session: Session, env: Env, number: str) -> Shown:
    solution = resolve(session, number)
    customer = customer_of(session, solution)
    reviews = [review_row(r) for r in session.exec(
        select(SolutionReview).where(col(SolutionReview.solution_id) == solution.id)
        .order_by(col(SolutionReview.id)))]
    return Shown(
        row=row(solution, customer.code), reviews=reviews,
        extra={"customer": customer.name, "config": solution.config, "days": solution.days,
               "extras": solution.extras, "highlights": solution.highlights,
               "state": state_text(session, env, solution),
               "letter_date": solution.letter_date.isoformat() if solution.letter_date
               else None,
               "decline_reason": solution.decline_reason})
