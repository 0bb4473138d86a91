"""Contracts (合同审批表): the approval chain, contract numbers, installments and reminders.

From 销售流程标准化管理系统模板, 合同审批与签订: "销售经理、法务、总经理依次审批合同, 审批通过后
与客户正式签订 … 同步更新客户状态为'已签约'", and its 合同审批表 (合同编号 HT20231001: HT, the
year and month, and a two-digit sequence of that month). Hence:

- the chain is manager → legal → gm, in that order; a contract below the team's gm
  threshold (setting `gm_threshold`, default 0: never) skips the gm step;
- the pending step is the first step of the chain not yet approved in this submission
  round; a rejection sends the contract back to draft and a resubmission starts a new
  round, so the whole chain runs again;
- an approver holds the pending step's role, did not create the contract (separation of
  duties) and has not approved another step of the same round.

Payments, from 风险提示 (回款风险): "销售代表需在到期前3天提醒, 逾期7天启动《催款流程》, 必要时
上报销售经理" — an unpaid installment is a reminder from 3 days before it falls due, and an
escalation (shown to the sales manager too) from 7 days after. Money received is applied
to the earliest open installments first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from salesflow.i18n import N_, _
from salesflow.rules.dates import RECORD_RANGE, parse_date
from salesflow.rules.money import format_yuan, parse_money

STEPS = ("manager", "legal", "gm")
DECISIONS = ("approve", "reject")
STATUSES = ("draft", "pending", "approved", "signed", "rejected", "cancelled")
PAYMENT_STATUSES = ("open", "partial", "paid")

NUMBER_PREFIX = "HT"
REMINDER_DAYS = 3  # remind the customer this many days before an installment falls due
ESCALATION_DAYS = 7  # escalate (collection, the sales manager) this many days after

_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_/-]{0,39}")
_INSTALLMENT_FORM = N_("DATE:AMOUNT, e.g. 2024-01-31:1290000 or 2023-12-01:258万")


# --- the approval chain -------------------------------------------------------------------


def steps_for(amount_fen: int, gm_threshold_fen: int) -> tuple[str, ...]:
    """The chain a contract of this amount needs: all three steps, or without gm when the
    amount is below the threshold (a threshold of 0 never skips it)."""
    return STEPS if amount_fen >= gm_threshold_fen else STEPS[:-1]


@dataclass(frozen=True)
class Approved:
    """One approval given in the current round."""

    step: str
    by: str


def pending_step(steps: Sequence[str], approved: Sequence[Approved]) -> str | None:
    """The first step of the chain not yet approved in this round (None: all approved)."""
    done = {a.step for a in approved}
    for step in steps:
        if step not in done:
            return step
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a user may not approve (or reject) the pending step.

    kind: `creator` (separation of duties), `twice` (already approved in this round),
    `order` (the user's step comes later in the chain), `role` (no role in the chain, or
    an earlier step that is already done), `done` (nothing is pending).
    field: the field a message names (`contract` or `step`).
    """

    kind: str
    field: str
    message: str


def approval_refusal(*, steps: Sequence[str], approved: Sequence[Approved], actor: str,
                     actor_role: str, created_by: str) -> Refusal | None:
    """None when `actor` (holding `actor_role`) may decide the pending step, else why not."""
    step = pending_step(steps, approved)
    if step is None:
        return Refusal("done", "step",
                       _("every step is approved already; nothing is pending"))
    if actor == created_by:
        return Refusal(
            "creator", "contract",
            _("{actor} created this contract and may not approve it (separation of duties); "
              "another user with the {role!r} role must decide the {step} step").format(
                actor=actor, role=step, step=step))
    mine = [a.step for a in approved if a.by == actor]
    if mine:
        return Refusal(
            "twice", "step",
            _("{actor} already approved the {mine} step of this round; each user approves "
              "once, and the {step} step needs another user with the {role!r} role").format(
                actor=actor, mine=mine[0], step=step, role=step))
    if actor_role == step:
        return None
    if actor_role in steps and steps.index(actor_role) > steps.index(step):
        return Refusal(
            "order", "step",
            _("the contract waits for the {step} step; {actor_role} approves after "
              "{before}, in the order {order}").format(
                step=step, actor_role=actor_role,
                before=" → ".join(steps[steps.index(step):steps.index(actor_role)]),
                order=" → ".join(steps)))
    return Refusal(
        "role", "step",
        _("the contract waits for the {step} step, which needs a user with the {role!r} "
          "role; {actor} is {actor_role!r}").format(
            step=step, role=step, actor=actor, actor_role=actor_role))


# --- contract numbers ---------------------------------------------------------------------


def number_prefix(day: date, kind: str = NUMBER_PREFIX) -> str:
    """The kind's letters + the year and month of `day`: 2023-10-08 → 'HT202310'. The
    same scheme numbers solutions (FA202310…, rules/solution.py)."""
    return f"{kind}{day.year:04d}{day.month:02d}"


