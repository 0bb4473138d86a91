"""`followup`, `config`, `user` and `demo` through the real CLI."""

from __future__ import annotations

import pytest


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, *extra).stdout.strip()


def test_followup_log_records_who_when_and_the_due_date_it_answered(cli):
    cli.today("2024-04-01")
    code = add(cli, "甲公司")
    cli("followup", "log", code, "-s", "首次电话", "--at", "2024-03-29 16:00",
        "--channel", "电话", "--feedback", "积极", "--satisfaction", "5")
    [row] = cli.json("followup", "list", code)
    assert (row["by"], row["channel"], row["feedback"], row["satisfaction"]) == (
        "li.na", "phone", "positive", 5)
    assert row["at"] == "2024-03-29T08:00:00Z"  # stored in UTC
    assert row["logged_at"].startswith("2024-04-01") or row["logged_at"].startswith("2024-03-31")
    assert cli.json("customer", "show", code)["last_contact_at"] == "2024-03-29T08:00:00Z"
    assert (row["purpose"], row["result"]) == ("sales", None)  # unless said


def test_a_followup_records_its_purpose_and_result(cli):
    """售后跟进记录表: 回访目的 and 处理结果, in English or the form's own words."""
    cli.today("2024-04-01")
    code = add(cli, "乙公司")
    cli("followup", "log", code, "-s", "设备运行稳定，希望增加备件优惠", "--purpose", "售后",
        "--result", "已申请备件9折优惠")
    [row] = cli.json("followup", "list", code)
    assert (row["purpose"], row["result"]) == ("aftersales", "已申请备件9折优惠")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--at", "2099-01-01 10:00"], "at"),
        (["--at", "31/12/2023"], "at"),
        (["--next-due", "2024-02-30"], "next-due"),
        (["--next-due", "2024-03-01"], "next-due"),  # before the contact
        (["--next-action", "call back"], "next-due"),  # an action needs a date
        (["--channel", "fax"], "channel"),
        (["--feedback", "great"], "feedback"),
        (["--satisfaction", "9"], "satisfaction"),
        (["--summary", "  "], "summary"),
        (["--purpose", "lunch"], "purpose"),
        (["--result", "a\x1b[2Jb"], "result"),
    ],
    ids=["future", "ambiguous-at", "impossible-due", "due-before-contact", "action-no-date",
         "channel", "feedback", "satisfaction", "blank-summary", "purpose", "result"],
)
def test_followup_refusals_name_the_field_and_change_nothing(cli, unchanged, args, field):
    cli.today("2024-04-01")
    code = add(cli, "甲公司")
    check = unchanged()
    argv = ["followup", "log", code, "-s", "call", *args]
    err = cli.fails(*argv)
    assert err.startswith(f"Error: {field}:"), err
    check()


def test_a_back_dated_contact_does_not_reopen_a_newer_promise(cli):
    cli.today("2024-04-10")
    code = add(cli, "甲公司")
    cli("followup", "log", code, "-s", "call", "--at", "2024-04-09 10:00",
        "--next-action", "visit", "--next-due", "2024-04-12")
    cli("followup", "log", code, "-s", "forgot to log this", "--at", "2024-04-02 10:00")
    [item] = cli.json("due", "--date", "2024-04-12", "--days", "0")
    assert (item["kind"], item["action"]) == ("next-action", "visit")
    assert cli.json("customer", "show", code)["last_contact_at"].startswith("2024-04-09")


def test_config_set_validates_and_show_lists_defaults(cli, unchanged):
    cli.create()
    cli("config", "show")
    check = unchanged()
    for key, value, field in [("calendar", "moon", "calendar"),
                              ("timezone", "Mars/Base", "timezone"),
                              ("cadence.A.prospecting", "0", "cadence.A.prospecting"),
                              ("nonsense", "1", "key")]:
        assert cli.fails("config", "set", key, value).startswith(f"Error: {field}:")
    check()
    cli("config", "set", "cadence.A.prospecting", "5")
    settings = {r["key"]: r for r in cli.json("config", "show")}
    assert settings["cadence.A.prospecting"]["value"] == "5"
    assert settings["cadence.A.prospecting"]["default"] == "7"
    assert settings["calendar"]["value"] == "cn"


def test_changing_a_cadence_moves_due_dates_at_once(cli):
    cli.today("2024-05-06")
    code = add(cli, "甲公司", "--potential", "80万", "--decision-days", "10")
    cli("followup", "log", code, "-s", "call")
    assert cli.json("customer", "show", code)["next_due_at"] == "2024-05-13"
    cli("config", "set", "cadence.A.prospecting", "3")
    assert cli.json("customer", "show", code)["next_due_at"] == "2024-05-09"


