"""Process deadlines (节点把控) that put a customer on the agenda besides its cadence.

From the standards:

- `objection` — 异议处理与方案优化: "对于客户提出的异议（如价格、功能、服务），需24小时内响应".
  A follow-up with negative feedback or an objection is due for an answer on the local
  date 24 hours after the contact, until another contact answers it.
- `need` — 需求反馈流程: "责任部门（如产品/技术团队）需在48小时内响应". An open need is due on
  the local date 48 hours after it was recorded, until it is responded to.
- `proposal` — 节点把控: "方案提交需在需求确认后5个工作日内". A customer in `intent` (need
  confirmed) is due 5 working days after the local date it entered intent, until it
  reaches `proposal`; working days follow the team's calendar (rules/workdays.py).
- `stalled` — 丢单风险: "对长期未推进的高价值线索…分析丢单风险并制定挽回策略" (SPEC §4: an
  A-tier customer with no stage progress for 14 days). An A-tier customer in an open
  prospecting stage is due 14 calendar days after the local date of its last forward
  move (or its creation), until it moves forward again.

Every deadline comes with its inverse, for reading the due ones through an index: the
cutoff such that a start is due by the horizon exactly when it lies before the cutoff
(for the timestamp deadlines an instant, exclusive; for `proposal` the latest local entry
date, inclusive). Dates are calendar dates in the team's time zone, passed in as `tz`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from salesflow.i18n import _
from salesflow.rules.dates import start_of_day
from salesflow.rules.pipeline import OPEN_STAGES
from salesflow.rules.workdays import WorkCalendar, add_working_days

OBJECTION_HOURS = 24
NEED_HOURS = 48
PROPOSAL_WORKING_DAYS = 5
STALLED_DAYS = 14
STALLED_TIERS = ("A",)
STALLED_STAGES = OPEN_STAGES  # lead, intent, proposal, negotiation
PROPOSAL_STAGE = "intent"  # the stage whose deadline is the proposal

_ONE_DAY = timedelta(days=1)
# Far more days off in a row than any calendar has; past this a search would never end.
_MAX_DAYS_SEARCHED = 366


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(_("'{moment}' has no time zone; use an aware time").format(
            moment=moment.isoformat()))
    return moment


def due_after_hours(start: datetime, hours: int, tz: tzinfo) -> date:
    """The local date `hours` after `start`: the day an `objection` (24) or a `need` (48)
    falls due. A negative follow-up at 2024-09-30 20:00 in Shanghai is due 2024-10-01."""
    return (_aware(start) + timedelta(hours=hours)).astimezone(tz).date()


def hours_cutoff(horizon: date, hours: int, tz: tzinfo) -> datetime:
    """The instant before which a start is due by `horizon`:
    due_after_hours(s, hours, tz) <= horizon exactly when s < hours_cutoff(horizon, hours, tz).
    It is the start of the day after the horizon, less the hours."""
    return start_of_day(horizon + _ONE_DAY, tz) - timedelta(hours=hours)


def objection_since(stage: str, latest_at: datetime, feedback: str | None,
                    objection: bool) -> datetime | None:
    """A customer's stored `objection_at`, from its latest follow-up (the one that happened
    last): that follow-up's time while it is negative feedback or an objection — no later
    contact has answered it yet — and None otherwise. Never for a lost customer."""
    if stage == "lost" or not (feedback == "negative" or objection):
        return None
    return latest_at


def objection_due(objection_at: datetime, tz: tzinfo) -> date:
    """When an unanswered negative or objection follow-up must have been answered."""
    return due_after_hours(objection_at, OBJECTION_HOURS, tz)


def need_due(created_at: datetime, tz: tzinfo) -> date:
    """When an open need must have been responded to."""
    return due_after_hours(created_at, NEED_HOURS, tz)


def stalled_due(progressed_at: datetime, tz: tzinfo) -> date:
    """When an A-tier customer with no stage progress since `progressed_at` is stalled:
    14 calendar days after the local date of that progress."""
    return _aware(progressed_at).astimezone(tz).date() + timedelta(days=STALLED_DAYS)


def stalled_cutoff(horizon: date, tz: tzinfo) -> datetime:
    """stalled_due(p, tz) <= horizon exactly when p < stalled_cutoff(horizon, tz)."""
    return start_of_day(horizon - timedelta(days=STALLED_DAYS) + _ONE_DAY, tz)


def is_stalled_candidate(tier: str, stage: str) -> bool:
    """Only A-tier customers still prospecting can stall (won, repeat and lost cannot)."""
    return tier in STALLED_TIERS and stage in STALLED_STAGES


def proposal_due(entered_intent_on: date, cal: WorkCalendar) -> date:
    """5 working days after the local date a customer entered intent. Entered on Friday
    2024-09-27 (cn): 09-29 (a make-up Sunday), 09-30, 10-01..07 off, 10-08, 10-09, 10-10."""
    return add_working_days(entered_intent_on, PROPOSAL_WORKING_DAYS, cal)


def latest_start(deadline: date, n: int, cal: WorkCalendar) -> date:
    """The latest start d with add_working_days(d, n, cal) <= deadline (the inverse of a
    deadline counted in working days, which never decreases as the start moves later).

    For n >= 1 that is the day before the n-th working day counted back from the
    deadline (the deadline itself counting when it is a working day): from that day on
    exactly n working days remain up to the deadline. For n = 0 it is the deadline.
    """
    if n < 0:
        raise ValueError(_("'{n}' is not a number of working days; use 0 or more").format(n=n))
    day = deadline
    found = 0
    for _step in range(n * _MAX_DAYS_SEARCHED + 1):
        if found == n:
            return day
        if cal.is_workday(day):
            found += 1
        day -= _ONE_DAY
    raise ValueError(
        _("calendar '{calendar}' has too few working days before {deadline}; "
          "use cn or weekdays").format(calendar=cal.name, deadline=deadline.isoformat())
    )


def proposal_cutoff(horizon: date, cal: WorkCalendar) -> date:
    """The latest local date of entering intent whose proposal is due by `horizon`:
    proposal_due(d, cal) <= horizon exactly when d <= proposal_cutoff(horizon, cal)."""
    return latest_start(horizon, PROPOSAL_WORKING_DAYS, cal)
