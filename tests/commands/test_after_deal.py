"""After the deal (SPEC §12) through the real CLI: the seed's 模板五 (项目实施计划表),
模板六 (项目验收报告) and 模板七 (售后跟进记录表) replayed on one contract — phases, a late
phase as a `delivery` item, a confirmed change, the acceptance, an installment due after
it, the after-sales visits of the warranty — then collections (a promise to pay, the legal
hand-off) and the renewal; and every refusal leaves the database as it was."""

from __future__ import annotations

import csv
import io

import pytest
from tests.commands.test_contract import CHAIN, approve, customer, team, to_negotiation

PHASE_KEYS = ["phase", "start", "end", "owner", "status", "done_on", "risk", "mitigation"]


def signed_contract(cli, *extra: str, signed: str = "2023-10-20") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The seed's 模板四 contract (HT…, 258万, 2023.11–2024.11), half paid on 2023-12-01
    and half 30 days after acceptance, a 12-month warranty; signed on `signed`."""
    cli.today("2023-10-08")
    team(cli)
    cli("user", "add", "qian.fa", "--role", "legal", user="wang.lei")
    cli("user", "add", "ji.shu", "--role", "presales", user="wang.lei")
    code = customer(cli)
    to_negotiation(cli, code)
    number = cli("contract", "add", code, "--amount", "258万", "--start", "2023-11-01",
                 "--end", "2024-11-01", "--terms", "一次性付款，30天质保",
                 "--payment", "2023-12-01:129万", "--payment", "acceptance+30:129万",
                 "--warranty", "12m", "--submit", *extra).stdout.strip()
    approve(cli, number, *CHAIN)
    cli.today(signed)
    cli("contract", "sign", number, "--date", signed)
    return code, number


def plan(cli, number: str) -> None:  # type: ignore[no-untyped-def]
    """模板五's two rows."""
    cli("project", "add", number, "需求确认", "--start", "2023-11-01", "--end", "2023-11-05",
        "--owner", "技术支持", "--tasks", "现场调研，确认需求细节",
        "--deliverable", "《需求确认书》", "--risk", "客户需求变更",
        "--mitigation", "签署变更确认单")
    cli("project", "add", number, "设备安装", "--start", "2023-11-10", "--end", "2023-11-20",
        "--owner", "交付团队", "--tasks", "设备调试，人员培训", "--deliverable", "《安装调试报告》",
        "--risk", "设备到货延迟", "--mitigation", "提前7天跟进物流")


