"""After the deal (SPEC §12; 模板五/六/七): delivery phases, warranty, after-sales visits,
renewals and collections.

From 销售流程标准化管理系统模板, 项目交付与售后跟进: "交付团队制定项目实施计划（包括时间节点、
责任人、资源需求）… 销售代表定期（如每周）与客户及交付团队溝通项目进展" (a phase per row of
项目实施计划表, the delivery cadence of 7 days), "签署《项目验收报告》" (acceptance, on which
payment often depends: an installment may fall due N days after acceptance), "售后专员在质保期内
提供定期回访（如每季度1次）" (an after-sales visit every 91 days until the warranty ends),
"推动续约或交叉销售" (a renewal item `renewal.days` before a contract ends), and 风险提示:
"项目实施中若客户需求变更，需签署《需求变更确认单》，明确费用、周期调整" (a change moves the
unfinished phases and keeps its cost as an amendment), "逾期7天启动《催款流程》，必要时上报销售经理
协调法务介入" (legal review `collection.legal_days` after an installment fell due).

Pure functions: no I/O, no database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from salesflow.i18n import N_, _
from salesflow.rules.money import parse_money

PHASE_STATUSES = ("planned", "active", "done", "late")
RESULTS = ("pass", "fail")

DELIVERY_DAYS = 7  # cadence.delivery: 定期（如每周）沟通项目进展
AFTERSALES_DAYS = 91  # cadence.aftersales: 质保期内每季度1次回访
RENEWAL_DAYS = 60  # renewal.days: a renewal item this many days before the end
LEGAL_DAYS = 30  # collection.legal_days: legal review this many days after the due date

MAX_WARRANTY_MONTHS = 120
MAX_WARRANTY_DAYS = 3660
MAX_SHIFT_DAYS = 365  # a change request moves phases at most a year either way
MAX_RELATIVE_DAYS = 3660

_WARRANTY = re.compile(r"([0-9]{1,4}) ?(m|d|y|months?|days?|years?|个月|月|天|日|年)")
_WARRANTY_FORM = N_("a number of months or days, e.g. 12m or 90d")
_RELATIVE = re.compile(r"(?:acceptance|验收)(?: ?\+ ?([0-9]{1,4}) ?d?)?")
ACCEPTANCE_FORM = N_("acceptance+DAYS:AMOUNT, e.g. acceptance+30:129万")


# --- phases -------------------------------------------------------------------------------


def phase_status(start: date, end: date, done_on: date | None, today: date) -> str:
    """planned (not started), active (between start and end), late (past its end and not
    done), done."""
    if done_on is not None:
        return "done"
    if today > end:
        return "late"
    if today >= start:
        return "active"
    return "planned"


def check_phase_dates(start: date, end: date) -> None:
    if end < start:
        raise ValueError(_("{end} is before the start {start}; a phase ends on or after the "
                           "day it starts").format(end=end, start=start))


def shifted(day: date, days: int) -> date:
    return day + timedelta(days=days)


def check_shift(days: int) -> None:
    if abs(days) > MAX_SHIFT_DAYS:
        raise ValueError(_("'{days}' is out of range; use -{high} to {high} days").format(
            days=days, high=MAX_SHIFT_DAYS))


def parse_result(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    value = {"合格": "pass", "通过": "pass", "不合格": "fail", "未通过": "fail"}.get(value, value)
    if value not in RESULTS:
        raise ValueError(_("'{value}' is not a result; use pass or fail").format(value=text))
    return value


# --- warranty -----------------------------------------------------------------------------


def parse_warranty(text: str) -> str:
    """`--warranty 12m` → '12m'; '90d' → '90d'; '1y' → '12m' (the stored, canonical form)."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    match = _WARRANTY.fullmatch(cleaned)
    if not match:
        raise ValueError(_("'{value}' is not a warranty; use {form}").format(
            value=text, form=_(_WARRANTY_FORM)))
    number, unit = int(match.group(1)), match.group(2)
    if unit in ("y", "year", "years", "年"):
        number, unit = number * 12, "m"
    unit = "m" if unit in ("m", "month", "months", "个月", "月") else "d"
    high = MAX_WARRANTY_MONTHS if unit == "m" else MAX_WARRANTY_DAYS
    if not 1 <= number <= high:
        raise ValueError(_("'{value}' is out of range; use 1 to {high}{unit}").format(
            value=text, high=high, unit=unit))
    return f"{number}{unit}"


