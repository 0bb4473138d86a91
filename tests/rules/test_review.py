from __future__ import annotations

import pytest

from salesflow.rules.review import bucket_of, median_ranks, next_stage, steps


@pytest.mark.parametrize(("followups", "days", "bucket"), [
    (0, 30, "0-1"), (1, 31, "0-1"), (1, 30, "1-2"), (3, 60, "1-2"), (2, 30, "2-4"),
    (4, 30, "4+"), (1, 0, "4+"), (1, 7, "4+"), (7, 60, "2-4"), (8, 60, "4+"),
], ids=["none", "just-under-one", "one", "one-and-a-half", "two", "four", "same-day",
        "weekly-one", "under-four", "four-exactly"])
def test_bucket_of(followups, days, bucket):
    assert bucket_of(followups, days) == bucket


@pytest.mark.parametrize(("n", "ranks"), [(1, (1, 1)), (2, (1, 2)), (3, (2, 2)), (4, (2, 3)),
                                          (5, (3, 3))], ids=["1", "2", "3", "4", "5"])
def test_median_ranks(n, ranks):
    assert median_ranks(n) == ranks


def test_steps_follow_the_pipeline():
    assert steps() == [("lead", "intent"), ("intent", "proposal"),
                       ("proposal", "negotiation"), ("negotiation", "won")]
    assert next_stage("won") == "repeat"
