"""The process deadlines on the agenda — `objection` (24h), `need` (48h), `proposal`
(5 working days) and `stalled` (A tier, 14 days) — each appearing on its day and leaving
once the step is done, across weekends, the National Day holiday 2024 (10-01..07 off,
make-up working days Sun 09-29 and Sat 10-12) and the Spring Festival 2025 (01-28..02-04
off, make-up working days Sun 01-26 and Sat 02-08)."""

from __future__ import annotations

import sqlite3

import pytest

A_TIER = ("--potential", "258万", "--decision-days", "25")
B_TIER = ("--potential", "20万", "--decision-days", "60")


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--need", "产线改造", *extra).stdout.strip()


def to_proposal(cli, code: str) -> None:  # type: ignore[no-untyped-def]
    """By hand, proposal is a manager's skip with a reason (SPEC §11: the way there is
    sending a solution)."""
    if not cli.query("SELECT name FROM \"user\" WHERE name = 'wang.lei'"):
        cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
        # once users exist, the acting user (li.na) must be one of them
        cli("user", "add", "li.na", "--role", "rep", user="wang.lei")
    cli("customer", "stage", code, "proposal", "--reason", "solution sent by mail",
        user="wang.lei")


def due(cli, day: str, *args: str, days: int = 0) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("due", "--date", day, "--days", str(days), *args)


def seen(cli, day: str, kind: str, *args: str, days: int = 0) -> list[tuple]:  # type: ignore[no-untyped-def]
    """(customer_code, due_date, section, days_overdue) of the items of one kind."""
    return [(i["customer_code"], i["due_date"], i["section"], i["days_overdue"])
            for i in due(cli, day, "--kind", kind, *args, days=days)]


def objection_at(cli, code: str):  # type: ignore[no-untyped-def]
    [(value,)] = cli.query(f"SELECT objection_at FROM customer WHERE code = '{code}'")
    return value


# --- objection: 24 hours, calendar time ------------------------------------------------

def test_negative_feedback_is_due_24_hours_later_until_a_later_contact_answers_it(cli):
    cli.today("2024-09-29")  # a make-up working Sunday
    code = add(cli, "甲公司")
    cli.today("2024-10-01")
    cli("followup", "log", code, "-s", "价格太高", "--feedback", "消极",
        "--at", "2024-09-30 20:00")
    assert seen(cli, "2024-09-30", "objection") == []
    assert seen(cli, "2024-09-30", "objection", days=1) == [
        (code, "2024-10-01", "upcoming", -1)]
    [item] = due(cli, "2024-10-01", "--kind", "objection")  # a holiday: hours still run
    assert (item["section"], item["action"]) == ("today", "answer the negative feedback (24h)")
    assert seen(cli, "2024-10-03", "objection") == [(code, "2024-10-01", "overdue", 2)]

    # a back-dated entry older than the negative contact does not answer it
    cli("followup", "log", code, "-s", "补录上周电话", "--at", "2024-09-29 10:00")
    assert seen(cli, "2024-10-03", "objection") == [(code, "2024-10-01", "overdue", 2)]
    assert objection_at(cli, code) is not None

    cli.today("2024-10-02")
    cli("followup", "log", code, "-s", "解释了报价构成", "--feedback", "neutral")
    assert seen(cli, "2024-10-03", "objection", days=30) == []
    assert objection_at(cli, code) is None


def test_an_objection_counts_even_with_positive_feedback_and_lost_customers_have_none(cli):
    cli.today("2024-10-08")
    code = add(cli, "甲公司")
    cli("followup", "log", code, "-s", "认可方案, 但交期太长", "--feedback", "positive",
        "--objection", "--at", "2024-10-08 00:01")
    [item] = due(cli, "2024-10-09", "--kind", "objection")
    assert (item["due_date"], item["action"]) == ("2024-10-09", "answer the objection (24h)")

    cli("customer", "stage", code, "lost", "--reason", "选择了竞争对手")
    assert objection_at(cli, code) is None
    assert due(cli, "2024-10-20", "--days", "30") == []
    # reopened, its latest contact is still the unanswered objection: it is due again
    cli("customer", "stage", code, "lead")
    assert seen(cli, "2024-10-10", "objection") == [(code, "2024-10-09", "overdue", 1)]


# --- need: 48 hours after it was recorded ----------------------------------------------

