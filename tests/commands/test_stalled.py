"""The weekly lead-risk report (线索跟进报告, SPEC §14): stalled A-tier leads with their
latest recovery plan (挽回策略) and its age; the agenda asks for a plan while it is
missing or older than 7 days."""

from __future__ import annotations

A_TIER = ("--potential", "258万", "--decision-days", "25")
HEADER = ("customer_code,customer,tier,owner,potential,days_stalled,last_contact,plan,"
          "plan_age_days")


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               *extra).stdout.strip()


def stalled_action(cli, day: str) -> str:  # type: ignore[no-untyped-def]
    [item] = cli.json("due", "--date", day, "--kind", "stalled", "--owner", "li.na")
    return item["action"]


def test_an_a_tier_lead_idle_14_days_is_listed_with_its_plan_and_the_plans_age(
        cli, unchanged):
    cli.today("2023-10-09")
    a = add(cli, "华东精密科技有限公司", *A_TIER)
    add(cli, "苏州恒达机械", "--potential", "20万", "--decision-days", "60")  # B tier
    cli("customer", "add", "杭州云图", "--industry", "软件", "--region", "华东",
        *A_TIER, user="sun.li")
    cli.today("2023-10-10")
    cli("followup", "log", a, "-s", "电话沟通预算")

    cli.today("2023-10-22")  # 13 days: not yet
    assert cli.json("report", "stalled") == []
    cli.today("2023-10-23")  # 14 days without stage progress
    assert stalled_action(cli, "2023-10-23") == \
        "update the recovery plan (no progress in 14d)"
    rows = cli.json("report", "stalled", "--owner", "li.na")
    assert rows == [{"customer_code": a, "customer": "华东精密科技有限公司", "tier": "A",
                     "owner": "li.na", "potential": 2580000, "days_stalled": 14,
                     "last_contact": "2023-10-10", "plan": None, "plan_age_days": None}]
    assert len(cli.json("report", "stalled")) == 2  # sun.li's as well

    cli.today("2023-10-16")
    cli("customer", "recovery", a, "--plan", "约决策人面谈")
    cli.today("2023-10-20")
    cli("customer", "recovery", a, "--plan", "调整报价, 约技术交流")  # the latest counts
    cli.today("2023-10-27")
    [row] = cli.json("report", "stalled", "--owner", "li.na")
    assert (row["days_stalled"], row["plan"], row["plan_age_days"]) == (
        18, "调整报价, 约技术交流", 7)
    assert stalled_action(cli, "2023-10-27") == "push the deal (no progress in 14d)"
    csv = cli("report", "stalled", "--owner", "li.na", "--format", "csv").stdout
    assert csv.splitlines() == [
        HEADER, f"{a},华东精密科技有限公司,A,li.na,2580000.00,18,2023-10-10,"
                "\"调整报价, 约技术交流\",7"]
    cli.today("2023-10-28")  # the plan is now 8 days old
    assert stalled_action(cli, "2023-10-28") == \
        "update the recovery plan (no progress in 14d)"

    cli("customer", "edit", a, "--need", "数控机床升级")  # intent needs a recorded need
    cli("customer", "stage", a, "intent")  # progress: off the report
    assert cli.json("report", "stalled", "--owner", "li.na") == []


def test_a_plan_needs_text_and_a_known_customer(cli, unchanged):
    cli.today("2023-10-09")
    a = add(cli, "华东精密科技有限公司", *A_TIER)
    check = unchanged()
    assert "plan" in cli.fails("customer", "recovery", a, "--plan", "  ")
    assert "customer" in cli.fails("customer", "recovery", "NOPE-XX-1", "--plan", "x")
    check()
