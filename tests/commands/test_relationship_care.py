"""Relationship care (SPEC §13) through the real CLI, on both backends: key dates and the
greetings they bring (the customer's own and the statutory holidays of the official
calendar), satisfaction surveys for won customers, and the minutes a visit or meeting
expects within 24 hours; with their refusals, which leave the database unchanged."""

from __future__ import annotations

import csv
import io

from tests.commands.test_contract import CHAIN, approve, draft, team, to_negotiation

NAME = "华东精密科技有限公司"


def a_customer(cli, name: str = NAME, *, potential: str = "258万",  # type: ignore[no-untyped-def]
               days: str = "25", user: str | None = None) -> str:
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--potential", potential, "--decision-days", days, "--need", "数控机床升级",
               user=user).stdout.strip()


def items(cli, kind: str, *args: str, user: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("due", "--kind", kind, *args, user=user)


# --- key dates and greetings ------------------------------------------------------------


def test_an_anniversary_is_a_greeting_on_05_15_and_a_greeting_answers_it_for_that_year(cli):
    cli.today("2024-05-01")
    code = a_customer(cli)
    cli("config", "set", "greeting.holidays", "none")  # only the anniversary here
    cli("customer", "date", "add", code, "司庆", "--on", "05-18")
    assert cli.json("customer", "date", "list", code) == [{
        "customer_code": code, "name": "司庆", "month_day": "05-18", "year": None,
        "next_on": "2024-05-18", "created_by": "li.na",
        "created_at": cli.json("customer", "date", "list", code)[0]["created_at"]}]

    # not yet on 05-11 (due 05-15, beyond the 3-day window); on 05-15 it is today
    assert items(cli, "greeting", "--date", "2024-05-11") == []
    [item] = items(cli, "greeting", "--date", "2024-05-15", "--days", "0")
    assert (item["due_date"], item["kind"], item["customer_code"], item["section"]) == (
        "2024-05-15", "greeting", code, "today")
    assert item["action"] == "send greetings for 司庆 (2024-05-18)"
    # seen from 05-12 it is upcoming; on 05-17 overdue; after the day it has passed
    assert items(cli, "greeting", "--date", "2024-05-12")[0]["section"] == "upcoming"
    assert items(cli, "greeting", "--date", "2024-05-17")[0]["days_overdue"] == 2
    assert items(cli, "greeting", "--date", "2024-05-19", "--days", "0") == []

    # every format carries it
    cli.today("2024-05-15")
    rows = list(csv.DictReader(io.StringIO(cli("due", "--kind", "greeting", "--format",
                                               "csv").stdout)))
    assert [(r["kind"], r["due_date"]) for r in rows] == [("greeting", "2024-05-15")]
    ics = cli("due", "--kind", "greeting", "--format", "ics").stdout
    assert "send greetings for 司庆" in ics and "greeting-" + code in ics
    assert "greeting" in cli("due", "--kind", "greeting").stdout

    # a sales contact does not answer it; a greeting follow-up in the window does
    cli("followup", "log", code, "-s", "电话确认交期")
    assert len(items(cli, "greeting")) == 1
    cli("followup", "log", code, "-s", "司庆祝贺, 发送贺卡", "--purpose", "greeting")
    assert items(cli, "greeting") == []
    # … for that year only: next year's falls due 2025-05-15
    [item] = items(cli, "greeting", "--date", "2025-05-15", "--days", "0")
    assert item["due_date"] == "2025-05-15"


def test_a_greeting_before_the_window_does_not_answer_it(cli):
    cli.today("2024-05-10")
    code = a_customer(cli)
    cli("config", "set", "greeting.holidays", "none")
    cli("customer", "date", "add", code, "司庆", "--on", "05-18")
    cli("followup", "log", code, "-s", "提前问候", "--purpose", "greeting")
    assert len(items(cli, "greeting", "--date", "2024-05-15")) == 1


def test_a_one_off_date_and_the_lead_days_setting(cli):
    cli.today("2024-05-01")
    code = a_customer(cli)
    cli("config", "set", "greeting.holidays", "none")
    cli("customer", "date", "add", code, "新厂落成", "--on", "06-20", "--year", "2024")
    cli("config", "set", "greeting.lead_days", "7")
    [item] = items(cli, "greeting", "--date", "2024-06-13", "--days", "0")
    assert item["due_date"] == "2024-06-13"
    assert items(cli, "greeting", "--date", "2025-06-13", "--days", "0") == []
    assert cli.json("customer", "date", "list", code)[0]["year"] == 2024


def test_a_yearly_02_29_falls_on_02_28_in_a_common_year(cli):
    cli.today("2024-01-10")
    code = a_customer(cli)
    cli("config", "set", "greeting.holidays", "none")
    cli("customer", "date", "add", code, "董事长生日", "--on", "02-29")
    assert items(cli, "greeting", "--date", "2024-02-26", "--days", "0")[0]["action"] == (
        "send greetings for 董事长生日 (2024-02-29)")
    assert items(cli, "greeting", "--date", "2025-02-25", "--days", "0")[0]["action"] == (
        "send greetings for 董事长生日 (2025-02-28)")


def test_spring_festival_2024_is_a_greeting_for_a_and_b_customers_on_02_07(cli):
    cli.today("2024-01-20")
    b_tier = a_customer(cli, "苏州恒达机械股份有限公司", potential="20万", days="60")
    a_tier = a_customer(cli)
    c_tier = a_customer(cli, "杭州云帆软件有限公司", potential="5万", days="200")
    lost = a_customer(cli, "深圳启明电子有限公司", potential="30万", days="60")
    cli("customer", "stage", lost, "lost", "--reason", "选择了竞争对手")
    tiers = {r["code"]: r["tier"] for r in cli.json("customer", "list")}
    assert (tiers[b_tier], tiers[a_tier], tiers[c_tier]) == ("B", "A", "C")

    got = items(cli, "greeting", "--date", "2024-02-07", "--days", "0")
    assert sorted((i["customer_code"], i["due_date"], i["action"]) for i in got) == sorted(
        (code, "2024-02-07", "send greetings for 春节 (2024-02-10)")
        for code in (a_tier, b_tier))
    assert [i["customer_code"] for i in items(
        cli, "greeting", "--date", "2024-02-07", "--tier", "B")] == [b_tier]
    # a greeting follow-up answers that customer's only
    cli.today("2024-02-08")
    cli("followup", "log", b_tier, "-s", "春节问候", "--purpose", "greeting")
    assert [i["customer_code"] for i in items(cli, "greeting", "--days", "0")] == [a_tier]
    # 中秋节 2024 (holiday from 09-15) is the next one
    assert {i["due_date"] for i in items(cli, "greeting", "--date", "2024-09-12",
                                         "--days", "0")} == {"2024-09-12"}
    # the setting chooses the holidays: none, then 国庆节 only
    cli("config", "set", "greeting.holidays", "none")
    assert items(cli, "greeting", "--date", "2024-02-07") == []
    cli("config", "set", "greeting.holidays", "National Day")
    assert cli.json("config", "show")  # readable
    assert {i["due_date"] for i in items(cli, "greeting", "--date", "2024-09-28",
                                         "--days", "0")} == {"2024-09-28"}


def test_brief_shows_key_dates_and_the_greeted_holidays(cli):
    cli.today("2024-01-20")
    code = a_customer(cli)
    cli("customer", "date", "add", code, "司庆", "--on", "05-18")
    dates = cli.json("brief", code)["key_dates"]
    assert [(d["name"], d["next_on"], d["holiday"]) for d in dates] == [
        ("春节", "2024-02-10", True), ("司庆", "2024-05-18", False),
        ("中秋节", "2024-09-15", True)]
    assert "司庆" in cli("brief", code).stdout


def test_key_date_remove_and_export(cli):
    cli.today("2024-05-01")
    code = a_customer(cli)
    cli("customer", "date", "add", code, "司庆", "--on", "05-18")
    cli("customer", "date", "add", code, "总经理生日", "--on", "11-02")
    out = cli("export", "key-dates").stdout
    header, *lines = out.strip().splitlines()
    assert header == "customer_code,name,month_day,year,next_on,created_by,created_at"
    assert [line.split(",")[1] for line in lines] == ["司庆", "总经理生日"]
    cli("customer", "date", "remove", code, "司庆")
    assert [r["name"] for r in cli.json("customer", "date", "list")] == ["总经理生日"]
    assert cli.json("export", "key-dates", "--since", "2024-05-02") == []


def test_key_date_refusals_leave_the_database_unchanged(cli, unchanged):
    cli.today("2024-05-01")
    code = a_customer(cli)
    cli("customer", "date", "add", code, "司庆", "--on", "05-18")
    check = unchanged()
    assert "on:" in cli.fails("customer", "date", "add", code, "生日", "--on", "02-30")
    assert "on:" in cli.fails("customer", "date", "add", code, "生日", "--on", "2024-05-18")
    assert "on:" in cli.fails("customer", "date", "add", code, "生日", "--on", "13-01")
    assert "year:" in cli.fails("customer", "date", "add", code, "生日", "--on", "02-29",
                                "--year", "2023")
    assert "year:" in cli.fails("customer", "date", "add", code, "生日", "--on", "05-01",
                                "--year", "24")
    assert "name:" in cli.fails("customer", "date", "add", code, " ", "--on", "05-01")
    assert "already has" in cli.fails("customer", "date", "add", code, "司庆", "--on",
                                      "06-01")
    assert "MFG-EC-099" in cli.fails("customer", "date", "add", "MFG-EC-099", "生日",
                                     "--on", "05-01")
    err = cli.fails("customer", "date", "remove", code, "生日")
    assert "no key date '生日'" in err and "司庆" in err
    cli.fails("customer", "date", "remove", "MFG-EC-099", "司庆")
    assert "greeting.holidays" in cli.fails("config", "set", "greeting.holidays", "圣诞节")
    cli.fails("config", "set", "greeting.lead_days", "99")
    cli("due", "--kind", "greetings", code=2)
    check()


# --- satisfaction surveys ---------------------------------------------------------------


def won(cli, code: str, signed: str) -> None:  # type: ignore[no-untyped-def]
    to_negotiation(cli, code)
    number = draft(cli, code, "--submit")
    approve(cli, number, *CHAIN)
    cli("contract", "sign", number, "--date", signed)


def test_a_won_customer_is_due_a_survey_91_days_after_the_last_answer(cli):
    cli.today("2024-01-05")
    team(cli)
    code = a_customer(cli)
    won(cli, code, "2024-01-05")
    # never surveyed: 91 days after the signing
    [item] = items(cli, "survey", "--date", "2024-04-05", "--days", "0")
    assert (item["due_date"], item["customer_code"], item["stage"]) == (
        "2024-04-05", code, "won")
    assert item["action"] == "satisfaction survey (every 91d): log it with --satisfaction"
    assert items(cli, "survey", "--date", "2024-04-01") == []

    cli.today("2024-03-01")
    cli("followup", "log", code, "-s", "季度服务评价", "--purpose", "satisfaction",
        "--satisfaction", "4")
    # answered: due 91 days after the answer
    assert items(cli, "survey", "--date", "2024-04-05") == []
    [item] = items(cli, "survey", "--date", "2024-05-31", "--days", "0")
    assert item["due_date"] == "2024-05-31"
    cli.today("2024-06-03")
    assert items(cli, "survey")[0]["days_overdue"] == 3
    cli("followup", "log", code, "-s", "满意度回访", "--satisfaction", "5")
    assert items(cli, "survey") == []
    assert items(cli, "survey", "--date", "2024-09-02", "--days", "0")[0]["due_date"] == (
        "2024-09-02")
    # the cadence is a setting, read when the agenda is: no stored date moves
    cli("config", "set", "cadence.survey", "30")
    assert items(cli, "survey", "--days", "30")[0]["due_date"] == "2024-07-03"
    assert "survey" in cli("due", "--kind", "survey", "--days", "30", "--format",
                           "ics").stdout


def test_a_customer_not_won_is_never_due_a_survey(cli):
    cli.today("2024-01-05")
    code = a_customer(cli)
    cli("followup", "log", code, "-s", "满意度", "--satisfaction", "3")
    assert items(cli, "survey", "--date", "2025-01-01") == []


# --- minutes ----------------------------------------------------------------------------


def test_a_visit_without_minutes_is_a_minutes_item_24_hours_later(cli):
    cli.today("2024-03-05")
    code = a_customer(cli)
    result = cli("followup", "log", code, "-s", "上门拜访, 演示方案", "--channel", "visit",
                 "--at", "2024-03-04 15:00")
    assert "#1" in result.stderr and "followup minutes 1" in result.stderr
    cli("followup", "log", code, "-s", "电话确认", "--channel", "phone")
    [row, _phone] = cli.json("followup", "list", code)
    assert (row["id"], row["minutes_due_at"], row["minutes_sent_at"]) == (
        1, "2024-03-05T07:00:00Z", None)
    assert _phone["minutes_due_at"] is None

    [item] = items(cli, "minutes", "--days", "0")
    assert (item["due_date"], item["kind"], item["section"]) == ("2024-03-05", "minutes",
                                                                 "today")
    assert item["action"] == "send the minutes of the visit on 2024-03-04 (follow-up #1, 24h)"
    assert items(cli, "minutes", "--date", "2024-03-07")[0]["days_overdue"] == 2
    assert "minutes" in cli("due", "--kind", "minutes", "--format", "ics").stdout

    # midnight: in the past at whatever time of day the test runs (SALESFLOW_TODAY fixes
    # the day, not the time)
    cli("followup", "minutes", "1", "--sent-at", "2024-03-05 00:00")
    assert items(cli, "minutes", "--date", "2024-03-07") == []
    row = cli.json("followup", "list", code)[0]
    assert (row["minutes_due_at"], row["minutes_sent_at"]) == (None, "2024-03-04T16:00:00Z")
    header = cli("export", "followups").stdout.splitlines()[0]
    assert header.endswith(",purpose,result,id,minutes_due_at,minutes_sent_at")


def test_a_meeting_s_minutes_item_can_be_extended(cli):
    cli.today("2024-03-05")
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    cli("user", "add", "li.na", "--role", "rep", user="wang.lei")
    code = a_customer(cli, user="li.na")
    cli("followup", "log", code, "-s", "技术交流会", "--channel", "meeting", "--at",
        "2024-03-04 10:00", user="li.na")
    cli("extend", code, "minutes", "--to", "2024-03-08", "--reason", "纪要待客户确认",
        user="li.na")
    cli("extend", "approve", "1", user="wang.lei")
    [item] = items(cli, "minutes", "--date", "2024-03-07", user="li.na")
    assert item["due_date"] == "2024-03-08" and "纪要待客户确认" in item["action"]


def test_minutes_refusals_leave_the_database_unchanged(cli, unchanged):
    cli.today("2024-03-05")
    code = a_customer(cli)
    cli("followup", "log", code, "-s", "电话", "--channel", "phone")
    cli("followup", "log", code, "-s", "拜访", "--channel", "visit", "--at", "2024-03-04 15:00")
    cli("followup", "minutes", "2")
    cli("followup", "log", code, "-s", "会议", "--channel", "meeting", "--at",
        "2024-03-05 00:00")  # midnight: past at any time of day the test runs
    check = unchanged()
    assert "phone" in cli.fails("followup", "minutes", "1")
    assert "no follow-up #99" in cli.fails("followup", "minutes", "99")
    assert "id:" in cli.fails("followup", "minutes", "abc")
    assert "already sent" in cli.fails("followup", "minutes", "2")
    assert "sent-at:" in cli.fails("followup", "minutes", "3", "--sent-at", "2024-03-04 08:00")
    assert "sent-at:" in cli.fails("followup", "minutes", "3", "--sent-at", "2024-03-09")
    assert "sent-at:" in cli.fails("followup", "minutes", "3", "--sent-at", "2024-02-30")
    check()


def test_demo_shows_greeting_survey_and_minutes_items(cli):
    cli("demo")
    kinds = {i["kind"] for i in cli.json("due", "--days", "7")}
    assert {"greeting", "survey", "minutes"} <= kinds


def test_customer_show_holds_key_dates_and_forget_deletes_them(cli):
    cli.today("2024-05-01")
    code = a_customer(cli)
    cli("customer", "date", "add", code, "王总生日", "--on", "08-08")
    assert [k["name"] for k in cli.json("customer", "show", code)["key_dates"]] == ["王总生日"]
    # the audit names the key date by id, never by its (possibly personal) name
    assert not [r for r in cli.query("SELECT what FROM audit") if "王总" in r[0]]
    cli("customer", "forget", code, "--yes")
    assert cli.json("customer", "show", code)["key_dates"] == []
    assert cli.json("export", "key-dates") == []


def test_doctor_names_a_customer_whose_survey_clock_is_wrong_and_fix_mends_it(cli):
    """The survey kind reads customer.survey_from: the last answer, else the first
    signing."""
    from tests.commands.test_backup_restore_doctor import doctor_names_and_mends

    cli.today("2024-01-05")
    team(cli)
    code = a_customer(cli)
    won(cli, code, "2024-01-05")
    cli.today("2024-03-01")
    cli("followup", "log", code, "-s", "季度服务评价", "--purpose", "satisfaction",
        "--satisfaction", "4")
    doctor_names_and_mends(
        cli, f"UPDATE customer SET survey_from = '2001-01-01 00:00:00.000000' "
             f"WHERE code = '{code}'",
        "survey-date", "SELECT code, survey_from FROM customer", code, "2001-01-01T00:00:00Z")
