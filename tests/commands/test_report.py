"""`salesflow report quarter` and `salesflow target set|list` through the real CLI: a quarter
built from customers, follow-ups and signed contracts on set dates, every KPI checked
against numbers worked out by hand, targets, YoY, QoQ, the funnel, --by owner, the CSV and
JSON contracts, empty quarters, refusals, and the team's time zone at the quarter's edges."""

from __future__ import annotations

import csv
import io

import pytest

HEADER = "metric,target,actual,completion,yoy,qoq,factors,actions"  # §14 appended two
KPI = "metric,target,actual,completion,yoy,qoq"
METRICS = ["new_leads", "won_deals", "lead_conversion_rate", "signed_amount", "avg_deal_size",
           "avg_sales_cycle_days", "csat", "followups", "on_time_rate", "late_entry_rate"]
STAGES = ["lead", "intent", "proposal", "negotiation", "won", "repeat"]


def team(cli) -> None:  # type: ignore[no-untyped-def]
    """A manager first (anyone may add the first user), then legal, gm and two reps."""
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), ("li.na", "rep"),
                       ("sun.li", "rep")]:
        cli("user", "add", name, "--role", role, user="wang.lei")


def customer(cli, name: str, day: str, owner: str = "li.na") -> str:  # type: ignore[no-untyped-def]
    cli.today(day)
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--owner", owner, "--need", "产线改造").stdout.strip()


def stage(cli, code: str, day: str, *stages: str) -> None:  # type: ignore[no-untyped-def]
    cli.today(day)
    for s in stages:
        if s == "proposal":  # by hand only as a manager's skip (SPEC §11)
            cli("customer", "stage", code, s, "--reason", "solution sent by mail",
                user="wang.lei")
        else:
            cli("customer", "stage", code, s)


def contact(cli, code: str, day: str, *extra: str) -> None:  # type: ignore[no-untyped-def]
    """A follow-up logged on `day` (at that moment unless --at says otherwise)."""
    cli.today(day)
    cli("followup", "log", code, "-s", "call", *extra)


def sign(cli, code: str, amount: str, day: str, *, at: str | None = None,  # type: ignore[no-untyped-def]
         signed_on: str | None = None) -> str:
    """Draft, submit, approve (manager → legal → gm) on `day`; sign then (or at `at`,
    entered on `signed_on`)."""
    cli.today(day)
    number = cli("contract", "add", code, "--amount", amount, "--submit").stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", number, user=approver)
    if cli.json("customer", "show", code)["stage"] in ("lead", "intent", "proposal"):
        # signing needs negotiation (SPEC §11): the manager skips the customer there
        cli("customer", "stage", code, "negotiation", "--reason", "framework agreement",
            user="wang.lei")
    if at:
        cli.today(signed_on or day)
        cli("contract", "sign", number, "--date", at)
    else:
        cli("contract", "sign", number)
    return number


