"""Data care (SPEC §10): `customer reassign`, `customer forget` and `customer show --format
json` as everything held on one customer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from salesflow import columns


def team_day(moment: str) -> str:
    """The day (in the team's zone, Asia/Shanghai) of a UTC moment as JSON gives it: the
    test's day is SALESFLOW_TODAY at the real time of day, so its UTC date is the day
    before between 00:00 and 08:00 in Shanghai."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return (datetime.fromisoformat(moment.replace("Z", "+00:00"))
            .astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat())

CONTACT = "欧阳娜娜"
PHONE_TYPED = "139 1234 5678"
PHONE_FORMS = ("+8613912345678", "13912345678", PHONE_TYPED, "139-1234-5678")
EMAIL = "ouyang.nana@example.cn"
OTHER_CONTACT = "王强"


def keys(cols) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in cols]


def team(cli) -> None:  # type: ignore[no-untyped-def]
    """A manager, legal and gm, and two reps (the first user may be added by anyone)."""
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), ("li.na", "rep"),
                       ("sun.li", "rep")]:
        cli("user", "add", name, "--role", role, user="wang.lei")


def add(cli, name: str, *extra: str, user: str | None = None) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东", *extra,
               user=user).stdout.strip()


def counts(cli) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the reports count: rows per table and the money."""
    tables = ("customer", "followup", "stage_change", "need", "contract", "approval",
              "payment")
    out: dict[str, object] = {t: cli.query(f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    out["money"] = cli.query("SELECT sum(amount) FROM contract")[0][0]
    out["paid"] = cli.query("SELECT sum(paid_amount) FROM payment")[0][0]
    out["satisfaction"] = cli.query("SELECT sum(satisfaction) FROM followup")[0][0]
    out["stages"] = cli.query("SELECT customer_id, to_stage, at FROM stage_change ORDER BY id")
    out["list"] = len(cli.json("customer", "list"))
    out["exported_followups"] = len(cli.json("export", "followups"))
    out["report"] = cli.json("report", "quarter", "2024Q2")
    out["report_by_owner"] = cli.json("report", "quarter", "2024Q2", "--by", "owner")
    return out


# --- customer reassign ---------------------------------------------------------------------


@pytest.fixture
def book(cli):  # type: ignore[no-untyped-def]
    """li.na's customers (one with a promised next action and a need, one with a pending
    contract she drafted) and one of sun.li's."""
    cli.today("2024-05-06")
    team(cli)
    a = add(cli, "甲公司", "--potential", "60万", "--decision-days", "20", user="li.na")
    cli("followup", "log", a, "-s", "first call", "--next-action", "send the quote",
        "--next-due", "2024-05-08", user="li.na")
    cli("need", "add", a, "数控机床升级", "--kind", "must", "--priority", "high",
        user="li.na")
    b = add(cli, "乙公司", user="li.na")
    number = cli("contract", "add", b, "--amount", "10万", "--submit",
                 user="li.na").stdout.strip()
    c = add(cli, "丙公司", user="sun.li")
    return a, b, c, number


