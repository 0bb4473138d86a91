"""The shared pool (公海, SPEC §15; the rules are rules/pool.py).

A customer in the pool has the owner '' (POOL_OWNER). Every move in or out is a
pool_move row (who lost or took it, when: the claim lockout reads it) and an audit line.
The sweep runs at the start of every writing command (context.AppState.unit) and as
`pool sweep`: one indexed range read of customer.pool_on up to today, each candidate
recomputed before it moves (a stale date never takes a customer away). On a server
database each login's sweep sees what row-level security lets it see: a rep's write
returns the rep's own idle customers, a manager's or the administrator's cron every one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesflow.errors import Conflict, Forbidden
from salesflow.i18n import _
from salesflow.models import Customer, PoolMove
from salesflow.rules import pool as rules
from salesflow.services import audit, customers, schedule, users
from salesflow.services.env import Env


def _move(session: Session, env: Env, customer: Customer, action: str, owner: str) -> None:
    assert customer.id is not None
    session.add(PoolMove(customer_id=customer.id, action=action, owner=owner, by=env.actor,
                         at=env.now))


def sweep(session: Session, env: Env) -> list[str]:
    """Return every idle customer whose day has come to the pool; their codes."""
    if env.settings.pool_idle_days is None:
        return []
    due = session.exec(
        select(Customer).where(col(Customer.pool_on).is_not(None),
                               col(Customer.pool_on) <= env.today,
                               col(Customer.owner) != rules.POOL_OWNER)
        .order_by(col(Customer.pool_on), col(Customer.id))).all()
    moved = []
    for customer in due:
        schedule.refresh_pool(session, env, customer)  # still due under today's rules?
        if customer.pool_on is None or customer.pool_on > env.today:
            session.add(customer)
            continue
        owner, since = customer.owner, customer.pool_on
        _move(session, env, customer, "return", owner)
        customer.owner = rules.POOL_OWNER
        customer.claimed_at = None
        schedule.refresh(session, env, customer)
        audit.record(session, env, f"customer {customer.code} returned to the pool "
                                   f"(no follow-up for {env.settings.pool_idle_days} days, "
                                   f"due {since}); was {owner}'s")
        moved.append(customer.code)
    if due:
        session.flush()
    return moved


def _lost_on(session: Session, env: Env, customer: Customer) -> Any:
    """The day the acting user last lost this customer to the pool (swept or released),
    within the lockout; None otherwise (index (customer_id, owner, at))."""
    since = env.now - timedelta(days=env.settings.pool_lockout_days)
    at = session.execute(
        sa_select(func.max(col(PoolMove.at))).where(
            col(PoolMove.customer_id) == customer.id, col(PoolMove.owner) == env.actor,
            col(PoolMove.action).in_(["return", "release"]), col(PoolMove.at) > since)
    ).scalar()
    return env.local_date(schedule._utc(at)) if at is not None else None


def claim(session: Session, env: Env, ref: str) -> Customer:
    customer = customers.resolve(session, ref)
    if customer.owner != rules.POOL_OWNER:
        raise Conflict(_("customer: {code} is not in the pool (its owner is {owner}); see "
                         "salesflow pool list").format(code=customer.code,
                                                       owner=customer.owner))
    users.require_user(session, "--as", env.actor)
    held = session.exec(select(func.count()).select_from(Customer).where(
        col(Customer.owner) == env.actor, col(Customer.stage).in_(rules.POOLED_STAGES))
    ).one()
    limit = (env.settings.pool_max_per_rep
             if users.role_of(session, env.actor) == "rep" else None)
    refusal = rules.claim_refusal(held=held, max_per_rep=limit,
                                  lost_on=_lost_on(session, env, customer), today=env.today,
                                  lockout_days=env.settings.pool_lockout_days)
    if refusal is not None:
        raise Forbidden(_("claim: {code}: {reason}").format(code=customer.code,
                                                             reason=refusal))
    customer.owner = env.actor
    customer.claimed_at = env.now
    _move(session, env, customer, "claim", env.actor)
    schedule.refresh(session, env, customer)
    audit.record(session, env, f"customer {customer.code} claimed from the pool by "
                               f"{env.actor}")
    session.flush()
    return customer


def release(session: Session, env: Env, ref: str) -> Customer:
    """Give a customer back to the pool: its owner, or a manager or gm for anyone's."""
    customer = customers.resolve(session, ref)
    if customer.owner == rules.POOL_OWNER:
        raise Conflict(_("customer: {code} is in the pool already").format(
            code=customer.code))
    if customer.owner != env.actor and users.role_of(session, env.actor) not in \
            users.ADMIN_ROLES:
        raise Forbidden(_("release: {code} is {owner}'s; only its owner, a manager or gm "
                          "may release it").format(code=customer.code,
                                                   owner=customer.owner))
    owner = customer.owner
    _move(session, env, customer, "release", owner)
    customer.owner = rules.POOL_OWNER
    customer.claimed_at = None
    schedule.refresh(session, env, customer)
    audit.record(session, env, f"customer {customer.code} released to the pool; was "
                               f"{owner}'s")
    session.flush()
    return customer


def rows(session: Session, env: Env) -> Iterator[dict[str, Any]]:
    """The customers in the pool, with who had each last and when it came back."""
    latest = (sa_select(col(PoolMove.id)).where(
        col(PoolMove.customer_id) == col(Customer.id),
        col(PoolMove.action).in_(["return", "release"]))
        .order_by(col(PoolMove.at).desc(), col(PoolMove.id).desc()).limit(1)
        .correlate(Customer).scalar_subquery())
    query = (sa_select(Customer, col(PoolMove.owner), col(PoolMove.at))
             .outerjoin(PoolMove, col(PoolMove.id) == latest)
             .where(col(Customer.owner) == rules.POOL_OWNER)
             .order_by(col(Customer.code)))
    for customer, owner, at in session.execute(query):
        yield {"code": customer.code, "name": customer.name, "industry": customer.industry,
               "region": customer.region, "tier": customer.tier, "stage": customer.stage,
               "potential": customer.potential,
               "last_contact_at": customer.last_contact_at,
               "pooled_at": at, "last_owner": owner}
