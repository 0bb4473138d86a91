"""Pipeline stages (销售阶段): parsing stages and checking moves made by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules.pipeline import (
    ALL_STAGES,
    LOST,
    OPEN_STAGES,
    STAGES,
    Move,
    check_move,
    check_signing_move,
    parse_stage,
    solution_accepted,
    solution_sent,
    stage_after_signing,
)


def test_stage_constants() -> None:
    assert STAGES == ("lead", "intent", "proposal", "negotiation", "won", "repeat")
    assert LOST == "lost"
    assert STAGES[:4] == OPEN_STAGES
    assert (*STAGES, "lost") == ALL_STAGES


PARSES = [
    ("lead", "lead"),
    ("Intent", "intent"),
    ("  PROPOSAL ", "proposal"),
    ("negotiation", "negotiation"),
    ("won", "won"),
    ("repeat", "repeat"),
    ("LOST", "lost"),
    ("线索", "lead"),
    ("意向", "intent"),
    ("方案", "proposal"),
    ("谈判", "negotiation"),
    ("成交", "won"),
    ("复购", "repeat"),
    (" 流失 ", "lost"),
    ("ｌｅａｄ", "lead"),
]


@pytest.mark.parametrize(("text", "stage"), PARSES, ids=[p[0] for p in PARSES])
def test_parse_stage(text: str, stage: str) -> None:
    assert parse_stage(text) == stage


@pytest.mark.parametrize("text", ["", "closed", "lea", "open", "签约"], ids=repr)
def test_parse_stage_refuses_and_lists_accepted(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_stage(text)
    message = str(info.value)
    assert message.startswith(f"{text!r} is not a stage; use one of ")
    for stage in ALL_STAGES:
        assert stage in message
    assert "线索" in message and "流失" in message


# Every pair, moved by a manager who gives a reason: what kind of move it is, or which
# refusal. "=" same stage, "sign" only by signing a contract, "x" not allowed.
MATRIX = """
            lead    intent  proposal negotiation won   repeat lost
