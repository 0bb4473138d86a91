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

Before the deal (SPEC §11, 需求调研 → 方案制定 → 谈判签约):

- intent means "need confirmed": moving there needs a recorded need (the customer's
  `need` field or an open need item);
- proposal means "solution submitted": it is reached by sending an approved solution
  (solution_sent); by hand only as a manager's skip, with a reason;
- accepting a solution (the letter of intent) moves proposal → negotiation;
- a contract is signed only for a customer in negotiation, won or repeat (不跳环节): a
  customer further back gets there first, by the moves above or a manager's skip.

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
SIGNABLE_STAGES = ("negotiation", "won", "repeat")

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


def check_move(from_stage: str, to_stage: str, *, reason: str | None, actor_role: str,
               has_need: bool = True) -> Move:
    """The move from_stage → to_stage made by hand, or ValueError saying why not.
    `has_need`: the customer has a recorded need (required to reach intent)."""
    source = parse_stage(from_stage)
    target = parse_stage(to_stage)
    if target == "intent" and source != "intent" and not has_need:
        raise ValueError(_(
            "moving to 'intent' (need confirmed) needs a recorded need; record it first "
            "with salesflow customer edit REF --need TEXT or salesflow need add REF TEXT"))
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
    if step == 1 and target == "proposal":
        # 方案: the way there is `solution send`; by hand it counts as a manager's skip
        if actor_role.strip().casefold() != SKIP_ROLE:
            raise ValueError(_(
                "'proposal' is reached by sending an approved solution (salesflow solution "
                "send FA…); by hand only a user with the {role!r} role, with a reason; you "
                "are {actor!r}").format(role=SKIP_ROLE, actor=actor_role))
        if _blank(reason):
            raise ValueError(_(
                "moving to 'proposal' by hand needs a reason; say why no solution was "
                "sent"))
        return Move(source, target, "skip")
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
    """The move a contract signature makes: only from negotiation, won or repeat (不跳环节);
    a customer further back is refused with the way forward."""
    source = parse_stage(from_stage)
    if source not in SIGNABLE_STAGES:
        raise ValueError(_(
            "the customer is at {stage!r}; a contract is signed only in {allowed} — accept "
            "a solution (salesflow solution accept FA…) or have a manager skip the "
            "customer to 'negotiation' with a reason").format(
                stage=source, allowed=", ".join(SIGNABLE_STAGES)))
    return Move(source, stage_after_signing(source), "sign")


def solution_sent(stage: str) -> Move | None:
    """The move sending an approved solution makes: intent → proposal; none for a customer
    already past intent (a further or revised solution). A lead (need not confirmed) or a
    lost customer is refused."""
    source = parse_stage(stage)
    if source == "intent":
        return Move(source, "proposal", "forward")
    if source in ("lead", LOST):
        raise ValueError(_(
            "the customer is at {stage!r}; a solution is sent once the need is confirmed "
            "(salesflow customer stage REF intent)").format(stage=source))
    return None


def solution_accepted(stage: str) -> Move | None:
    """The move a solution's acceptance (the letter of intent) makes: proposal →
    negotiation; none for a customer already negotiating or won. Earlier or lost
    customers are refused (a sent solution put them at proposal)."""
    source = parse_stage(stage)
    if source == "proposal":
        return Move(source, "negotiation", "forward")
    if source in SIGNABLE_STAGES:
        return None
    raise ValueError(_(
        "the customer is at {stage!r}; an accepted solution moves a customer from "
        "'proposal' to 'negotiation'; move it back to 'proposal' first").format(stage=source))
