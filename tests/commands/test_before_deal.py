"""Before the deal (SPEC §11): contacts, discovery, solutions and their review, the stage
moves they make, signing only from negotiation, and the brief before a call."""

from __future__ import annotations

import pytest

from salesflow import columns

NAME = "华东精密科技有限公司"


def team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), ("li.na", "rep"),
                       ("sun.li", "rep"), ("zhou.jie", "manager")]:
        cli("user", "add", name, "--role", role, user="wang.lei")


def customer(cli, *extra: str, name: str = NAME) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--contact", "王强", "--title", "采购总监", "--role", "decision-maker",
               "--phone", "13800138000", "--source", "trade-show", "--potential", "258万",
               "--decision-days", "25", *extra).stdout.strip()


def seed_solution(cli, code: str, *, list_price: str = "280万") -> str:  # type: ignore[no-untyped-def]
    """模板三's row: 智能分拣解决方案, A型分拣机2台+管理系统, 45 days, 258万,
    免费培训3次+1年质保."""
    return cli("solution", "add", code, "智能分拣解决方案", "--quote", "258万",
               "--list-price", list_price, "--config", "A型分拣机2台+管理系统", "--days", "45",
               "--extras", "免费培训3次+1年质保").stdout.strip()


def test_the_seed_solution_from_draft_to_a_signed_contract(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli, "--need", "智能分拣")
    cli("customer", "stage", code, "intent")
    number = seed_solution(cli, code)
    assert number == "FA20231001"
    cli("solution", "submit", number)
    cli("solution", "review", number, "--approve", "--note", "通过，需补充案例", user="wang.lei")
    shown = cli.json("solution", "show", number)
    assert list(shown) == [c.name for c in columns.SOLUTION] + ["reviews"]
    assert (shown["status"], shown["quote"], shown["list_price"], shown["discount"]) == (
        "approved", 2580000, 2800000, 0.0786)
    assert [(r["step"], r["decision"], r["by"], r["note"]) for r in shown["reviews"]] == [
        ("manager", "approve", "wang.lei", "通过，需补充案例")]
    cli.today("2023-10-10")
    cli("solution", "send", number)
    assert cli.json("customer", "show", code)["stage"] == "proposal"
    cli.today("2023-10-20")
    cli("solution", "accept", number, "--letter-date", "2023-10-19")
    assert cli.json("customer", "show", code)["stage"] == "negotiation"
    [listed] = cli.json("solution", "list", code)
    assert listed["status"] == "accepted" and listed["sent_at"].startswith("2023-10-")
    assert listed["accepted_at"].startswith(("2023-10-19", "2023-10-20"))
    assert cli.json("export", "solutions") == [listed]

    contract = cli("contract", "add", code, "--solution", number, "--submit").stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", contract, user=approver)
    cli("contract", "sign", contract)
    signed = cli.json("contract", "show", contract)
    assert (signed["amount"], signed["status"]) == (2580000, "signed")
    assert cli.query(f"SELECT s.number FROM contract c JOIN solution s ON s.id = "
                     f"c.solution_id WHERE c.number = '{contract}'") == [(number,)]
    moves = [(m["from_stage"], m["to_stage"])
             for m in cli.json("export", "stage-changes")]
    assert moves == [(None, "lead"), ("lead", "intent"), ("intent", "proposal"),
                     ("proposal", "negotiation"), ("negotiation", "won")]


def test_a_discount_beyond_the_limit_needs_the_gm_after_the_manager(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli, "--need", "智能分拣")
    cli("customer", "stage", code, "intent")
    number = cli("solution", "add", code, "智能分拣解决方案", "--quote", "74万",
                 "--list-price", "100万").stdout.strip()
    cli("solution", "submit", number)
    check = unchanged()
    assert "manager" in cli.fails("solution", "review", number, user="chen.gang")
    check()
    cli("solution", "review", number, "--note", "ok", user="wang.lei")
    assert cli.json("solution", "show", number)["status"] == "review"  # 26% > 10%
    check = unchanged()
    err = cli.fails("solution", "send", number)
    assert "waiting for the gm review" in err and "approved" in err
    assert "wang.lei" in cli.fails("solution", "review", number, user="wang.lei")
    check()
    cli("solution", "review", number, "--note", "特批", user="chen.gang")
    assert cli.json("solution", "show", number)["status"] == "approved"
    cli("config", "set", "discount.limit", "30%", user="wang.lei")
    second = cli("solution", "add", code, "二期", "--quote", "74万", "--list-price",
                 "100万").stdout.strip()
    cli("solution", "submit", second)
    cli("solution", "review", second, user="zhou.jie")
    assert cli.json("solution", "show", second)["status"] == "approved"