def metrics(data: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {m["metric"]: m for m in data["metrics"]}


def column(rows: dict[str, dict], key: str) -> dict:  # type: ignore[type-arg]
    return {name: row[key] for name, row in rows.items()}


@pytest.fixture
def quarter(cli):  # type: ignore[no-untyped-def]
    """2024Q4 in Asia/Shanghai (Monday–Friday working days), with 2023Q4 and 2024Q3 to
    compare against. Customers: li.na owns P (2023), A and B; sun.li owns Q (2024Q3),
    C and D."""
    cli("config", "set", "timezone", "Asia/Shanghai")
    cli("config", "set", "calendar", "weekdays")
    team(cli)

    # 2023Q4 — P created 11-06 (Mon; screening due 11-09), contacted late on 11-20 (4/5),
    # first contract ¥500,000 signed 12-05: a 29-day cycle.
    p = customer(cli, "甲科技有限公司", "2023-11-06")
    contact(cli, p, "2023-11-20", "--satisfaction", "4")
    sign(cli, p, "50万", "2023-12-05")

    # 2024Q3 — Q created 08-05 (due 08-08), contacted 08-06 (on time; cadence C: next due
    # 09-05) and 08-20 (on time; next due 09-19), moved to intent and proposal.
    q = customer(cli, "乙贸易有限公司", "2024-08-05", owner="sun.li")
    contact(cli, q, "2024-08-06")
    stage(cli, q, "2024-08-06", "intent")
    contact(cli, q, "2024-08-20")
    stage(cli, q, "2024-08-20", "proposal")

    # 2024Q4.
    a = customer(cli, "丙精密机械有限公司", "2024-10-14")  # Mon; screening due 10-17
    b = customer(cli, "丁电子有限公司", "2024-10-21")  # Mon; screening due 10-24
    c = customer(cli, "戊物流有限公司", "2024-11-04", owner="sun.li")  # due 11-07
    customer(cli, "己食品有限公司", "2024-11-11", owner="sun.li")  # D: created, nothing else

    stage(cli, q, "2024-10-08", "negotiation")
    # F5: due 09-19, but the move to negotiation just before restarts the cadence
    # (SPEC §4: from the latest of contact, move and signing): due 10-22 → on time
    contact(cli, q, "2024-10-08", "--satisfaction", "3")
    contact(cli, a, "2024-10-15", "--satisfaction", "5", "--next-action", "send proposal",
            "--next-due", "2024-10-18")  # F1: due 10-17 → on time
    stage(cli, a, "2024-10-15", "intent")
    stage(cli, a, "2024-10-21", "proposal")
    stage(cli, b, "2024-10-22", "intent")
    # F3: happened 10-22 10:00, logged 10-25 (late entry); due 10-24 → on time.
    contact(cli, b, "2024-10-25", "--at", "2024-10-22 10:00", "--satisfaction", "2")
    contact(cli, a, "2024-10-25", "--satisfaction", "4")  # F2: promise 10-18 → late
    sign(cli, q, "30万", "2024-10-28")  # Q's first: 08-05 → 10-28 = 84 days
    stage(cli, a, "2024-10-28", "negotiation")
    stage(cli, b, "2024-11-01", "proposal")
    sign(cli, a, "100万", "2024-11-04")  # A's first: 10-14 → 11-04 = 21 days
    contact(cli, c, "2024-11-05")  # F4: due 11-07 → on time, no survey answer
    stage(cli, c, "2024-11-05", "intent")
    sign(cli, p, "10万", "2024-11-18")  # P's second contract: not a first deal
    sign(cli, a, "20万", "2024-12-02")  # A's second: repeat, not a first deal
    contact(cli, a, "2024-12-02", "--satisfaction", "5")  # F7: won, due 2025-04 → on time
    # F6: P's second signing on 11-18 restarts its care cadence → on time
    contact(cli, p, "2024-12-10", "--satisfaction", "5")
    stage(cli, b, "2024-12-16", "negotiation")
    # B signs at 07:30 on New Year's Day in Shanghai — 23:30 on 12-31 in UTC: not 2024Q4.
    sign(cli, b, "40万", "2024-12-30", at="2025-01-01 07:30", signed_on="2025-01-02")
    cli.today("2025-01-02")
    return {"P": p, "Q": q, "A": a, "B": b, "C": c}


def check_csv(cli) -> None:  # type: ignore[no-untyped-def]
    """The cron contract: the stable header, plain numbers, empty for None."""
    out = cli("report", "quarter", "2024Q4", "--format", "csv").stdout
    assert out.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["metric"] for r in rows] == METRICS
    by_name = {r["metric"]: r for r in rows}
    assert by_name["signed_amount"]["actual"] == "1600000"
    assert by_name["csat"]["actual"] == "0.6667"
    assert by_name["on_time_rate"]["yoy"] == ""  # None is empty
    assert by_name["on_time_rate"]["qoq"] == "-0.1429"


def check_table(cli) -> None:  # type: ignore[no-untyped-def]
    """People see percentages, yuan, signed changes, dashes and funnel bars."""
    out = cli("report", "quarter", "2024Q4").stdout
    assert "KPIs 2024Q4" in out
    assert "85.7%" in out and "¥1,600,000.00" in out and "+220.0%" in out
    assert "—" in out  # no YoY for on_time_rate
    assert "████" in out and "lead→intent 75.0%" in out


