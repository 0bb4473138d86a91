from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.cadence import (
    SCREENING_WORKING_DAYS,
    Cadences,
    Due,
    next_due,
)
from salesflow.rules.workdays import WorkCalendar, add_working_days, calendar_for

D = date.fromisoformat
DEFAULT = Cadences()
WEEKDAYS = calendar_for("weekdays")

CADENCE_DAYS = [
    # (tier, stage, days)
    ("A", "lead", 7), ("A", "intent", 7), ("A", "proposal", 7), ("A", "negotiation", 7),
    ("B", "lead", 14), ("B", "intent", 14), ("B", "proposal", 14), ("B", "negotiation", 14),
    ("C", "lead", 30), ("C", "intent", 30), ("C", "proposal", 30), ("C", "negotiation", 30),
    ("A", "won", 30), ("A", "repeat", 30),
    ("B", "won", 45), ("B", "repeat", 45),
    ("C", "won", 182), ("C", "repeat", 182),
]


@pytest.mark.parametrize(
    ("tier", "stage", "days"), CADENCE_DAYS, ids=[f"{t}-{s}" for t, s, _ in CADENCE_DAYS]
)
def test_default_cadence_days(tier: str, stage: str, days: int) -> None:
    assert DEFAULT.days(tier, stage) == days


@pytest.mark.parametrize(
    ("tier", "stage", "days"), CADENCE_DAYS, ids=[f"{t}-{s}" for t, s, _ in CADENCE_DAYS]
)
def test_followup_is_last_contact_plus_cadence(tier: str, stage: str, days: int) -> None:
    last = D("2024-03-01")
    due = next_due(
        stage=stage,
        tier=tier,
        created_on=D("2024-01-02"),
        last_contact_on=last,
        next_action_due=None,
        cadences=DEFAULT,
        calendar=WEEKDAYS,
    )
    assert due == Due(last + timedelta(days=days), "followup")


def test_cadence_is_counted_in_calendar_days_not_working_days() -> None:
    # Contact on the eve of National Day: a weekly A follow-up is still due a week later.
    due = next_due(
        stage="lead", tier="A", created_on=D("2023-09-01"), last_contact_on=D("2023-09-28"),
        next_action_due=None, cadences=DEFAULT, calendar=calendar_for("cn"),
    )
    assert due == Due(D("2023-10-05"), "followup")


NEVER_CONTACTED = [
    # (calendar, stage, created, expected): only a lead is screened (SPEC §4)
    ("cn", "lead", "2023-09-28", "2023-10-09"),
    ("weekdays", "lead", "2023-09-28", "2023-10-03"),
    ("cn", "lead", "2024-02-08", "2024-02-19"),  # Spring Festival break, make-up 02-18
    ("weekdays", "lead", "2024-02-08", "2024-02-13"),
]


@pytest.mark.parametrize(
    ("cal", "stage", "created", "expected"),
    NEVER_CONTACTED,
    ids=[f"{c}-{s}-{d}" for c, s, d, _ in NEVER_CONTACTED],
)
def test_never_contacted_is_due_three_working_days_after_creation(
    cal: str, stage: str, created: str, expected: str
) -> None:
    due = next_due(
        stage=stage, tier="C", created_on=D(created), last_contact_on=None,
        next_action_due=None, cadences=DEFAULT, calendar=calendar_for(cal),
    )
    assert due == Due(D(expected), "new-lead")


PAST_LEAD_NEVER_CONTACTED = [
    # (id, stage, tier, created, last move or signing, expected followup): the cadence
    # from the latest of contact, move and signing; never a new-lead item
    ("intent-moved", "intent", "A", "2024-02-08", "2024-02-09", "2024-02-16"),
    ("negotiation-moved", "negotiation", "C", "2024-02-08", "2024-03-01", "2024-03-31"),
    ("won-signed", "won", "A", "2024-03-01", "2024-03-10", "2024-04-09"),
    ("repeat-signed", "repeat", "B", "2024-01-01", "2024-06-01", "2024-07-16"),
    ("won-no-move-known", "won", "C", "2024-03-01", None, "2024-08-30"),
]
# An imported contact older than the record counts: the cadence runs from it, not from
# the creation (see test_the_cadence_counts_from_the_latest_of_contact_and_move).