def items(cli, *args: str, user: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("due", *args, user=user)


def test_the_seed_templates_five_six_and_seven_replayed(cli):
    code, number = signed_contract(cli)
    plan(cli, number)

    cli.today("2023-11-03")
    shown = cli.json("project", "show", number)
    assert list(shown)[:3] == ["contract", "customer_code", "customer"]
    assert {"contract", "accepted_on", "result", "phases", "changes"} <= set(shown)
    assert (shown["contract"], shown["accepted_on"], shown["result"]) == (number, None, None)
    assert [list(p)[:8] for p in shown["phases"]] == [PHASE_KEYS, PHASE_KEYS]
    first, second = shown["phases"]
    assert {k: first[k] for k in PHASE_KEYS} == {
        "phase": "需求确认", "start": "2023-11-01", "end": "2023-11-05", "owner": "技术支持",
        "status": "active", "done_on": None, "risk": "客户需求变更",
        "mitigation": "签署变更确认单"}
    assert (first["tasks"], first["deliverable"]) == ("现场调研，确认需求细节", "《需求确认书》")
    assert (second["phase"], second["status"], second["risk"], second["mitigation"]) == (
        "设备安装", "planned", "设备到货延迟", "提前7天跟进物流")
    # while phases are open the cadence is weekly (cadence.delivery): signed 10-20 → 10-27
    assert cli.json("customer", "show", code)["next_due_at"] == "2023-10-27"
    care = [i for i in items(cli, "--kind", "followup", "--date", "2023-10-27", "--days", "0")
            if i["customer_code"] == code]
    assert care[0]["action"] == "project progress (every 7d while delivering)"

    cli.today("2023-11-06")
    cli("project", "done", number, "需求确认", "--date", "2023-11-05")

    # 设备安装 not done by 11-20: a `delivery` item, overdue on 11-22
    cli.today("2023-11-22")
    late = items(cli, "--kind", "delivery")
    assert [(i["kind"], i["due_date"], i["days_overdue"], i["customer_code"]) for i in late] == [
        ("delivery", "2023-11-20", 2, code)]
    assert "设备安装" in late[0]["action"] and number in late[0]["action"]
    assert [p["phase"] for p in cli.json("project", "list", "--late")] == ["设备安装"]
    assert cli.json("project", "show", number)["phases"][1]["status"] == "late"
    # the item in every format: CSV, the table, ICS
    rows = list(csv.DictReader(io.StringIO(cli("due", "--kind", "delivery", "--format",
                                               "csv").stdout)))
    assert [(r["kind"], r["due_date"]) for r in rows] == [("delivery", "2023-11-20")]
    assert "delivery" in cli("due", "--kind", "delivery").stdout
    assert "delivery" in cli("due", "--kind", "delivery", "--format", "ics").stdout

    # 需求变更确认单: +10 days moves only the unfinished phase; the cost is an amendment
    cli("project", "change", number, "--description", "增加一个分拣口", "--cost", "10万",
        "--days", "10", "--confirmed-by", "王经理")
    phases = cli.json("project", "show", number)["phases"]
    assert [(p["phase"], p["start"], p["end"], p["status"]) for p in phases] == [
        ("需求确认", "2023-11-01", "2023-11-05", "done"),
        ("设备安装", "2023-11-20", "2023-11-30", "active")]
    assert items(cli, "--kind", "delivery") == []
    contract = cli.json("contract", "show", number)
    assert (contract["amount"], contract["amendments"]) == (2580000, 100000)
    assert [(c["description"], c["cost"], c["days"], c["confirmed_by"])
            for c in contract["changes"]] == [("增加一个分拣口", 100000, 10, "王经理")]
    quarter = cli.json("report", "quarter", "2023Q4")
    assert {m["metric"]: m["actual"] for m in quarter["metrics"]}["signed_amount"] == 2580000

    cli.today("2023-12-08")
    cli("project", "done", number, "设备安装", "--date", "2023-12-01")
    cli("payment", "record", number, "129万", "--date", "2023-12-08")
    # the installment due after acceptance is on no agenda before the acceptance
    assert items(cli, "--kind", "payment", "--days", "366") == []

    # 模板六: accepted on 2023-12-20 by 王经理(采购总监)
    cli.today("2023-12-20")
    cli("project", "accept", number, "--date", "2023-12-20", "--by", "王经理(采购总监)",
        "--result", "pass", "--issues", "无")
    shown = cli.json("project", "show", number)
    assert (shown["accepted_on"], shown["result"]) == ("2023-12-20", "pass")
    contract = cli.json("contract", "show", number)
    assert contract["accepted_on"] == "2023-12-20"
    assert [(p["due"], p["due_rule"], p["status"]) for p in contract["payments"]] == [
        ("2023-12-01", None, "paid"), ("2024-01-19", "acceptance+30", "open")]
    assert cli.json("customer", "show", code)["next_due_at"] != "2023-10-27"
    due = items(cli, "--kind", "payment", "--date", "2024-01-19", "--days", "0")
    assert [(i["due_date"], i["section"]) for i in due] == [("2024-01-19", "today")]

    # 模板七: the first after-sales visit 91 days after acceptance …
    visit = items(cli, "--kind", "aftersales", "--date", "2024-03-20", "--days", "0")
    assert [(i["kind"], i["due_date"], i["customer_code"]) for i in visit] == [
        ("aftersales", "2024-03-20", code)]
    assert items(cli, "--kind", "aftersales", "--date", "2024-03-19", "--days", "0") == []
    # … answered by the after-sales follow-up of 2024-01-10: the next one on 2024-04-10
    cli.today("2024-01-10")
    cli("followup", "log", code, "--channel", "phone", "--purpose", "aftersales",
        "--summary", "设备运行稳定，希望增加备件优惠", "--result", "已申请备件9折优惠")
    assert items(cli, "--kind", "aftersales", "--date", "2024-03-20", "--days", "0") == []
    nxt = items(cli, "--kind", "aftersales", "--date", "2024-04-10", "--days", "0")
    assert [(i["due_date"], i["kind"]) for i in nxt] == [("2024-04-10", "aftersales")]


def test_a_promise_keeps_late_installments_off_and_legal_gets_them_at_30_days(cli):
    code, number = signed_contract(cli)
    cli.today("2023-12-20")
    cli("project", "accept", number, "--date", "2023-12-20", "--by", "王经理(采购总监)")
    cli("payment", "record", number, "129万", "--date", "2023-12-08")
    # 2024-01-19 falls due; two days late the customer promises to pay by 01-23
    cli.today("2024-01-21")
    assert [i["kind"] for i in items(cli, "--kind", "payment")] == ["payment"]
    cli("payment", "promise", number, "--date", "2024-01-23", "--note", "财务月底付款")
    for day in ("2024-01-21", "2024-01-22", "2024-01-23"):
        for who in (None, "li.na", "wang.lei", "zhao.min"):
            args = ("--date", day) + (("--owner", who) if who else ())
            assert items(cli, "--kind", "payment", *args) == [], (day, who)
    # the day after, still unpaid: back, as an escalation, on the manager's agenda too
    back = items(cli, "--kind", "payment", "--date", "2024-01-24", "--owner", "wang.lei")
    assert [(i["due_date"], i["days_overdue"]) for i in back] == [("2024-01-19", 5)]
    assert back[0]["action"].startswith("escalation")
    exported = cli.json("export", "payments")
    assert [(p["due_rule"], p["promised_until"], p["promise_note"]) for p in exported] == [
        (None, "2024-01-23", "财务月底付款"), ("acceptance+30", "2024-01-23", "财务月底付款")]
    # 30 days late (collection.legal_days): an item for every legal user
    for legal in ("zhao.min", "qian.fa"):
        assert items(cli, "--kind", "payment", "--date", "2024-02-17", "--owner", legal) == []
        mine = items(cli, "--kind", "payment", "--date", "2024-02-18", "--owner", legal)
        assert [(i["kind"], i["days_overdue"], i["customer_code"]) for i in mine] == [
            ("payment", 30, code)]
        assert mine[0]["action"].startswith("collection: legal review")
    # a rep's agenda is theirs only
    assert items(cli, "--kind", "payment", "--date", "2024-02-18", "--owner", "sun.li") == []


def test_a_contract_ending_2024_11_01_is_a_renewal_item_on_2024_09_02(cli):
    code, number = signed_contract(cli)
    assert items(cli, "--kind", "renewal", "--date", "2024-09-01", "--days", "0") == []
    renewal = items(cli, "--kind", "renewal", "--date", "2024-09-02", "--days", "0")
    assert [(i["kind"], i["due_date"], i["customer_code"]) for i in renewal] == [
        ("renewal", "2024-09-02", code)]
    assert number in renewal[0]["action"]
    # renewal.days moves the stored date at once
    cli("config", "set", "renewal.days", "90")
    renewal = items(cli, "--kind", "renewal", "--date", "2024-08-03", "--days", "0")
    assert [i["due_date"] for i in renewal] == ["2024-08-03"]
    # a later contract signed for the customer renews it
    cli.today("2024-08-05")
    later = cli("contract", "add", code, "--amount", "100万", "--end", "2025-11-01",
                "--submit").stdout.strip()
    approve(cli, later, *CHAIN)
    cli("contract", "sign", later)
    assert [i["due_date"] for i in items(cli, "--kind", "renewal", "--date", "2025-12-01",
                                         "--days", "0")] == ["2025-08-03"]


def test_a_contract_without_a_plan_starts_its_visits_at_signing(cli):
    code, number = signed_contract(cli)
    visit = items(cli, "--kind", "aftersales", "--date", "2024-01-19", "--days", "0")
    assert [(i["due_date"], i["customer_code"]) for i in visit] == [("2024-01-19", code)]
    # a plan waits for the acceptance
    cli.today("2023-10-21")
    cli("project", "add", number, "需求确认", "--start", "2023-11-01", "--end", "2023-11-05")
    assert items(cli, "--kind", "aftersales", "--date", "2024-01-19", "--days", "0") == []


def test_a_failed_acceptance_keeps_the_plan_open_and_a_delivery_item_can_be_extended(cli):
    code, number = signed_contract(cli)
    plan(cli, number)
    cli.today("2023-11-22")
    cli("extend", code, "delivery", "--to", "2023-11-25", "--reason", "设备到货延迟",
        user="li.na")
    ext = cli.json("extend", "list")[-1]
    cli("extend", "approve", str(ext["id"]), user="wang.lei")
    # 需求确认 (ended 11-05) moves to 11-25; 设备安装 (ended 11-20) stays late
    moved = items(cli, "--kind", "delivery")
    assert [(i["due_date"], i["days_overdue"]) for i in moved] == [("2023-11-20", 2),
                                                                   ("2023-11-25", -3)]
    assert "extended from 2023-11-05: 设备到货延迟" in moved[1]["action"]
    cli("project", "done", number, "需求确认", "--date", "2023-11-05")
    moved = items(cli, "--kind", "delivery")
    assert [i["due_date"] for i in moved] == ["2023-11-20"]
    assert "extended" not in moved[0]["action"]

    cli("project", "accept", number, "--date", "2023-11-22", "--by", "王经理", "--result",
        "fail", "--issues", "分拣准确率未达99.9%")
    shown = cli.json("project", "show", number)
    assert (shown["accepted_on"], shown["result"], shown["issues"]) == (
        None, "fail", "分拣准确率未达99.9%")
    assert [p["status"] for p in shown["phases"]] == ["done", "late"]
    cli("project", "accept", number, "--date", "2023-11-22", "--by", "王经理")
    assert [p["status"] for p in cli.json("project", "show", number)["phases"]] == [
        "done", "done"]
    assert items(cli, "--kind", "delivery") == []


def test_exports_of_phases_changes_acceptances_and_contracts(cli):
    code, number = signed_contract(cli)
    plan(cli, number)
    cli.today("2023-11-22")
    cli("project", "change", number, "--description", "增加一个分拣口", "--cost", "10万",
        "--days", "10", "--confirmed-by", "王经理")
    cli("project", "accept", number, "--date", "2023-11-22", "--by", "王经理(采购总监)")
    header = cli("export", "phases").stdout.splitlines()[0]
    assert header == ("contract_number,customer_code,phase,start,end,owner,status,done_on,"
                      "risk,mitigation,tasks,deliverable")
    assert [(p["phase"], p["status"], p["end"]) for p in cli.json("export", "phases")] == [
        ("需求确认", "done", "2023-11-15"), ("设备安装", "done", "2023-11-30")]
    assert cli("export", "changes").stdout.splitlines()[0] == (
        "contract_number,customer_code,at,description,cost,days,confirmed_by,by")
    assert [(c["customer_code"], c["cost"], c["days"]) for c in cli.json("export", "changes")
            ] == [(code, 100000, 10)]
    assert cli("export", "acceptances").stdout.splitlines()[0] == (
        "contract_number,customer_code,accepted_on,by,result,issues,recorded_by,recorded_at")
    header = cli("export", "contracts").stdout.splitlines()[0]
    assert header.endswith(",signed_at,accepted_on,warranty,amendments")
    exported = cli.json("export", "contracts")[0]
    assert (exported["accepted_on"], exported["warranty"], exported["amendments"]) == (
        "2023-11-22", "12m", 100000)
    # the brief shows the plan
    brief = cli.json("brief", code)
    assert [p["phase"] for p in brief["phases"]] == ["需求确认", "设备安装"]


@pytest.mark.parametrize("args, field", [
    (("project", "add", "{n}", "验收", "--start", "2023-11-10", "--end", "2023-11-01"), "end"),
    (("project", "add", "{n}", "验收", "--start", "2023-02-30", "--end", "2023-11-01"),
     "start"),
    (("project", "add", "{n}", "需求确认", "--start", "2023-11-01", "--end", "2023-11-02"),
     "phase"),
    (("project", "add", "{n}", " ", "--start", "2023-11-01", "--end", "2023-11-02"), "phase"),
    (("project", "done", "{n}", "不存在", "--date", "2023-11-05"), "phase"),
    (("project", "done", "{n}", "需求确认", "--date", "2030-01-01"), "date"),
    (("project", "done", "{n}", "需求确认", "--date", "2023-10-01"), "date"),
    (("project", "done", "HT99999999", "需求确认"), "contract"),
    (("project", "change", "{n}", "--description", " ", "--confirmed-by", "王经理"),
     "description"),
    (("project", "change", "{n}", "--description", "x", "--confirmed-by", " "),
     "confirmed-by"),
    (("project", "change", "{n}", "--description", "x", "--confirmed-by", "王", "--cost",
      "abc"), "cost"),
    (("project", "change", "{n}", "--description", "x", "--confirmed-by", "王", "--days",
      "400"), "days"),
    (("project", "accept", "{n}", "--date", "2023-11-05", "--by", "王经理", "--result",
      "maybe"), "result"),
    (("project", "accept", "{n}", "--date", "2023-11-05", "--by", "王经理", "--result",
      "fail"), "issues"),
    (("project", "accept", "{n}", "--date", "2030-01-01", "--by", "王经理"), "date"),
    (("project", "accept", "{n}", "--date", "2023-11-05", "--by", " "), "by"),
    (("payment", "promise", "{n}", "--date", "2023-11-04"), "date"),
    (("payment", "promise", "{n}", "--date", "01/02/2024"), "date"),
])
def test_refusals_name_the_field_and_change_nothing(cli, unchanged, args, field):
    _code, number = signed_contract(cli)
    cli.today("2023-10-21")
    cli("project", "add", number, "需求确认", "--start", "2023-11-01", "--end", "2023-11-05")
    cli.today("2023-11-05")
    check = unchanged()
    err = cli.fails(*(a.format(n=number) for a in args))
    assert err.startswith(f"Error: {field}:"), err
    check()


def test_refusals_of_the_state(cli, unchanged):
    code, number = signed_contract(cli)
    draft = cli("contract", "add", code, "--amount", "10万").stdout.strip()
    cli.today("2023-12-20")
    cli("project", "accept", number, "--date", "2023-12-20", "--by", "王经理")
    check = unchanged()
    for args in (
            ("project", "change", draft, "--description", "x", "--confirmed-by", "王经理"),
            ("project", "add", draft, "需求确认", "--start", "2023-11-01", "--end",
             "2023-11-05"),
            ("project", "accept", draft, "--date", "2023-12-20", "--by", "王经理"),
            ("payment", "promise", draft, "--date", "2023-12-30"),
            # accepted once: a second acceptance, a new phase or a change is refused
            ("project", "accept", number, "--date", "2023-12-20", "--by", "王经理"),
            ("project", "add", number, "补充", "--start", "2023-12-21", "--end",
             "2023-12-22"),
            ("project", "change", number, "--description", "x", "--confirmed-by", "王经理",
             "--days", "3")):
        assert cli.fails(*args).startswith("Error: contract:"), args
    check()
    # a change that moves days with no unfinished phase
    fresh = signed_contract_second(cli, code)
    assert cli.fails("project", "change", fresh, "--description", "x", "--confirmed-by",
                     "王经理", "--days", "3").startswith("Error: days:")
    check_after = unchanged()
    for args, field in (
            (("contract", "add", code, "--amount", "10万", "--warranty", "0m"), "warranty"),
            (("contract", "add", code, "--amount", "10万", "--warranty", "12x"), "warranty"),
            (("contract", "add", code, "--amount", "10万", "--payment", "acceptance+x:1"),
             "payment"),
            (("contract", "add", code, "--amount", "10万", "--payment",
              "acceptance+30:20万"), "payment")):
        assert cli.fails(*args).startswith(f"Error: {field}:"), args
    check_after()


def signed_contract_second(cli, code: str) -> str:  # type: ignore[no-untyped-def]
    number = cli("contract", "add", code, "--amount", "10万", "--submit").stdout.strip()
    approve(cli, number, *CHAIN)
    cli("contract", "sign", number)
    return number


def test_a_warranty_in_days_and_the_after_sales_end_with_it(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    to_negotiation(cli, code)
    number = cli("contract", "add", code, "--amount", "10万", "--warranty", "100d",
                 "--submit").stdout.strip()
    approve(cli, number, *CHAIN)
    cli("contract", "sign", number, "--date", "2023-10-08")
    assert cli.json("contract", "show", number)["warranty"] == "100d"
    # 2023-10-08 + 91 = 2024-01-07, within 100 days; the next (04-07) is beyond it
    assert [i["due_date"] for i in items(cli, "--kind", "aftersales", "--days", "366")] == [
        "2024-01-07"]
    cli.today("2024-01-07")
    cli("followup", "log", code, "--purpose", "aftersales", "--summary", "回访")
    assert items(cli, "--kind", "aftersales", "--days", "366") == []


def test_forget_erases_the_customers_people_named_after_the_deal(cli):
    from salesflow.services.privacy import ERASED

    code, number = signed_contract(cli)
    plan(cli, number)
    cli.today("2023-12-20")
    cli("project", "change", number, "--description", "增加一个分拣口", "--confirmed-by",
        "王经理", "--days", "1")
    cli("project", "accept", number, "--date", "2023-12-20", "--by", "王经理(采购总监)")
    cli("payment", "promise", number, "--date", "2023-12-30", "--note", "王经理口头承诺")
    cli("customer", "forget", code, "--yes")
    assert cli.query("SELECT by FROM acceptance") == [(ERASED,)]
    assert cli.query("SELECT confirmed_by FROM project_change") == [(ERASED,)]
    assert cli.query("SELECT note FROM payment_promise") == [(None,)]
    assert cli.query("SELECT promise_note FROM contract") == [(None,)]
    assert not [w for (w,) in cli.query("SELECT what FROM audit") if "王经理" in w]


def test_doctor_names_a_contract_whose_stored_visit_or_renewal_is_wrong_and_fix_mends_it(
        cli):
    """The aftersales and renewal kinds read contract.aftersales_due and renewal_on."""
    from tests.commands.test_backup_restore_doctor import doctor_names_and_mends

    _code, number = signed_contract(cli)
    doctor_names_and_mends(
        cli, f"UPDATE contract SET aftersales_due = '2001-01-01' WHERE number = '{number}'",
        "contract-date", "SELECT number, aftersales_due, renewal_on FROM contract", number,
        "2001-01-01")
