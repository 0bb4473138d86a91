from __future__ import annotations

from datetime import date

import pytest

from salesflow.rules.recovery import needs_plan, plan_age_days

TODAY = date(2023, 10, 23)


@pytest.mark.parametrize(("planned_on", "age", "needed"), [
    (None, None, True),
    (TODAY, 0, False),
    (date(2023, 10, 16), 7, False),
    (date(2023, 10, 15), 8, True),
    (date(2022, 12, 31), 296, True),
], ids=["missing", "today", "a-week-old", "older-than-a-week", "last-year"])
def test_a_plan_older_than_a_week_needs_updating(planned_on, age, needed):
    assert plan_age_days(planned_on, TODAY) == age
    assert needs_plan(planned_on, TODAY) is needed