@pytest.mark.parametrize(
    ("stage", "tier", "created", "moved", "expected"),
    [e[1:] for e in PAST_LEAD_NEVER_CONTACTED],
    ids=[e[0] for e in PAST_LEAD_NEVER_CONTACTED],
)
def test_a_customer_past_lead_never_contacted_follows_its_cadence_from_the_move(
    stage: str, tier: str, created: str, moved: str | None, expected: str
) -> None:
    due = next_due(
        stage=stage, tier=tier, created_on=D(created), last_contact_on=None,
        next_action_due=None, cadences=DEFAULT, calendar=calendar_for("cn"),
        last_moved_on=D(moved) if moved else None,
    )
    assert due == Due(D(expected), "followup")


LATEST_OF = [
    # (id, last contact, last move, expected): whichever happened last counts
    ("contact-after-move", "2024-03-10", "2024-03-01", "2024-03-17"),
    ("move-after-contact", "2024-03-01", "2024-03-10", "2024-03-17"),
    ("same-day", "2024-03-05", "2024-03-05", "2024-03-12"),
    ("contact-before-creation-no-move", "2023-12-20", None, "2023-12-27"),
]


@pytest.mark.parametrize(
    ("last", "moved", "expected"), [e[1:] for e in LATEST_OF], ids=[e[0] for e in LATEST_OF]
)
def test_the_cadence_counts_from_the_latest_of_contact_and_move(
    last: str, moved: str | None, expected: str
) -> None:
    due = next_due(
        stage="intent", tier="A", created_on=D("2024-01-02"), last_contact_on=D(last),
        next_action_due=None, cadences=DEFAULT, calendar=WEEKDAYS,
        last_moved_on=D(moved) if moved else None,
    )
    assert due == Due(D(expected), "followup")


def test_screening_deadline_is_three_working_days() -> None:
    assert SCREENING_WORKING_DAYS == 3


EARLIEST = [
    # (id, last_contact, created, next_action, expected Due)
    ("action-before-cadence", "2024-03-01", "2024-01-02", "2024-03-05",
     Due(D("2024-03-05"), "next-action")),
    ("action-after-cadence", "2024-03-01", "2024-01-02", "2024-03-20",
     Due(D("2024-03-08"), "followup")),
    ("action-ties-cadence", "2024-03-01", "2024-01-02", "2024-03-08",
     Due(D("2024-03-08"), "next-action")),
    ("action-before-screening", None, "2024-03-01", "2024-03-04",
     Due(D("2024-03-04"), "next-action")),
    ("action-after-screening", None, "2024-03-01", "2024-03-07",
     Due(D("2024-03-06"), "new-lead")),
    ("action-ties-screening", None, "2024-03-01", "2024-03-06",
     Due(D("2024-03-06"), "next-action")),
    ("action-in-the-past", "2024-03-01", "2024-01-02", "2024-02-20",
     Due(D("2024-02-20"), "next-action")),
]


@pytest.mark.parametrize(
    ("last", "created", "action", "expected"),
    [e[1:] for e in EARLIEST],
    ids=[e[0] for e in EARLIEST],
)
def test_the_earliest_candidate_wins(
    last: str | None, created: str, action: str, expected: Due
) -> None:
    due = next_due(
        stage="lead", tier="A", created_on=D(created),
        last_contact_on=D(last) if last else None, next_action_due=D(action),
        cadences=DEFAULT, calendar=WEEKDAYS,
    )
    assert due == expected


LOST = [
    ("contacted-with-action", "2024-03-01", "2024-03-05"),
    ("never-contacted", None, None),
    ("contacted", "2024-03-01", None),
]


