"""模板八 completed (SPEC §14): `report note` fills the factors (主要影响因素) and actions
(改进措施) columns of `report quarter`; `report month` is the same table for a month."""

from __future__ import annotations

import csv
import io

HEADER = "metric,target,actual,completion,yoy,qoq,factors,actions"


def add(cli, name: str, day: str) -> str:  # type: ignore[no-untyped-def]
    cli.today(day)
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东"
               ).stdout.strip()


def test_the_template_eight_row_shows_its_factor_and_action(cli, unchanged):
    cli.today("2023-12-01")
    cli("target", "set", "2023Q4", "lead_conversion_rate", "15%")
    cli("report", "note", "2023Q4", "lead_conversion_rate", "--factor", "需求挖掘深度不足",
        "--action", "加强销售培训")
    cli("report", "note", "2023Q4", "avg_deal_size", "--factor", "高价值客户占比提升")
    cli("report", "note", "2023q4", "avg-deal-size", "--action", "优先跟进A类线索")  # kept

    out = cli("report", "quarter", "2023Q4", "--format", "csv").stdout
    assert out.splitlines()[0] == HEADER
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["lead_conversion_rate"]["target"], rows["lead_conversion_rate"]["factors"],
            rows["lead_conversion_rate"]["actions"]) == ("0.15", "需求挖掘深度不足",
                                                         "加强销售培训")
    assert (rows["avg_deal_size"]["factors"], rows["avg_deal_size"]["actions"]) == (
        "高价值客户占比提升", "优先跟进A类线索")
    assert (rows["csat"]["factors"], rows["csat"]["actions"]) == ("", "")
    data = cli.json("report", "quarter", "2023Q4")
    [line] = [m for m in data["metrics"] if m["metric"] == "lead_conversion_rate"]
    assert list(line) == HEADER.split(",")
    assert (line["factors"], line["actions"]) == ("需求挖掘深度不足", "加强销售培训")

    check = unchanged()
    assert "factor" in cli.fails("report", "note", "2023Q4", "csat")
    assert "metric" in cli.fails("report", "note", "2023Q4", "happiness", "--factor", "x")
    assert "quarter" in cli.fails("report", "note", "2023Q5", "csat", "--factor", "x")
    check()


def test_report_month_counts_the_months_leads_against_the_previous_and_last_years(cli):
    add(cli, "去年十月公司", "2022-10-20")
    add(cli, "九月一", "2023-09-05")
    add(cli, "九月二", "2023-09-28")
    add(cli, "十月一", "2023-10-01")
    add(cli, "十月二", "2023-10-09")
    add(cli, "十月三", "2023-10-31")
    add(cli, "十一月", "2023-11-01")
    cli.today("2023-11-02")
    data = cli.json("report", "month", "2023-10")
    assert list(data) == ["month", "from", "to", "metrics", "funnel"]
    assert (data["month"], data["from"], data["to"]) == ("2023-10", "2023-10-01",
                                                         "2023-10-31")
    [leads] = [m for m in data["metrics"] if m["metric"] == "new_leads"]
    # 3 in October; 2 in September: +50%; 1 in October 2022: +200%
    assert (leads["actual"], leads["qoq"], leads["yoy"], leads["target"]) == (3, 0.5, 2, None)
    lead_funnel = [f for f in data["funnel"] if f["stage"] == "lead"]
    assert lead_funnel[0]["entered"] == 3
    out = cli("report", "month", "2023-10", "--format", "csv").stdout
    assert out.splitlines()[0] == HEADER
    assert out.splitlines()[1] == "new_leads,,3,,2,0.5,,"
    assert cli.json("report", "month", "2023/9")["metrics"][0]["actual"] == 2
    by_owner = cli.json("report", "month", "2023-10", "--by", "owner")["by_owner"]
    assert [m["actual"] for m in by_owner if m["metric"] == "new_leads"] == [3]


def test_a_bad_month_is_refused(cli):
    for bad in ("2023-13", "2023Q4x", "October"):
        assert "month" in cli.fails("report", "month", bad)