def warranty_end(start: date, warranty: str) -> date:
    """The last day of a warranty that starts on `start`: 12m from 2023-12-20 ends on
    2024-12-20 (months clamp to the month's end)."""
    number, unit = int(warranty[:-1]), warranty[-1]
    if unit == "m":
        return start + relativedelta(months=number)
    return start + timedelta(days=number)


def aftersales_start(*, accepted_on: date | None, signed_on: date | None,
                     has_plan: bool) -> date | None:
    """When the after-sales visits start: at acceptance, or at signing for a contract
    without a delivery plan; None while a plan waits for acceptance or it is not signed."""
    if accepted_on is not None:
        return accepted_on
    if signed_on is not None and not has_plan:
        return signed_on
    return None


def aftersales_due(*, start: date | None, warranty: str | None, last_visit: date | None,
                   days: int) -> date | None:
    """The next after-sales visit: `days` after the later of the start and the last
    after-sales follow-up, as long as it falls within the warranty; None without one."""
    if start is None or not warranty:
        return None
    since = max(start, last_visit) if last_visit is not None else start
    due = since + timedelta(days=days)
    return due if due <= warranty_end(start, warranty) else None


# --- renewal ------------------------------------------------------------------------------


def renewal_on(end: date | None, days: int, *, renewed: bool) -> date | None:
    """The renewal item's date: `days` before a signed contract's end, unless a later
    contract was signed for that customer."""
    if end is None or renewed:
        return None
    return end - timedelta(days=days)


# --- installments relative to acceptance --------------------------------------------------


def is_relative(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().lower().startswith(("acceptance", "验收"))


def parse_relative_installment(text: str) -> tuple[int, int]:
    """`--payment acceptance+30:129万` → (30 days after acceptance, fen)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    rule, sep, amount_text = cleaned.rpartition(":")
    match = _RELATIVE.fullmatch(rule.strip().lower()) if sep else None
    if match is None or not amount_text.strip():
        raise ValueError(_("{text!r} is not an installment; use {form}").format(
            text=text, form=_(ACCEPTANCE_FORM)))
    days = int(match.group(1) or 0)
    if days > MAX_RELATIVE_DAYS:
        raise ValueError(_("{text!r}: use 0 to {high} days after acceptance").format(
            text=text, high=MAX_RELATIVE_DAYS))
    amount = parse_money(amount_text)
    if amount <= 0:
        raise ValueError(_("{text!r} has no amount; an installment is more than zero "
                           "yuan").format(text=text))
    return days, amount


def relative_due(accepted_on: date, days: int) -> date:
    return accepted_on + timedelta(days=days)


def due_rule(days: int | None) -> str | None:
    """How an installment's date is set, for export: 'acceptance+30', or None (a date)."""
    return None if days is None else f"acceptance+{days}"


# --- collections --------------------------------------------------------------------------


def legal_cutoff(plan: date, legal_days: int) -> date:
    """The latest due date whose unpaid installment is up for legal review on `plan`."""
    return plan - timedelta(days=legal_days)


def promise_hides(due: date, plan: date, promised_until: date | None) -> bool:
    """A promise to pay keeps a late installment off the agenda up to its date."""
    return promised_until is not None and plan <= promised_until and due < plan


def promise_broken(due: date, plan: date, promised_until: date | None) -> bool:
    """The day after a promise, an installment it covered is back as an escalation."""
    return promised_until is not None and promised_until < plan and due <= promised_until
