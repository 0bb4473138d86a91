"""`salesflow export …`: the cron contract (stable columns, formats, --since, files)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import types

import pytest

CUSTOMER_HEADER = (
    "code,name,industry,region,size,contact_name,contact_title,contact_role,phone,email,"
    "source,source_detail,need,potential,decision_days,tier,stage,owner,tags,created_at,"
    "last_contact_at,next_due_at,pain_points,budget_min,budget_max,decision_process,"
    "timeline,competitors,past_cooperation,"  # SPEC §11 appends discovery
    "departments,collaboration,lead_person"  # §14 appends collaboration
)
FOLLOWUP_HEADER = ("customer_code,at,logged_at,by,channel,summary,feedback,reason,objection,"
                   "next_action,next_action_due,satisfaction,contact,"
                   "purpose,result,"  # SPEC §12 appends purpose and result
                   "id,minutes_due_at,minutes_sent_at")  # §13: the id and the minutes
STAGE_CHANGE_HEADER = "customer_code,from_stage,to_stage,at,by,reason"
CONTRACT_HEADER = ("number,customer_code,amount,start,end,status,created_by,signed_at,"
                   "accepted_on,warranty,amendments")  # SPEC §12 appended the last three
PAYMENT_HEADER = ("contract_number,due,amount,paid_at,paid_amount,status,customer_code,"
                  "due_rule,promised_until,promise_note")  # SPEC §12 appended the last three
HEADERS = {"customers": CUSTOMER_HEADER, "followups": FOLLOWUP_HEADER,
           "stage-changes": STAGE_CHANGE_HEADER, "contracts": CONTRACT_HEADER,
           "payments": PAYMENT_HEADER}
ENTITIES = list(HEADERS)
FORMULA = '=HYPERLINK("http://x","y")'


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               *extra).stdout.strip()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def sample(cli):  # type: ignore[no-untyped-def]
    """Two customers created on different days in Shanghai, each with a contact."""
    cli("config", "set", "timezone", "Asia/Shanghai")
    cli.today("2024-05-06")
    old = add(cli, "甲公司", "--potential", "60万", "--decision-days", "20",
              "--phone", "13800138000", "--need", "数控机床升级")
    # 07:30 in Shanghai on 05-04 is still 05-03 in UTC: --since counts in the team's zone.
    cli("followup", "log", old, "-s", "first call", "--at", "2024-05-04 07:30",
        "--next-action", "send the quote", "--next-due", "2024-05-10", "--satisfaction", "4")
    cli("customer", "stage", old, "intent")
    cli.today("2024-05-08")
    new = add(cli, "乙公司")
    cli("followup", "log", new, "-s", "=HYPERLINK(\"http://x\")", "--channel", "visit",
        "--feedback", "negative", "--reason", "price", "--objection")
    return old, new


@pytest.fixture
def deals(cli, sample):  # type: ignore[no-untyped-def]
    """On top of `sample`: a signed contract of the first customer, drafted on 05-08 by a
    user whose name is a formula, with installments due 06-01 (paid on 06-03) and 07-01
    (partly paid); and a draft drafted on 06-03 for the second, due 06-20."""
    old, new = sample
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), (FORMULA, "rep"),
                       ("li.na", "rep")]:
        cli("user", "add", name, "--role", role, user="wang.lei")
    signed = cli("contract", "add", old, "--amount", "258万", "--start", "2024-06-01",
                 "--end", "2025-05-31", "--payment", "2024-06-01:100万",
                 "--payment", "2024-07-01:158万", "--submit", user=FORMULA).stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", signed, user=approver)
    # signing needs negotiation (SPEC §11): the manager skips the customer there
    cli("customer", "stage", old, "negotiation", "--reason", "framework agreement",
        user="wang.lei")
    cli("contract", "sign", signed)
    cli.today("2024-06-03")
    cli("payment", "record", signed, "120万")
    draft = cli("contract", "add", new, "--amount", "5万",
                "--payment", "2024-06-20:5万").stdout.strip()
    return signed, draft


@pytest.mark.parametrize("entity", ENTITIES)
def test_csv_headers_are_exactly_the_stable_columns(cli, deals, entity):
    out = cli("export", entity).stdout  # csv is the default
    assert out.splitlines()[0] == HEADERS[entity]
    assert len(csv_rows(out)) >= 2


@pytest.mark.parametrize("entity", ENTITIES)
def test_an_empty_database_still_gives_the_header(cli, entity):
    cli.create()
    out = cli("export", entity).stdout
    assert out.splitlines() == [HEADERS[entity]]
    assert cli("export", entity, "--format", "json").stdout.strip() == "[]"
    assert cli("export", entity, "--format", "jsonl").stdout == ""


def test_rows_come_oldest_first_with_values_as_in_json_elsewhere(cli, sample):
    old, new = sample
    customers = cli.json("export", "customers")
    assert [c["code"] for c in customers] == [old, new]
    assert customers[0]["potential"] == 600000 and customers[0]["tier"] == "A"
    assert customers[0]["phone"] == "+8613800138000"
    assert customers[0]["stage"] == "intent"
    assert customers[0]["created_at"].endswith("Z")
    [first, second] = cli.json("export", "followups")
    assert (first["customer_code"], first["at"], first["next_action_due"],
            first["satisfaction"], first["objection"]) == (
        old, "2024-05-03T23:30:00Z", "2024-05-10", 4, False)
    assert (second["customer_code"], second["feedback"], second["objection"]) == (
        new, "negative", True)
    moves = cli.json("export", "stage-changes")
    assert [(m["customer_code"], m["from_stage"], m["to_stage"]) for m in moves] == [
        (old, None, "lead"), (old, "lead", "intent"), (new, None, "lead")]


def test_contracts_and_payments_rows(cli, sample, deals):
    old, new = sample
    signed, draft = deals
    assert (signed, draft) == ("HT20240501", "HT20240601")
    contracts = cli.json("export", "contracts")
    assert list(contracts[0]) == CONTRACT_HEADER.split(",")
    assert [(c["number"], c["customer_code"], c["amount"], c["status"]) for c in contracts] == [
        (signed, old, 2580000, "signed"), (draft, new, 50000, "draft")]
    assert (contracts[0]["start"], contracts[0]["end"], contracts[0]["created_by"]) == (
        "2024-06-01", "2025-05-31", FORMULA)
    assert contracts[0]["signed_at"].endswith("Z") and contracts[1]["signed_at"] is None
    payments = cli.json("export", "payments")
    assert [(p["contract_number"], p["due"], p["amount"], p["paid_amount"], p["paid_at"],
             p["status"], p["customer_code"]) for p in payments] == [
        (signed, "2024-06-01", 1000000, 1000000, "2024-06-03", "paid", old),
        (draft, "2024-06-20", 50000, 0, None, "open", new),
        (signed, "2024-07-01", 1580000, 200000, None, "partial", old),
    ]
    row = csv_rows(cli("export", "payments").stdout)[2]
    assert (row["amount"], row["paid_amount"], row["paid_at"]) == ("1580000.00", "200000.00", "")


def test_since_picks_contracts_by_drafting_day_and_payments_by_due_date(cli, deals):
    signed, draft = deals
    assert [c["number"] for c in cli.json("export", "contracts", "--since",
                                          "2024-05-09")] == [draft]
    assert len(cli.json("export", "contracts", "--since", "2024-05-08")) == 2
    assert [(p["contract_number"], p["due"]) for p in cli.json(
        "export", "payments", "--since", "2024-06-02")] == [
        (draft, "2024-06-20"), (signed, "2024-07-01")]
    assert cli.json("export", "payments", "--since", "2024-07-02") == []
    err = cli.fails("export", "payments", "--since", "2024-02-30")
    assert err.startswith("Error: since:")


def test_since_counts_days_in_the_team_time_zone(cli, sample):
    old, new = sample
    assert [r["code"] for r in cli.json("export", "customers", "--since", "2024-05-07")] == [
        new]
    assert len(cli.json("export", "customers", "--since", "2024-05-06")) == 2
    # the contact at 05-04 07:30 Shanghai (05-03 23:30 UTC) is on 05-04 for the team
    assert len(cli.json("export", "followups", "--since", "2024-05-04")) == 2
    assert [r["customer_code"] for r in cli.json("export", "followups", "--since",
                                                 "2024-05-05")] == [new]
    assert [(r["customer_code"], r["to_stage"]) for r in cli.json(
        "export", "stage-changes", "--since", "2024-05-07")] == [(new, "lead")]
    assert cli.json("export", "customers", "--since", "2024-05-09") == []
    assert len(cli.json("export", "customers", "--since", "-1d")) == 1  # today is 05-08


@pytest.mark.parametrize("bad", ["2024-02-30", "01/02/2024", "someday"])
def test_a_bad_since_is_refused_before_any_output(cli, sample, bad):
    result = cli("export", "customers", "--since", bad, code=1)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: since:") and "YYYY-MM-DD" in result.stderr


def test_jsonl_is_one_object_per_line_and_json_one_array(cli, sample):
    lines = cli("export", "followups", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 2
    objects = [json.loads(line) for line in lines]
    assert all(list(o) == FOLLOWUP_HEADER.split(",") for o in objects)
    array = json.loads(cli("export", "followups", "--format", "json").stdout)
    assert array == objects


@pytest.fixture
def formulas(cli, sample):  # type: ignore[no-untyped-def]
    """A formula in a text cell of every entity that has one: a customer's contact (with
    a +86 phone), a follow-up's summary, a stage move's reason, and a contract's creator
    (its only free text: the user who drafted it)."""
    cli.today("2024-05-09")
    code = add(cli, "丙公司", "--contact", FORMULA, "--phone", "+8613912345678",
               "--need", "x")
    cli("followup", "log", code, "-s", FORMULA)
    cli("customer", "stage", code, "intent", "--reason", FORMULA)
    cli("contract", "add", code, "--amount", "1万", "--payment", "2024-06-01:1万",
        user=FORMULA)
    return code


# entity → (column holding the formula, column holding a phone or an amount)
FORMULA_CELLS = {"customers": ("contact_name", "phone"), "followups": ("summary", None),
                 "stage-changes": ("reason", None), "contracts": ("created_by", "amount")}


@pytest.mark.parametrize("entity", list(FORMULA_CELLS))
def test_every_csv_export_is_formula_safe_unless_raw(cli, formulas, entity):
    column, plain = FORMULA_CELLS[entity]
    safe = [r[column] for r in csv_rows(cli("export", entity).stdout) if r[column]]
    raw = [r[column] for r in csv_rows(cli("export", entity, "--raw").stdout) if r[column]]
    assert "'" + FORMULA in safe and FORMULA not in safe
    assert FORMULA in raw and "'" + FORMULA not in raw
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in safe
                   if not cell.lstrip("+-").replace(".", "").isdigit())
    if plain:
        values = {r[plain] for r in csv_rows(cli("export", entity).stdout)}
        assert values == {r[plain] for r in csv_rows(cli("export", entity, "--raw").stdout)}
        assert "+8613912345678" in values or "10000.00" in values
    excel = cli("export", entity, "--excel").stdout
    assert excel.startswith("\ufeff" + HEADERS[entity])
    assert "'" + FORMULA in {r[column] for r in csv_rows(excel.lstrip("\ufeff"))}


def test_payments_csv_holds_no_free_text_and_amounts_stay_numbers(cli, formulas):
    """No column of `export payments` is free text (number, dates, amounts, status, code),
    so nothing in it is ever prefixed; a negative amount cannot be stored (formula_safe's
    own tests cover `-1290000.00`)."""
    out = cli("export", "payments").stdout
    assert out == cli("export", "payments", "--raw").stdout
    [row] = csv_rows(out)
    assert (row["amount"], row["status"]) == ("10000.00", "open")
    assert cli("export", "payments", "--excel").stdout == "\ufeff" + out


def test_csv_is_formula_safe_unless_raw_and_excel_adds_a_bom(cli, sample):
    out = cli("export", "followups").stdout
    summaries = [r["summary"] for r in csv_rows(out)]
    assert summaries == ["first call", "'=HYPERLINK(\"http://x\")"]
    phone = csv_rows(cli("export", "customers").stdout)[0]["phone"]
    assert phone == "+8613800138000"  # a phone number is not a formula
    raw = csv_rows(cli("export", "followups", "--raw").stdout)
    assert raw[1]["summary"] == "=HYPERLINK(\"http://x\")"
    excel = cli("export", "customers", "--excel").stdout
    assert excel.startswith("\ufeff" + CUSTOMER_HEADER)


def test_output_file_is_private_and_replaced_only_by_a_complete_export(cli, sample, tmp_path):
    target = tmp_path / "customers.csv"
    result = cli("export", "customers", "--output", str(target))
    assert result.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").splitlines()[0] == CUSTOMER_HEADER
    assert len(csv_rows(target.read_text(encoding="utf-8"))) == 2

    target.write_text("yesterday's export\n", encoding="utf-8")
    os.chmod(target, 0o644)
    cli("export", "customers", "--since", "2024-02-30", "--output", str(target), code=1)
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"  # untouched
    cli("export", "followups", "-f", "jsonl", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_output_into_a_missing_directory_is_one_line_error(cli, tmp_path):
    cli.create()
    err = cli.fails("export", "customers", "-o", str(tmp_path / "nope" / "c.csv"))
    assert err.startswith("Error: output:")


@pytest.mark.parametrize("args", [["export", "nonsense"], ["export", "customers", "-f", "xml"],
                                  ["export", "customers", "--since"]],
                         ids=["unknown-entity", "unknown-format", "since-without-date"])
def test_usage_errors_exit_2(cli, args):
    cli(*args, code=2)


def test_export_reads_the_database_without_writing(cli, deals, unchanged):
    check = unchanged()
    for entity in ENTITIES:
        cli("export", entity, "--format", "jsonl")
    check()


@pytest.mark.parametrize("entity", ["customers", "followups", "stage_changes", "contracts",
                                    "payments"])
def test_the_service_streams_lazily(cli, deals, entity):
    """The service returns a lazy source of rows that has not touched the database yet;
    rows are fetched as they are consumed (in batches), never all at once, both as dicts
    and in bulk (batches of tuples, as output.py writes CSV and JSON Lines)."""
    from sqlalchemy import event

    from salesflow.context import AppState
    from salesflow.services import export

    with AppState(db=cli.location, user="li.na").unit("export", write=False) as unit:
        statements: list[str] = []
        engine = unit.session.get_bind()
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            source = getattr(export, entity)(unit.session, unit.env, since="2024-01-01")
            assert statements == []
            rows = iter(source)
            assert isinstance(rows, types.GeneratorType)
            first = next(rows)
            assert len(statements) == 1 and "LIMIT" not in statements[0].upper()
            assert isinstance(first, dict) and tuple(first) == source.keys
            rest = list(rows)
            assert len(statements) == 1  # the same cursor, read on
            assert len(rest) >= 1
            statements.clear()
            batches = source.batches(size=1)
            assert statements == []
            assert len(next(batches)) == 1 and len(statements) == 1
            assert sum(map(len, batches)) == len(rest) and len(statements) == 1
        finally:
            event.remove(engine, "before_cursor_execute", listener)
