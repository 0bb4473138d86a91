"""rules/kpi.py: quarters, metric names, target values, the metrics from raw tallies,
ratios that have no denominator, rounding, the funnel, and time-zone offsets."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules import kpi

D = Decimal


@pytest.mark.parametrize(("text", "quarter"), [
    ("2024Q4", "2024Q4"), ("2024q4", "2024Q4"), ("2024-Q4", "2024Q4"), ("2024-q1", "2024Q1"),
    (" 2024 Q2 ", "2024Q2"), ("２０２４Ｑ３", "2024Q3"),
], ids=["canonical", "lower", "dash", "dash-lower", "space", "full-width"])
def test_quarters_accepted(text, quarter):
    assert kpi.parse_quarter(text) == quarter


@pytest.mark.parametrize(("text", "says"), [
    ("2023Q5", "YYYYQn"), ("2023Q0", "YYYYQn"), ("Q4 2024", "YYYYQn"), ("2024", "YYYYQn"),
    ("garbage", "YYYYQn"), ("", "YYYYQn"), ("24Q4", "YYYYQn"), ("9999Q4", "out of range"),
    ("1899Q4", "out of range"),
], ids=["q5", "q0", "reversed", "year-only", "garbage", "empty", "two-digit-year",
        "no-next-quarter", "too-early"])
def test_quarters_refused(text, says):
    with pytest.raises(ValueError, match=says):
        kpi.parse_quarter(text)


def test_unknown_metric_lists_every_metric():
    with pytest.raises(ValueError) as err:
        kpi.parse_metric("revenue")
    assert all(m.name in str(err.value) for m in kpi.METRICS)
    assert kpi.parse_metric("Lead-Conversion-Rate").name == "lead_conversion_rate"


TARGETS = [
    ("new_leads", "40", 40, "40", "count"),
    ("followups", "1,200", 1200, "1,200", "count-with-commas"),
    ("signed_amount", "258万", 258_000_000, "¥2,580,000.00", "money-wan"),
    ("avg_deal_size", "2,580,000.50", 258_000_050, "¥2,580,000.50", "money-commas"),
    ("lead_conversion_rate", "15%", 1500, "15%", "rate-percent"),
    ("lead_conversion_rate", "0.15", 1500, "15%", "rate-decimal"),
    ("csat", "15.25%", 1525, "15.25%", "rate-two-decimals"),
    ("csat", "100%", 10_000, "100%", "rate-hundred"),
    ("late_entry_rate", "0", 0, "0%", "rate-zero"),
    ("avg_sales_cycle_days", "45", 450_000, "45", "days"),
    ("avg_sales_cycle_days", "45.5d", 455_000, "45.5", "days-suffix"),
    ("avg_sales_cycle_days", "30天", 300_000, "30", "days-chinese"),
]


@pytest.mark.parametrize(("metric", "text", "stored", "shown"),
                         [t[:4] for t in TARGETS], ids=[t[4] for t in TARGETS])
def test_targets_are_stored_in_the_metric_unit_and_shown_as_typed(metric, text, stored, shown):
    m = kpi.parse_metric(metric)
    assert kpi.parse_target(m, text) == stored
    assert kpi.format_target(m, stored) == shown
    assert kpi.parse_target(m, shown) == stored  # what list shows, set accepts


BAD_TARGETS = [
    ("new_leads", "4.5", "whole number", "count-decimal"),
    ("new_leads", "-3", "whole number", "count-negative"),
    ("new_leads", "forty", "whole number", "count-word"),
    ("signed_amount", "1.234", "two decimals", "money-three-decimals"),
    ("signed_amount", "-5", "negative", "money-negative"),
    ("csat", "15", "more than 100%", "rate-bare-number"),
    ("csat", "150%", "more than 100%", "rate-over-100"),
    ("csat", "-5%", "not a rate", "rate-negative"),
    ("csat", "0.123456", "4 decimals", "rate-too-precise"),
    ("csat", "abc", "not a rate", "rate-word"),
    ("avg_sales_cycle_days", "soon", "not a number of days", "days-word"),
    ("avg_sales_cycle_days", "1.00001", "4 decimals", "days-too-precise"),
    ("new_leads", "99999999999999999999999", "from 0 to 1000000000", "count-past-64-bits"),
    ("followups", "1000000001", "from 0 to 1000000000", "count-absurd"),
    ("avg_sales_cycle_days", "99999999999999999999", "use 0 to 3660 days", "days-absurd"),
]


@pytest.mark.parametrize(("metric", "text", "says"), [t[:3] for t in BAD_TARGETS],
                         ids=[t[3] for t in BAD_TARGETS])
def test_bad_targets_are_refused(metric, text, says):
    with pytest.raises(ValueError, match=says):
        kpi.parse_target(kpi.parse_metric(metric), text)


@given(st.sampled_from(kpi.METRICS), st.integers(min_value=0, max_value=10**12))
def test_a_listed_target_reads_back_as_the_same_stored_value(metric, stored):
    if metric.kind == "rate":
        stored %= kpi.SCALE + 1
    elif metric.kind == "count":
        stored %= kpi.MAX_TARGET_COUNT + 1
    elif metric.kind == "days":
        stored %= kpi.MAX_TARGET_DAYS * kpi.SCALE + 1
    assert kpi.parse_target(metric, kpi.format_target(metric, stored)) == stored


RATIOS = [
    (1, 4, D("0.25"), "quarter"),
    (0, 4, D(0), "zero-part"),
    (3, 0, None, "zero-denominator"),
    (0, 0, None, "nothing-at-all"),
]


@pytest.mark.parametrize(("part", "whole", "expected"), [r[:3] for r in RATIOS],
                         ids=[r[3] for r in RATIOS])
def test_ratio_is_none_without_a_denominator(part, whole, expected):
    assert kpi.ratio(part, whole) == expected


CHANGES = [
    (12, 10, D("0.2"), "growth"),
    (8, 10, D("-0.2"), "decline"),
    (5, 0, None, "previous-zero"),
    (5, None, None, "previous-missing"),
    (None, 5, None, "actual-missing"),
    (D("0.12"), D("0.15"), D("-0.2"), "rates"),
]


@pytest.mark.parametrize(("actual", "previous", "expected"), [c[:3] for c in CHANGES],
                         ids=[c[3] for c in CHANGES])
def test_change_is_relative_and_empty_without_a_previous_value(actual, previous, expected):
    assert kpi.change(actual, previous) == expected


@pytest.mark.parametrize(("actual", "target", "expected"), [
    (D("0.12"), D("0.15"), D("0.8")), (12, None, None), (12, 0, None), (None, 10, None),
], ids=["standard-example", "no-target", "zero-target", "no-actual"])
def test_completion(actual, target, expected):
    assert kpi.completion(actual, target) == expected


def test_metrics_from_tallies():
    got = kpi.metrics(kpi.Tallies(new_leads=4, won_deals=3, signed_amount=100, first_deals=2,
                                  cycle_days=41, answers=3, satisfied=2, followups=8,
                                  on_time=6, late_entries=1))
    assert got == {
        "new_leads": 4, "won_deals": 3, "lead_conversion_rate": D("0.5"),
        "signed_amount": 100, "avg_deal_size": 33,  # 33.33 fen → 33, half up
        "avg_sales_cycle_days": D("20.5"), "csat": D(2) / 3, "followups": 8,
        "on_time_rate": D("0.75"), "late_entry_rate": D("0.125"),
    }
    assert list(got) == [m.name for m in kpi.METRICS]


def test_an_empty_quarter_has_zero_counts_and_no_ratios():
    got = kpi.metrics(kpi.Tallies())
    assert [name for name, v in got.items() if v is None] == [
        "lead_conversion_rate", "avg_deal_size", "avg_sales_cycle_days", "csat",
        "on_time_rate", "late_entry_rate"]
    assert got["new_leads"] == got["signed_amount"] == got["followups"] == 0


@pytest.mark.parametrize(("fen", "avg"), [(5, 3), (3, 2), (7, 4), (9, 5)],
                         ids=["2.5-up", "1.5-up", "3.5-up", "4.5-up"])
def test_avg_deal_size_rounds_half_up_to_the_fen(fen, avg):
    assert kpi.metrics(kpi.Tallies(won_deals=2, signed_amount=fen))["avg_deal_size"] == avg


def test_lines_attach_targets_completion_yoy_and_qoq():
    now = kpi.Tallies(new_leads=10, first_deals=2)
    year = kpi.Tallies(new_leads=8, first_deals=2)
    before = kpi.Tallies(new_leads=0)
    [leads, _, conversion, *_] = kpi.lines(now, year, before, {"lead_conversion_rate": 1500})
    assert (leads.target, leads.actual, leads.completion, leads.yoy, leads.qoq) == (
        None, 10, None, D("0.25"), None)
    assert (conversion.target, conversion.actual) == (D("0.15"), D("0.2"))
    assert kpi.rounded(conversion.completion) == D("1.3333")
    assert conversion.yoy == D("-0.2")  # 0.25 → 0.2
    assert conversion.qoq is None  # no leads the quarter before: no rate to compare


@pytest.mark.parametrize(("value", "text"), [
    (D("0.15"), "0.15"), (D("0.1500"), "0.15"), (D(2) / 3, "0.6667"), (D("20.5"), "20.5"),
    (D(3), "3"), (D(100), "100"), (D("-0.875"), "-0.875"), (D("0.00004"), "0"),
], ids=["plain", "trailing-zeros", "third", "days", "integer", "hundred-no-exponent",
        "negative", "tiny"])
def test_rounded_to_4_places_without_trailing_zeros(value, text):
    assert str(kpi.rounded(value)) == text


@pytest.mark.parametrize(("metric", "value", "machine", "human"), [
    ("new_leads", 1234, 1234, "1,234"),
    ("signed_amount", 258_000_000, 2_580_000, "¥2,580,000.00"),
    ("avg_deal_size", 258_000_050, D("2580000.50"), "¥2,580,000.50"),
    ("csat", D(2) / 3, D("0.6667"), "66.7%"),
    ("avg_sales_cycle_days", D("20.25"), D("20.25"), "20.3"),
    ("csat", None, None, "—"),
], ids=["count", "money-whole-yuan", "money-fen", "rate", "days", "none"])
def test_values_for_machines_and_people(metric, value, machine, human):
    m = kpi.parse_metric(metric)
    assert kpi.machine_value(m, value) == machine
    assert kpi.human_value(m, value) == human


@pytest.mark.parametrize(("value", "signed", "text"), [
    (D("0.125"), True, "+12.5%"), (D("-0.2"), True, "−20.0%"), (D(0), True, "0.0%"),
    (D("0.8"), False, "80.0%"), (None, True, "—"),
], ids=["up", "down", "flat", "completion", "none"])
def test_percent(value, signed, text):
    assert kpi.percent(value, signed=signed) == text


def test_funnel_steps_convert_from_the_previous_stage():
    steps = kpi.funnel({"lead": 4, "intent": 2, "won": 1})
    assert [(s.stage, s.entered, s.conversion) for s in steps] == [
        ("lead", 4, None), ("intent", 2, D("0.5")), ("proposal", 0, D(0)),
        ("negotiation", 0, None), ("won", 1, None), ("repeat", 0, D(0))]


BOUNDS = [
    ("Asia/Shanghai", "2024Q4", datetime(2024, 9, 30, 16, tzinfo=UTC),
     datetime(2024, 12, 31, 16, tzinfo=UTC), "east-of-utc"),
    ("America/Vancouver", "2024Q4", datetime(2024, 10, 1, 7, tzinfo=UTC),
     datetime(2025, 1, 1, 8, tzinfo=UTC), "west-of-utc-across-dst"),
    ("UTC", "2024Q1", datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC),
     "utc"),
]


@pytest.mark.parametrize(("zone", "quarter", "start", "end"), [b[:4] for b in BOUNDS],
                         ids=[b[4] for b in BOUNDS])
def test_a_quarter_is_local_calendar_days(zone, quarter, start, end):
    assert kpi.day_bounds(quarter, ZoneInfo(zone)) == (start, end)


OFFSETS = [
    ("Asia/Shanghai", "2024Q4", [("2024-09-30T16:00:00", 8 * 3600)], "fixed"),
    ("America/Vancouver", "2024Q4", [("2024-10-01T07:00:00", -7 * 3600),
                                     ("2024-11-03T09:00:00", -8 * 3600)], "dst-ends"),
    ("Europe/Berlin", "2024Q1", [("2023-12-31T23:00:00", 3600),
                                 ("2024-03-31T01:00:00", 7200)], "dst-starts"),
    ("America/Vancouver", "2024Q3", [("2024-07-01T07:00:00", -7 * 3600)], "summer-only"),
]


@pytest.mark.parametrize(("zone", "quarter", "expected"), [o[:3] for o in OFFSETS],
                         ids=[o[3] for o in OFFSETS])
def test_offset_periods_find_each_change_to_the_second(zone, quarter, expected):
    tz = ZoneInfo(zone)
    start, end = kpi.day_bounds(quarter, tz)
    got = kpi.offset_periods(tz, start, end)
    assert [(t.strftime("%Y-%m-%dT%H:%M:%S"), off) for t, off in got] == expected
    for t, off in got:  # the instant itself has the new offset, a second before the old
        assert t.astimezone(tz).utcoffset().total_seconds() == off


def test_offset_periods_over_years_have_two_changes_a_year():
    tz = ZoneInfo("America/Vancouver")
    got = kpi.offset_periods(tz, datetime(2015, 1, 1, tzinfo=UTC),
                             datetime(2025, 1, 1, tzinfo=UTC))
    assert len(got) == 1 + 2 * 10
