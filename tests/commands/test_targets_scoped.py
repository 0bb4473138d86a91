"""Targets per owner and new_leads targets per industry or region (SPEC §14), and the
customer list filters."""

from __future__ import annotations

import csv
import io


def add(cli, name: str, industry: str, region: str, *extra: str,  # type: ignore[no-untyped-def]
        user: str | None = None) -> str:
    return cli("customer", "add", name, "--industry", industry, "--region", region, *extra,
               user=user).stdout.strip()


def sign(cli, code: str, amount: str) -> None:  # type: ignore[no-untyped-def]
    # signing only from negotiation (不跳环节): the manager skips the customer there
    cli("customer", "stage", code, "negotiation", "--reason", "老客户直接谈判",
        user="wang.qiang")
    number = cli("contract", "add", code, "--amount", amount).stdout.strip()
    cli("contract", "submit", number)
    for who in ("wang.qiang", "zhou.fa", "chen.zong"):
        cli("contract", "approve", number, user=who)
    cli("contract", "sign", number)


def team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("user", "add", "wang.qiang", "--role", "manager")
    for name, role in (("zhou.fa", "legal"), ("chen.zong", "gm"), ("li.na", "rep"),
                       ("sun.li", "rep")):
        cli("user", "add", name, "--role", role, user="wang.qiang")


def test_a_per_owner_target_shows_its_completion_under_by_owner(cli, unchanged):
    cli.today("2024-10-08")
    team(cli)
    a = add(cli, "华东精密科技有限公司", "制造业", "华东")
    add(cli, "杭州云图", "软件", "华东", user="sun.li")
    cli("target", "set", "2024Q4", "signed_amount", "100万", "--owner", "li.na",
        user="wang.qiang")
    cli("target", "set", "2024Q4", "signed_amount", "300万", user="wang.qiang")
    sign(cli, a, "80万")

    data = cli.json("report", "quarter", "2024Q4", "--by", "owner")
    mine = {(m["owner"], m["metric"]): m for m in data["by_owner"]}
    li = mine["li.na", "signed_amount"]
    assert (li["target"], li["actual"], li["completion"]) == (1000000, 800000, 0.8)
    sun = mine["sun.li", "signed_amount"]
    assert (sun["target"], sun["completion"]) == (None, None)
    [team_row] = [m for m in data["metrics"] if m["metric"] == "signed_amount"]
    assert (team_row["target"], team_row["completion"]) == (3000000, 0.2667)
    rows = list(csv.DictReader(io.StringIO(cli(
        "report", "quarter", "2024Q4", "--by", "owner", "--format", "csv").stdout)))
    [li_csv] = [r for r in rows if (r["owner"], r["metric"]) == ("li.na", "signed_amount")]
    assert (li_csv["target"], li_csv["completion"]) == ("1000000", "0.8")
    listed = [(t["metric"], t["owner"], t["value"]) for t in cli.json("target", "list")]
    assert listed == [("signed_amount", "", "¥3,000,000.00"),
                      ("signed_amount", "li.na", "¥1,000,000.00")]


def test_new_leads_targets_per_industry_and_region_are_extra_rows(cli, unchanged):
    cli.today("2024-10-08")
    for i, (industry, region) in enumerate([("制造业", "华东"), ("制造业", "华东"),
                                            ("制造业", "华南"), ("软件", "华东")]):
        add(cli, f"公司{i}号", industry, region)
    cli.today("2024-07-08")
    add(cli, "上季度制造", "制造业", "华北")
    cli.today("2024-11-01")
    cli("target", "set", "2024Q4", "new_leads", "30", "--industry", "制造业")
    cli("target", "set", "2024Q4", "new_leads", "20", "--industry", "制造业", "--region",
        "华东")
    cli("target", "set", "2024Q4", "new_leads", "10", "--region", "华东")
    rows = {r["metric"]: r for r in cli.json("report", "quarter", "2024Q4")["metrics"]}
    assert (rows["new_leads"]["actual"], rows["new_leads"]["target"]) == (4, None)
    got = rows["new_leads[industry=制造业]"]
    # 3 manufacturing leads in Q4 of a target of 30; 1 in Q3: +200%
    assert (got["target"], got["actual"], got["completion"], got["qoq"]) == (30, 3, 0.1, 2)
    assert (rows["new_leads[industry=制造业,region=华东]"]["actual"],
            rows["new_leads[region=华东]"]["actual"]) == (2, 3)
    assert list(rows)[10:] == ["new_leads[region=华东]", "new_leads[industry=制造业]",
                               "new_leads[industry=制造业,region=华东]"]

    check = unchanged()
    assert "only new_leads" in cli.fails("target", "set", "2024Q4", "csat", "90%",
                                         "--industry", "制造业")
    assert "not both" in cli.fails("target", "set", "2024Q4", "new_leads", "5", "--owner",
                                   "li.na", "--region", "华东")
    check()


def test_customer_list_filters_combine(cli, unchanged):
    cli.today("2024-10-08")
    a = add(cli, "甲公司", "制造业", "华东", "--tags", "展会,重点", "--source", "trade-show",
            "--potential", "258万", "--decision-days", "25")
    b = add(cli, "乙公司", "制造业", "华南", "--tags", "重点客户", "--source", "referral")
    c = add(cli, "丙公司", "软件", "华东", user="sun.li")

    def codes(*args: str) -> list[str]:
        return [r["code"] for r in cli.json("customer", "list", *args)]

    assert codes("--industry", "制造业") == [a, b]
    assert codes("--region", "华东") == [a, c]
    assert codes("--industry", "制造业", "--region", "华东") == [a]
    assert codes("--tag", "重点") == [a]  # a whole tag, not 重点客户
    assert codes("--tag", "重点客户") == [b]
    assert codes("--source", "行业展会") == [a]
    assert codes("--owner", "sun.li") == [c]
    assert codes("--tier", "A", "--stage", "lead") == [a]
    check = unchanged()
    assert "source" in cli.fails("customer", "list", "--source", "电视广告")
    check()
