"""Contracts: the approval chain, numbers, installments, allocation, reminder windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules.contract import (
    STEPS,
    Approved,
    Installment,
    allocate,
    approval_refusal,
    check_schedule,
    escalation_cutoff,
    format_number,
    normalize_number,
    parse_installment,
    payment_alert,
    payment_status,
    pending_step,
    reminder_horizon,
    steps_for,
)

WAN = 1_000_000  # fen in 1万 yuan
TWO = ("manager", "legal")

STEPS_FOR = [
    (258 * WAN, 0, STEPS, "default-threshold-needs-all"),
    (0, 0, STEPS, "zero-amount-zero-threshold"),
    (50 * WAN, 100 * WAN, TWO, "below-threshold-skips-gm"),
    (100 * WAN, 100 * WAN, STEPS, "at-threshold-needs-gm"),
    (100 * WAN - 1, 100 * WAN, TWO, "one-fen-below"),
]


@pytest.mark.parametrize(("amount", "threshold", "steps"), [c[:3] for c in STEPS_FOR],
                         ids=[c[3] for c in STEPS_FOR])
def test_steps_for(amount: int, threshold: int, steps: tuple[str, ...]) -> None:
    assert steps_for(amount, threshold) == steps


PENDING = [
    (STEPS, [], "manager", "fresh"),
    (STEPS, [Approved("manager", "wang")], "legal", "after-manager"),
    (STEPS, [Approved("manager", "wang"), Approved("legal", "zhao")], "gm", "after-legal"),
    (STEPS, [Approved("manager", "wang"), Approved("legal", "zhao"),
             Approved("gm", "chen")], None, "all-approved"),
    (TWO, [Approved("manager", "wang"), Approved("legal", "zhao")], None, "gm-skipped"),
]


@pytest.mark.parametrize(("steps", "approved", "step"), [c[:3] for c in PENDING],
                         ids=[c[3] for c in PENDING])
def test_pending_step(steps, approved, step) -> None:  # type: ignore[no-untyped-def]
    assert pending_step(steps, approved) == step


M = Approved("manager", "wang")
ML = [M, Approved("legal", "zhao")]
REFUSALS = [
    # steps, approved, actor, role, creator → refusal kind (None: allowed)
    (STEPS, [], "wang", "manager", "li", None, "manager-first"),
    (STEPS, [M], "zhao", "legal", "li", None, "legal-second"),
    (STEPS, ML, "chen", "gm", "li", None, "gm-third"),
    (STEPS, [], "zhao", "legal", "li", "order", "legal-before-manager"),
    (STEPS, [], "chen", "gm", "li", "order", "gm-before-manager"),
    (STEPS, [M], "chen", "gm", "li", "order", "gm-before-legal"),
    (STEPS, [], "li", "rep", "wang", "role", "a-rep"),
    (STEPS, [M], "zhou", "manager", "li", "role", "another-manager-after-manager"),
    (STEPS, [M], "wang", "manager", "li", "twice", "same-manager-twice"),
    (STEPS, [], "wang", "manager", "wang", "creator", "creator-manager"),
    (STEPS, [], "li", "rep", "li", "creator", "creator-rep"),
    (TWO, [], "chen", "gm", "li", "role", "gm-not-in-short-chain"),
    (STEPS, [*ML, Approved("gm", "chen")], "chen", "gm", "li", "done", "nothing-pending"),
]


@pytest.mark.parametrize(("steps", "approved", "actor", "role", "creator", "kind"),
                         [c[:6] for c in REFUSALS], ids=[c[6] for c in REFUSALS])
def test_approval_refusal(steps, approved, actor, role, creator, kind) -> None:  # type: ignore[no-untyped-def]
    refusal = approval_refusal(steps=steps, approved=approved, actor=actor, actor_role=role,
                               created_by=creator)
    assert (refusal.kind if refusal else None) == kind
    if refusal:
        assert refusal.field in ("step", "contract")
        assert "\n" not in refusal.message


def test_refusals_say_which_step_is_pending_and_the_order() -> None:
    refusal = approval_refusal(steps=STEPS, approved=[], actor="zhao", actor_role="legal",
                               created_by="li")
    assert refusal is not None
    assert "manager step" in refusal.message and "manager → legal → gm" in refusal.message
    creator = approval_refusal(steps=STEPS, approved=[], actor="wang", actor_role="manager",
                               created_by="wang")
    assert creator is not None and creator.field == "contract"
    assert "separation of duties" in creator.message


NUMBERS = [
    (date(2023, 10, 8), 1, "HT20231001", "first-of-october"),
    (date(2023, 10, 31), 12, "HT20231012", "twelfth"),
    (date(2024, 1, 1), 1, "HT20240101", "new-year"),
    (date(2023, 10, 8), 100, "HT202310100", "hundredth-grows"),
]


@pytest.mark.parametrize(("day", "seq", "number"), [c[:3] for c in NUMBERS],
                         ids=[c[3] for c in NUMBERS])
def test_format_number(day: date, seq: int, number: str) -> None:
    assert format_number(day, seq) == number


def test_format_number_starts_at_one() -> None:
    with pytest.raises(ValueError):
        format_number(date(2023, 10, 8), 0)


@pytest.mark.parametrize(("text", "number"), [
    ("HT20231001", "HT20231001"), ("ht20231001", "HT20231001"),
    (" ＨＴ２０２３１００１ ", "HT20231001"), ("SH-2023/07_a", "SH-2023/07_A"),
], ids=["plain", "lower-case", "full-width", "punctuation"])
def test_normalize_number(text: str, number: str) -> None:
    assert normalize_number(text) == number


@pytest.mark.parametrize("text", ["", "  ", "HT 2023", "合同1", "-HT1", "H" * 41],
                         ids=["empty", "blank", "space", "chinese", "leading-dash", "too-long"])
def test_normalize_number_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="HT20231001"):
        normalize_number(text)


TODAY = date(2023, 10, 8)
INSTALLMENTS = [
    ("2023-12-01:258万", (date(2023, 12, 1), 258 * WAN), "wan"),
    ("2024-01-31:1290000", (date(2024, 1, 31), 129_000_000), "plain-yuan"),
    ("2024-01-31:1,290,000.50", (date(2024, 1, 31), 129_000_050), "commas-and-fen"),
    ("2023-12-01：258万", (date(2023, 12, 1), 258 * WAN), "full-width-colon"),
    ("+1m:10万", (date(2023, 11, 8), 10 * WAN), "relative-date"),
]


@pytest.mark.parametrize(("text", "parsed"), [c[:2] for c in INSTALLMENTS],
                         ids=[c[2] for c in INSTALLMENTS])
def test_parse_installment(text: str, parsed: tuple[date, int]) -> None:
    assert parse_installment(text, TODAY) == parsed


BAD_INSTALLMENTS = [
    ("2023-12-01", "DATE:AMOUNT", "no-amount"),
    (":100", "DATE:AMOUNT", "no-date"),
    ("2023-12-01:", "DATE:AMOUNT", "empty-amount"),
    ("2024-02-30:100", "real date", "impossible-date"),
    ("01/02/2024:100", "YYYY-MM-DD", "ambiguous-date"),
    ("2023-12-01:abc", "not an amount", "bad-amount"),
    ("2023-12-01:0", "more than zero", "zero"),
    ("2023-12-01:1.234", "two decimals", "three-decimals"),
]


@pytest.mark.parametrize(("text", "says"), [c[:2] for c in BAD_INSTALLMENTS],
                         ids=[c[2] for c in BAD_INSTALLMENTS])
def test_parse_installment_refuses(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_installment(text, TODAY)


@pytest.mark.parametrize(("amount", "parts", "left"), [
    (100, [100], 0), (100, [40, 60], 0), (100, [40], 60), (100, [], 100),
], ids=["one-full", "two-full", "partial-schedule", "no-schedule"])
def test_check_schedule(amount: int, parts: list[int], left: int) -> None:
    assert check_schedule(amount, [(TODAY, p) for p in parts]) == left


def test_check_schedule_refuses_more_than_the_contract() -> None:
    with pytest.raises(ValueError, match="more than the contract"):
        check_schedule(100, [(TODAY, 60), (TODAY, 41)])


@pytest.mark.parametrize(("due", "refused"), [
    (date(2023, 1, 1), True), (date(2023, 10, 31), True), (date(2023, 11, 1), False),
    (date(2024, 1, 1), False),
], ids=["months-before", "day-before", "on-the-start", "after"])
def test_check_schedule_refuses_an_installment_before_the_start(due: date,
                                                                 refused: bool) -> None:
    start = date(2023, 11, 1)
    if not refused:
        assert check_schedule(100, [(due, 100)], start) == 0
        return
    with pytest.raises(ValueError) as excinfo:
        check_schedule(100, [(date(2024, 1, 1), 50), (due, 50)], start)
    assert str(excinfo.value) == (
        f"an installment falls due on {due}, before the contract starts on 2023-11-01; "
        "use a date on or after 2023-11-01")


D1, D2, D3 = date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)
ALLOCATIONS = [
    ([Installment(D1, 100)], 100, [100], "exact-one"),
    ([Installment(D1, 100), Installment(D2, 200)], 150, [100, 50], "fills-earliest-first"),
    ([Installment(D2, 200), Installment(D1, 100)], 150, [50, 100], "input-order-kept"),
    ([Installment(D1, 100, paid=100), Installment(D2, 200)], 20, [0, 20], "skips-paid"),
    ([Installment(D1, 100, paid=30), Installment(D2, 200)], 70, [70, 0], "completes-partial"),
    ([Installment(D1, 100), Installment(D1, 100)], 150, [100, 50], "same-day-in-order"),
    ([Installment(D1, 1), Installment(D2, 1), Installment(D3, 1)], 3, [1, 1, 1], "all"),
]


@pytest.mark.parametrize(("installments", "received", "applied"),
                         [c[:3] for c in ALLOCATIONS], ids=[c[3] for c in ALLOCATIONS])
def test_allocate(installments, received, applied) -> None:  # type: ignore[no-untyped-def]
    assert allocate(installments, received) == applied


@pytest.mark.parametrize(("installments", "received", "says"), [
    ([Installment(D1, 100)], 101, "more than"),
    ([Installment(D1, 100)], 0, "more than zero"),
    ([Installment(D1, 100, paid=100)], 1, "every installment is paid"),
], ids=["too-much", "zero", "all-paid"])
def test_allocate_refuses(installments, received, says) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=says):
        allocate(installments, received)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10_000), st.integers(0, 10_000)),
                min_size=1, max_size=6),
       st.integers(1, 60_000))
def test_allocation_pays_exactly_what_came_in_earliest_first(plan, received) -> None:  # type: ignore[no-untyped-def]
    installments = [Installment(D1 + timedelta(days=d), amount, min(paid, amount))
                    for d, amount, paid in plan]
    still_open = sum(i.open for i in installments)
    if received > still_open:
        with pytest.raises(ValueError):
            allocate(installments, received)
        return
    applied = allocate(installments, received)
    assert sum(applied) == received
    assert all(0 <= a <= i.open for a, i in zip(applied, installments, strict=True))
    # an installment left short means nothing went to any installment due later
    for short, inst in zip(applied, installments, strict=True):
        if short < inst.open:
            later = [a for a, i in zip(applied, installments, strict=True) if i.due > inst.due]
            assert not any(later)


@pytest.mark.parametrize(("amount", "paid", "status"), [
    (100, 0, "open"), (100, 1, "partial"), (100, 100, "paid"),
], ids=["open", "partial", "paid"])
def test_payment_status(amount: int, paid: int, status: str) -> None:
    assert payment_status(amount, paid) == status


PLAN = date(2023, 11, 28)
ALERTS = [
    (date(2023, 12, 2), 3, None, "four-days-ahead"),
    (date(2023, 12, 1), 3, "reminder", "three-days-ahead"),
    (date(2023, 12, 1), 7, "reminder", "longer-agenda-still-three"),
    (date(2023, 12, 3), 7, None, "reminder-never-beyond-three"),
    (date(2023, 12, 1), 0, None, "agenda-of-today-only"),
    (PLAN, 0, "reminder", "due-today"),
    (date(2023, 11, 27), 3, "reminder", "one-day-late"),
    (date(2023, 11, 22), 3, "reminder", "six-days-late"),
    (date(2023, 11, 21), 3, "escalation", "seven-days-late"),
    (date(2023, 10, 1), 0, "escalation", "long-overdue"),
]


@pytest.mark.parametrize(("due", "days", "alert"), [c[:3] for c in ALERTS],
                         ids=[c[3] for c in ALERTS])
def test_payment_alert(due: date, days: int, alert: str | None) -> None:
    assert payment_alert(due, PLAN, days) == alert


def test_windows_as_functions_of_the_plan_day() -> None:
    assert reminder_horizon(PLAN, 3) == date(2023, 12, 1)
    assert reminder_horizon(PLAN, 30) == date(2023, 12, 1)
    assert reminder_horizon(PLAN, 1) == date(2023, 11, 29)
    assert escalation_cutoff(date(2023, 12, 8)) == date(2023, 12, 1)
