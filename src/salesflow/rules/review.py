"""Review (复盘, SPEC §14): "每月/每季度统计销售数据…分析各环节耗时、成功率及问题点;
选取典型成功/失败案例…总结成功经验与失败教训".

What the review measures, over a period (a quarter or a month):

- time in a stage: for each time a customer left a stage in the period, the calendar days
  (team time zone) from entering it to leaving it; median and mean per stage;
- the success of a step (环节成功率): of the customers who left a stage in the period, the
  share whose move was to the next stage (lead→intent, …, negotiation→won) rather than
  back, skipped or lost;
- outcomes: customers won (entered `won`) and lost (entered `lost`) in the period, the lost
  ones grouped by the reason given;
- conversion by follow-up frequency (高转化跟进频率): each customer whose outcome fell in the
  period, by follow-ups before the outcome per 30 days of its life (creation to outcome, at
  least one day), in the buckets below; the rate is won ÷ customers;
- need hotspots (需求热点): needs recorded in the period by kind and department, with the
  TOP_DESCRIPTIONS most frequent descriptions.
"""

from __future__ import annotations

from salesflow.rules.pipeline import STAGES

REVIEWED_STAGES = ("lead", "intent", "proposal", "negotiation")
TOP_DESCRIPTIONS = 3
# follow-ups per 30 days: [lower, upper) bounds, the last open-ended
FREQUENCY_BUCKETS = (("0-1", 0, 1), ("1-2", 1, 2), ("2-4", 2, 4), ("4+", 4, None))


def next_stage(stage: str) -> str:
    """The stage a successful step leads to: lead → intent … negotiation → won."""
    return STAGES[STAGES.index(stage) + 1]


def steps() -> list[tuple[str, str]]:
    return [(s, next_stage(s)) for s in REVIEWED_STAGES]


def bucket_of(followups: int, life_days: int) -> str:
    """The frequency bucket of `followups` over `life_days` (at least 1), per 30 days,
    compared in integers so that SQL and Python agree exactly."""
    days = max(life_days, 1)
    for label, _low, high in FREQUENCY_BUCKETS:
        if high is None or followups * 30 < high * days:
            return label
    raise AssertionError("the last bucket is open-ended")


def median_ranks(n: int) -> tuple[int, int]:
    """The 1-based ranks whose mean is the median of n sorted values (the same rank twice
    when n is odd): the ROW_NUMBER positions the SQL median averages."""
    return (n + 1) // 2, (n + 2) // 2
