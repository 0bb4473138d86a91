"""Pipeline stages (销售阶段) and which moves between them are allowed.

From 客户开发流程 (线索→意向→谈判→成交→复购, 按进展更新) and 流程执行要求 (不跳环节; 特殊情况
需经销售经理审批并记录原因):

    lead (线索) → intent (意向, need confirmed) → proposal (方案, solution submitted)
    → negotiation (谈判) → won (成交, contract signed) → repeat (复购, a further contract)

and lost (流失) beside them. Moves made by hand:

- forward one open stage at a time is free;
- skipping forward past a stage needs a reason and a user with the manager role;
- moving back (also from won/repeat to an open stage) needs a reason;
- lost is reached only from an open stage, with a reason;
- a lost customer can only be reopened, to lead (no reason needed);
- won and repeat are reached only by signing a contract (合同审批 → 已签约), never by
  hand: the first signature makes a customer won, every later one repeat.

A blank reason counts as missing. Decision: when a skip lacks both the role and the
reason, the role is reported (with a mention of the reason), since a rep cannot fix it
by adding a reason.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from salesflow.i18n import _

STAGES = ("lead", "intent", "proposal", "negotiation", "won", "repeat")
LOST = "lost"
OPEN_STAGES = ("lead", "intent", "proposal", "negotiation")
SIGNED_STAGES = ("won", "repeat")
ALL_STAGES = STAGES + (LOST,)

MOVE_KINDS = ("forward", "skip", "back", "lost", "reopen", "sign")
PROGRESS_KINDS = ("forward", "skip", "reopen", "sign")  # restart the `stalled` clock
SKIP_ROLE = "manager"

_CHINESE = {
    "线索": "lead",
    "意向": "intent",
    "方案": "proposal",
    "谈判": "negotiation",
    "成交": "won",
    "复购": "repeat",
    "流失": "lost",
}
_ALIASES = {**{stage: stage for stage in ALL_STAGES}, **_CHINESE}


@dataclass(frozen=True)
class Move:
    """An allowed stage change; kind is one of MOVE_KINDS."""

    from_stage: str
    to_stage: str
    kind: str


def parse_stage(text: str) -> str:
    """The stage a user typed, in English (any case) or Chinese: "意向" → "intent"."""
    key = unicodedata.normalize("NFKC", text).strip().casefold()
    if key not in _ALIASES:
        accepted = ", ".join(ALL_STAGES)
        chinese = "/".join(_CHINESE)
        raise ValueError(_("{text!r} is not a stage; use one of {accepted} (or {chinese})").format(
            text=text, accepted=accepted, chinese=chinese))
    return _ALIASES[key]


def _blank(reason: str | None) -> bool:
    return reason is None or not reason.strip()


def check_move(from_stage: str, to_stage: str, *, reason: str | None, actor_role: str) -> Move:
    """The move from_stage → to_stage made by hand, or ValueError saying why not."""
    source = parse_stage(from_stage)
    target = parse_stage(to_stage)
    if source == target:
        raise ValueError(_("the customer is already at {target!r}; choose another stage").format(
            target=target))
    if target in SIGNED_STAGES:
        raise ValueError(
            _("{target!r} is reached only by signing a contract: salesflow contract "
              "sign").format(target=target)
        )
    if target == LOST:
        if source not in OPEN_STAGES:
            raise ValueError(
                _("a customer at {source!r} cannot be marked lost; only open stages "
                  "({stages}) can").format(source=source, stages=", ".join(OPEN_STAGES))
            )
        if _blank(reason):
            raise ValueError(_("moving to 'lost' needs a reason; say why the customer was lost"))
        return Move(source, target, "lost")
    if source == LOST:
        if target != "lead":
            raise ValueError(_("a lost customer can only be reopened to 'lead', not "
                                 "{target!r}").format(target=target))
        return Move(source, target, "reopen")

    step = STAGES.index(target) - STAGES.index(source)
    if step == 1:
        return Move(source, target, "forward")
    if step > 1:
        skipped = ", ".join(STAGES[STAGES.index(source) + 1 : STAGES.index(target)])
        if actor_role.strip().casefold() != SKIP_ROLE:
            raise ValueError(
                _("skipping from {source!r} to {target!r} (past {skipped}) needs a user with "
                  "the {role!r} role and a reason; you are {actor_role!r}").format(
                    source=source, target=target, skipped=skipped, role=SKIP_ROLE,
                    actor_role=actor_role)
            )
        if _blank(reason):
            raise ValueError(
                _("skipping from {source!r} to {target!r} needs a reason; say why {skipped} "
                  "can be skipped").format(source=source, target=target, skipped=skipped)
            )
        return Move(source, target, "skip")
    if _blank(reason):
        raise ValueError(
            _("moving back from {source!r} to {target!r} needs a reason; say what "
              "changed").format(source=source, target=target)
        )
    return Move(source, target, "back")


def stage_after_signing(current: str) -> str:
    """The stage a signed contract leads to: won, or repeat once already won."""
    return "repeat" if parse_stage(current) in SIGNED_STAGES else "won"


def check_signing_move(from_stage: str) -> Move:
    """The move a contract signature makes; allowed from every stage, lost included."""
    source = parse_stage(from_stage)
    return Move(source, stage_after_signing(source), "sign")
