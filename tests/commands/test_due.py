"""`salesflow due`: the morning agenda, end to end through the CLI."""

from __future__ import annotations

import csv
import io

import pytest

DUE_HEADER = ("due_date,days_overdue,kind,customer_code,customer,tier,stage,owner,action,"
              "last_contact")


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               *extra).stdout.strip()


def agenda(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("due", *args)


def test_a_lead_created_before_golden_week_is_screened_after_the_make_up_days(cli):
    cli.today("2023-09-28")  # a Thursday; 09-29..10-06 off, 10-07 and 10-08 worked
    code = add(cli, "华东精密科技有限公司")
    [item] = agenda(cli, "--date", "2023-10-09", "--days", "0")
    assert (item["customer_code"], item["kind"], item["due_date"]) == (
        code, "new-lead", "2023-10-09")
    assert agenda(cli, "--date", "2023-10-08", "--days", "0") == []

    cli("config", "set", "calendar", "weekdays")
    [item] = agenda(cli, "--date", "2023-10-03", "--days", "0")
    assert item["due_date"] == "2023-10-03"
    assert item["days_overdue"] == 0
    [late] = agenda(cli, "--date", "2023-10-09", "--days", "0")
    assert (late["days_overdue"], late["section"]) == (6, "overdue")


def test_a_deadline_running_past_the_calendar_data_gives_a_date_and_a_notice(cli):
    cli.today("2026-12-30")
    result = cli("customer", "add", "年末新客户有限公司")
    assert "does not cover 2027" in result.stderr
    [item] = agenda(cli, "--date", "2027-01-04", "--days", "0")
    assert item["due_date"] == "2027-01-04"  # 12-31, 01-01 (Mon–Fri beyond the data), 01-04
    assert "Traceback" not in result.output


def test_a_promised_action_shows_on_its_day_and_a_later_contact_closes_it(cli):
    cli.today("2024-03-04")
    code = add(cli, "杭州云帆软件有限公司", "--potential", "60万", "--decision-days", "20")
    cli("followup", "log", code, "-s", "demo went well", "--next-action", "send the quote",
        "--next-due", "+3d")
    [item] = agenda(cli, "--date", "2024-03-07", "--days", "0")
    assert (item["kind"], item["action"], item["due_date"]) == (
        "next-action", "send the quote", "2024-03-07")
    assert agenda(cli, "--date", "2024-03-06", "--days", "0") == []

    cli.today("2024-03-06")
    cli("followup", "log", code, "-s", "quote sent early")
    assert agenda(cli, "--date", "2024-03-07", "--days", "0") == []
    [item] = agenda(cli, "--date", "2024-03-13", "--days", "0")  # tier A: every 7 days
    assert (item["kind"], item["due_date"], item["last_contact"]) == (
        "followup", "2024-03-13", "2024-03-06")


def test_csv_has_the_stable_columns_and_sorts_overdue_first_then_tier(cli):
    cli.today("2024-05-06")
    a = add(cli, "甲公司", "--potential", "80万", "--decision-days", "10")
    b = add(cli, "乙公司", "--potential", "20万", "--decision-days", "60")
    c = add(cli, "丙公司")
    for code in (a, b, c):
        cli("followup", "log", code, "-s", "first call", "--at", "2024-04-01 10:00")
    out = cli("due", "--format", "csv").stdout
    assert out.splitlines()[0].startswith(DUE_HEADER)
    rows = list(csv.DictReader(io.StringIO(out)))
    # A is due 04-08 (28 days late), B 04-15 (21), C 05-01 (5): most overdue first
    assert [r["customer_code"] for r in rows] == [a, b, c]
    assert [r["days_overdue"] for r in rows] == ["28", "21", "5"]


def test_tier_breaks_ties_within_the_same_day(cli):
    cli.today("2024-05-06")
    c = add(cli, "丙公司")
    a = add(cli, "甲公司", "--potential", "80万", "--decision-days", "10")
    # (A is also `stalled` on 05-20, 14 days without progress: not what this is about)
    items = agenda(cli, "--date", "2024-05-20", "--kind", "new-lead")
    assert [i["customer_code"] for i in items] == [a, c]


def test_fail_if_overdue_exits_3_only_when_something_is_overdue(cli):
    cli.today("2024-05-06")
    add(cli, "甲公司")
    cli("due", "--fail-if-overdue", "--format", "csv")
    cli.today("2024-05-20")
    result = cli("due", "--fail-if-overdue", "--format", "csv", code=3)
    assert "new-lead" in result.stdout


def test_filters_by_owner_tier_and_kind(cli):
    cli.today("2024-05-06")
    add(cli, "甲公司", "--owner", "wang.fang", "--potential", "80万", "--decision-days", "9")
    add(cli, "乙公司")
    assert {i["owner"] for i in agenda(cli, "--owner", "wang.fang", "--days", "9")} == {
        "wang.fang"}
    assert {i["tier"] for i in agenda(cli, "--tier", "A", "--days", "9")} == {"A"}
    assert agenda(cli, "--kind", "followup", "--days", "9") == []
    cli("due", "--kind", "nonsense", code=2)


def test_lost_customers_are_never_due(cli):
    cli.today("2024-05-06")
    code = add(cli, "甲公司")
    cli("customer", "stage", code, "lost", "--reason", "chose a competitor")
    assert agenda(cli, "--days", "60") == []


def test_ics_feed_lists_the_items_as_all_day_events(cli):
    cli.today("2024-05-06")
    code = add(cli, "甲公司")
    out = cli("due", "--format", "ics", "--days", "5").stdout
    assert out.startswith("BEGIN:VCALENDAR")
    assert f"new-lead-{code}-2024-05-09@salesflow" in out
    assert "DTSTART;VALUE=DATE:20240509" in out


@pytest.mark.parametrize("bad", ["2024-02-30", "01/02/2024", "someday"])
def test_a_bad_plan_date_is_refused_naming_the_field(cli, bad):
    cli.create()
    err = cli.fails("due", "--date", bad)
    assert err.startswith("Error: date:") and "YYYY-MM-DD" in err


def statements_of(cli, *args: str) -> list[tuple[str, tuple]]:  # type: ignore[no-untyped-def]
    """The SQL statements (with their parameters) a command sends."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sent: list[tuple[str, tuple]] = []

    def keep(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        sent.append((statement, params))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        cli(*args)
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    return sent


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("kind", "marker", "index"), [
    # db.rare(): the planner is told the unsent minutes are few (likelihood)
    ("minutes", "followup.minutes_due_at <", "ix_followup_minutes_due_at"),
    # migration 0011: a rep's own deadlines through indexes that lead with the owner
    ("stalled", "customer.progressed_at <", "ix_customer_owner_tier_progressed"),
    ("proposal", "customer.stage_changed_at <", "ix_customer_owner_stage_changed"),
])
def test_a_rep_s_deadlines_are_read_from_an_index_of_the_rep_s_rows(cli, kind, marker, index):
    """With --owner, each kind reads a range of an index that holds few rows besides the
    rep's: not every follow-up of the rep's book, nor every rep's A-tier customers."""
    import sqlite3

    cli.today("2024-06-12")
    cli("demo")
    sent = statements_of(cli, "due", "--owner", "li.na", "--kind", kind, "--format", "json")
    [(sql, params)] = [(s, p) for s, p in sent if marker in s]
    con = sqlite3.connect(cli.db)
    try:
        first = next(con.execute("EXPLAIN QUERY PLAN " + sql, params))[-1]
    finally:
        con.close()
    assert first.startswith(f"SEARCH customer USING INDEX {index}") or first.startswith(
        f"SEARCH followup USING INDEX {index}"), first
