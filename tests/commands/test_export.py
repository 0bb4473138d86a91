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
    "last_contact_at,next_due_at"
)
FOLLOWUP_HEADER = ("customer_code,at,logged_at,by,channel,summary,feedback,reason,objection,"
                   "next_action,next_action_due,satisfaction")
STAGE_CHANGE_HEADER = "customer_code,from_stage,to_stage,at,by,reason"


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
              "--phone", "13800138000")
    # 07:30 in Shanghai on 05-04 is still 05-03 in UTC: --since counts in the team's zone.
    cli("followup", "log", old, "-s", "first call", "--at", "2024-05-04 07:30",
        "--next-action", "send the quote", "--next-due", "2024-05-10", "--satisfaction", "4")
    cli("customer", "stage", old, "intent")
    cli.today("2024-05-08")
    new = add(cli, "乙公司")
    cli("followup", "log", new, "-s", "=HYPERLINK(\"http://x\")", "--channel", "visit",
        "--feedback", "negative", "--reason", "price", "--objection")
    return old, new


@pytest.mark.parametrize(("entity", "header"), [
    ("customers", CUSTOMER_HEADER), ("followups", FOLLOWUP_HEADER),
    ("stage-changes", STAGE_CHANGE_HEADER),
], ids=["customers", "followups", "stage-changes"])
def test_csv_headers_are_exactly_the_stable_columns(cli, sample, entity, header):
    out = cli("export", entity).stdout  # csv is the default
    assert out.splitlines()[0] == header
    assert len(csv_rows(out)) >= 2


@pytest.mark.parametrize("entity", ["customers", "followups", "stage-changes"])
def test_an_empty_database_still_gives_the_header(cli, entity):
    out = cli("export", entity).stdout
    assert len(out.splitlines()) == 1
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
    err = cli.fails("export", "customers", "-o", str(tmp_path / "nope" / "c.csv"))
    assert err.startswith("Error: output:")


@pytest.mark.parametrize("args", [["export", "nonsense"], ["export", "customers", "-f", "xml"],
                                  ["export", "customers", "--since"]],
                         ids=["unknown-entity", "unknown-format", "since-without-date"])
def test_usage_errors_exit_2(cli, args):
    cli(*args, code=2)


def test_export_reads_the_database_without_writing(cli, sample, unchanged):
    check = unchanged()
    for entity in ("customers", "followups", "stage-changes"):
        cli("export", entity, "--format", "jsonl")
    check()


@pytest.mark.parametrize("entity", ["customers", "followups", "stage_changes"])
def test_the_service_streams_lazily(cli, sample, entity):
    """The service returns a generator that has not touched the database yet; rows are
    fetched as it is consumed (in batches, through yield_per), never all at once."""
    from sqlalchemy import event

    from salesflow.context import AppState
    from salesflow.services import export

    with AppState(db=cli.location).unit("export", write=False) as unit:
        statements: list[str] = []
        engine = unit.session.get_bind()
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            rows = getattr(export, entity)(unit.session, unit.env, since="2024-01-01")
            assert isinstance(rows, types.GeneratorType)
            assert statements == []
            first = next(rows)
            assert len(statements) == 1 and "LIMIT" not in statements[0].upper()
            assert isinstance(first, dict)
            rest = list(rows)
            assert len(statements) == 1  # the same cursor, read on
            assert len(rest) >= 1
        finally:
            event.remove(engine, "before_cursor_execute", listener)