def due_codes(cli, owner: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {i["customer_code"] for i in cli.json("due", "--owner", owner, "--days", "30")}


def test_reassign_moves_the_book_and_its_open_items_in_one_step(cli, book):
    a, b, c, number = book
    assert due_codes(cli, "li.na") == {a, b}
    result = cli("customer", "reassign", "--from", "li.na", "--to", "sun.li", "-f", "json",
                 user="wang.lei")
    import json

    assert [r["code"] for r in json.loads(result.stdout)] == [a, b]
    assert "moved 2 customers from li.na to sun.li" in result.stderr
    owners = {r["code"]: r["owner"] for r in cli.json("customer", "list")}
    assert owners == {a: "sun.li", b: "sun.li", c: "sun.li"}
    assert due_codes(cli, "li.na") == set()
    assert due_codes(cli, "sun.li") >= {a, b}
    # history stays with who did it; the contract keeps its creator
    assert cli.json("contract", "show", number)["created_by"] == "li.na"
    assert cli.query("SELECT DISTINCT by FROM followup") == [("li.na",)]
    assert cli.query("SELECT created_by FROM need") == [("li.na",)]
    audit = [w for (w,) in cli.query("SELECT what FROM audit WHERE command = "
                                     "'customer reassign' ORDER BY id")]
    assert audit == [f"customer {a} reassigned from li.na to sun.li",
                     f"customer {b} reassigned from li.na to sun.li"]


def test_a_dry_run_lists_what_would_move_and_writes_nothing(cli, book, unchanged):
    a, b, _c, _number = book
    check = unchanged()
    result = cli("customer", "reassign", "--from", "li.na", "--to", "sun.li", "--dry-run",
                 "--format", "csv", user="wang.lei")
    assert result.stdout.splitlines()[0] == "code,name,tier,stage,next_due_at"
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == [a, b]
    assert "would move 2 customers" in result.stderr
    check()


def test_a_rep_without_customers_moves_nothing_and_succeeds(cli, book, unchanged):
    check = unchanged()
    result = cli("customer", "reassign", "--from", "zhou.jie", "--to", "sun.li",
                 user="wang.lei")
    assert "nothing to move: zhou.jie owns no customers" in result.stderr
    assert cli.json("customer", "reassign", "--from", "zhou.jie", "--to", "sun.li",
                    user="wang.lei") == []
    check()


@pytest.mark.parametrize(("args", "user", "expected"), [
    (["--from", "li.na", "--to", "li.na"], "wang.lei", "Error: to: 'li.na' is also --from"),
    (["--from", "li.na", "--to", "zhou.jie"], "wang.lei",
     "Error: to: no user 'zhou.jie'; use one of chen.gang, li.na, sun.li, wang.lei, zhao.min"),
    (["--from", "li.na", "--to", "sun.li"], "li.na",
     "Error: reassign: only a manager or gm may reassign customers (li.na is rep)"),
    (["--from", "li.na", "--to", "sun.li"], "zhao.min",
     "Error: reassign: only a manager or gm may reassign customers (zhao.min is legal)"),
    (["--from", " ", "--to", "sun.li"], "wang.lei", "Error: from:"),
], ids=["same-rep", "unknown-to", "rep-may-not", "legal-may-not", "blank-from"])
def test_reassign_refusals_change_nothing(cli, book, unchanged, args, user, expected):
    check = unchanged()
    err = cli.fails("customer", "reassign", *args, user=user)
    assert err.startswith(expected), err
    check()


def test_without_users_anyone_may_hand_over_to_anyone(cli):
    code = add(cli, "甲公司")
    cli("customer", "reassign", "--from", "li.na", "--to", "new.rep", user="li.na")
    assert cli.json("customer", "show", code)["owner"] == "new.rep"


# --- customer show: everything held ------------------------------------------------------


def test_show_json_holds_everything_on_one_customer(cli):
    cli.today("2024-05-06")
    team(cli)
    code = add(cli, "甲公司", "--contact", CONTACT, "--phone", PHONE_TYPED,
               "--potential", "60万", "--decision-days", "20")
    cli("followup", "log", code, "-s", "first call", "--satisfaction", "5")
    cli("need", "add", code, "数控机床升级", "--kind", "must", "--priority", "high")
    cli("customer", "stage", code, "intent")  # the open need is the recorded need
    number = cli("contract", "add", code, "--amount", "10万", "--terms", "30天质保",
                 "--payment", "2024-06-01:10万", "--submit").stdout.strip()
    cli("contract", "approve", number, "--note", "同意", user="wang.lei")
    add(cli, "乙公司")  # someone else's data is not in it

    data = cli.json("customer", "show", code)
    assert list(data)[:len(columns.CUSTOMER)] == keys(columns.CUSTOMER)
    assert (data["code"], data["contact_name"], data["phone"]) == (
        code, CONTACT, "+8613912345678")
    assert data["tier"] == "A" and data["tier_rule"].startswith("A:")
    assert data["strategy"] and data["forgotten_at"] is None
    [person] = data["contacts"]  # the customer's contact is its primary contact
    assert list(person) == keys(columns.CONTACT)
    assert (person["name"], person["phone"], person["primary"]) == (
        CONTACT, "+8613912345678", True)
    assert data["solutions"] == []
    [followup] = data["followups"]
    assert list(followup) == keys(columns.FOLLOWUP) and followup["satisfaction"] == 5
    assert [(s["from_stage"], s["to_stage"]) for s in data["stage_changes"]] == [
        (None, "lead"), ("lead", "intent")]
    [need] = data["needs"]
    assert list(need) == keys(columns.NEED)
    assert (need["description"], need["kind"], need["status"]) == ("数控机床升级", "must",
                                                                   "open")
    [contract] = data["contracts"]
    assert list(contract) == [*keys(columns.CONTRACT), "terms", "approvals", "payments"]
    assert (contract["number"], contract["amount"], contract["status"],
            contract["terms"]) == (number, 100000, "pending", "30天质保")
    [approval] = contract["approvals"]
    assert list(approval) == keys(columns.APPROVAL)
    assert (approval["step"], approval["by"], approval["note"]) == ("manager", "wang.lei",
                                                                    "同意")
    [payment] = contract["payments"]
    assert list(payment) == keys(columns.PAYMENT)
    assert (payment["due"], payment["amount"], payment["status"]) == ("2024-06-01", 100000,
                                                                      "open")
    table = cli("customer", "show", code).stdout
    assert number in table and "数控机床升级" in table


def test_show_of_an_unknown_customer_is_refused(cli):
    add(cli, "甲公司")
    assert cli.fails("customer", "show", "MFG-EC-404").startswith("Error: customer:")


# --- customer forget -----------------------------------------------------------------------


@pytest.fixture
def person(cli):  # type: ignore[no-untyped-def]
    """A customer whose contact's name and phone are everywhere free text can be: the
    profile, follow-ups, a need, stage reasons, contract terms, approval and rejection
    notes; edited and handed over so that many versions of its pages were written. And a
    second customer whose contact must survive."""
    cli.today("2024-05-06")
    team(cli)
    code = add(cli, "甲公司", "--contact", CONTACT, "--title", "采购总监", "--phone",
               PHONE_TYPED, "--email", EMAIL, "--need", f"{CONTACT} wants a new line",
               "--notes", f"{CONTACT} prefers calls on {PHONE_TYPED}", "--potential", "60万",
               "--decision-days", "20", "--source", "referral",
               "--source-detail", f"referred by {CONTACT}")
    other = add(cli, "乙公司", "--contact", OTHER_CONTACT, "--phone", "13800138000")
    for i in range(5):
        cli("customer", "edit", code, "--notes", f"{CONTACT} call #{i}: {PHONE_FORMS[3]}")
        cli("followup", "log", code, "-s", f"spoke with {CONTACT} ({PHONE_FORMS[1]}) #{i}",
            "--reason", f"{CONTACT} hesitates", "--feedback", "neutral",
            "--next-action", f"call {CONTACT}", "--next-due", "+3d", "--satisfaction", "4")
    cli("followup", "log", other, "-s", f"spoke with {OTHER_CONTACT}")
    cli("customer", "stage", code, "intent", "--reason", f"{CONTACT} confirmed the need")
    need = cli("need", "add", code, f"{CONTACT}: spindle upgrade", "--kind", "must",
               "--priority", "high").stdout.strip()
    cli("need", "respond", need, "--note", f"told {CONTACT} on {PHONE_TYPED}")
    number = cli("contract", "add", code, "--amount", "10万", "--terms",
                 f"signed by {CONTACT}", "--payment", "2024-06-01:10万",
                 "--submit").stdout.strip()
    cli("contract", "approve", number, "--reject", "--note", f"{CONTACT} must countersign",
        user="wang.lei")
    cli("contract", "submit", number)
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", number, "--note", f"ok for {CONTACT}", user=approver)
    # signing needs negotiation (SPEC §11): the manager skips there, with a reason
    cli("customer", "stage", code, "negotiation", "--reason", f"{CONTACT} agreed",
        user="wang.lei")
    cli("contract", "sign", number)
    cli("payment", "record", number, "4万")
    cli("customer", "reassign", "--from", "li.na", "--to", "sun.li", user="wang.lei")
    return code, other, number


def secrets_in(db: Path, *texts: str) -> list[str]:
    """Which texts appear, as UTF-8 bytes, in the database file, its WAL or its index."""
    found = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            data = path.read_bytes()
            found.extend(f"{path.name}: {t}" for t in texts if t.encode() in data)
    return found


def test_forget_erases_the_personal_data_and_keeps_every_count(cli, person):
    code, other, number = person
    before = counts(cli)
    new_leads = next(m for m in before["report"]["metrics"]  # type: ignore[index]
                     if m["metric"] == "new_leads")
    assert new_leads["actual"] == 2  # the forgotten customer is one of them
    result = cli("customer", "forget", code, "--yes")
    assert f"erased the personal data of {code}" in result.stderr
    assert counts(cli) == before  # every table count, sum and the whole KPI report

    data = cli.json("customer", "show", code)
    for field in ("contact_name", "contact_title", "phone", "email", "need", "source_detail",
                  "tags", "notes"):
        assert data[field] is None, field
    assert (data["name"], data["tier"], data["stage"], data["owner"], data["source"]) == (
        "甲公司", "A", "won", "sun.li", "referral")
    assert team_day(data["forgotten_at"]) == "2024-05-06"
    assert {f["summary"] for f in data["followups"]} == {"(erased)"}
    assert all(f["reason"] is None and f["next_action"] is None for f in data["followups"])
    assert [f["satisfaction"] for f in data["followups"]] == [4] * 5
    assert all(f["next_action_due"] for f in data["followups"])
    assert [s["reason"] for s in data["stage_changes"]] == [None, None, None, None]
    [need] = data["needs"]
    assert (need["description"], need["response"], need["status"]) == (
        "(erased)", None, "responded")
    [contract] = data["contracts"]
    assert (contract["terms"], contract["amount"], contract["status"]) == (None, 100000,
                                                                           "signed")
    assert {a["note"] for a in contract["approvals"]} == {None}
    assert contract["payments"][0]["paid_amount"] == 40000
    assert "erased on 2024-05-06" in cli("customer", "show", code).stdout

    everything = str(cli.dump())
    for text in (CONTACT, EMAIL, *PHONE_FORMS):
        assert text not in everything, text
    assert OTHER_CONTACT in everything  # nobody else's data went
    assert cli.json("customer", "show", other)["phone"] == "+8613800138000"
    audit = [w for (w,) in cli.query("SELECT what FROM audit WHERE command = "
                                     "'customer forget'")]
    assert audit == [f"customer {code} personal data erased"]


@pytest.mark.sqlite_only
def test_forget_leaves_nothing_in_the_file_its_wal_or_free_pages(cli, person, isolated):
    code, _other, _number = person
    # An idle connection keeps the WAL file alive (SQLite removes it when the last
    # connection closes), as a long-running reader or GUI would.
    keeper = sqlite3.connect(isolated)
    keeper.execute("SELECT count(*) FROM customer").fetchall()
    cli("customer", "edit", code, "--notes", f"{CONTACT} again, {PHONE_TYPED}")
    assert secrets_in(isolated, CONTACT, *PHONE_FORMS)  # the test can see them at all
    try:
        result = cli("customer", "forget", code, "--yes")
        assert "warning" not in result.stderr
        assert secrets_in(isolated, CONTACT, EMAIL, *PHONE_FORMS) == []
        assert secrets_in(isolated, OTHER_CONTACT) != []
        assert Path(f"{isolated}-wal").stat().st_size == 0
    finally:
        keeper.close()
    assert keeper is not None
    con = sqlite3.connect(isolated)
    try:
        assert con.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_reader_holding_an_old_snapshot_is_reported_not_hidden(cli, person, isolated,
                                                                 monkeypatch):
    code, _other, _number = person
    monkeypatch.setenv("SALESFLOW_BUSY_TIMEOUT", "0.2")
    reader = sqlite3.connect(isolated, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchall()  # holds its snapshot
    try:
        result = cli("customer", "forget", code, "--yes")
        held = secrets_in(isolated, CONTACT)  # while the reader still holds its snapshot
    finally:
        reader.execute("COMMIT")
        reader.close()
    stderr = " ".join(result.stderr.split())  # one message, however the terminal wraps it
    assert stderr.count("warning:") == 1
    joined = "".join(result.stderr.split())  # paths, however the terminal wraps them
    assert held  # the reader's snapshot keeps old copies somewhere...
    for found in held:  # ...and the warning names every file that holds them
        name = found.split(":")[0]
        assert str(isolated.parent / name) in joined, (held, stderr)
    assert "once the other session has closed" in stderr
    assert cli.json("customer", "show", code)["contact_name"] is None  # erased all the same
    result = cli("customer", "forget", code, "--yes")  # once the reader is gone
    assert "warning" not in result.stderr
    assert secrets_in(isolated, CONTACT, EMAIL, *PHONE_FORMS) == []


@pytest.mark.sqlite_only
def test_forget_names_the_migration_backups_that_may_hold_old_copies(cli, isolated):
    code = add(cli, "甲公司", "--contact", CONTACT)
    backup = Path(f"{isolated}.before-0003.bak")
    backup.write_bytes(b"")
    result = cli("customer", "forget", code, "--yes")
    assert str(backup) in "".join(result.stderr.split())  # however the terminal wraps it
    assert backup.exists()  # the user's to delete


@pytest.mark.sqlite_only
def test_forget_scrubs_pages_freed_without_secure_delete(cli, isolated):
    """SQLite builds without SQLITE_SECURE_DELETE (the default outside some distributions)
    leave a long text's old overflow pages readable on the free list, where no UPDATE of
    the row reaches them; the VACUUM after the erasure does."""
    code = add(cli, "甲公司", "--contact", CONTACT)
    con = sqlite3.connect(isolated, isolation_level=None)
    con.execute("PRAGMA secure_delete=OFF")
    for i in range(3):
        con.execute("UPDATE customer SET notes = ? WHERE code = ?",
                    (f"{CONTACT} #{i} " + "拜访记录" * 2000, code))
    con.execute("UPDATE customer SET notes = 'short' WHERE code = ?", (code,))
    con.close()
    con = sqlite3.connect(isolated)
    assert con.execute("PRAGMA freelist_count").fetchone()[0] > 0
    con.close()
    assert secrets_in(isolated, f"{CONTACT} #")  # on the free list
    cli("customer", "forget", code, "--yes")
    assert secrets_in(isolated, CONTACT) == []


def test_forget_without_yes_off_a_terminal_is_refused(cli, unchanged):
    code = add(cli, "甲公司", "--contact", CONTACT)
    check = unchanged()
    err = cli.fails("customer", "forget", code)
    assert err.startswith("Error: yes:") and "--yes" in err
    check()


def test_forget_of_an_unknown_customer_is_refused(cli, unchanged):
    add(cli, "甲公司", "--contact", CONTACT)
    check = unchanged()
    assert cli.fails("customer", "forget", "MFG-EC-404", "--yes").startswith(
        "Error: customer: no customer 'MFG-EC-404'")
    check()


@pytest.mark.parametrize(("answer", "erased"), [("n\n", False), ("y\n", True)],
                         ids=["declined", "confirmed"])
def test_forget_asks_on_a_terminal(cli, unchanged, monkeypatch, answer, erased):
    from salesflow.cli import app
    from salesflow.commands import customer

    code = add(cli, "甲公司", "--contact", CONTACT)
    monkeypatch.setattr(customer, "_on_terminal", lambda: True)
    check = unchanged()
    result = cli.runner.invoke(app, ["customer", "forget", code], input=answer)
    assert f"Erase the personal data held on {code} 甲公司?" in result.output
    if erased:
        assert result.exit_code == 0
        assert cli.json("customer", "show", code)["contact_name"] is None
    else:
        assert result.exit_code == 1
        assert "Error: yes: not confirmed; nothing was erased" in result.stderr
        check()


def test_forgetting_twice_erases_what_was_added_since(cli):
    cli.today("2024-05-06")
    code = add(cli, "甲公司", "--contact", CONTACT)
    cli("customer", "forget", code, "--yes")
    cli.today("2024-05-07")
    cli("followup", "log", code, "-s", f"{CONTACT} called back")
    cli("customer", "forget", code, "--yes")
    data = cli.json("customer", "show", code)
    assert [f["summary"] for f in data["followups"]] == ["(erased)"]
    assert team_day(data["forgotten_at"]) == "2024-05-07"
