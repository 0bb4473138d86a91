"""rules/pool.py: when a rep's idle customer returns to the shared pool (公海), and when a
claim is refused."""

from __future__ import annotations

from datetime import date

import pytest

from salesflow.rules.pool import claim_refusal, returns_on, warning_cutoff

D = date.fromisoformat
BASE = dict(owner="li.na", owner_role="rep", stage="intent", idle_days=30,
            created=D("2024-01-02"), last_contact=None, claimed=None, last_signed=None)


@pytest.mark.parametrize("change, expected", [
    ({}, D("2024-02-01")),
    ({"last_contact": D("2024-01-20")}, D("2024-02-19")),
    ({"claimed": D("2024-03-01"), "last_contact": D("2024-01-20")}, D("2024-03-31")),
    ({"idle_days": None}, None),
    ({"owner": ""}, None),
    ({"owner_role": "manager"}, None),
    ({"owner_role": "legal"}, None),
    ({"stage": "lost"}, None),
    ({"stage": "won", "last_signed": D("2022-01-10")}, None),  # an account its rep keeps
    ({"stage": "repeat"}, None),
    # a customer back in the pipeline (a new deal in negotiation) after an old contract
    ({"stage": "negotiation", "last_signed": D("2024-01-10")}, D("2025-01-09")),
    ({"stage": "negotiation", "last_signed": D("2022-01-10")}, D("2024-02-01")),
], ids=["created", "last-contact", "claimed-counts-as-contact", "off", "in-pool",
        "manager", "legal", "lost", "won", "repeat", "signed-this-year", "signed-long-ago"])
def test_returns_on(change, expected):
    assert returns_on(**{**BASE, **change}) == expected


@pytest.mark.parametrize("plan, horizon, warn, expected", [
    (D("2024-01-25"), D("2024-01-28"), 7, D("2024-02-01")),
    (D("2024-01-25"), D("2024-02-25"), 7, D("2024-02-25")),
    (D("2024-01-25"), D("2024-01-25"), 0, D("2024-01-25")),
], ids=["warn-days", "window-longer", "no-warning"])
def test_warning_cutoff(plan, horizon, warn, expected):
    assert warning_cutoff(plan, horizon, warn) == expected


@pytest.mark.parametrize("held, limit, lost_on, today, refused", [
    (3, None, None, D("2024-02-01"), None),
    (3, 3, None, D("2024-02-01"), "pool.max_per_rep"),
    (2, 3, None, D("2024-02-01"), None),
    (0, None, D("2024-02-01"), D("2024-03-01"), "2024-03-02"),
    (0, None, D("2024-02-01"), D("2024-03-02"), None),
], ids=["no-limit", "at-limit", "under-limit", "locked-out", "lockout-over"])
def test_claim_refusal(held, limit, lost_on, today, refused):
    reason = claim_refusal(held=held, max_per_rep=limit, lost_on=lost_on, today=today,
                           lockout_days=30)
    assert (reason is None) == (refused is None)
    if refused:
        assert refused in reason
