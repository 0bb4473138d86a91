"""`report review` (复盘, SPEC §14) on a hand-built quarter, 2023Q4: every figure worked out
in the comments. Customers are created on Monday 2023-10-09 unless said otherwise.

    A  lead→intent 10-12 (3 days), →proposal 10-19 (7), →negotiation 10-26 (7),
       won by signing on 11-08 (13 days in negotiation); follow-ups 10-10, 10-20, 10-30
    B  lead→intent 10-16 (7), lost from intent 10-23 (7 days) 预算不足; follow-up 10-10
    C  lost from lead 10-30 (21 days) 预算不足
    D  lost from lead 11-06 (28 days) 选择竞品
    E  created 09-01, lead→intent 09-10 (Q3: not counted), →proposal 10-10 (30 days in
       intent)
"""

from __future__ import annotations

import csv
import io

import pytest


def add(cli, name: str, day: str) -> str:  # type: ignore[no-untyped-def]
    cli.today(day)
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东"
               ).stdout.strip()


def on(cli, day: str, *args: str, user: str | None = None):  # type: ignore[no-untyped-def]
    cli.today(day)
    return cli(*args, user=user)


@pytest.fixture
def quarter(cli):  # type: ignore[no-untyped-def]
    on(cli, "2023-09-01", "user", "add", "wang.qiang", "--role", "manager")
    for name, role in (("zhou.fa", "legal"), ("chen.zong", "gm"), ("li.na", "rep")):
        cli("user", "add", name, "--role", role, user="wang.qiang")
    e = add(cli, "戊公司", "2023-09-01")
    on(cli, "2023-09-10", "customer", "edit", e, "--need", "数据看板")  # intent needs a need
    cli("customer", "stage", e, "intent")
    on(cli, "2023-09-20", "need", "add", e, "数据看板", "--kind", "must", "--priority",
       "high", "--department", "技术部")  # Q3: not a hotspot of Q4
    a, b, c, d = (add(cli, n, "2023-10-09") for n in ("甲公司", "乙公司", "丙公司", "丁公司"))
    on(cli, "2023-10-10", "followup", "log", a, "-s", "初次电话")
    cli("followup", "log", b, "-s", "初次电话")
    cli("need", "add", a, "数据看板", "--kind", "must", "--priority", "high",
        "--department", "技术部")
    # by hand, proposal and negotiation are a manager's skips with a reason (SPEC §11)
    on(cli, "2023-10-10", "customer", "stage", e, "proposal", "--reason", "方案已线下提交",
       user="wang.qiang")
    on(cli, "2023-10-11", "need", "add", b, "数据看板", "--kind", "must", "--priority", "high",
       "--department", "技术部")
    on(cli, "2023-10-12", "customer", "stage", a, "intent")
    cli("need", "add", c, "移动端", "--kind", "must", "--priority", "low", "--department",
        "技术部")
    on(cli, "2023-10-13", "need", "add", d, "报表导出", "--kind", "nice", "--priority", "low")
    on(cli, "2023-10-16", "customer", "stage", b, "intent")
    on(cli, "2023-10-19", "customer", "stage", a, "proposal", "--reason", "方案已线下提交",
       user="wang.qiang")
    on(cli, "2023-10-20", "followup", "log", a, "-s", "方案沟通")
    on(cli, "2023-10-23", "customer", "stage", b, "lost", "--reason", "预算不足")
    on(cli, "2023-10-26", "customer", "stage", a, "negotiation", "--reason", "意向书已签",
       user="wang.qiang")
    on(cli, "2023-10-30", "followup", "log", a, "-s", "商务谈判")
    cli("customer", "stage", c, "lost", "--reason", "预算不足")
    on(cli, "2023-11-06", "customer", "stage", d, "lost", "--reason", "选择竞品")
    number = on(cli, "2023-11-08", "contract", "add", a, "--amount", "258万").stdout.strip()
    cli("contract", "submit", number)
    for who in ("wang.qiang", "zhou.fa", "chen.zong"):
        cli("contract", "approve", number, user=who)
    cli("contract", "sign", number)
    cli.today("2024-01-02")
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def test_every_figure_of_a_hand_built_quarter(cli, quarter):
    data = cli.json("report", "review", "2023Q4")
    assert list(data) == ["period", "stage_days", "steps", "won", "lost", "lost_reasons",
                          "by_frequency", "hotspots"]
    assert data["period"] == "2023Q4"
    assert data["stage_days"] == [
        # left lead: A 3, B 7, C 21, D 28 → median (7 + 21) / 2 = 14, mean 59 / 4 = 14.75
        {"stage": "lead", "median": 14, "mean": 14.75, "customers": 4},
        # left intent: A 7, B 7, E 30 → median 7, mean 44 / 3 = 14.6667
        {"stage": "intent", "median": 7, "mean": 14.6667, "customers": 3},
        {"stage": "proposal", "median": 7, "mean": 7, "customers": 1},  # A 7
        {"stage": "negotiation", "median": 13, "mean": 13, "customers": 1},  # A 13
    ]
    assert data["steps"] == [
        {"from": "lead", "to": "intent", "rate": 0.5},  # A, B of A, B, C, D
        {"from": "intent", "to": "proposal", "rate": 0.6667},  # A, E of A, B, E
        {"from": "proposal", "to": "negotiation", "rate": 1},
        {"from": "negotiation", "to": "won", "rate": 1},
    ]
    assert (data["won"], data["lost"]) == (1, 3)  # A; B, C, D
    assert data["lost_reasons"] == [{"reason": "预算不足", "count": 2},
                                    {"reason": "选择竞品", "count": 1}]
    assert data["by_frequency"] == [
        # C: 0 in 21 days, D: 0 in 28 days
        {"bucket": "0-1", "customers": 2, "won": 0, "rate": 0},
        {"bucket": "1-2", "customers": 0, "won": 0, "rate": None},
        # A: 3 in 30 days (3 per 30); B: 1 in 14 days (2.14 per 30)
        {"bucket": "2-4", "customers": 2, "won": 1, "rate": 0.5},
        {"bucket": "4+", "customers": 0, "won": 0, "rate": None},
    ]
    assert data["hotspots"] == [
        {"kind": "must", "department": "技术部", "count": 3, "top": ["数据看板", "移动端"]},
        {"kind": "nice", "department": None, "count": 1, "top": ["报表导出"]},
    ]


def test_the_review_as_csv_and_by_month(cli, quarter):
    out = cli("report", "review", "2023Q4", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == "section,item,customers,count,median,mean,rate,won,top"
    assert {(r["item"], r["count"]) for r in rows if r["section"] == "lost_reasons"} == {
        ("预算不足", "2"), ("选择竞品", "1")}
    [hot] = [r for r in rows if r["section"] == "hotspots" and r["item"] == "must/技术部"]
    assert hot["top"] == "数据看板; 移动端"
    november = cli.json("report", "review", "2023-11")
    # in November: D lost (28 days in lead), A won (13 days in negotiation)
    assert (november["won"], november["lost"]) == (1, 1)
    assert november["lost_reasons"] == [{"reason": "选择竞品", "count": 1}]
    assert [s["customers"] for s in november["stage_days"]] == [1, 0, 0, 1]
    assert november["hotspots"] == []
    assert "Review 2023Q4" in cli("report", "review", "2023Q4").stdout


def test_a_bad_period_is_refused(cli, unchanged):
    add(cli, "甲公司", "2023-10-09")
    check = unchanged()
    assert "period" in cli.fails("report", "review", "2023Q5")
    check()