def test_a_rejected_solution_goes_back_to_draft_and_a_declined_one_keeps_proposal(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli, "--need", "智能分拣")
    cli("customer", "stage", code, "intent")
    number = seed_solution(cli, code)
    cli("solution", "submit", number)
    cli("solution", "review", number, "--reject", "--note", "补充案例", user="wang.lei")
    assert cli.json("solution", "show", number)["status"] == "draft"
    cli("solution", "submit", number)
    cli("solution", "review", number, user="wang.lei")
    cli("solution", "send", number)
    cli("solution", "decline", number, "--reason", "预算不足")
    assert cli.json("solution", "show", number)["status"] == "declined"
    assert cli.json("customer", "show", code)["stage"] == "proposal"
    assert [s["status"] for s in cli.json("solution", "list", "--status", "declined")] == [
        "declined"]


REFUSALS = [
    ("author-reviews", "li.na", ["solution", "review", "{f}", "--note", "x"], "review",
     "may not review"),
    ("rep-reviews", "sun.li", ["solution", "review", "{f}", "--note", "x"], "review",
     "'manager' role"),
    ("reject-without-note", "wang.lei", ["solution", "review", "{f}", "--reject"], "note",
     "reason"),
    ("send-before-review", "li.na", ["solution", "send", "{f}"], "solution", "approved"),
    ("accept-before-sending", "li.na", ["solution", "accept", "{f}"], "solution", "sent"),
    ("proposal-by-hand", "li.na", ["customer", "stage", "{c}", "proposal"], "stage",
     "solution send"),
    ("proposal-by-a-manager-without-reason", "wang.lei",
     ["customer", "stage", "{c}", "proposal"], "stage", "reason"),
    ("contract-from-a-solution-not-accepted", "li.na",
     ["contract", "add", "{c}", "--solution", "{f}"], "solution", "accepted"),
    ("unknown-solution", "li.na", ["solution", "submit", "FA20990101"], "solution",
     "FA20231001"),
    ("bad-quote", "li.na", ["solution", "add", "{c}", "x", "--quote", "abc"], "quote",
     "amount"),
    ("no-amount-no-solution", "li.na", ["contract", "add", "{c}"], "amount", "--solution"),
]


@pytest.mark.parametrize(("user", "argv", "field", "words"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])
def test_refusals_are_one_line_and_change_nothing(cli, unchanged, user, argv, field, words):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli, "--need", "智能分拣")
    cli("customer", "stage", code, "intent")
    number = seed_solution(cli, code)
    if argv[1] == "review":
        cli("solution", "submit", number)
    check = unchanged()
    err = cli.fails(*[a.format(f=number, c=code) for a in argv], user=user)
    assert err.startswith(f"Error: {field}:"), err
    assert words in err, err
    check()


def test_intent_needs_a_recorded_need(cli, unchanged):
    cli.today("2023-10-08")
    code = customer(cli)
    check = unchanged()
    err = cli.fails("customer", "stage", code, "intent")
    assert "need" in err and "salesflow need add" in err
    check()
    need = cli("need", "add", code, "数控机床升级", "--kind", "must", "--priority", "high")
    cli("customer", "stage", code, "intent")
    other = customer(cli, name="苏州恒达机械")
    cli("customer", "edit", other, "--need", "产线改造")
    cli("customer", "stage", other, "intent")
    assert need.stdout.strip()


