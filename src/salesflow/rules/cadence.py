"""Follow-up cadences and the next due date of a customer (跟进计划).

From 销售与客户关系管理流程标准化指南, 制定跟进计划: "根据客户分级, 在CRM系统中设置跟进提醒:
A类客户每周1次, B类每两周1次, C类每月1次" — the prospecting cadence before a contract is
signed: A every 7 days, B every 14, C every 30.

Once a customer is won (stages `won` and `repeat`), the account-care cadence of
客户关系管理与沟通标准 applies: "A类客户每月至少1次深度沟通, B类客户每季度至少2次常规沟通,
C类客户每半年1次信息同步" — A every 30 days, B every 45, C every 182.

A new lead must be screened within 3 working days (销售流程标准化管理系统模板, 节点把控:
"线索筛选需在3个工作日内完成").

A customer's next due date (SPEC §4) is the earliest of: the promised next action; the
cadence counted from the latest of the last contact, the last stage move and the last
signing (a customer moved or signed without a logged contact is not "never contacted");
and — only for a `lead` never contacted — creation plus 3 working days. A customer past
`lead` is never a `new-lead` item. Lost customers are never due. All cadences are team
settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from salesflow.i18n import _
from salesflow.rules.tier import TIERS
from salesflow.rules.workdays import WorkCalendar, add_working_days

SCREENING_WORKING_DAYS = 3

PROSPECTING_STAGES = ("lead", "intent", "proposal", "negotiation")
ACCOUNT_CARE_STAGES = ("won", "repeat")
STAGES = (*PROSPECTING_STAGES, *ACCOUNT_CARE_STAGES, "lost")

PHASES = ("prospecting", "care")

DUE_KINDS = ("next-action", "new-lead", "followup")  # also the tie-break order


def _check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise ValueError(_("'{tier}' is not a tier; use A, B or C").format(tier=tier))


def phase_for(stage: str) -> str:
    """'care' for won/repeat, 'prospecting' for the other open stages."""
    if stage in ACCOUNT_CARE_STAGES:
        return "care"
    if stage in PROSPECTING_STAGES:
        return "prospecting"
    if stage == "lost":
        raise ValueError(_("'lost' has no cadence; lost customers are never due"))
    raise ValueError(_("'{stage}' is not a stage; use {stages} or lost").format(
        stage=stage, stages=", ".join(STAGES[:-1])))


@dataclass(frozen=True)
class Cadences:
    """Days between contacts, per tier, before (prospecting) and after (care) winning."""

    prospecting_a: int = 7
    prospecting_b: int = 14
    prospecting_c: int = 30
    care_a: int = 30
    care_b: int = 45
    care_c: int = 182

    def __post_init__(self) -> None:
        for phase in PHASES:
            for tier in TIERS:
                value = getattr(self, _field(tier, phase))
                if value < 1:
                    raise ValueError(
                        _("'{value}' is not a cadence for tier {tier} ({phase}); "
                          "use a number of days, 1 or more").format(
                            value=value, tier=tier, phase=phase)
                    )

    def days(self, tier: str, stage: str) -> int:
        """Days between contacts for a customer of this tier in this stage (not lost)."""
        _check_tier(tier)
        value: int = getattr(self, _field(tier, phase_for(stage)))
        return value

    def with_days(self, tier: str, phase: str, days: int) -> Cadences:
        """A copy with one cadence changed; phase is 'prospecting' or 'care'."""
        _check_tier(tier)
        if phase not in PHASES:
            raise ValueError(_("'{phase}' is not a cadence phase; use prospecting or care").format(
                phase=phase))
        changes: dict[str, int] = {_field(tier, phase): days}
        return replace(self, **changes)


def _field(tier: str, phase: str) -> str:
    return f"{phase}_{tier.lower()}"


@dataclass(frozen=True)
class Due:
    """When a customer is next due, and why: 'next-action', 'followup' or 'new-lead'."""

    on: date
    kind: str


def next_due(
    *,
    stage: str,
    tier: str,
    created_on: date,
    last_contact_on: date | None,
    next_action_due: date | None,
    cadences: Cadences,
    calendar: WorkCalendar,
    last_moved_on: date | None = None,
    delivery_days: int | None = None,
) -> Due | None:
    """The earliest of the promised action, the cadence and the screening deadline.

    `last_moved_on`: the day of the last stage move or signing (None: never moved). A lead
    never contacted is screened (`new-lead`); every other customer follows its cadence
    from the latest of the last contact and the last move (creation when neither: an
    imported contact older than the record still counts).
    `delivery_days`: while a signed contract has unfinished delivery phases (SPEC §12,
    定期（如每周）沟通项目进展), the cadence is that many days when it is shorter.
    None for a lost customer. On a tie the more specific reason wins: next-action, then
    new-lead, then followup.
    """
    _check_tier(tier)
    if stage == "lost":
        return None
    cadence = cadences.days(tier, stage)  # validates the stage
    if delivery_days is not None:
        cadence = min(cadence, delivery_days)

    candidates: list[Due] = []
    if next_action_due is not None:
        candidates.append(Due(next_action_due, "next-action"))
    if stage == "lead" and last_contact_on is None:
        screening = add_working_days(created_on, SCREENING_WORKING_DAYS, calendar)
        candidates.append(Due(screening, "new-lead"))
    else:
        known = [d for d in (last_contact_on, last_moved_on) if d is not None]
        since = max(known) if known else created_on
        candidates.append(Due(since + timedelta(days=cadence), "followup"))
    return min(candidates, key=lambda due: (due.on, DUE_KINDS.index(due.kind)))


def care_strategy(tier: str, cadences: Cadences) -> str:
    """How a won (or repeat) customer is worked: the tier's account-care cadence."""
    return _("account care: contact every {days} days (tier {tier})").format(
        days=cadences.days(tier, "won"), tier=tier)
