"""Personal data (SPEC §10): everything held on one customer, and erasing its contact's
personal data on request (`customer forget`) while the anonymous counts stay.

What is erased is every free text about the customer, because any of it may name or
describe the contact person: the contact's name, title, phone and email (every contact's,
with their notes, and the contact named on each follow-up), the customer's
need, notes, tags, source detail and manual-tier reason; each follow-up's summary, reason, result
and next action; each need's description, response and resolution; each stage move's
reason; each contract's terms and its approvals' notes (and a rejection note repeated in
the audit trail); the discovery texts (pain points, decision process, competitors, past
cooperation); each solution's decline reason and its reviews' notes; the customer's key
dates are deleted (a birthday is the person's). A NOT NULL text
becomes ERASED, an optional one empty.

What stays is what the reports count and what is the company's, not the person's: the
customer row (code, company name, industry, region, size, website, potential, decision
cycle, tier, stage, owner, contact role, dates), each follow-up's times, channel,
feedback, objection flag, promised date and satisfaction answer, the needs' kind,
priority, status and times, every stage move, and the contracts with their amounts,
approvals and payments. Who did what (created_by, by) names staff, not the contact, and
stays too.

The rows are updated in place, so every count in `report`, `due` and the exports is the
same after `forget` as before. That nothing readable is left in the SQLite files (free
pages, the WAL) is db.scrub_sqlite's job, run after the commit; on PostgreSQL the server's
VACUUM reclaims old row versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesflow.models import (
    Acceptance,
    Approval,
    Audit,
    Contract,
    Customer,
    FollowUp,
    KeyDate,
    Need,
    Payment,
    PaymentPromise,
    ProjectChange,
    Solution,
    SolutionReview,
    StageChange,
)
from salesflow.rules.cadence import ACCOUNT_CARE_STAGES, care_strategy
from salesflow.rules.completeness import missing_fields
from salesflow.rules.tier import strategy_for
from salesflow.services import audit
from salesflow.services.contacts import row as contact_row
from salesflow.services.contracts import approval_row
from salesflow.services.contracts import row as contract_row
from salesflow.services.customers import contacts_of, decide_tier, profile, resolve
from salesflow.services.customers import row as customer_row
from salesflow.services.env import Env
from salesflow.services.followups import followup_row
from salesflow.services.needs import row as need_row
from salesflow.services.payments import payment_row
from salesflow.services.relationship import key_row
from salesflow.services.solutions import row as solution_row

ERASED = "(erased)"

# Customer fields that hold the contact's personal data or free text about the customer.
ERASED_CUSTOMER_FIELDS = ("contact_name", "contact_title", "phone", "email", "need", "notes",
                          "tags", "source_detail", "pain_points", "decision_process",
                          "competitors", "past_cooperation")


# --- everything held -----------------------------------------------------------------------


def held(session: Session, env: Env, ref: str) -> dict[str, Any]:
    """Everything held on one customer: the profile (columns.CUSTOMER), its tier and why,
    strategy and completeness, and every follow-up, stage move, need and contract (each
    contract with its approvals and installments), oldest first.

    One query per table, each through the customer's (or its contracts') foreign-key
    index; a customer's history is small, so it is collected.
    """
    c = resolve(session, ref)
    missing = missing_fields(profile(c))
    followups = [
        followup_row(f, c.code)
        for f in session.exec(select(FollowUp).where(col(FollowUp.customer_id) == c.id)
                              .order_by(col(FollowUp.at), col(FollowUp.id)))
    ]
    changes = [
        {"customer_code": c.code, "from_stage": s.from_stage, "to_stage": s.to_stage,
         "at": s.at, "by": s.by, "reason": s.reason}
        for s in session.exec(select(StageChange).where(col(StageChange.customer_id) == c.id)
                              .order_by(col(StageChange.at), col(StageChange.id)))
    ]
    needs = [
        need_row(n, c.code)
        for n in session.exec(select(Need).where(col(Need.customer_id) == c.id)
                              .order_by(col(Need.created_at), col(Need.id)))
    ]
    decision = decide_tier(c, env)
    return {
        "row": customer_row(c),
        "extra": {
            "founded": c.founded.isoformat() if c.founded else None,
            "website": c.website,
            "notes": c.notes,
            "tier_override": c.tier_override,
            "tier_reason": c.tier_reason,
            "tier_rule": decision.rule,
            "strategy": care_strategy(c.tier, env.settings.cadences)
            if c.stage in ACCOUNT_CARE_STAGES else strategy_for(c.tier),
            "complete": not missing,
            "missing": missing,
            "next_due_kind": c.next_due_kind,
        },
        "forgotten_at": c.forgotten_at,
        "followups": followups,
        "stage_changes": changes,
        "needs": needs,
        "contracts": _contracts(session, c),
        "contacts": [contact_row(k) for k in contacts_of(session, c)],
        "solutions": [solution_row(s, c.code) for s in session.exec(
            select(Solution).where(col(Solution.customer_id) == c.id)
            .order_by(col(Solution.number)))],
        "key_dates": [key_row(env, k, c.code) for k in session.exec(
            select(KeyDate).where(col(KeyDate.customer_id) == c.id)
            .order_by(col(KeyDate.month_day), col(KeyDate.id)))],
    }


def _contracts(session: Session, c: Customer) -> list[dict[str, Any]]:
    """The customer's contracts (columns.CONTRACT keys) by number, each with `approvals`
    (every round, oldest first) and `payments` (its installments in due order)."""
    contracts = list(session.exec(select(Contract).where(col(Contract.customer_id) == c.id)
                                  .order_by(col(Contract.number))))
    if not contracts:
        return []
    ids = [k.id for k in contracts]
    approvals: dict[int, list[dict[str, Any]]] = {i: [] for i in ids if i is not None}
    for a in session.exec(select(Approval).where(col(Approval.contract_id).in_(ids))
                          .order_by(col(Approval.id))):
        approvals[a.contract_id].append(approval_row(a))
    numbers = {k.id: k.number for k in contracts}
    payments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids if i is not None}
    for p in session.exec(select(Payment).where(col(Payment.contract_id).in_(ids))
                          .order_by(col(Payment.due), col(Payment.id))):
        payments[p.contract_id].append(payment_row(p, numbers[p.contract_id]))
    out = []
    for k in contracts:
        assert k.id is not None
        out.append({**contract_row(k, c), "terms": k.terms,
                    "approvals": approvals[k.id], "payments": payments[k.id]})
    return out


# --- forget ----------------------------------------------------------------------------------


@dataclass
class Forgotten:
    customer: Customer
    followups: int
    needs: int
    stage_changes: int
    contracts: int
    approvals: int
    contacts: int = 0


def forget(session: Session, env: Env, ref: str) -> Forgotten:
    """Erase the personal data held on one customer (see the module docstring for what
    goes and what stays) and stamp `forgotten_at`. Running it again erases whatever was
    added since. Each table is one UPDATE; the audit line names only the code."""
    c = resolve(session, ref)
    assert c.id is not None
    for field in ERASED_CUSTOMER_FIELDS:
        setattr(c, field, None)
    if c.tier_reason is not None:
        c.tier_reason = ERASED
    c.forgotten_at = env.now
    session.add(c)

    def erase(model: Any, where: Any, **values: Any) -> int:
        result = session.execute(update(model).where(where).values(**values)
                                 .execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    followups = erase(FollowUp, col(FollowUp.customer_id) == c.id,
                      summary=ERASED, reason=None, next_action=None, contact=None,
                      result=None)
    # every contact: a name stays required and unique per customer, so each becomes
    # "(erased) N"; their roles and channel preferences are not personal and stay
    people = contacts_of(session, c)
    for n, person in enumerate(people, start=1):
        person.name = f"{ERASED} {n}"
        person.title = person.phone = person.email = person.notes = None
        session.add(person)
    needs = erase(Need, col(Need.customer_id) == c.id,
                  description=ERASED, response=None, resolution=None)
    changes = erase(StageChange, col(StageChange.customer_id) == c.id, reason=None)
    contracts = erase(Contract, col(Contract.customer_id) == c.id, terms=None)
    its_contracts = sa_select(col(Contract.id)).where(col(Contract.customer_id) == c.id)
    approvals = erase(Approval, col(Approval.contract_id).in_(its_contracts), note=None)
    # SPEC §12: the customer's people named on an acceptance or a change, promise notes
    erase(Acceptance, col(Acceptance.contract_id).in_(its_contracts), by=ERASED)
    erase(ProjectChange, col(ProjectChange.contract_id).in_(its_contracts),
          confirmed_by=ERASED)
    erase(PaymentPromise, col(PaymentPromise.contract_id).in_(its_contracts), note=None)
    erase(Contract, col(Contract.customer_id) == c.id, promise_note=None)
    erase(Solution, col(Solution.customer_id) == c.id, decline_reason=None)
    # key dates (a birthday is the person's) go: their greetings with them
    session.execute(delete(KeyDate).where(col(KeyDate.customer_id) == c.id)
                    .execution_options(synchronize_session=False))
    its_solutions = sa_select(col(Solution.id)).where(col(Solution.customer_id) == c.id)
    erase(SolutionReview, col(SolutionReview.solution_id).in_(its_solutions), note=None)
    _erase_rejection_notes(session, c)
    audit.record(session, env, f"customer {c.code} personal data erased")
    session.flush()
    return Forgotten(c, followups, needs, changes, contracts, approvals, len(people))


def _erase_rejection_notes(session: Session, c: Customer) -> None:
    """A rejection's audit line repeats its note (`contract N rejected at the S step:
    NOTE`); keep the line, drop the note. Only contracts that were ever rejected are
    looked up in the audit trail."""
    rejected = session.exec(
        select(Contract.number).distinct()
        .join(Approval, col(Approval.contract_id) == col(Contract.id))
        .where(col(Contract.customer_id) == c.id, col(Approval.decision) == "reject")
    ).all()
    for number in rejected:
        prefix = f"contract {number} rejected at the "
        for entry in session.exec(
                select(Audit).where(col(Audit.what).startswith(prefix, autoescape=True))):
            head, sep, _note = entry.what.partition(" step: ")
            if sep:
                entry.what = f"{head} step: {ERASED}"
                session.add(entry)