def test_every_metric_of_a_quarter_worked_out_by_hand(cli, quarter):
    data = cli.json("report", "quarter", "2024Q4")
    assert list(data) == ["quarter", "from", "to", "metrics", "funnel"]
    assert (data["quarter"], data["from"], data["to"]) == ("2024Q4", "2024-10-01",
                                                           "2024-12-31")
    assert [m["metric"] for m in data["metrics"]] == METRICS
    assert all(list(m) == HEADER.split(",") for m in data["metrics"])
    got = metrics(data)
    assert column(got, "actual") == {
        "new_leads": 4,  # A, B, C, D (P and Q were created in earlier quarters)
        "won_deals": 4,  # Q 10-28, A 11-04, P 11-18, A 12-02 (B's is 2025-01-01 local)
        "lead_conversion_rate": 0.5,  # first deals Q and A ÷ 4 new leads
        "signed_amount": 1_600_000,  # 30万 + 100万 + 10万 + 20万, in yuan
        "avg_deal_size": 400_000,  # 1,600,000 ÷ 4
        "avg_sales_cycle_days": 52.5,  # (84 + 21) ÷ 2, first deals only
        "csat": 0.6667,  # answers 3, 5, 2, 4, 5, 5: four are 4 or 5 → 4/6
        "followups": 7,  # F1–F7
        "on_time_rate": 0.8571,  # all but F2 (promise 10-18, contact 10-25) → 6/7
        "late_entry_rate": 0.1429,  # F3 logged three days after → 1/7
    }
    # YoY against 2023Q4: 1 lead (P), 1 deal of ¥500,000 (P's first, 29 days, rate 1/1),
    # one follow-up, late, answered 4 (csat 1, on time 0, late entry 0).
    assert column(got, "yoy") == {
        "new_leads": 3, "won_deals": 3, "lead_conversion_rate": -0.5, "signed_amount": 2.2,
        "avg_deal_size": -0.2, "avg_sales_cycle_days": 0.8103,  # (52.5 − 29) ÷ 29
        "csat": -0.3333, "followups": 6,
        "on_time_rate": None,  # 0 last year: no relative change
        "late_entry_rate": None,
    }
    # QoQ against 2024Q3: 1 lead (Q), no deals (conversion 0), two on-time follow-ups
    # without survey answers.
    assert column(got, "qoq") == {
        "new_leads": 3, "won_deals": None, "lead_conversion_rate": None,
        "signed_amount": None, "avg_deal_size": None, "avg_sales_cycle_days": None,
        "csat": None, "followups": 2.5, "on_time_rate": -0.1429, "late_entry_rate": None,
    }
    assert column(got, "target") == dict.fromkeys(METRICS)
    assert column(got, "completion") == dict.fromkeys(METRICS)

    # Stage changes in the quarter: creations (lead), moves by hand, and signings (won,
    # repeat) at the time signed.
    assert data["funnel"] == [
        {"stage": "lead", "entered": 4, "conversion": None},  # A, B, C, D
        {"stage": "intent", "entered": 3, "conversion": 0.75},  # A, B, C
        {"stage": "proposal", "entered": 2, "conversion": 0.6667},  # A, B
        {"stage": "negotiation", "entered": 3, "conversion": 1.5},  # A, B, Q
        {"stage": "won", "entered": 2, "conversion": 0.6667},  # Q, A
        {"stage": "repeat", "entered": 2, "conversion": 1},  # P, A
    ]

    # The signing that is 2024 in UTC but New Year's Day in Shanghai belongs to 2025Q1.
    q1 = metrics(cli.json("report", "quarter", "2025-q1"))
    assert (q1["won_deals"]["actual"], q1["signed_amount"]["actual"]) == (1, 400_000)
    assert q1["avg_sales_cycle_days"]["actual"] == 72  # 2024-10-21 → 2025-01-01 local

    # Default: the quarter containing today (2025-01-02).
    assert cli.json("report", "quarter")["quarter"] == "2025Q1"
    check_csv(cli)
    check_table(cli)


