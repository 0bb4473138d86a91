"""The brief before a call (沟通前准备: 查阅客户档案，知晓客户近况; SPEC §11): one customer
on one screen — profile, tier with its rule and strategy, stage and days in it, contacts,
discovery, the last three follow-ups, open needs and an unanswered objection, open
solutions, contracts with their approval step and unpaid installments, the phases of their
delivery plans (SPEC §12) with their status, and what is due for it now.

Everything is read through the row builders that `customer show` (privacy.held) and
`due` (agenda.items) and `project list` (projects.rows) already use, so the brief never
disagrees with them. Key dates (SPEC §13) are the customer's own and the greeted holidays
(services/relationship.key_dates_of), each with its next occasion.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from salesflow.rules.solution import OPEN_STATUSES
from salesflow.services import agenda, privacy, projects, relationship
from salesflow.services.customers import resolve
from salesflow.services.env import Env

LAST_FOLLOWUPS = 3


def brief(session: Session, env: Env, ref: str) -> dict[str, Any]:
    held = privacy.held(session, env, ref)
    customer = resolve(session, ref)
    since = env.local_date(customer.stage_changed_at)
    followups = list(reversed(held["followups"][-LAST_FOLLOWUPS:]))  # newest first
    objection = None
    if customer.objection_at is not None:
        objection = next((f for f in reversed(held["followups"])
                          if f["at"] == customer.objection_at), None)
    contracts = []
    for k in held["contracts"]:
        if k["status"] == "cancelled":
            continue
        unpaid = [p for p in k["payments"] if p["status"] != "paid"]
        contracts.append({**k, "unpaid": unpaid})
    due = agenda.items(session, env, agenda.Query(
        plan=env.today, days=0, owner=customer.owner, customer_id=customer.id))
    return {
        "row": held["row"],
        "extra": {
            "tier_rule": held["extra"]["tier_rule"],
            "tier_override": held["extra"]["tier_override"],
            "tier_reason": held["extra"]["tier_reason"],
            "strategy": held["extra"]["strategy"],
            "stage_since": since,
            "days_in_stage": (env.today - since).days,
            "missing": held["extra"]["missing"],
        },
        "objection": objection,
        "contacts": held["contacts"],
        "followups": followups,
        "needs": [n for n in held["needs"] if n["status"] != "resolved"],
        "solutions": [s for s in held["solutions"] if s["status"] in OPEN_STATUSES],
        "contracts": contracts,
        "phases": list(projects.rows(session, env, customer_id=customer.id)),
        "key_dates": relationship.key_dates_of(session, env, customer),
        "due": due,
    }
