"""The process deadlines: objection (24h), need (48h), proposal (5 working days),
stalled (A tier, 14 days), and the cutoffs `due` reads its indexes with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.deadline import (
    hours_cutoff,
    is_stalled_candidate,
    latest_start,
    need_due,
    objection_due,
    objection_since,
    proposal_cutoff,
    proposal_due,
    stalled_cutoff,
    stalled_due,
)
from salesflow.rules.workdays import add_working_days, calendar_for

D = date.fromisoformat
SHANGHAI = ZoneInfo("Asia/Shanghai")
ZONES = [SHANGHAI, ZoneInfo("America/Vancouver"), ZoneInfo("America/Santiago"), UTC]


def local(text: str, tz=SHANGHAI) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.fromisoformat(text).replace(tzinfo=tz)


HOURS = [
    # (deadline, when it started in Shanghai, due date)
    ("objection", "2024-09-30 20:00", "2024-10-01"),  # into the National Day holiday
    ("objection", "2024-09-30 00:00", "2024-10-01"),
    ("objection", "2024-09-30 23:59", "2024-10-01"),
    ("objection", "2024-12-31 09:00", "2025-01-01"),  # across a year end
    ("need", "2024-09-27 17:00", "2024-09-29"),  # Friday → Sunday: calendar hours
    ("need", "2024-02-28 08:00", "2024-03-01"),  # leap day counted
    ("need", "2024-10-07 23:30", "2024-10-09"),
]


@pytest.mark.parametrize(("kind", "start", "expected"), HOURS,
                         ids=[f"{k}-{s.replace(' ', 'T')}" for k, s, _ in HOURS])
def test_objection_and_need_fall_due_on_the_local_date_after_the_hours(kind, start, expected):
    due = objection_due if kind == "objection" else need_due
    assert due(local(start), SHANGHAI) == D(expected)


def test_the_local_date_is_the_team_zone_s_not_utc():
    # 2024-09-30 18:00 UTC is 10-01 02:00 in Shanghai, but 09-30 11:00 in Vancouver
    moment = datetime(2024, 9, 30, 18, 0, tzinfo=UTC)
    assert objection_due(moment, SHANGHAI) == D("2024-10-02")
    assert objection_due(moment, ZoneInfo("America/Vancouver")) == D("2024-10-01")


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        objection_due(datetime(2024, 9, 30, 20, 0), SHANGHAI)


CUTOFFS = [
    # (hours, horizon, cutoff instant in Shanghai, exclusive)
    (24, "2024-10-01", "2024-10-01 00:00"),  # due ≤ 10-01 ⇔ started before 10-01 00:00
    (48, "2024-10-01", "2024-09-30 00:00"),
    (24, "2025-01-01", "2025-01-01 00:00"),
]


@pytest.mark.parametrize(("hours", "horizon", "cutoff"), CUTOFFS,
                         ids=[f"{h}h-{d}" for h, d, _ in CUTOFFS])
def test_hours_cutoff_is_the_start_of_the_next_day_less_the_hours(hours, horizon, cutoff):
    assert hours_cutoff(D(horizon), hours, SHANGHAI) == local(cutoff)


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 12, 31),
                          timezones=st.just(UTC)),
       horizon=st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 1, 31)),
       hours=st.sampled_from([24, 48]), tz=st.sampled_from(ZONES))
def test_due_by_the_horizon_exactly_when_before_the_cutoff(start, horizon, hours, tz):
    due = objection_due if hours == 24 else need_due
    assert (due(start, tz) <= horizon) == (start < hours_cutoff(horizon, hours, tz))


STALLED = [
    # (last progress in Shanghai, due)
    ("2024-09-20 10:00", "2024-10-04"),  # 14 calendar days, holiday or not
    ("2024-09-20 23:59", "2024-10-04"),
    ("2024-12-25 00:00", "2025-01-08"),
]


@pytest.mark.parametrize(("progressed", "expected"), STALLED, ids=[s for s, _ in STALLED])
def test_stalled_is_due_14_calendar_days_after_the_last_progress(progressed, expected):
    assert stalled_due(local(progressed), SHANGHAI) == D(expected)


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 12, 31),
                          timezones=st.just(UTC)),
       horizon=st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 1, 31)),
       tz=st.sampled_from(ZONES))
def test_stalled_by_the_horizon_exactly_when_before_the_cutoff(start, horizon, tz):
    assert (stalled_due(start, tz) <= horizon) == (start < stalled_cutoff(horizon, tz))


CANDIDATES = [
    ("A", "lead", True), ("A", "intent", True), ("A", "proposal", True),
    ("A", "negotiation", True), ("A", "won", False), ("A", "repeat", False),
    ("A", "lost", False), ("B", "negotiation", False), ("C", "lead", False),
]


@pytest.mark.parametrize(("tier", "stage", "expected"), CANDIDATES,
                         ids=[f"{t}-{s}" for t, s, _ in CANDIDATES])
def test_only_a_tier_customers_still_prospecting_can_stall(tier, stage, expected):
    assert is_stalled_candidate(tier, stage) is expected


OBJECTIONS = [
    # (stage, feedback, objection flag, open?)
    ("intent", "negative", False, True),
    ("intent", None, True, True),
    ("proposal", "positive", True, True),  # pleased, but objected to something
    ("intent", "neutral", False, False),
    ("intent", "positive", False, False),
    ("won", None, False, False),
    ("lost", "negative", True, False),  # a lost customer is never due
]


@pytest.mark.parametrize(("stage", "feedback", "objection", "open_"), OBJECTIONS,
                         ids=[f"{s}-{f}-{'objection' if o else 'plain'}"
                              for s, f, o, _ in OBJECTIONS])
def test_the_latest_follow_up_decides_whether_an_objection_is_open(stage, feedback, objection,
                                                                   open_):
    at = local("2024-09-30 20:00")
    assert objection_since(stage, at, feedback, objection) == (at if open_ else None)


PROPOSALS = [
    # (calendar, entered intent on, proposal due)
    ("cn", "2024-09-27", "2024-10-10"),  # Fri: 09-29 make-up Sun, 09-30, 10-08, 09, 10
    ("cn", "2024-09-30", "2024-10-12"),  # 10-08..11, then the make-up Saturday 10-12
    ("cn", "2024-09-28", "2024-10-10"),  # entered on a Saturday off
    ("cn", "2025-01-24", "2025-02-07"),  # Spring Festival: 01-26 make-up, 27, 02-05..07
    ("cn", "2024-11-01", "2024-11-08"),  # an ordinary week: Fri → next Fri
    ("weekdays", "2024-09-27", "2024-10-04"),
    ("weekdays", "2024-09-30", "2024-10-07"),
]


@pytest.mark.parametrize(("cal", "entered", "expected"), PROPOSALS,
                         ids=[f"{c}-{e}" for c, e, _ in PROPOSALS])
def test_the_proposal_is_due_5_working_days_after_entering_intent(cal, entered, expected):
    assert proposal_due(D(entered), calendar_for(cal)) == D(expected)


PROPOSAL_CUTOFFS = [
    # (calendar, horizon, latest day of entering intent still due by then)
    ("cn", "2024-10-10", "2024-09-28"),  # 09-28 (off) +5 = 10-10; 09-29 +5 = 10-11
    ("cn", "2024-10-09", "2024-09-26"),
    ("cn", "2024-10-07", "2024-09-24"),  # a holiday horizon: as on 09-30, the last workday
    ("cn", "2024-09-30", "2024-09-24"),  # 09-24 +5: 25, 26, 27, 29 (make-up Sunday), 30
    ("cn", "2024-10-12", "2024-10-07"),  # make-up Saturday: 10-07 (off) +5 = 10-08..10-12
    ("cn", "2025-02-07", "2025-01-25"),
    ("weekdays", "2024-10-07", "2024-09-30"),
    ("weekdays", "2024-10-06", "2024-09-29"),  # Sunday horizon: as on Friday 10-04
]


@pytest.mark.parametrize(("cal", "horizon", "expected"), PROPOSAL_CUTOFFS,
                         ids=[f"{c}-{h}" for c, h, _ in PROPOSAL_CUTOFFS])
def test_proposal_cutoff_is_the_latest_entry_still_due_by_the_horizon(cal, horizon, expected):
    calendar = calendar_for(cal)
    cutoff = proposal_cutoff(D(horizon), calendar)
    assert cutoff == D(expected)
    assert proposal_due(cutoff, calendar) <= D(horizon)
    assert proposal_due(cutoff + timedelta(days=1), calendar) > D(horizon)


@settings(max_examples=300, deadline=None)
@given(entered=st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)),
       horizon=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 1, 31)),
       cal=st.sampled_from(["cn", "weekdays"]))
def test_proposal_due_by_the_horizon_exactly_when_entered_by_the_cutoff(entered, horizon, cal):
    calendar = calendar_for(cal)
    assert (proposal_due(entered, calendar) <= horizon) == (
        entered <= proposal_cutoff(horizon, calendar))


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)),
       horizon=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 1, 31)),
       n=st.integers(0, 12), cal=st.sampled_from(["cn", "weekdays"]))
def test_latest_start_inverts_adding_working_days(start, horizon, n, cal):
    calendar = calendar_for(cal)
    assert (add_working_days(start, n, calendar) <= horizon) == (
        start <= latest_start(horizon, n, calendar))


def test_latest_start_refuses_a_negative_count():
    with pytest.raises(ValueError, match="0 or more"):
        latest_start(D("2024-10-10"), -1, calendar_for("cn"))