def test_targets_give_completion_and_can_be_replaced(cli, unchanged):
    team(cli)
    customer(cli, "甲科技有限公司", "2024-11-04")
    signed = customer(cli, "乙贸易有限公司", "2024-11-04")
    sign(cli, signed, "160万", "2024-11-20")  # 1 of 2 new leads converted; ¥1,600,000
    cli("target", "set", "2024Q4", "lead_conversion_rate", "50%", user="wang.lei")
    cli("target", "set", "2024q4", "lead_conversion_rate", "40%", user="wang.lei")  # replaces
    cli("target", "set", "2024-Q4", "signed_amount", "200万", user="wang.lei")
    cli("target", "set", "2024Q4", "avg_sales_cycle_days", "0", user="wang.lei")
    got = metrics(cli.json("report", "quarter", "2024Q4"))
    assert (got["lead_conversion_rate"]["target"], got["lead_conversion_rate"]["completion"]
            ) == (0.4, 1.25)  # 1/2 ÷ 0.4
    assert (got["signed_amount"]["target"], got["signed_amount"]["completion"]) == (
        2_000_000, 0.8)  # 1,600,000 ÷ 2,000,000
    assert (got["avg_sales_cycle_days"]["target"],
            got["avg_sales_cycle_days"]["completion"]) == (0, None)  # a zero target
    assert got["new_leads"]["target"] is None

    listed = cli.json("target", "list", "--quarter", "2024Q4")
    assert [(t["quarter"], t["metric"], t["value"], t["set_by"]) for t in listed] == [
        ("2024Q4", "lead_conversion_rate", "40%", "wang.lei"),
        ("2024Q4", "signed_amount", "¥2,000,000.00", "wang.lei"),
        ("2024Q4", "avg_sales_cycle_days", "0", "wang.lei")]
    assert cli("target", "list", "--format", "csv").stdout.splitlines()[0] == (
        "quarter,metric,value,set_by,set_at,owner,industry,region")  # §14 appended
    assert cli.json("target", "list", "--quarter", "2023Q4") == []
    audit = cli.query("SELECT \"user\", what FROM audit WHERE command = 'target set' "
                      "ORDER BY id")
    assert audit[1] == ("wang.lei", "target 2024Q4 lead_conversion_rate set to 40% "
                                    "(was 50%)")
    assert len(audit) == 4

    check = unchanged()
    assert "manager or gm" in cli.fails("target", "set", "2024Q4", "csat", "90%")  # li.na
    assert cli.fails("target", "set", "2024Q4", "revenue", "1").startswith(
        "Error: metric: 'revenue' is not a metric; use one of new_leads, won_deals")
    assert cli.fails("target", "set", "2024Q4", "csat", "90", user="wang.lei").startswith(
        "Error: value:")
    assert cli.fails("target", "set", "2024Q5", "csat", "90%", user="wang.lei").startswith(
        "Error: quarter:")
    assert cli.fails("target", "list", "--quarter", "soon").startswith("Error: quarter:")
    check()


def test_by_owner_counts_for_the_customers_current_owner(cli, quarter):
    data = cli.json("report", "quarter", "2024Q4", "--by", "owner")
    assert list(data) == ["quarter", "from", "to", "metrics", "funnel", "by_owner",
                          "funnel_by_owner"]
    mine = {(m["owner"], m["metric"]): m for m in data["by_owner"]}
    assert {k for k, _ in mine} == {"li.na", "sun.li"}
    assert all(m["target"] is None and m["completion"] is None for m in data["by_owner"])
    li = {name: mine["li.na", name]["actual"] for name in METRICS}
    sun = {name: mine["sun.li", name]["actual"] for name in METRICS}
    # li.na: A and B new; A's two contracts and P's second (130万, A's first: 21 days);
    # F1 5, F2 4, F3 2, F6 5, F7 5; on time F1, F3, F6, F7; F3 entered late.
    assert li == {"new_leads": 2, "won_deals": 3, "lead_conversion_rate": 0.5,
                  "signed_amount": 1_300_000, "avg_deal_size": 433_333.33,
                  "avg_sales_cycle_days": 21, "csat": 0.8, "followups": 5,
                  "on_time_rate": 0.8, "late_entry_rate": 0.2}
    # sun.li: C and D new; Q's first contract (30万, 84 days); F4, F5 (3) on time.
    assert sun == {"new_leads": 2, "won_deals": 1, "lead_conversion_rate": 0.5,
                   "signed_amount": 300_000, "avg_deal_size": 300_000,
                   "avg_sales_cycle_days": 84, "csat": 0, "followups": 2,
                   "on_time_rate": 1, "late_entry_rate": 0}
    # li.na had P in 2023Q4 and nothing in 2024Q3; sun.li the reverse.
    assert (mine["li.na", "new_leads"]["yoy"], mine["li.na", "new_leads"]["qoq"]) == (1, None)
    assert (mine["sun.li", "new_leads"]["yoy"], mine["sun.li", "new_leads"]["qoq"]) == (
        None, 1)
    funnel = {(f["owner"], f["stage"]): f["entered"] for f in data["funnel_by_owner"]}
    assert [funnel["li.na", s] for s in STAGES] == [2, 2, 2, 2, 1, 2]
    assert [funnel["sun.li", s] for s in STAGES] == [2, 1, 0, 1, 1, 0]

    rows = list(csv.DictReader(io.StringIO(
        cli("report", "quarter", "2024Q4", "--by", "owner", "--format", "csv").stdout)))
    assert list(rows[0]) == [*KPI.split(","), "owner", "factors", "actions"]
    assert [r["owner"] for r in rows] == [""] * 10 + ["li.na"] * 10 + ["sun.li"] * 10
    assert rows[0] == {"metric": "new_leads", "target": "", "actual": "4", "completion": "",
                       "yoy": "3", "qoq": "3", "owner": "", "factors": "",
                       "actions": ""}
    assert rows[14]["metric"] == "avg_deal_size" and rows[14]["actual"] == "433333.33"

    table = cli("report", "quarter", "2024Q4", "--by", "owner").stdout
    assert "li.na" in table and "sun.li" in table