def test_an_open_need_is_due_48_hours_later_across_the_weekend_until_responded(cli):
    cli.today("2024-09-27")  # a Friday
    code = add(cli, "甲公司")
    cli("need", "add", code, "数控机床升级", "--kind", "must", "--priority", "high")
    cli("need", "add", code, "延长质保", "--kind", "nice", "--priority", "low")
    assert seen(cli, "2024-09-28", "need") == []
    assert seen(cli, "2024-09-28", "need", days=1) == [
        (code, "2024-09-29", "upcoming", -1), (code, "2024-09-29", "upcoming", -1)]
    items = due(cli, "2024-09-29", "--kind", "need")  # a Sunday: hours, not working days
    assert [i["action"] for i in items] == ["respond to need #1 (high, 48h)",
                                            "respond to need #2 (low, 48h)"]
    feed = cli("due", "--date", "2024-09-29", "--days", "0", "--format", "ics").stdout
    assert f"UID:need-{code}-1-2024-09-29@salesflow" in feed
    assert f"UID:need-{code}-2-2024-09-29@salesflow" in feed

    cli.today("2024-09-30")
    cli("need", "respond", "1", "--note", "技术部评估中")
    cli("need", "add", code, "培训", "--kind", "latent", "--priority", "medium")
    assert [i["action"] for i in due(cli, "2024-10-02", "--kind", "need")] == [
        "respond to need #2 (low, 48h)",  # overdue first
        "respond to need #3 (medium, 48h)"]  # due 10-02, in the holiday
    assert seen(cli, "2024-10-02", "need")[1] == (code, "2024-10-02", "today", 0)
    cli("need", "resolve", "2")
    assert [i["action"] for i in due(cli, "2024-10-02", "--kind", "need")] == [
        "respond to need #3 (medium, 48h)"]


# --- proposal: 5 working days in intent -------------------------------------------------

def test_a_proposal_is_due_5_working_days_after_intent_across_national_day(cli):
    cli.today("2024-09-27")  # Friday; then 09-29 (make-up Sunday), 09-30, 10-08, 09, 10
    code = add(cli, "甲公司")
    cli("customer", "stage", code, "intent")
    assert seen(cli, "2024-10-09", "proposal") == []
    assert seen(cli, "2024-10-08", "proposal", days=2) == [
        (code, "2024-10-10", "upcoming", -2)]
    [item] = due(cli, "2024-10-10", "--kind", "proposal")
    assert (item["section"], item["stage"], item["action"]) == (
        "today", "intent", "submit the proposal (5 working days)")
    assert seen(cli, "2024-10-12", "proposal") == [(code, "2024-10-10", "overdue", 2)]

    cli("config", "set", "calendar", "weekdays")  # Monday–Friday: 09-30 … 10-04
    assert seen(cli, "2024-10-03", "proposal") == []
    assert seen(cli, "2024-10-04", "proposal") == [(code, "2024-10-04", "today", 0)]
    cli("config", "set", "calendar", "cn")

    cli.today("2024-10-09")
    to_proposal(cli, code)
    assert seen(cli, "2024-10-12", "proposal", days=30) == []


def test_a_proposal_deadline_over_the_spring_festival_restarts_on_reentering_intent(cli):
    cli.today("2025-01-24")  # Friday; 01-26 (make-up Sunday), 01-27, then 02-05, 06, 07
    code = add(cli, "甲公司")
    cli("customer", "stage", code, "intent")
    assert seen(cli, "2025-02-06", "proposal") == []
    assert seen(cli, "2025-02-07", "proposal") == [(code, "2025-02-07", "today", 0)]
    cli.today("2025-02-07")
    to_proposal(cli, code)
    assert seen(cli, "2025-02-07", "proposal") == []
    cli("customer", "stage", code, "intent", "--reason", "方案需重做")
    # back in intent on Friday 02-07: 02-08 (make-up Saturday), 02-10, 11, 12, 13
    assert seen(cli, "2025-02-12", "proposal") == []
    assert seen(cli, "2025-02-13", "proposal") == [(code, "2025-02-13", "today", 0)]


# --- stalled: A tier, 14 days without stage progress ------------------------------------

