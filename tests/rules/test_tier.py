from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.tier import (
    STRATEGY,
    TIERS,
    TierDecision,
    TierThresholds,
    parse_tier,
    strategy_for,
    tier_for,
    tier_rank,
)

YUAN = 100  # fen

GRADES = [
    # (id, potential_fen, decision_days, tier, rule)
    (
        "500k-30d-A",
        500_000 * YUAN,
        30,
        "A",
        "A: potential ¥500,000.00 ≥ ¥500,000.00 and decision cycle 30 days ≤ 30",
    ),
    (
        "600k-20d-A",
        600_000 * YUAN,
        20,
        "A",
        "A: potential ¥600,000.00 ≥ ¥500,000.00 and decision cycle 20 days ≤ 30",
    ),
    (
        "499999.99-30d-B",
        500_000 * YUAN - 1,
        30,
        "B",
        "B: potential ¥499,999.99 ≥ ¥100,000.00 and decision cycle 30 days ≤ 90"
        " (not A: potential below ¥500,000.00)",
    ),
    (
        "200k-60d-B",
        200_000 * YUAN,
        60,
        "B",
        "B: potential ¥200,000.00 ≥ ¥100,000.00 and decision cycle 60 days ≤ 90"
        " (not A: potential below ¥500,000.00 and decision cycle 60 days > 30)",
    ),
    (
        "1m-31d-B",
        1_000_000 * YUAN,
        31,
        "B",
        "B: potential ¥1,000,000.00 ≥ ¥100,000.00 and decision cycle 31 days ≤ 90"
        " (not A: decision cycle 31 days > 30)",
    ),
    (
        "100k-90d-B",
        100_000 * YUAN,
        90,
        "B",
        "B: potential ¥100,000.00 ≥ ¥100,000.00 and decision cycle 90 days ≤ 90"
        " (not A: potential below ¥500,000.00 and decision cycle 90 days > 30)",
    ),
    ("100k-91d-C", 100_000 * YUAN, 91, "C", "C: decision cycle 91 days > 90"),
    ("99999.99-10d-C", 100_000 * YUAN - 1, 10, "C", "C: potential ¥99,999.99 < ¥100,000.00"),
    (
        "0-365d-C",
        0,
        365,
        "C",
        "C: potential ¥0.00 < ¥100,000.00 and decision cycle 365 days > 90",
    ),
    ("1m-1d-A-singular", 1_000_000 * YUAN, 1, "A",
     "A: potential ¥1,000,000.00 ≥ ¥500,000.00 and decision cycle 1 day ≤ 30"),
    ("1m-0d-A", 1_000_000 * YUAN, 0, "A",
     "A: potential ¥1,000,000.00 ≥ ¥500,000.00 and decision cycle 0 days ≤ 30"),
    ("no-cycle-C", 1_000_000 * YUAN, None, "C", "C: decision cycle unknown (intent unclear)"),
    ("no-potential-C", None, 10, "C", "C: potential unknown (intent unclear)"),
    ("nothing-known-C", None, None, "C",
     "C: potential and decision cycle unknown (intent unclear)"),
]


@pytest.mark.parametrize(
    ("potential", "days", "tier", "rule"),
    [g[1:] for g in GRADES],
    ids=[g[0] for g in GRADES],
)
def test_tier_for_default_thresholds(
    potential: int | None, days: int | None, tier: str, rule: str
) -> None:
    assert tier_for(potential, days) == TierDecision(tier, rule)


CUSTOM = TierThresholds(
    a_potential_fen=1_000_000 * YUAN, a_max_days=14, b_potential_fen=50_000 * YUAN, b_max_days=60
)
CUSTOM_GRADES = [
    ("1m-14d-A", 1_000_000 * YUAN, 14, "A"),
    ("1m-15d-B", 1_000_000 * YUAN, 15, "B"),
    ("600k-20d-B-default-A", 600_000 * YUAN, 20, "B"),
    ("50k-60d-B", 50_000 * YUAN, 60, "B"),
    ("50k-61d-C", 50_000 * YUAN, 61, "C"),
    ("49999.99-1d-C", 50_000 * YUAN - 1, 1, "C"),
]


@pytest.mark.parametrize(
    ("potential", "days", "tier"),
    [g[1:] for g in CUSTOM_GRADES],
    ids=[g[0] for g in CUSTOM_GRADES],
)
def test_tier_for_custom_thresholds(potential: int, days: int, tier: str) -> None:
    assert tier_for(potential, days, CUSTOM).tier == tier


def test_custom_thresholds_are_named_in_the_rule() -> None:
    assert tier_for(1_000_000 * YUAN, 15, CUSTOM).rule == (
        "B: potential ¥1,000,000.00 ≥ ¥50,000.00 and decision cycle 15 days ≤ 60"
        " (not A: decision cycle 15 days > 14)"
    )