lead        =       forward skip     skip        sign  sign   lost
intent      back    =       skip     skip        sign  sign   lost
proposal    back    back    =        forward     sign  sign   lost
negotiation back    back    back     =           sign  sign   lost
won         back    back    back     back        =     sign   x
repeat      back    back    back     back        sign  =      x
lost        reopen  x       x        x           sign  sign   =
"""
_ROWS = [line.split() for line in MATRIX.strip().splitlines()]
PAIRS = [
    (row[0], to, outcome)
    for row in _ROWS[1:]
    for to, outcome in zip(_ROWS[0], row[1:], strict=True)
]
REFUSALS = {
    "=": "already at",
    "sign": "only by signing a contract: salesflow contract sign",
    "x": "lost",
}


def test_matrix_covers_every_pair() -> None:
    assert {(f, t) for f, t, _ in PAIRS} == {(f, t) for f in ALL_STAGES for t in ALL_STAGES}


@pytest.mark.parametrize(("src", "dst", "outcome"), PAIRS, ids=[f"{f}->{t}" for f, t, _ in PAIRS])
def test_every_pair_by_a_manager_with_a_reason(src: str, dst: str, outcome: str) -> None:
    if outcome in REFUSALS:
        with pytest.raises(ValueError, match=REFUSALS[outcome]):
            check_move(src, dst, reason="customer asked", actor_role="manager")
    else:
        assert check_move(src, dst, reason="customer asked", actor_role="manager") == Move(
            src, dst, outcome
        )


FREE = [
    ("lead", "intent", "forward"),
    ("proposal", "negotiation", "forward"),
    ("lost", "lead", "reopen"),
]


@pytest.mark.parametrize(("src", "dst", "kind"), FREE, ids=[f"{f}->{t}" for f, t, _ in FREE])
@pytest.mark.parametrize("reason", [None, "", "  "], ids=["none", "empty", "blank"])
def test_forward_and_reopen_need_no_reason_nor_manager(
    src: str, dst: str, kind: str, reason: str | None
) -> None:
    assert check_move(src, dst, reason=reason, actor_role="rep") == Move(src, dst, kind)


REFUSED = [
    ("same stage", "intent", "intent", "x", "manager", ["'intent'", "already"]),
    ("unknown from", "closed", "lead", "x", "manager", ["'closed'", "not a stage"]),
    ("unknown to", "lead", "qualified", "x", "manager", ["'qualified'", "not a stage"]),
    (
        "won by hand",
        "negotiation",
        "won",
        "x",
        "manager",
        ["'won'", "only by signing a contract", "salesflow contract sign"],
    ),
    (
        "repeat by hand",
        "won",
        "repeat",
        "x",
        "manager",
        ["'repeat'", "only by signing a contract", "salesflow contract sign"],
    ),
    ("lost without reason", "proposal", "lost", None, "rep", ["'lost'", "needs a reason"]),
    ("lost with blank reason", "lead", "lost", " \t", "rep", ["'lost'", "needs a reason"]),
    ("lost from won", "won", "lost", "x", "manager", ["'won'", "cannot be marked lost", "open"]),
    ("lost from repeat", "repeat", "lost", "x", "manager", ["'repeat'", "cannot be marked lost"]),
    ("lost reopened past lead", "lost", "intent", "x", "manager", ["'lead'", "'intent'", "only"]),
    (
        "skip by a rep",
        "lead",
        "proposal",
        "x",
        "rep",
        ["'lead'", "'proposal'", "intent", "'manager' role", "you are 'rep'"],
    ),
    (
        "skip by a rep without reason",
        "intent",
        "negotiation",
        None,
        "rep",
        ["'manager' role", "reason", "you are 'rep'"],
    ),
    ("skip by legal", "lead", "negotiation", "x", "legal", ["'manager' role", "you are 'legal'"]),
    (
        "skip by a manager without reason",
        "lead",
        "negotiation",
        None,
        "manager",
        ["needs a reason", "intent, proposal"],
    ),
    ("skip with blank reason", "lead", "proposal", "  ", "manager", ["needs a reason"]),
    (
        "back without reason",
        "proposal",
        "intent",
        None,
        "manager",
        ["moving back", "needs a reason"],
    ),
    ("back with blank reason", "intent", "lead", "", "rep", ["moving back", "needs a reason"]),
    ("won back without reason", "won", "negotiation", None, "manager", ["'won'", "needs a reason"]),
    ("repeat back without reason", "repeat", "lead", " ", "rep", ["'repeat'", "needs a reason"]),
]


@pytest.mark.parametrize(
    ("why", "src", "dst", "reason", "role", "words"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_refusals_say_why(
    why: str, src: str, dst: str, reason: str | None, role: str, words: list[str]
) -> None:
    with pytest.raises(ValueError) as info:
        check_move(src, dst, reason=reason, actor_role=role)
    message = str(info.value)
    assert "\n" not in message and "--" not in message
    for word in words:
        assert word in message


ALLOWED_WITH_CARE = [
    ("skip by manager", "lead", "proposal", "met the CTO already", "manager", "skip"),
    ("skip role is case-insensitive", "intent", "negotiation", "x", " Manager ", "skip"),
    ("back with reason", "negotiation", "intent", "budget cut", "rep", "back"),
    ("won back with reason", "won", "negotiation", "contract cancelled", "rep", "back"),
    ("lost with reason", "negotiation", "lost", "chose a competitor", "rep", "lost"),
    ("Chinese names", "线索", "意向", None, "rep", "forward"),
]


@pytest.mark.parametrize(
    ("why", "src", "dst", "reason", "role", "kind"),
    ALLOWED_WITH_CARE,
    ids=[a[0] for a in ALLOWED_WITH_CARE],
)
def test_allowed_moves(
    why: str, src: str, dst: str, reason: str | None, role: str, kind: str
) -> None:
    move = check_move(src, dst, reason=reason, actor_role=role)
    assert move == Move(parse_stage(src), parse_stage(dst), kind)


SIGNING = [
    ("negotiation", "won"),
    ("won", "repeat"),
    ("repeat", "repeat"),
]


@pytest.mark.parametrize(("current", "after"), SIGNING, ids=[s[0] for s in SIGNING])
def test_signing(current: str, after: str) -> None:
    assert stage_after_signing(current) == after
    assert check_signing_move(current) == Move(current, after, "sign")


@pytest.mark.parametrize("current", ["lead", "intent", "proposal", "lost"])
def test_signing_before_negotiation_is_refused_with_the_way_forward(current: str) -> None:
    with pytest.raises(ValueError, match=f"'{current}'.*solution accept.*manager"):
        check_signing_move(current)


NEED_RULES = [
    ("lead to intent without a need", "lead", "intent", "rep", False, "needs a recorded need"),
    ("back to intent without a need", "proposal", "intent", "rep", False,
     "needs a recorded need"),
    ("proposal by hand by a rep", "intent", "proposal", "rep", True, "solution send"),
]


@pytest.mark.parametrize(("why", "src", "dst", "role", "has_need", "words"), NEED_RULES,
                         ids=[r[0] for r in NEED_RULES])
def test_intent_needs_a_need_and_proposal_a_solution(
        why: str, src: str, dst: str, role: str, has_need: bool, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        check_move(src, dst, reason="x", actor_role=role, has_need=has_need)


def test_intent_with_a_need_and_proposal_by_a_managers_skip() -> None:
    assert check_move("lead", "intent", reason=None, actor_role="rep",
                      has_need=True).kind == "forward"
    assert check_move("intent", "proposal", reason="sent by mail",
                      actor_role="manager").kind == "skip"
    with pytest.raises(ValueError, match="needs a reason"):
        check_move("intent", "proposal", reason=" ", actor_role="manager")


SOLUTION_MOVES = [
    ("sent at intent", solution_sent, "intent", "proposal"),
    ("sent at proposal", solution_sent, "proposal", None),
    ("sent when won", solution_sent, "won", None),
    ("accepted at proposal", solution_accepted, "proposal", "negotiation"),
    ("accepted at negotiation", solution_accepted, "negotiation", None),
]


@pytest.mark.parametrize(("why", "rule", "stage", "after"), SOLUTION_MOVES,
                         ids=[r[0] for r in SOLUTION_MOVES])
def test_solution_moves(why: str, rule, stage: str, after: str | None) -> None:  # type: ignore[no-untyped-def]
    move = rule(stage)
    assert (move.to_stage if move else None) == after


@pytest.mark.parametrize(("rule", "stage"), [(solution_sent, "lead"), (solution_sent, "lost"),
                                             (solution_accepted, "intent"),
                                             (solution_accepted, "lost")])
def test_solution_moves_refused(rule, stage: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=f"'{stage}'"):
        rule(stage)


def test_signing_refuses_an_unknown_stage() -> None:
    with pytest.raises(ValueError, match="'closed' is not a stage"):
        check_signing_move("closed")


@given(
    st.sampled_from(ALL_STAGES),
    st.sampled_from(ALL_STAGES),
    st.one_of(st.none(), st.text(max_size=5)),
    st.sampled_from(["rep", "manager", "legal", "gm", ""]),
)
def test_no_hand_move_breaks_the_rules(src: str, dst: str, reason: str | None, role: str) -> None:
    try:
        move = check_move(src, dst, reason=reason, actor_role=role)
    except ValueError as error:
        assert str(error)
        return
    assert move.to_stage not in ("won", "repeat") and move.from_stage != move.to_stage
    if reason is None or not reason.strip():
        assert move.kind in ("forward", "reopen")
    if move.kind == "skip":
        assert role == "manager"
    if move.to_stage == LOST:
        assert move.from_stage in OPEN_STAGES
    if move.from_stage == LOST:
        assert move.to_stage == "lead"
