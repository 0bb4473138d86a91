"""`salesflow contract …` and `payment record` through the real CLI: the approval chain
(manager → legal → gm), signing as the only way to won/repeat, installments, and the
`payment`/`approval` items of `due`."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

NAME = "华东精密科技有限公司"
CONTRACT_KEYS = ["number", "customer_code", "amount", "start", "end", "status", "created_by",
                 "signed_at",
                 # SPEC §12, appended
                 "accepted_on", "warranty", "amendments"]


def team(cli) -> None:  # type: ignore[no-untyped-def]
    """The first user may be added by anyone; then only a manager adds the rest."""
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), ("li.na", "rep"),
                       ("sun.li", "rep"), ("zhou.jie", "manager")]:
        cli("user", "add", name, "--role", role, user="wang.lei")


def customer(cli, name: str = NAME) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--potential", "258万", "--decision-days", "25",
               "--need", "数控机床升级").stdout.strip()


def to_negotiation(cli, code: str) -> None:  # type: ignore[no-untyped-def]
    """A contract is signed only in negotiation (SPEC §11): a manager skips there."""
    if cli.json("customer", "show", code)["stage"] in ("lead", "intent", "proposal"):
        cli("customer", "stage", code, "negotiation", "--reason", "framework agreement",
            user="wang.lei")


def draft(cli, code: str, *extra: str, amount: str = "258万",  # type: ignore[no-untyped-def]
          user: str | None = None) -> str:
    return cli("contract", "add", code, "--amount", amount, *extra, user=user).stdout.strip()


def approve(cli, number: str, *users: str) -> None:  # type: ignore[no-untyped-def]
    for name in users:
        cli("contract", "approve", number, user=name)


CHAIN = ("wang.lei", "zhao.min", "chen.gang")


def show(cli, number: str) -> dict:  # type: ignore[no-untyped-def]
    return cli.json("contract", "show", number)


def payments_due(cli, *args: str, user: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("due", "--kind", "payment", *args, user=user)


def query(cli, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Read the database directly (SQLite file or PostgreSQL URL)."""
    from sqlalchemy import create_engine, text

    location = getattr(cli, "location", str(cli.db))
    engine = create_engine(location if "://" in location else f"sqlite:///{location}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_the_seed_contract_from_draft_to_signed_reminded_escalated_and_paid(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    cli("customer", "stage", code, "intent")
    cli("customer", "stage", code, "proposal", "--reason", "solution sent by mail",
        user="wang.lei")
    cli("customer", "stage", code, "negotiation")
    number = draft(cli, code, "--start", "2023-11-01", "--end", "2024-11-01",
                   "--terms", "一次性付款，30天质保", "--payment", "2023-12-01:258万")
    assert number == "HT20231001"
    assert show(cli, number)["status"] == "draft"
    cli("contract", "submit", number)
    cli.today("2023-10-09")
    cli("contract", "approve", number, "--note", "同意", user="wang.lei")
    cli("contract", "approve", number, "--note", "条款合规", user="zhao.min")
    cli.today("2023-10-10")
    cli("contract", "approve", number, "--note", "同意", user="chen.gang")
    assert show(cli, number)["status"] == "approved"
    cli.today("2023-10-12")
    cli("contract", "sign", number)

    data = show(cli, number)
    assert {k: data[k] for k in CONTRACT_KEYS[:7]} == {
        "number": "HT20231001", "customer_code": code, "amount": 2580000,
        "start": "2023-11-01", "end": "2024-11-01", "status": "signed",
        "created_by": "li.na"}
    assert data["signed_at"].startswith(("2023-10-11", "2023-10-12"))  # UTC of 10-12 local
    assert [(a["step"], a["decision"], a["by"], a["note"]) for a in data["approvals"]] == [
        ("manager", "approve", "wang.lei", "同意"), ("legal", "approve", "zhao.min", "条款合规"),
        ("gm", "approve", "chen.gang", "同意")]
    assert [a["at"][:10] for a in data["approvals"]] in (
        ["2023-10-09", "2023-10-09", "2023-10-10"], ["2023-10-08", "2023-10-08", "2023-10-09"])
    assert data["payments"] == [{"contract_number": number, "due": "2023-12-01",
                                 "amount": 2580000, "paid_at": None, "paid_amount": 0,
                                 "status": "open", "due_rule": None}]
    assert "一次性付款，30天质保" in cli("contract", "show", number).stdout
    person = cli.json("customer", "show", code)
    assert person["stage"] == "won"
    last = person["stage_changes"][-1]
    assert (last["from_stage"], last["to_stage"], last["by"]) == ("negotiation", "won", "li.na")
    assert number in last["reason"]

    cli.today("2023-11-27")
    assert payments_due(cli) == []  # 4 days ahead: not yet
    cli.today("2023-11-28")
    [item] = payments_due(cli)
    assert (item["due_date"], item["section"], item["customer_code"], item["owner"]) == (
        "2023-12-01", "upcoming", code, "li.na")
    assert number in item["action"] and "escalation" not in item["action"]
    feed = cli("due", "--kind", "payment", "--format", "ics").stdout
    assert f"UID:payment-{code}-{number}-" in feed and "DTSTART;VALUE=DATE:20231201" in feed
    cli.today("2023-12-07")
    [item] = payments_due(cli)
    assert (item["days_overdue"], item["section"]) == (6, "overdue")
    assert not item["action"].startswith("escalation")
    assert payments_due(cli, "--owner", "wang.lei") == []  # not the manager's yet

    cli.today("2023-12-08")
    [item] = payments_due(cli)
    assert (item["due_date"], item["days_overdue"], item["section"]) == (
        "2023-12-01", 7, "overdue")
    assert item["action"].startswith("escalation") and number in item["action"]
    for owner, seen in (("li.na", 1), ("wang.lei", 1), ("zhou.jie", 1), ("sun.li", 0),
                        ("chen.gang", 0)):
        assert len(payments_due(cli, "--owner", owner, user="wang.lei")) == seen, owner
    cli("due", "--fail-if-overdue", "--kind", "payment", "--format", "csv", code=3)

    cli("payment", "record", number, "258万")
    assert payments_due(cli) == []
    assert payments_due(cli, "--owner", "wang.lei", user="wang.lei") == []
    [paid] = show(cli, number)["payments"]
    assert (paid["paid_at"], paid["paid_amount"], paid["status"]) == (
        "2023-12-08", 2580000, "paid")
    cli.today("2024-01-15")
    assert payments_due(cli) == []


@pytest.fixture
def pending(cli):  # type: ignore[no-untyped-def]
    """A team, a customer at lead and a contract drafted by a manager (zhou.jie), pending."""
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = draft(cli, code, "--payment", "2023-12-01:258万", "--submit", user="zhou.jie")
    return code, number


REFUSALS = [
    # approvals given first, argv, acting user, error start, a word the error must say
    ([], ["contract", "approve", "{n}"], "zhao.min", "step:", "manager",
     "legal-before-manager"),
    ([], ["contract", "approve", "{n}"], "chen.gang", "step:", "manager",
     "gm-before-manager"),
    ([], ["contract", "approve", "{n}"], "li.na", "step:", "'rep'", "a-rep-approving"),
    (["wang.lei"], ["contract", "approve", "{n}"], "wang.lei", "step:", "already approved",
     "the-same-manager-twice"),
    ([], ["contract", "approve", "{n}"], "zhou.jie", "contract:", "separation of duties",
     "the-creator-approving"),
    (["wang.lei"], ["contract", "approve", "{n}", "--reject"], "zhao.min", "note:", "--note",
     "a-rejection-without-a-note"),
    (["wang.lei", "zhao.min"], ["contract", "sign", "{n}"], "li.na", "contract:", "gm",
     "signing-before-gm"),
    ([], ["customer", "stage", "{c}", "won"], "wang.lei", "stage:", "contract",
     "won-by-hand"),
    ([], ["customer", "stage", "{c}", "repeat"], "wang.lei", "stage:", "contract",
     "repeat-by-hand"),
    ([], ["customer", "stage", "{c}", "negotiation", "--reason", "urgent"], "li.na",
     "stage:", "manager", "skip-without-the-manager-role"),
    ([], ["customer", "stage", "{c}", "negotiation"], "wang.lei", "stage:", "reason",
     "skip-without-a-reason"),
    ([], ["contract", "submit", "{n}"], "li.na", "contract:", "pending", "submit-twice"),
    ([], ["payment", "record", "{n}", "1万"], "li.na", "contract:", "signed",
     "payment-before-signing"),
]


@pytest.mark.parametrize(("given", "argv", "user", "start", "says"),
                         [r[:5] for r in REFUSALS], ids=[r[5] for r in REFUSALS])
def test_refusals_are_one_line_exit_1_and_change_nothing(  # type: ignore[no-untyped-def]
        cli, unchanged, pending, given, argv, user, start, says):
    code, number = pending
    approve(cli, number, *given)
    check = unchanged()
    err = cli.fails(*[a.format(n=number, c=code) for a in argv], user=user)
    assert err.startswith(f"Error: {start}"), err
    assert says in err, err
    check()


INPUT_REFUSALS = [
    (["contract", "add", "{c}", "--amount", "abc"], "amount:", "bad-amount"),
    (["contract", "add", "{c}", "--amount", "0"], "amount:", "zero-amount"),
    (["contract", "add", "{c}", "--amount", "1.234"], "amount:", "three-decimals"),
    (["contract", "add", "{c}", "--amount", "10万", "--start", "2024-02-30"], "start:",
     "impossible-start"),
    (["contract", "add", "{c}", "--amount", "10万", "--end", "01/02/2024"], "end:",
     "ambiguous-end"),
    (["contract", "add", "{c}", "--amount", "10万", "--start", "2023-11-01", "--end",
      "2023-10-01"], "end:", "end-before-start"),
    (["contract", "add", "{c}", "--amount", "10万", "--payment", "2023-12-01"], "payment:",
     "installment-without-amount"),
    (["contract", "add", "{c}", "--amount", "10万", "--payment", "2023-12-01:6万",
      "--payment", "2024-01-01:5万"], "payment:", "installments-above-the-amount"),
    (["contract", "add", "{c}", "--amount", "10万", "--number", "{n}"], "number:",
     "duplicate-number"),
    (["contract", "add", "{c}", "--amount", "10万", "--number", "合同 1"], "number:",
     "bad-number"),
    (["contract", "add", "NOBODY-XX-001", "--amount", "10万"], "customer:",
     "unknown-customer"),
    (["contract", "approve", "HT29990101"], "contract:", "unknown-contract"),
    (["contract", "show", "HT29990101"], "contract:", "show-unknown"),
    (["contract", "list", "--customer", "nobody"], "customer:", "list-unknown-customer"),
]


@pytest.mark.parametrize(("argv", "start"), [r[:2] for r in INPUT_REFUSALS],
                         ids=[r[2] for r in INPUT_REFUSALS])
def test_bad_input_names_the_field_and_changes_nothing(  # type: ignore[no-untyped-def]
        cli, unchanged, pending, argv, start):
    code, number = pending
    check = unchanged()
    err = cli.fails(*[a.format(n=number, c=code) for a in argv], user="li.na")
    assert err.startswith(f"Error: {start}"), err
    check()


def signed(cli, code: str, *extra: str, amount: str = "258万") -> str:  # type: ignore[no-untyped-def]
    number = draft(cli, code, "--submit", *extra, amount=amount)
    approve(cli, number, *CHAIN)
    to_negotiation(cli, code)
    cli("contract", "sign", number)
    return number


def test_payments_refused_beyond_what_is_open_and_in_the_future(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = signed(cli, code, "--payment", "2023-12-01:258万")
    check = unchanged()
    for argv, start in ((["259万"], "amount:"), (["0"], "amount:"), (["x"], "amount:"),
                        (["1万", "--date", "2023-10-09"], "date:"),
                        (["1万", "--date", "2023-02-30"], "date:")):
        assert cli.fails("payment", "record", number, *argv).startswith(f"Error: {start}")
    check()
    no_schedule = signed(cli, code)
    check = unchanged()
    assert "no payment schedule" in cli.fails("payment", "record", no_schedule, "1万")
    check()


def test_a_rejection_sends_it_back_to_draft_and_resubmission_restarts_the_chain(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = draft(cli, code, "--submit")
    approve(cli, number, "wang.lei")
    cli("contract", "approve", number, "--reject", "--note", "违约条款需修改", user="zhao.min")
    data = show(cli, number)
    assert data["status"] == "draft"
    assert "draft" in cli.fails("contract", "approve", number, user="zhao.min")
    assert [c["number"] for c in cli.json("contract", "list", "--status", "draft")] == [number]

    cli("contract", "submit", number)
    assert cli.json("contract", "list", "--waiting-for-me", user="zhao.min") == []
    assert [c["number"] for c in cli.json("contract", "list", "--waiting-for-me",
                                          user="wang.lei")] == [number]
    assert "manager" in cli.fails("contract", "approve", number, user="zhao.min")
    approve(cli, number, *CHAIN)  # the same manager approves the new round
    data = show(cli, number)
    assert data["status"] == "approved"
    assert [(a["step"], a["decision"], a["by"], a["note"]) for a in data["approvals"]] == [
        ("manager", "approve", "wang.lei", None),
        ("legal", "reject", "zhao.min", "违约条款需修改"),
        ("manager", "approve", "wang.lei", None),
        ("legal", "approve", "zhao.min", None),
        ("gm", "approve", "chen.gang", None),
    ]


def test_a_second_signed_contract_makes_the_customer_repeat(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    signed(cli, code)
    assert cli.json("customer", "show", code)["stage"] == "won"
    cli.today("2024-03-01")
    second = signed(cli, code, amount="80万")
    assert second == "HT20240301"
    history = cli.json("customer", "show", code)["stage_changes"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "lead"), ("lead", "negotiation"), ("negotiation", "won"), ("won", "repeat")]
    check = unchanged()
    assert "contract" in cli.fails("customer", "stage", code, "won", "--reason", "x",
                                   user="wang.lei")
    check()


def test_a_customer_won_before_and_moved_back_by_hand_signs_as_repeat(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    signed(cli, code)
    cli("customer", "stage", code, "negotiation", "--reason", "new project, new deal")
    signed(cli, code, amount="50万")
    assert cli.json("customer", "show", code)["stage"] == "repeat"


def test_a_contract_below_the_gm_threshold_skips_the_gm_step(cli, unchanged):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    cli("config", "set", "gm_threshold", "100万", user="wang.lei")
    small = draft(cli, code, "--submit", amount="99.99万")
    large = draft(cli, code, "--submit", amount="100万")
    approve(cli, small, "wang.lei", "zhao.min")
    approve(cli, large, "wang.lei", "zhao.min")
    assert show(cli, small)["status"] == "approved"
    assert show(cli, large)["status"] == "pending"
    to_negotiation(cli, code)
    check = unchanged()
    assert "approved" in cli.fails("contract", "approve", small, user="chen.gang")
    assert "gm" in cli.fails("contract", "sign", large)
    check()
    cli("contract", "sign", small)
    approve(cli, large, "chen.gang")
    assert [a["step"] for a in show(cli, small)["approvals"]] == ["manager", "legal"]
    assert [a["step"] for a in show(cli, large)["approvals"]] == ["manager", "legal", "gm"]


def test_a_payment_fills_the_earliest_installments_first(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = signed(cli, code, "--payment", "2024-01-01:158万", "--payment",
                    "2023-12-01:100万")
    cli.today("2023-12-05")
    cli("payment", "record", number, "150万")
    first, second = show(cli, number)["payments"]
    assert (first["due"], first["paid_amount"], first["paid_at"], first["status"]) == (
        "2023-12-01", 1000000, "2023-12-05", "paid")
    assert (second["due"], second["paid_amount"], second["paid_at"], second["status"]) == (
        "2024-01-01", 500000, None, "partial")
    cli.today("2023-12-29")
    [item] = payments_due(cli)
    assert item["due_date"] == "2024-01-01" and "¥1,080,000.00" in item["action"]
    cli.today("2024-01-02")
    cli("payment", "record", number, "108万", "--date", "yesterday")
    assert [(p["status"], p["paid_at"]) for p in show(cli, number)["payments"]] == [
        ("paid", "2023-12-05"), ("paid", "2024-01-01")]
    assert payments_due(cli) == []
    assert "every installment is paid" in cli.fails("payment", "record", number, "1")


def test_approvals_wait_in_the_agenda_and_list_of_the_right_role_only(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    other = customer(cli, "苏州恒达机械股份有限公司")
    mine = draft(cli, code, "--submit")  # by li.na
    theirs = draft(cli, other, "--submit", user="zhou.jie")  # by a manager
    draft(cli, code)  # a draft waits for nobody

    def waiting(user: str) -> list[str]:
        return [c["number"] for c in cli.json("contract", "list", "--waiting-for-me",
                                              user=user)]

    def agenda(user: str, *args: str) -> list[tuple[str, str]]:
        return [(i["customer_code"], i["action"].split()[2])
                for i in cli.json("due", "--kind", "approval", *args, user=user)]

    assert waiting("wang.lei") == [mine, theirs]
    assert waiting("zhou.jie") == [mine]  # never the one they created
    assert waiting("zhao.min") == waiting("li.na") == waiting("chen.gang") == []
    assert agenda("wang.lei") == [(code, mine), (other, theirs)]
    assert agenda("wang.lei", "--owner", "li.na") == [(code, mine), (other, theirs)]
    assert agenda("wang.lei", "--owner", "sun.li") == []  # a rep without customers
    assert "no user 'someone.else'" in cli.fails("due", "--kind", "approval", "--owner",
                                                 "someone.else", user="wang.lei")
    assert agenda("li.na") == [] and agenda("zhao.min") == []

    cli.today("2023-10-11")
    approve(cli, mine, "wang.lei")
    assert waiting("zhao.min") == [mine]
    [item] = cli.json("due", "--kind", "approval", user="zhao.min")
    assert (item["due_date"], item["section"], item["days_overdue"]) == (
        "2023-10-11", "today", 0)
    cli.today("2023-10-13")
    [item] = cli.json("due", "--kind", "approval", user="wang.lei")  # theirs, since 10-08
    assert (item["customer_code"], item["due_date"], item["days_overdue"]) == (
        other, "2023-10-08", 5)
    assert [i["kind"] for i in cli.json("due", "--kind", "approval", "--kind", "payment",
                                        user="zhao.min")] == ["approval"]


def test_numbers_follow_the_month_and_skip_numbers_typed_by_hand(cli, unchanged):
    cli.today("2023-10-08")
    code = customer(cli)
    assert draft(cli, code) == "HT20231001"
    assert draft(cli, code, "--number", "ht20231002") == "HT20231002"
    assert draft(cli, code) == "HT20231003"
    assert draft(cli, code, "--number", "SH-2023-007") == "SH-2023-007"
    cli.today("2023-11-01")
    assert draft(cli, code) == "HT20231101"
    assert show(cli, "ht20231003")["number"] == "HT20231003"
    check = unchanged()
    assert "HT20231001" in cli.fails("contract", "add", code, "--amount", "1万", "--number",
                                     "HT20231001")
    check()


def test_list_filters_and_has_the_export_columns(cli):
    cli.today("2023-10-08")
    team(cli)
    a = customer(cli)
    b = customer(cli, "苏州恒达机械股份有限公司")
    first = signed(cli, a)
    second = draft(cli, b, "--terms", "=cmd|' /C calc'!A0")
    out = cli("contract", "list", "--format", "csv").stdout
    assert out.splitlines()[0] == ",".join(CONTRACT_KEYS)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["number"], r["customer_code"], r["amount"], r["status"]) for r in rows] == [
        (first, a, "2580000.00", "signed"), (second, b, "2580000.00", "draft")]
    assert [c["number"] for c in cli.json("contract", "list", "--customer", b)] == [second]
    assert [c["number"] for c in cli.json("contract", "list", "--status", "signed")] == [first]
    assert list(cli.json("contract", "list")[0]) == CONTRACT_KEYS
    cli("contract", "list", "--status", "nonsense", code=2)
    cli("contract", "list")  # the table renders


def test_show_json_is_the_export_keys_plus_approvals_and_payments(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = signed(cli, code, "--payment", "2023-12-01:258万", "--terms", "一次性付款")
    data = show(cli, number)
    assert list(data) == [*CONTRACT_KEYS, "approvals", "payments", "changes"]
    assert [list(a) for a in data["approvals"]] == [["step", "decision", "by", "at", "note"]] * 3
    assert list(data["payments"][0]) == ["contract_number", "due", "amount", "paid_at",
                                         "paid_amount", "status", "due_rule"]
    table = cli("contract", "show", number).stdout
    assert "一次性付款" in table and "chen.gang" in table
    [row] = list(csv.DictReader(io.StringIO(
        cli("contract", "show", number, "--format", "csv").stdout)))
    assert row["number"] == number


def test_every_write_is_audited_with_who_and_the_command(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = draft(cli, code, "--payment", "2023-12-01:258万")
    cli("contract", "submit", number)
    approve(cli, number, *CHAIN)
    to_negotiation(cli, code)
    cli("contract", "sign", number)
    cli("payment", "record", number, "100万")
    rows = query(cli, "SELECT \"user\", command, what, at FROM audit "
                      "WHERE command LIKE 'contract%' OR command LIKE 'payment%' ORDER BY id")
    assert [(user, command) for user, command, _, _ in rows] == [
        ("li.na", "contract add"), ("li.na", "contract submit"),
        ("wang.lei", "contract approve"), ("zhao.min", "contract approve"),
        ("chen.gang", "contract approve"),
        ("li.na", "contract sign"), ("li.na", "contract sign"),  # the stage move, the contract
        ("li.na", "payment record")]
    whats = [what for _, _, what, _ in rows]
    assert whats[5] == f"customer {code} stage negotiation → won"
    assert all(number in what for what in whats[:5] + whats[6:])
    assert all(str(at).startswith("2023-10-0") for _, _, _, at in rows)


def test_a_back_dated_signature_dates_the_stage_change_too(cli):
    cli.today("2023-10-08")
    team(cli)
    code = customer(cli)
    number = draft(cli, code, "--submit")
    approve(cli, number, *CHAIN)
    to_negotiation(cli, code)
    cli.today("2023-10-20")
    check_future = cli.fails("contract", "sign", number, "--date", "2023-10-21")
    assert check_future.startswith("Error: date:")
    assert cli.fails("contract", "sign", number, "--date", "2023-10-01").startswith(
        "Error: date:")
    cli("contract", "sign", number, "--date", "2023-10-10 15:00")
    assert show(cli, number)["signed_at"] == "2023-10-10T07:00:00Z"
    last = cli.json("customer", "show", code)["stage_changes"][-1]
    assert (last["to_stage"], last["at"]) == ("won", "2023-10-10T07:00:00Z")


@settings(max_examples=12, deadline=None,  # a command and a snapshot per example
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from("0123456789,./-+:万wm¥ abc"), max_size=16))
def test_a_refused_installment_never_changes_the_database(cli, unchanged, text):
    from datetime import date

    from salesflow.rules.contract import parse_installment

    try:
        parse_installment(text, date(2023, 10, 8))
        assume(False)
    except ValueError:
        pass
    assume(text.strip())
    cli.today("2023-10-08")
    if not cli.dump():
        customer(cli)
    check = unchanged()
    err = cli.fails("contract", "add", NAME, "--amount", "258万", "--payment", text)
    assert err.startswith("Error: payment:"), err
    check()