def test_default_thresholds_are_the_standard() -> None:
    # 年合作潜力≥50万元 / 决策周期≤1个月; 10万 / 1-3个月
    assert TierThresholds() == TierThresholds(50_000_000, 30, 10_000_000, 90)


BAD_INPUT = [
    ("negative-potential", -1, 10, r"^'-¥0.01' is not a potential value; use 0 or more$"),
    ("negative-days", 100, -1,
     r"^'-1' is not a decision cycle; use a number of days, 0 or more$"),
]


@pytest.mark.parametrize(
    ("potential", "days", "message"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_tier_for_refuses_negative_figures(potential: int, days: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tier_for(potential, days)


PARSE = [
    ("a", "A"), ("A", "A"), (" A类 ", "A"), ("A类", "A"), ("b", "B"), ("C類", "C"),
    ("c级", "C"), ("Ｂ", "B"), ("  c ", "C"),
]


@pytest.mark.parametrize(("text", "tier"), PARSE, ids=[repr(t) for t, _ in PARSE])
def test_parse_tier(text: str, tier: str) -> None:
    assert parse_tier(text) == tier


REFUSED = ["D", "", "AB", "类", "A+", "1"]


@pytest.mark.parametrize("text", REFUSED, ids=[repr(t) for t in REFUSED])
def test_parse_tier_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=rf"^'{re.escape(text)}' is not a tier; use A, B or C$"):
        parse_tier(text)


def test_parse_tier_message_example() -> None:
    with pytest.raises(ValueError) as err:
        parse_tier("D")
    assert str(err.value) == "'D' is not a tier; use A, B or C"


STRATEGIES = [
    ("A", ("sales manager", "weekly", "custom solution")),
    ("B", ("account manager", "every two weeks", "standard solution + options")),
    ("C", ("newsletter", "until the need is clear")),
]


@pytest.mark.parametrize(("tier", "words"), STRATEGIES, ids=[s[0] for s in STRATEGIES])
def test_strategy_for(tier: str, words: tuple[str, ...]) -> None:
    text = strategy_for(tier)
    assert text == STRATEGY[tier]
    for word in words:
        assert word in text


def test_every_tier_has_a_strategy_and_a_rank() -> None:
    assert set(STRATEGY) == set(TIERS)
    assert sorted(["C", "A", "B"], key=tier_rank) == ["A", "B", "C"]
    assert [tier_rank(t) for t in TIERS] == [0, 1, 2]


@pytest.mark.parametrize("func", [strategy_for, tier_rank], ids=["strategy_for", "tier_rank"])
@pytest.mark.parametrize("tier", ["D", "a", ""], ids=["D", "lowercase", "empty"])
def test_non_canonical_tiers_are_refused(func: object, tier: str) -> None:
    assert callable(func)
    with pytest.raises(ValueError, match="is not a tier; use A, B or C"):
        func(tier)


# Invariants: more potential or a shorter decision cycle never lowers the tier.

potentials = st.integers(min_value=0, max_value=10_000_000 * YUAN)
maybe_potentials = st.none() | potentials
cycles = st.integers(min_value=0, max_value=400)
maybe_cycles = st.none() | cycles
thresholds = st.builds(
    TierThresholds,
    a_potential_fen=potentials,
    a_max_days=cycles,
    b_potential_fen=potentials,
    b_max_days=cycles,
)


@settings(max_examples=300)
@given(p=potentials, extra=potentials, days=maybe_cycles, t=thresholds)
def test_higher_potential_never_lowers_the_tier(
    p: int, extra: int, days: int | None, t: TierThresholds
) -> None:
    assert tier_rank(tier_for(p + extra, days, t).tier) <= tier_rank(tier_for(p, days, t).tier)


@settings(max_examples=300)
@given(p=maybe_potentials, days=cycles, fewer=cycles, t=thresholds)
def test_shorter_decision_cycle_never_lowers_the_tier(
    p: int | None, days: int, fewer: int, t: TierThresholds
) -> None:
    shorter = max(0, days - fewer)
    assert tier_rank(tier_for(p, shorter, t).tier) <= tier_rank(tier_for(p, days, t).tier)


@settings(max_examples=200)
@given(p=maybe_potentials, days=maybe_cycles)
def test_an_unknown_figure_always_means_c(p: int | None, days: int | None) -> None:
    assert tier_for(None, days).tier == "C" and tier_for(p, None).tier == "C"


@settings(max_examples=200)
@given(p=maybe_potentials, days=maybe_cycles, t=thresholds)
def test_rule_names_the_tier_it_decided(p: int | None, days: int | None, t: TierThresholds) -> None:
    decision = tier_for(p, days, t)
    assert decision.tier in TIERS
    assert decision.rule.startswith(f"{decision.tier}: ")
    assert "\n" not in decision.rule