@pytest.mark.parametrize(
    ("last", "action"), [x[1:] for x in LOST], ids=[x[0] for x in LOST]
)
@pytest.mark.parametrize("tier", ["A", "B", "C"], ids=["A", "B", "C"])
def test_lost_customers_are_never_due(tier: str, last: str | None, action: str | None) -> None:
    assert next_due(
        stage="lost", tier=tier, created_on=D("2024-01-02"),
        last_contact_on=D(last) if last else None,
        next_action_due=D(action) if action else None,
        cadences=DEFAULT, calendar=WEEKDAYS,
    ) is None


def test_custom_cadences() -> None:
    custom = Cadences().with_days("B", "prospecting", 10).with_days("C", "care", 90)
    assert custom.days("B", "negotiation") == 10
    assert custom.days("C", "repeat") == 90
    assert custom.days("A", "lead") == 7 and custom.days("B", "won") == 45
    assert Cadences() == DEFAULT  # with_days copies
    due = next_due(
        stage="proposal", tier="B", created_on=D("2024-01-02"), last_contact_on=D("2024-03-01"),
        next_action_due=None, cadences=custom, calendar=WEEKDAYS,
    )
    assert due == Due(D("2024-03-11"), "followup")


REFUSED = [
    # (id, call, message)
    ("unknown-tier", lambda: DEFAULT.days("D", "lead"), r"^'D' is not a tier; use A, B or C$"),
    ("unknown-stage", lambda: DEFAULT.days("A", "closed"),
     r"^'closed' is not a stage; use lead, intent, proposal, negotiation, won, repeat or lost$"),
    ("lost-has-no-cadence", lambda: DEFAULT.days("A", "lost"), r"^'lost' has no cadence"),
    ("unknown-phase", lambda: DEFAULT.with_days("A", "after", 3),
     r"^'after' is not a cadence phase; use prospecting or care$"),
    ("zero-days", lambda: DEFAULT.with_days("A", "care", 0),
     r"^'0' is not a cadence for tier A \(care\); use a number of days, 1 or more$"),
    ("negative-field", lambda: Cadences(prospecting_c=-1),
     r"^'-1' is not a cadence for tier C \(prospecting\)"),
    ("next-due-unknown-stage", lambda: next_due(
        stage="won!", tier="A", created_on=D("2024-01-02"), last_contact_on=None,
        next_action_due=None, cadences=DEFAULT, calendar=WEEKDAYS),
     r"^'won!' is not a stage"),
    ("next-due-unknown-tier", lambda: next_due(
        stage="lead", tier="a", created_on=D("2024-01-02"), last_contact_on=None,
        next_action_due=None, cadences=DEFAULT, calendar=WEEKDAYS),
     r"^'a' is not a tier"),
]


@pytest.mark.parametrize(
    ("call", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_invalid_input_is_refused(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()


# Invariants.

days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
open_stages = st.sampled_from(["lead", "intent", "proposal", "negotiation", "won", "repeat"])
tiers = st.sampled_from(["A", "B", "C"])


@settings(max_examples=150, deadline=None)
@given(
    stage=open_stages, tier=tiers, created=days, last=st.none() | days,
    moved=st.none() | days, action=st.none() | days,
    cal_name=st.sampled_from(["cn", "weekdays"]),
)
def test_next_due_is_the_earliest_candidate(
    stage: str, tier: str, created: date, last: date | None, moved: date | None,
    action: date | None, cal_name: str
) -> None:
    cal: WorkCalendar = calendar_for(cal_name)
    due = next_due(
        stage=stage, tier=tier, created_on=created, last_contact_on=last,
        next_action_due=action, cadences=DEFAULT, calendar=cal, last_moved_on=moved,
    )
    assert due is not None
    screened = stage == "lead" and last is None
    known = [d for d in (last, moved) if d is not None]
    since = max(known) if known else created
    base = (
        add_working_days(created, 3, cal)
        if screened
        else since + timedelta(days=DEFAULT.days(tier, stage))
    )
    assert due.on == (min(base, action) if action is not None else base)
    assert due.on <= base
    if action is not None:
        assert due.on <= action
        assert (due.kind == "next-action") is (action <= base)
    else:
        assert due.kind == ("new-lead" if screened else "followup")