def test_an_empty_quarter_prints_dashes_and_nulls(cli):
    cli.today("2024-10-08")
    cli.create()
    table = cli("report", "quarter").stdout
    assert "KPIs 2024Q4" in table and "—" in table
    data = cli.json("report", "quarter")
    got = metrics(data)
    assert column(got, "actual") == {
        "new_leads": 0, "won_deals": 0, "lead_conversion_rate": None, "signed_amount": 0,
        "avg_deal_size": None, "avg_sales_cycle_days": None, "csat": None, "followups": 0,
        "on_time_rate": None, "late_entry_rate": None}
    assert all(m[k] is None for m in data["metrics"]
               for k in ("target", "completion", "yoy", "qoq"))
    assert [(f["entered"], f["conversion"]) for f in data["funnel"]] == [(0, None)] * 6
    assert cli("report", "quarter", "--format", "csv").stdout.splitlines()[1] == (
        "new_leads,,0,,,,,")


@pytest.mark.parametrize(("argv", "says"), [
    (["report", "quarter", "2023Q5"], "Error: quarter: '2023Q5' is not a quarter; use YYYYQn"),
    (["report", "quarter", "garbage"], "Error: quarter: 'garbage' is not a quarter"),
    (["report", "quarter", "9999Q4"], "Error: quarter: '9999Q4' is out of range"),
], ids=["q5", "garbage", "out-of-range"])
def test_a_bad_quarter_is_refused_and_changes_nothing(cli, unchanged, argv, says):
    cli.today("2024-10-08")
    customer(cli, "甲科技有限公司", "2024-10-08")
    check = unchanged()
    assert cli.fails(*argv).startswith(says)
    check()


def test_by_accepts_only_owner(cli):
    result = cli("report", "quarter", "--by", "region", code=2)
    assert "owner" in result.output


def test_a_zone_west_of_utc_counts_local_days_across_daylight_saving(cli):
    """Vancouver: PDT (UTC−7) until 2024-11-03, PST (UTC−8) after. 23:30 local is the next
    day in UTC, so on-time checks and the quarter's edges must use local days, with the
    offset in force at each moment."""
    cli("config", "set", "timezone", "America/Vancouver")
    cli("config", "set", "calendar", "weekdays")
    team(cli)
    v = customer(cli, "庚能源有限公司", "2024-10-01")  # Tue; screening due 10-04
    contact(cli, v, "2024-10-01", "--next-action", "demo", "--next-due", "2024-10-20")
    # 00:30 PDT on 10-21 (07:30 UTC), due 10-20: late (UTC−8 would make it 23:30 on 10-20).
    contact(cli, v, "2024-10-22", "--at", "2024-10-21 00:30", "--next-action", "quote",
            "--next-due", "2024-11-05")
    # 23:30 PST on 11-05 (07:30 UTC on 11-06), due 11-05: on time (UTC−7 would make it
    # 00:30 on 11-06).
    contact(cli, v, "2024-11-06", "--at", "2024-11-05 23:30", "--next-action", "call",
            "--next-due", "2024-11-10")
    contact(cli, v, "2024-11-12")  # due 11-10: late
    # Signed 23:30 on New Year's Eve in Vancouver: 07:30 UTC on 2025-01-01, still 2024Q4.
    sign(cli, v, "10万", "2024-12-30", at="2024-12-31 23:30", signed_on="2025-01-02")

    got = metrics(cli.json("report", "quarter", "2024Q4"))
    assert got["followups"]["actual"] == 4
    assert got["on_time_rate"]["actual"] == 0.5  # the first and the third
    assert (got["won_deals"]["actual"], got["signed_amount"]["actual"]) == (1, 100_000)
    assert got["lead_conversion_rate"]["actual"] == 1
    assert got["avg_sales_cycle_days"]["actual"] == 91  # 10-01 → 12-31, local days
    after = metrics(cli.json("report", "quarter", "2025Q1"))
    assert after["won_deals"]["actual"] == 0
    funnel = {f["stage"]: f["entered"] for f in cli.json("report", "quarter", "2024Q4")
              ["funnel"]}
    assert funnel["won"] == 1
