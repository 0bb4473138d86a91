"""Solutions and quotes (解决方案定制表, 方案评审; SPEC §11).

From 模板三 解决方案定制表 (方案名称, 产品配置, 实施周期, 报价, 附加服务) and the review the
standard asks for before a solution goes out (方案评审: 销售经理审核; 折扣超出权限需总经理审批):

- a solution is numbered like a contract: FA + year and month + the month's two-digit
  sequence (rules.contract.format_number with kind FA);
- its discount is 1 − quote ÷ list price (none without a list price);
- statuses: draft → review → approved (or back to draft when rejected) → sent →
  accepted | declined;
- the review is a `manager` who is not the author; a discount above the setting
  `discount.limit` (default 10%) also needs a `gm`, after the manager.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from salesflow.i18n import _

NUMBER_PREFIX = "FA"
STATUSES = ("draft", "review", "approved", "sent", "accepted", "declined")
OPEN_STATUSES = ("draft", "review", "approved", "sent")
STEPS = ("manager", "gm")
DEFAULT_DISCOUNT_LIMIT = Decimal("0.10")


def discount(quote_fen: int, list_price_fen: int | None) -> Decimal | None:
    """1 − quote ÷ list price, to four decimals (0.2600 = 26%); None without a list
    price. A quote above the list price is a negative discount."""
    if not list_price_fen:
        return None
    ratio = Decimal(1) - Decimal(quote_fen) / Decimal(list_price_fen)
    return ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def steps_for(discount_ratio: Decimal | None, limit: Decimal) -> tuple[str, ...]:
    """The reviews a solution needs: the manager's, and the gm's too above the limit."""
    if discount_ratio is not None and discount_ratio > limit:
        return STEPS
    return STEPS[:1]


def pending_step(steps: Sequence[str], approved: Sequence[str]) -> str | None:
    """The first review step not yet approved in this round (None: all approved)."""
    for step in steps:
        if step not in approved:
            return step
    return None


def review_refusal(*, steps: Sequence[str], approved: Sequence[tuple[str, str]], actor: str,
                   actor_role: str, author: str) -> str | None:
    """None when `actor` may review the pending step, else why not. `approved` holds
    (step, by) of this round."""
    step = pending_step(steps, [s for s, _by in approved])
    if step is None:
        return _("every review is done; nothing is pending")
    if actor == author:
        return _("{actor} wrote this solution and may not review it; another user with "
                 "the {step!r} role must").format(actor=actor, step=step)
    if any(by == actor for _s, by in approved):
        return _("{actor} already reviewed this solution in this round; the {step} review "
                 "needs another user").format(actor=actor, step=step)
    if actor_role != step:
        return _("the solution waits for the {step} review, which needs a user with the "
                 "{step!r} role; {actor} is {role!r}").format(step=step, actor=actor,
                                                               role=actor_role)
    return None


def parse_limit(text: str) -> Decimal:
    """`config set discount.limit 10%` (or 0.1): a share between 0 and 1."""
    cleaned = text.strip()
    try:
        value = (Decimal(cleaned[:-1]) / 100 if cleaned.endswith("%") else Decimal(cleaned))
    except ArithmeticError:
        raise ValueError(_("{text!r} is not a share; use e.g. {percent} or {share}").format(
            text=text, percent="10%", share="0.1")) from None
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(_("{text!r} is not between {low} and {high}").format(
            text=text, low="0%", high="100%"))
    return value
