"""Solutions (解决方案定制表, 方案评审): discount, the review chain, and budget ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesflow.rules.contract import format_number
from salesflow.rules.money import parse_money_range
from salesflow.rules.solution import (
    discount,
    parse_limit,
    pending_step,
    review_refusal,
    steps_for,
)

DISCOUNTS = [
    ("seed", 258_000_000, 280_000_000, Decimal("0.0786")),
    ("none-without-list-price", 258_000_000, None, None),
    ("at-list-price", 100, 100, Decimal("0")),
    ("26-percent", 74_000_000, 100_000_000, Decimal("0.26")),
    ("above-list-price", 110, 100, Decimal("-0.1")),
]


@pytest.mark.parametrize(("quote", "list_price", "expected"), [d[1:] for d in DISCOUNTS],
                         ids=[d[0] for d in DISCOUNTS])
def test_discount_is_one_minus_quote_over_list_price(quote, list_price, expected):
    assert discount(quote, list_price) == expected


STEPS = [
    ("no-list-price", None, ("manager",)),
    ("below-the-limit", Decimal("0.05"), ("manager",)),
    ("at-the-limit", Decimal("0.10"), ("manager",)),
    ("beyond-the-limit", Decimal("0.1001"), ("manager", "gm")),
]


@pytest.mark.parametrize(("ratio", "steps"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_a_gm_reviews_after_the_manager_beyond_the_limit(ratio, steps):
    assert steps_for(ratio, Decimal("0.10")) == steps


REVIEWS = [
    ("author", ("manager",), [], "li.na", "manager", "li.na", "may not review"),
    ("rep", ("manager",), [], "sun.li", "rep", "li.na", "'manager' role"),
    ("gm-before-manager", ("manager", "gm"), [], "chen.gang", "gm", "li.na",
     "waits for the manager review"),
    ("twice", ("manager", "gm"), [("manager", "wang.lei")], "wang.lei", "manager", "li.na",
     "already reviewed"),
    ("done", ("manager",), [("manager", "wang.lei")], "zhou.jie", "manager", "li.na",
     "nothing is pending"),
    ("manager-ok", ("manager",), [], "wang.lei", "manager", "li.na", None),
    ("gm-after-manager", ("manager", "gm"), [("manager", "wang.lei")], "chen.gang", "gm",
     "li.na", None),
]


@pytest.mark.parametrize(("steps", "approved", "actor", "role", "author", "words"),
                         [r[1:] for r in REVIEWS], ids=[r[0] for r in REVIEWS])
def test_who_may_review(steps, approved, actor, role, author, words):
    refusal = review_refusal(steps=steps, approved=approved, actor=actor, actor_role=role,
                             author=author)
    if words is None:
        assert refusal is None
    else:
        assert refusal is not None and words in refusal


def test_pending_step_is_the_first_not_approved():
    assert pending_step(("manager", "gm"), []) == "manager"
    assert pending_step(("manager", "gm"), ["manager"]) == "gm"
    assert pending_step(("manager",), ["manager"]) is None


def test_solution_numbers_use_the_contract_scheme():
    from datetime import date

    assert format_number(date(2023, 10, 8), 1, "FA") == "FA20231001"


@pytest.mark.parametrize(("text", "value"), [("10%", Decimal("0.1")), ("0.25", Decimal("0.25")),
                                             ("0", Decimal("0"))])
def test_discount_limit(text, value):
    assert parse_limit(text) == value


@pytest.mark.parametrize("text", ["abc", "150%", "-1"])
def test_discount_limit_refused(text):
    with pytest.raises(ValueError, match=repr(text)):
        parse_limit(text)


BUDGETS = [
    ("range", "200万-300万", (200_000_000, 300_000_000)),
    ("one-figure", "50万", (50_000_000, 50_000_000)),
    ("up-to", "-80万", (None, 80_000_000)),
    ("from", "100万-", (100_000_000, None)),
    ("tilde", "200万~300万", (200_000_000, 300_000_000)),
    ("zhi", "1万至2万", (1_000_000, 2_000_000)),
]


@pytest.mark.parametrize(("text", "expected"), [b[1:] for b in BUDGETS],
                         ids=[b[0] for b in BUDGETS])
def test_budget_ranges(text, expected):
    assert parse_money_range(text) == expected


@pytest.mark.parametrize("text", ["300万-200万", "很多", "", "-", "x-80万"])
def test_budget_ranges_refused(text):
    with pytest.raises(ValueError):
        parse_money_range(text)
