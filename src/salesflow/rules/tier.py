"""Customer tiers (客户分级): A, B or C from potential value and decision cycle.

From 销售与客户关系管理流程标准化指南, 客户需求分析与分级管理:

- A类: 高价值 (年合作潜力 ≥ 50万元) and 高意向 (决策周期 ≤ 1个月);
- B类: 中等价值 (年合作潜力 10万–50万元) and 意向明确 (决策周期 1–3个月);
- C类: 低价值或潜力客户 (年合作潜力 < 10万元, 或意向模糊).

Read as rules (thresholds are team settings, defaults ¥500,000 / 30 days and
¥100,000 / 90 days): A when potential ≥ A's minimum and decision cycle ≤ A's maximum;
B when not A, potential ≥ B's minimum and decision cycle ≤ B's maximum; C otherwise,
including an unknown potential or decision cycle (意向模糊: intent unclear).

The strategy per tier (制定个性化沟通策略) is in STRATEGY.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from salesflow.i18n import Msg, _
from salesflow.rules.money import format_yuan

TIERS = ("A", "B", "C")

STRATEGY: Mapping[str, str] = MappingProxyType(
    {
        "A": Msg("sales manager owns it; weekly contact; custom solution"),
        "B": Msg("account manager owns it; contact every two weeks; standard solution + "
                 "options"),
        "C": Msg("monthly newsletter (industry news, product updates) until the need is "
                 "clear"),
    }
)

_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
# The standards write tiers as A类 (traditional 類) or A级; accept those suffixes.
_TIER_SUFFIXES = ("类", "類", "级", "級")


@dataclass(frozen=True)
class TierThresholds:
    """Where A and B start; money in fen, cycles in days."""

    a_potential_fen: int = 50_000_000
    a_max_days: int = 30
    b_potential_fen: int = 10_000_000
    b_max_days: int = 90


@dataclass(frozen=True)
class TierDecision:
    """The tier and the one-line rule that fired, with the figures."""

    tier: str
    rule: str


def tier_for(
    potential_fen: int | None,
    decision_days: int | None,
    t: TierThresholds = TierThresholds(),
) -> TierDecision:
    """Grade a customer; None means unknown (which makes it C: intent unclear)."""
    if potential_fen is not None and potential_fen < 0:
        raise ValueError(
            _("'{value}' is not a potential value; use 0 or more").format(
                value=format_yuan(potential_fen))
        )
    if decision_days is not None and decision_days < 0:
        raise ValueError(
            _("'{value}' is not a decision cycle; use a number of days, 0 or more").format(
                value=decision_days)
        )

    if potential_fen is None and decision_days is None:
        return TierDecision("C", Msg("C: potential and decision cycle unknown (intent unclear)"))
    if potential_fen is None:
        return TierDecision("C", Msg("C: potential unknown (intent unclear)"))
    if decision_days is None:
        return TierDecision("C", Msg("C: decision cycle unknown (intent unclear)"))

    potential = format_yuan(potential_fen)
    cycle = (Msg("decision cycle 1 day") if decision_days == 1
             else Msg("decision cycle {days} days", days=decision_days))
    a_money, b_money = format_yuan(t.a_potential_fen), format_yuan(t.b_potential_fen)

    a_misses = []
    if potential_fen < t.a_potential_fen:
        a_misses.append(Msg("potential below {amount}", amount=a_money))
    if decision_days > t.a_max_days:
        a_misses.append(Msg("{cycle} > {days}", cycle=cycle, days=t.a_max_days))
    if not a_misses:
        return TierDecision(
            "A", Msg("A: potential {potential} ≥ {threshold} and {cycle} ≤ {days}",
                     potential=potential, threshold=a_money, cycle=cycle, days=t.a_max_days)
        )

    b_misses = []
    if potential_fen < t.b_potential_fen:
        b_misses.append(Msg("potential {potential} < {threshold}", potential=potential,
                            threshold=b_money))
    if decision_days > t.b_max_days:
        b_misses.append(Msg("{cycle} > {days}", cycle=cycle, days=t.b_max_days))
    if not b_misses:
        return TierDecision(
            "B",
            Msg("B: potential {potential} ≥ {threshold} and {cycle} ≤ {days} (not A: {misses})",
                potential=potential, threshold=b_money, cycle=cycle, days=t.b_max_days,
                misses=_both(a_misses)),
        )
    return TierDecision("C", Msg("C: {misses}", misses=_both(b_misses)))


def _both(parts: list[Msg]) -> Msg:
    """One reason, or two joined by "and" (a tier is missed on at most two counts)."""
    if len(parts) == 1:
        return parts[0]
    return Msg("{first} and {second}", first=parts[0], second=parts[1])


def parse_tier(text: str) -> str:
    """'a', 'A', ' A类 ', 'Ａ' → 'A'."""
    key = unicodedata.normalize("NFKC", text).strip().upper()
    for suffix in _TIER_SUFFIXES:
        key = key.removesuffix(suffix)
    key = key.strip()
    if key not in _RANK:
        raise ValueError(_("'{text}' is not a tier; use A, B or C").format(text=text))
    return key


def _checked(tier: str) -> str:
    # Stored tiers are canonical; anything else is a bug upstream, not user input to coax.
    if tier not in _RANK:
        raise ValueError(_("'{text}' is not a tier; use A, B or C").format(text=tier))
    return tier


def strategy_for(tier: str) -> str:
    """How a tier is worked, from 制定个性化沟通策略: a Msg (English in JSON, translated
    in a table)."""
    return STRATEGY[_checked(tier)]


def tier_rank(tier: str) -> int:
    """Sort key: A=0, B=1, C=2."""
    return _RANK[_checked(tier)]