def test_code_mappings_from_the_configuration(cli):
    cli("config", "set", "code.industry.矿业", "MIN")
    cli("config", "set", "code.region.lower mainland", "LM")
    assert add(cli, "甲矿业", "--industry", "矿业", "--region", "lower mainland") == "MIN-LM-001"


def test_the_first_user_is_free_then_only_managers_add_users(cli, unchanged):
    cli("user", "add", "wang.lei", "--role", "销售经理", user="wang.lei")
    cli("user", "add", "li.na", "--role", "rep", user="wang.lei")
    check = unchanged()
    assert "manager" in cli.fails("user", "add", "zhao.min", "--role", "gm", user="li.na")
    assert "already exists" in cli.fails("user", "add", "li.na", user="wang.lei")
    assert cli.fails("user", "add", "x", "--role", "boss", user="wang.lei").startswith(
        "Error: role:")
    check()
    assert {(u["name"], u["role"]) for u in cli.json("user", "list")} == {
        ("wang.lei", "manager"), ("li.na", "rep")}


def test_demo_fills_an_empty_database_with_an_agenda_and_refuses_a_second_time(cli, unchanged):
    cli.today("2024-06-12")
    cli("demo")
    customers = cli.json("customer", "list")
    assert 24 <= len(customers) <= 60
    items = cli.json("due")
    sections = {i["section"] for i in items}
    assert {"overdue", "today", "upcoming"} <= sections
    assert {i["kind"] for i in items} >= {"followup", "next-action", "new-lead", "payment",
                                          "approval", "need", "proposal", "objection",
                                          "stalled", "pool"}
    assert any(c["tier"] == "A" for c in customers) and any(c["tier"] == "C" for c in customers)
    # a quarter to report on: two signed contracts, targets, follow-ups
    report = {m["metric"]: m for m in cli.json("report", "quarter")["metrics"]}
    assert report["won_deals"]["actual"] == 2 and report["won_deals"]["target"] == 4
    assert report["signed_amount"]["actual"] == 1_800_000
    assert report["followups"]["actual"] > 0 and report["new_leads"]["completion"] is not None
    # SPEC §14: an extension waiting for the manager, a recovery plan, 模板八's note
    [pending] = cli.json("extend", "list", "--status", "pending")
    assert pending["kind"] == "new-lead" and pending["requested_by"] != "li.na"
    assert any(r["plan"] for r in cli.json("report", "stalled"))
    assert report["lead_conversion_rate"]["factors"] == "需求挖掘深度不足"
    # SPEC §12: a late phase, an after-sales visit, a renewal, a promise, a legal review
    assert {i["kind"] for i in items} >= {"delivery", "aftersales", "renewal"}
    assert any(p["status"] == "late" for p in cli.json("project", "list", "--late"))
    assert any(p["promised_until"] for p in cli.json("export", "payments"))
    legal = cli.json("due", "--kind", "payment", "--owner", "zhao.legal")
    assert any(i["action"].startswith("collection: legal review") for i in legal)
    # SPEC §15: the shared pool holds a rep's idle customer
    users = {u["name"]: u["role"] for u in cli.json("user", "list")}
    pooled = cli.json("pool", "list")
    assert pooled and all(users[c["last_owner"]] == "rep" for c in pooled)
    check = unchanged()
    assert "already holds customers" in cli.fails("demo")
    check()


def test_audit_records_every_write(cli):
    code = add(cli, "甲公司", "--need", "产线改造")
    cli("followup", "log", code, "-s", "call")
    cli("customer", "stage", code, "intent")
    rows = cli.query('SELECT "user", command, what FROM audit ORDER BY id')
    assert [r[1] for r in rows] == ["customer add", "followup log", "customer stage"]
    assert all(r[0] == "li.na" for r in rows)


def test_a_brief_lists_exactly_its_customer_s_items_of_the_owner_s_agenda(cli):
    """brief reads only its customer's rows (agenda.Query.customer_id, in every kind's SQL):
    on the demo's agenda, every kind of item, that is exactly the owner's `due --days 0`
    narrowed to the customer."""
    cli.today("2024-06-12")
    cli("demo")
    agendas: dict[str, list[dict]] = {}
    seen = set()
    for customer in cli.json("customer", "list"):
        owner = customer["owner"]
        if owner not in agendas:
            agendas[owner] = cli.json("due", "--owner", owner, "--days", "0")
        expected = [i for i in agendas[owner] if i["customer_code"] == customer["code"]]
        assert cli.json("brief", customer["code"])["due"] == expected, customer["code"]
        seen.update(i["kind"] for i in expected)
    assert len(seen) >= 8, seen  # the comparison covered most kinds, not only follow-ups