def test_an_a_tier_customer_without_progress_stalls_after_14_days_until_it_moves(cli):
    cli.today("2024-09-20")
    a = add(cli, "甲公司", *A_TIER)
    add(cli, "乙公司", *B_TIER)
    assert seen(cli, "2024-10-03", "stalled") == []
    assert seen(cli, "2024-10-01", "stalled", days=3) == [(a, "2024-10-04", "upcoming", -3)]
    [item] = due(cli, "2024-10-04", "--kind", "stalled")
    assert (item["tier"], item["action"]) == ("A", "update the recovery plan (no progress in 14d)")
    # one customer may be due for several reasons at once
    assert {i["kind"] for i in due(cli, "2024-10-04") if i["customer_code"] == a} == {
        "new-lead", "stalled"}
    assert seen(cli, "2024-10-04", "stalled", "--tier", "B") == []

    cli.today("2024-10-08")
    cli("customer", "stage", a, "intent")  # a forward move restarts the clock
    assert seen(cli, "2024-10-21", "stalled") == []
    assert seen(cli, "2024-10-22", "stalled") == [(a, "2024-10-22", "today", 0)]
    cli("customer", "stage", a, "lead", "--reason", "预算冻结")  # a move back does not
    assert seen(cli, "2024-10-22", "stalled") == [(a, "2024-10-22", "today", 0)]
    cli("customer", "stage", a, "lost", "--reason", "预算取消")
    assert seen(cli, "2024-10-22", "stalled", days=30) == []


# --- filters, feed, exit code, upgraded database ----------------------------------------

def test_owner_and_kind_filters_apply_to_the_deadline_kinds(cli):
    cli.today("2024-10-08")
    mine = add(cli, "甲公司", *A_TIER)
    theirs = add(cli, "乙公司", *A_TIER, "--owner", "wang.fang")
    for code in (mine, theirs):
        cli("customer", "stage", code, "intent")
        cli("followup", "log", code, "-s", "不满意", "--feedback", "negative",
            "--at", "2024-10-08 00:01")
        cli("need", "add", code, "定制接口", "--kind", "must", "--priority", "high")
    everything = due(cli, "2024-10-25")
    assert {i["kind"] for i in everything} == {"followup", "objection", "need", "proposal",
                                              "stalled"}
    assert {i["customer_code"] for i in due(cli, "2024-10-25", "--owner", "wang.fang")} == {
        theirs}
    assert {(i["kind"], i["customer_code"])
            for i in due(cli, "2024-10-25", "--kind", "objection", "--kind", "need")} == {
        ("objection", mine), ("objection", theirs), ("need", mine), ("need", theirs)}


def test_the_ics_feed_has_every_deadline_kind_and_fail_if_overdue_sees_them(cli):
    cli.today("2024-09-20")
    code = add(cli, "甲公司", *A_TIER)
    cli("customer", "stage", code, "intent")
    cli("followup", "log", code, "-s", "有异议", "--objection", "--at", "2024-09-20 00:01")
    cli("need", "add", code, "定制接口", "--kind", "must", "--priority", "high")
    cli.today("2024-10-10")
    feed = cli("due", "--kind", "objection", "--kind", "need", "--kind", "proposal",
               "--kind", "stalled", "--format", "ics").stdout
    for uid in (f"objection-{code}-2024-09-21", f"need-{code}-1-2024-09-22",
                f"proposal-{code}-2024-09-27", f"stalled-{code}-2024-10-04"):
        assert f"UID:{uid}@salesflow" in feed
    result = cli("due", "--kind", "objection", "--format", "csv", "--fail-if-overdue", code=3)
    assert ",objection," in result.stdout


@pytest.mark.sqlite_only
def test_a_database_upgraded_from_0002_shows_its_unanswered_objection(cli, isolated):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import salesflow.migrations

    config = Config()
    config.set_main_option("script_location", salesflow.migrations.__path__[0])
    engine = create_engine(f"sqlite:///{isolated}")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    engine.dispose()
    con = sqlite3.connect(isolated)
    con.execute(
        "INSERT INTO customer (id, code, name, name_key, tier, stage, stage_changed_at, owner, "
        "created_at) VALUES (1, 'MFG-EC-001', '华东精密', '华东精密', 'B', 'proposal', "
        "'2024-09-02 02:00:00.000000', 'li.na', '2024-09-01 02:00:00.000000')")
    con.execute(
        "INSERT INTO followup (customer_id, at, logged_at, by, channel, summary, feedback, "
        "objection) VALUES (1, '2024-09-30 12:00:00.000000', '2024-09-30 12:00:00.000000', "
        "'li.na', 'phone', '价格太高', 'negative', 0)")
    con.commit()
    con.close()
    # 12:00 UTC is 20:00 in Shanghai: due the next day
    assert seen(cli, "2024-10-01", "objection") == [("MFG-EC-001", "2024-10-01", "today", 0)]
