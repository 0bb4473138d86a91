"""The shared pool (公海, SPEC §15): a rep's neglected customer goes back to the team.

An open customer (lead, intent, proposal or negotiation: not yet won, nor lost) of a
`rep`, with no follow-up for `pool.idle_days` days (default off) and no contract signed in
the last year, returns to the pool (its
owner emptied) on the next write or `pool sweep`. Taking it from the pool counts as
contact, so a claimed customer gets the full idle period again. Its owner sees a `pool`
warning item `pool.warn_days` (default 7) before. A rep may hold at most
`pool.max_per_rep` customers (default: no limit) and may not reclaim a customer they
lost to the pool — swept, or released — within `pool.lockout_days` (default 30): releasing
and reclaiming at once would otherwise reset the idle clock.
"""

from __future__ import annotations

from datetime import date, timedelta

from salesflow.i18n import _
from salesflow.rules.pipeline import OPEN_STAGES

SIGNED_GRACE_DAYS = 365  # a contract signed in the last year keeps the customer
# a won customer is an account its rep keeps (and cares for): only open ones are pooled,
# and only open ones count against pool.max_per_rep
POOLED_STAGES = OPEN_STAGES
POOL_OWNER = ""  # the owner of a customer in the pool


def returns_on(*, owner: str, owner_role: str, stage: str, idle_days: int | None,
               created: date, last_contact: date | None, claimed: date | None,
               last_signed: date | None) -> date | None:
    """The day the customer returns to the pool, or None when it never does (the pool is
    off, it is in the pool already, it is won or lost, or its owner is no rep)."""
    if (idle_days is None or owner == POOL_OWNER or owner_role != "rep"
            or stage not in POOLED_STAGES):
        return None
    active = max(d for d in (created, last_contact, claimed) if d is not None)
    on = active + timedelta(days=idle_days)
    if last_signed is not None:
        on = max(on, last_signed + timedelta(days=SIGNED_GRACE_DAYS))
    return on


def warning_cutoff(plan: date, horizon: date, warn_days: int) -> date:
    """The agenda shows a `pool` item for every customer returning by this day: its
    warning starts warn_days before, or within the agenda's own window."""
    return max(horizon, plan + timedelta(days=warn_days))


def claim_refusal(*, held: int, max_per_rep: int | None, lost_on: date | None,
                  today: date, lockout_days: int) -> str | None:
    """Why the acting rep may not claim the customer now, or None."""
    if max_per_rep is not None and held >= max_per_rep:
        return _("you hold {held} customers, the most a rep may (pool.max_per_rep = "
                 "{max}); release one first").format(held=held, max=max_per_rep)
    if lost_on is not None:
        free = lost_on + timedelta(days=lockout_days)
        if today < free:
            return _("you lost it to the pool on {lost}; you may claim it again from {free} "
                     "(pool.lockout_days = {days})").format(lost=lost_on, free=free,
                                                           days=lockout_days)
    return None
