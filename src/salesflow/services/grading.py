"""Grading (客户分级): compute A/B/C from potential and decision cycle, or keep a manual
override with its reason until it is cleared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, select

from salesflow.errors import InputError
from salesflow.i18n import Msg, _
from salesflow.models import Customer
from salesflow.rules.tier import parse_tier
from salesflow.services import audit, schedule
from salesflow.services.customers import decide_tier, resolve
from salesflow.services.env import Env
from salesflow.services.text import field_text


def _result(c: Customer, old: str, rule: str) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "old_tier": old, "new_tier": c.tier,
            "override": c.tier_override is not None and "yes" or "", "rule": rule}


def _apply(session: Session, env: Env, c: Customer) -> dict[str, Any]:
    decision = decide_tier(c, env)
    old = c.tier
    if c.tier_override is not None:
        rule = Msg("manual {tier} kept ({reason}); the rule says {rule}",
                   tier=c.tier_override, reason=c.tier_reason, rule=decision.rule)
    else:
        c.tier = decision.tier
        rule = decision.rule
    if c.tier != old:
        schedule.refresh(session, env, c)
        audit.record(session, env, f"customer {c.code} tier {old} → {c.tier}")
    return _result(c, old, rule)


def grade_one(session: Session, env: Env, ref: str) -> dict[str, Any]:
    result = _apply(session, env, resolve(session, ref))
    session.flush()
    return result


def grade_all(session: Session, env: Env) -> Iterator[dict[str, Any]]:
    """Regrade everyone; yields the moves (A→B …) only."""
    for c in session.exec(select(Customer).order_by(Customer.code)).all():
        result = _apply(session, env, c)
        if result["old_tier"] != result["new_tier"]:
            yield result
    session.flush()


def set_override(session: Session, env: Env, ref: str, tier: str,
                 reason: str | None) -> dict[str, Any]:
    try:
        tier = parse_tier(tier)
    except ValueError as exc:
        raise InputError.field("set", exc) from None
    reason = field_text("reason", reason)
    if not reason or not reason.strip():
        raise InputError(_("reason: a manual tier needs a reason, e.g. --reason 'strategic "
                           "account'"))
    c = resolve(session, ref)
    old = c.tier
    c.tier, c.tier_override, c.tier_reason = tier, tier, reason.strip()
    schedule.refresh(session, env, c)
    audit.record(session, env, f"customer {c.code} tier set to {tier} by hand")
    session.flush()
    return _result(c, old, Msg("manual {tier}: {reason}", tier=tier, reason=c.tier_reason))


def clear_override(session: Session, env: Env, ref: str) -> dict[str, Any]:
    c = resolve(session, ref)
    if c.tier_override is None:
        raise InputError(_("clear: {code} has no manual tier to clear").format(code=c.code))
    old = c.tier
    c.tier_override = c.tier_reason = None
    audit.record(session, env, f"customer {c.code} manual tier cleared")
    result = _apply(session, env, c)
    result["old_tier"] = old
    schedule.refresh(session, env, c)
    session.flush()
    return result