def format_number(day: date, sequence: int, kind: str = NUMBER_PREFIX) -> str:
    """The month's `sequence`-th number: (2023-10-08, 1) → 'HT20231001'.

    Two digits as in the standard's form; a 100th contract in one month takes three
    (HT202310100) rather than failing, and stays unique since the prefix is fixed-width.
    """
    if sequence < 1:
        raise ValueError(_("a contract sequence starts at 1, not {sequence}").format(
            sequence=sequence))
    return f"{number_prefix(day, kind)}{sequence:02d}"


def normalize_number(text: str) -> str:
    """A contract number as typed (any case, full-width) → its stored form, upper case."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    if not _NUMBER.fullmatch(value):
        raise ValueError(
            _("{text!r} is not a contract number; use letters, digits, '-', '_' or '/' "
              "(up to 40), e.g. HT20231001").format(text=text))
    return value


# --- installments -------------------------------------------------------------------------


def parse_installment(text: str, today: date) -> tuple[date, int]:
    """`--payment DATE:AMOUNT` → (due date, fen): '2023-12-01:258万' → (2023-12-01, 258000000)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    day_text, sep, amount_text = cleaned.partition(":")
    if not sep or not day_text.strip() or not amount_text.strip():
        raise ValueError(_("{text!r} is not an installment; use {form}").format(
            text=text, form=_(_INSTALLMENT_FORM)))
    due = parse_date(day_text, today, within=RECORD_RANGE)
    amount = parse_money(amount_text)
    if amount <= 0:
        raise ValueError(_("{text!r} has no amount; an installment is more than zero yuan").format(
            text=text))
    return due, amount


def check_schedule(amount_fen: int, installments: Sequence[tuple[date, int]],
                   start: date | None = None) -> int:
    """The part of the contract amount the schedule leaves unscheduled (0: all of it is).

    A schedule larger than the contract is refused: it would ask the customer for more
    than was agreed; so is an installment due before the contract's `start`.
    """
    early = sorted(due for due, _fen in installments if start is not None and due < start)
    if early:
        raise ValueError(
            _("an installment falls due on {due}, before the contract starts on {start}; "
              "use a date on or after {start}").format(due=early[0], start=start))
    total = sum(fen for _due, fen in installments)
    if total > amount_fen:
        raise ValueError(
            _("the installments add up to {total}, more than the contract's "
              "{amount}").format(total=format_yuan(total), amount=format_yuan(amount_fen)))
    return amount_fen - total


@dataclass(frozen=True)
class Installment:
    due: date | None  # None: due after an acceptance not yet recorded (paid last)
    amount: int  # fen
    paid: int = 0  # fen received so far

    @property
    def open(self) -> int:
        return max(self.amount - self.paid, 0)


def payment_status(amount: int, paid: int) -> str:
    """open (nothing received), partial, or paid."""
    if paid >= amount:
        return "paid"
    return "partial" if paid > 0 else "open"


def allocate(installments: Sequence[Installment], received: int) -> list[int]:
    """How much of `received` goes to each installment (same order as given): the earliest
    due first, each filled before the next. More than is still open is refused."""
    if received <= 0:
        raise ValueError(_("a payment is more than zero yuan"))
    still_open = sum(i.open for i in installments)
    if received > still_open:
        if still_open == 0:
            raise ValueError(_("every installment is paid; nothing is open"))
        raise ValueError(
            _("{received} is more than the {still_open} still open").format(
                received=format_yuan(received), still_open=format_yuan(still_open)))
    applied = [0] * len(installments)
    left = received
    def order(k: int) -> tuple[bool, date, int]:
        due = installments[k].due
        return due is None, due or date.max, k

    for index in sorted(range(len(installments)), key=order):
        take = min(installments[index].open, left)
        applied[index] = take
        left -= take
        if not left:
            break
    return applied


# --- reminders and escalations ------------------------------------------------------------


def reminder_horizon(plan: date, days: int) -> date:
    """The last due date a plan for `plan` (looking `days` ahead) reminds about: at most
    REMINDER_DAYS ahead, and never beyond the agenda's own window."""
    return plan + timedelta(days=min(max(days, 0), REMINDER_DAYS))


def escalation_cutoff(plan: date) -> date:
    """The latest due date whose unpaid installment is escalated on `plan`."""
    return plan - timedelta(days=ESCALATION_DAYS)


def payment_alert(due: date, plan: date, days: int) -> str | None:
    """What an unpaid installment due on `due` is on `plan`: 'escalation' (7+ days late),
    'reminder' (from 3 days before it falls due until then), or None (not yet)."""
    if due <= escalation_cutoff(plan):
        return "escalation"
    if due <= reminder_horizon(plan, days):
        return "reminder"
    return None
