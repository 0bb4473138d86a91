"""The weekly lead-risk report (线索跟进报告): "对长期未推进的高价值线索…分析丢单风险并制定挽回
策略, 每周提交《线索跟进报告》".

A stalled customer (rules/deadline.py: A tier, no stage progress for 14 days) needs a
recovery plan (挽回策略) that is at most a week old, since the report is weekly: while the
plan is missing or older than PLAN_MAX_AGE_DAYS its agenda item asks for a new one.
"""

from __future__ import annotations

from datetime import date

PLAN_MAX_AGE_DAYS = 7


def plan_age_days(planned_on: date | None, today: date) -> int | None:
    """Whole days since the latest plan was recorded (None without one)."""
    return None if planned_on is None else (today - planned_on).days


def needs_plan(planned_on: date | None, today: date) -> bool:
    """True while the plan is missing or older than a week."""
    age = plan_age_days(planned_on, today)
    return age is None or age > PLAN_MAX_AGE_DAYS