def test_signing_needs_negotiation_unless_a_manager_skipped_there(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = cli("contract", "add", code, "--amount", "258万", "--submit").stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", number, user=approver)
    check = unchanged()
    err = cli.fails("contract", "sign", number)
    assert err.startswith("Error: stage:") and "'lead'" in err and "negotiation" in err
    check()
    cli("customer", "stage", code, "negotiation", "--reason", "老客户推荐，直接谈判",
        user="wang.lei")
    cli("contract", "sign", number)
    assert cli.json("customer", "show", code)["stage"] == "won"


def test_contacts_add_list_edit_remove_keep_the_customer_in_step(cli, unchanged):
    cli.today("2023-10-08")
    code = customer(cli)
    cli("contact", "add", code, "赵工", "--title", "技术总监", "--role", "技术层",
        "--phone", "139 0013 9000", "--prefers", "微信", "--email", "zhao@example.cn")
    cli("contact", "add", code, "孙会计", "--role", "user", "--prefers", "email")
    out = cli("contact", "list", code, "--format", "csv").stdout.splitlines()
    assert out[0] == "name,title,role,phone,email,prefers,primary,notes"
    assert out[1:] == [
        "王强,采购总监,decision-maker,+8613800138000,,,true,",
        "赵工,技术总监,technical,+8613900139000,zhao@example.cn,im,false,",
        "孙会计,,user,,,email,false,"]
    # the primary changes: the customer's contact columns follow
    cli("contact", "edit", code, "赵工", "--primary")
    shown = cli.json("customer", "show", code)
    assert (shown["contact_name"], shown["contact_title"], shown["contact_role"],
            shown["phone"], shown["email"]) == ("赵工", "技术总监", "technical",
                                                "+8613900139000", "zhao@example.cn")
    assert [c["name"] for c in shown["contacts"] if c["primary"]] == ["赵工"]
    # and the other way: editing the customer's contact edits the primary contact
    cli("customer", "edit", code, "--phone", "13900139001", "--title", "CTO")
    [zhao] = [c for c in cli.json("contact", "list", code) if c["name"] == "赵工"]
    assert (zhao["phone"], zhao["title"], zhao["primary"]) == ("+8613900139001", "CTO", True)
    exported = cli.json("export", "customers")[0]
    assert (exported["contact_name"], exported["phone"]) == ("赵工", "+8613900139001")

    check = unchanged()
    assert "--primary" in cli.fails("contact", "remove", code, "赵工")
    assert cli.fails("contact", "add", code, "王强").startswith("Error: name:")
    assert cli.fails("contact", "add", code, "李四", "--role", "boss").startswith(
        "Error: role:")
    assert cli.fails("contact", "add", code, "李四", "--prefers", "fax").startswith(
        "Error: prefers:")
    assert cli.fails("contact", "add", code, "李四", "--phone", "12").startswith(
        "Error: phone:")
    assert "王强" in cli.fails("contact", "edit", code, "李四", "--title", "x")
    check()
    cli("contact", "remove", code, "赵工", "--primary", "王强")
    shown = cli.json("customer", "show", code)
    assert (shown["contact_name"], shown["phone"]) == ("王强", "+8613800138000")
    cli("contact", "remove", code, "孙会计")
    cli("contact", "remove", code, "王强")
    shown = cli.json("customer", "show", code)
    assert shown["contacts"] == [] and shown["contact_name"] is None


def test_followup_names_one_of_the_customers_contacts(cli, unchanged):
    cli.today("2023-10-08")
    code = customer(cli)
    cli("contact", "add", code, "赵工", "--role", "technical")
    check = unchanged()
    err = cli.fails("followup", "log", code, "-s", "电话沟通", "--contact", "李四")
    assert err.startswith("Error: contact:") and "王强, 赵工" in err
    check()
    cli("followup", "log", code, "-s", "电话沟通", "--contact", "赵工")
    cli("followup", "log", code, "-s", "邮件")
    rows = cli.json("export", "followups")
    assert list(rows[0]) == [c.name for c in columns.FOLLOWUP]
    keys = list(rows[0])
    assert keys.index("contact") == keys.index("satisfaction") + 1  # appended after §1's
    assert [r["contact"] for r in rows] == ["赵工", None]


def test_discovery_fields_are_set_shown_and_exported_at_the_end(cli, unchanged):
    cli.today("2023-10-08")
    code = customer(cli, "--pain-points", "分拣效率低，错分率高", "--budget", "200万-300万",
                    "--decision-process", "采购部→技术部→总经理", "--timeline", "2023-12",
                    "--competitors", "某德国品牌", "--past-cooperation", "无")
    header = cli("export", "customers").stdout.splitlines()[0].split(",")
    assert header[:22] == [c.name for c in columns.CUSTOMER[:22]]
    assert header[21] == "next_due_at"
    assert header[22:] == ["pain_points", "budget_min", "budget_max", "decision_process",
                           "timeline", "competitors", "past_cooperation",
                           # then SPEC §14's collaboration columns
                           "departments", "collaboration", "lead_person"]
    shown = cli.json("customer", "show", code)
    assert (shown["budget_min"], shown["budget_max"], shown["decision_process"]) == (
        2000000, 3000000, "采购部→技术部→总经理")
    assert "Discovery" in cli("customer", "show", code).stdout
    for typed, expected in (("50万", (500000, 500000)), ("-80万", (None, 800000)),
                            ("", (None, None))):
        cli("customer", "edit", code, "--budget", typed)
        shown = cli.json("customer", "show", code)
        assert (shown["budget_min"], shown["budget_max"]) == expected, typed
    check = unchanged()
    assert cli.fails("customer", "edit", code, "--budget", "300万-200万").startswith(
        "Error: budget:")
    assert cli.fails("customer", "edit", code, "--budget", "很多").startswith(
        "Error: budget:")
    check()


def test_brief_is_one_object_with_the_spec_keys(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli, "--need", "智能分拣", "--budget", "200万-300万")
    cli("contact", "add", code, "赵工", "--role", "technical", "--prefers", "im")
    cli("customer", "stage", code, "intent")
    cli("need", "add", code, "对接ERP", "--kind", "must", "--priority", "high")
    for i in range(4):
        cli("followup", "log", code, "-s", f"沟通 {i}", "--contact", "赵工",
            "--at", f"2023-10-0{i + 1} 10:00")
    cli("followup", "log", code, "-s", "价格太高", "--feedback", "negative", "--objection",
        "--next-action", "发送报价", "--next-due", "today")
    number = seed_solution(cli, code)
    check = unchanged()
    data = cli.json("brief", code)
    check()
    assert list(data) == ["customer", "contacts", "followups", "needs", "solutions",
                          "contracts", "phases", "key_dates", "due"]
    c = data["customer"]
    assert (c["code"], c["tier"], c["stage"], c["budget_min"], c["days_in_stage"]) == (
        code, "A", "intent", 2000000, 0)
    assert "A" in c["tier_rule"] and c["strategy"]
    assert c["open_objection"]["summary"] == "价格太高"
    assert [(k["name"], k["role"], k["prefers"]) for k in data["contacts"]] == [
        ("王强", "decision-maker", None), ("赵工", "technical", "im")]
    assert [f["summary"] for f in data["followups"]] == ["价格太高", "沟通 3", "沟通 2"]
    assert [n["description"] for n in data["needs"]] == ["对接ERP"]
    assert [s["number"] for s in data["solutions"]] == [number]
    assert data["contracts"] == [] and data["phases"] == []
    # an A-tier customer is greeted at the default holidays (SPEC §13)
    assert [(k["name"], k["holiday"]) for k in data["key_dates"]] == [
        ("春节", True), ("中秋节", True)]
    assert "next-action" in {d["kind"] for d in data["due"]}
    assert "Discovery" in cli("brief", code).stdout
    assert cli.fails("brief", "无此公司").startswith("Error: customer:")


def test_forget_erases_every_contact(cli, isolated):
    cli.today("2023-10-08")
    code = customer(cli, "--email", "wangqiang@example.cn")
    cli("contact", "add", code, "欧阳娜娜", "--phone", "139 1234 5678", "--email",
        "ouyang@example.cn", "--notes", "喜欢早上打电话")
    cli("followup", "log", code, "-s", "电话", "--contact", "欧阳娜娜")
    other = cli("customer", "add", "苏州恒达机械").stdout.strip()
    cli("contact", "add", other, "司马光", "--phone", "13700137000")
    cli("customer", "forget", code, "--yes")
    contacts = cli.json("contact", "list", code)
    assert [(k["name"], k["phone"], k["email"], k["notes"]) for k in contacts] == [
        ("(erased) 1", None, None, None), ("(erased) 2", None, None, None)]
    assert cli.json("export", "followups")[0]["contact"] is None
    everything = str(cli.dump())
    secrets = ("王强", "欧阳娜娜", "+8613912345678", "+8613800138000", "ouyang@example.cn",
               "wangqiang@example.cn", "喜欢早上打电话")
    for text in secrets:
        assert text not in everything, text
    assert "司马光" in everything
    if cli.is_sqlite:
        from pathlib import Path

        for suffix in ("", "-wal"):
            path = Path(f"{isolated}{suffix}")
            if path.exists():
                data = path.read_bytes()
                for text in secrets:
                    assert text.encode() not in data, (path.name, text)


def test_an_imported_customer_gets_its_contact_as_primary_and_undo_removes_it(cli, tmp_path):
    sheet = tmp_path / "register.csv"
    sheet.write_text("客户名称,联系人,职务,电话\n华东精密科技有限公司,王强,采购总监,13800138000\n",
                     encoding="utf-8")
    batch = cli("customer", "import", str(sheet)).stdout.strip()
    [code] = [c["code"] for c in cli.json("customer", "list")]
    assert [(k["name"], k["title"], k["phone"], k["primary"])
            for k in cli.json("contact", "list", code)] == [
        ("王强", "采购总监", "+8613800138000", True)]
    cli("customer", "import", "--undo", batch)
    assert cli.json("customer", "list") == []
    assert cli.query("SELECT count(*) FROM contact") == [(0,)]
