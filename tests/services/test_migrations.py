"""Schema changes upgrade an existing database in place, after a backup (SPEC §10)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

import salesflow.migrations

MIGRATIONS = Path(salesflow.migrations.__file__).parent


def create_at(db: Path | str, revision: str, *statements: str) -> None:
    """A database as an older salesflow left it: a SQLite file, or a PostgreSQL URL (a str
    with '://'), holding what `statements` insert."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def tables(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def rows_of(db: Path, table: str) -> list[dict]:  # type: ignore[type-arg]
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f'SELECT * FROM "{table}" ORDER BY 1')]
    finally:
        con.close()


def upgrade_keeps_every_row(cli, db: Path, previous: str, rows: dict[str, str],  # type: ignore[no-untyped-def]
                            *, more: tuple[str, ...] = (),
                            codes: tuple[str, ...] = ("MFG-EC-001",)) -> None:
    """A database at `previous` holding `rows` (one INSERT per table: every table must have
    one) and `more`, upgraded by a real command run as the one user it holds: HEAD, and
    every row is still there, column for column."""
    create_at(db, previous)
    held = tables(db) - {"alembic_version"}
    assert held == set(rows), "insert a row in every table of the previous revision"
    con = sqlite3.connect(db)
    for statement in [*rows.values(), *more]:
        con.execute(statement)
    con.commit()
    con.close()
    before = {t: rows_of(db, t) for t in held}

    assert [r["code"] for r in cli.json("customer", "list", user="wang.qiang")] == list(codes)
    assert version(db) == salesflow.migrations.HEAD
    for table, kept in before.items():
        after = rows_of(db, table)
        assert [{k: r[k] for k in kept[0]} for r in after] == kept, table


def version(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_database_at_0001_is_upgraded_in_place_after_a_backup(cli, isolated):
    create_at(isolated, "0001")
    con = sqlite3.connect(isolated)
    con.execute(
        "INSERT INTO customer (code, name, name_key, industry, region, tier, stage, "
        "stage_changed_at, owner, created_at, next_due_at, next_due_kind) VALUES "
        "('MFG-EC-001', '华东精密科技有限公司', '华东精密科技', '制造业', '华东', 'A', "
        "'negotiation', '2023-10-08 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000', "
        "'2023-10-15', 'followup')")
    con.execute("INSERT INTO code_sequence (prefix, last) VALUES ('MFG-EC', 1)")
    con.commit()
    con.close()
    assert "contract" not in tables(isolated)

    [row] = cli.json("customer", "list")
    assert (row["code"], row["name"], row["stage"], row["owner"], row["created_at"]) == (
        "MFG-EC-001", "华东精密科技有限公司", "negotiation", "li.na", "2023-09-01T02:00:00Z")
    assert {"contract", "approval", "payment"} <= tables(isolated)
    assert version(isolated) == salesflow.migrations.HEAD

    backup = isolated.with_name(f"{isolated.name}.before-{salesflow.migrations.HEAD}.bak")
    assert backup.exists()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert version(backup) == "0001" and "contract" not in tables(backup)
    con = sqlite3.connect(backup)
    assert con.execute("SELECT code FROM customer").fetchall() == [("MFG-EC-001",)]
    con.close()

    # the upgraded database takes contracts for the customer it already held
    cli.today("2023-10-08")
    assert cli("contract", "add", "MFG-EC-001", "--amount", "258万").stdout.strip() == \
        "HT20231001"
    assert cli("customer", "add", "苏州恒达机械", "--industry", "制造业", "--region",
               "华东").stdout.strip() == "MFG-EC-002"


@pytest.mark.sqlite_only
def test_a_database_at_0002_gains_needs_targets_and_its_deadlines_from_history(cli, isolated):
    """0003 fills the new deadline columns from the rows already held: the last forward
    stage move (a move back does not count) and an unanswered negative follow-up."""
    create_at(isolated, "0002")
    con = sqlite3.connect(isolated)
    con.execute(
        "INSERT INTO customer (id, code, name, name_key, tier, stage, stage_changed_at, owner, "
        "created_at) VALUES (1, 'MFG-EC-001', '华东精密', '华东精密', 'A', 'intent', "
        "'2023-10-20 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000'), "
        "(2, 'MFG-EC-002', '苏州恒达', '苏州恒达', 'B', 'lead', "
        "'2023-09-02 02:00:00.000000', 'li.na', '2023-09-02 02:00:00.000000')")
    con.execute(
        "INSERT INTO stage_change (customer_id, from_stage, to_stage, at, by, reason) VALUES "
        "(1, NULL, 'lead', '2023-09-01 02:00:00.000000', 'li.na', 'created'), "
        "(1, 'lead', 'intent', '2023-09-10 02:00:00.000000', 'li.na', NULL), "
        "(1, 'intent', 'proposal', '2023-10-01 02:00:00.000000', 'li.na', NULL), "
        "(1, 'proposal', 'intent', '2023-10-20 02:00:00.000000', 'li.na', 'rework'), "
        "(2, NULL, 'lead', '2023-09-02 02:00:00.000000', 'li.na', 'created')")
    con.execute(
        "INSERT INTO followup (customer_id, at, logged_at, by, channel, summary, feedback, "
        "objection) VALUES "
        "(1, '2023-10-21 02:00:00.000000', '2023-10-21 02:00:00.000000', 'li.na', 'phone', "
        "'价格太高', 'negative', 0), "
        "(2, '2023-10-02 02:00:00.000000', '2023-10-02 02:00:00.000000', 'li.na', 'phone', "
        "'不感兴趣', 'negative', 0), "
        "(2, '2023-10-05 02:00:00.000000', '2023-10-05 02:00:00.000000', 'li.na', 'visit', "
        "'再次拜访', 'positive', 0)")
    con.commit()
    con.close()

    assert len(cli.json("customer", "list")) == 2  # opening it upgrades it
    assert version(isolated) == salesflow.migrations.HEAD
    assert {"need", "target", "import_batch"} <= tables(isolated)
    con = sqlite3.connect(isolated)
    rows = con.execute("SELECT code, progressed_at, objection_at FROM customer "
                       "ORDER BY code").fetchall()
    con.close()
    assert rows == [
        ("MFG-EC-001", "2023-10-01 02:00:00.000000", "2023-10-21 02:00:00.000000"),
        ("MFG-EC-002", "2023-09-02 02:00:00.000000", None),
    ]
    assert isolated.with_name(f"{isolated.name}.before-{salesflow.migrations.HEAD}.bak").exists()


@pytest.mark.sqlite_only
def test_an_up_to_date_database_is_not_backed_up_again(cli, isolated):
    cli("customer", "add", "甲公司")
    cli("customer", "list")
    assert not list(isolated.parent.glob("*.bak"))


@pytest.mark.sqlite_only
def test_a_database_at_0003_keeps_every_row_and_each_contact_becomes_the_primary(cli,
                                                                                 isolated):
    """0004 adds contacts, discovery, solutions: a 0003 file with a row in every table
    upgrades in place, and every customer's contact becomes its primary contact."""
    create_at(isolated, "0003")
    con = sqlite3.connect(isolated)
    t = "'2023-10-08 02:00:00.000000'"
    con.executescript(f"""
        INSERT INTO user (id, name, role, created_at) VALUES (1, 'wang.lei', 'manager', {t});
        INSERT INTO setting (key, value) VALUES ('tier.a.days', '30');
        INSERT INTO code_sequence (prefix, last) VALUES ('MFG-EC', 3);
        INSERT INTO customer (id, code, name, name_key, contact_name, contact_title,
            contact_role, phone, email, need, tier, stage, stage_changed_at, owner,
            created_at, progressed_at) VALUES
          (1, 'MFG-EC-001', '华东精密', '华东精密', '王强', '采购总监', 'decision-maker',
           '+8613800138000', 'wq@example.cn', '分拣', 'A', 'negotiation', {t}, 'li.na',
           {t}, {t}),
          (2, 'MFG-EC-002', '苏州恒达', '苏州恒达', NULL, NULL, NULL, '+8613900139000',
           NULL, NULL, 'C', 'lead', {t}, 'li.na', {t}, {t}),
          (3, 'MFG-EC-003', '无锡太湖', '无锡太湖', NULL, NULL, NULL, NULL, NULL, NULL,
           'C', 'lead', {t}, 'li.na', {t}, {t});
        INSERT INTO followup (customer_id, at, logged_at, by, channel, summary, objection)
            VALUES (1, {t}, {t}, 'li.na', 'phone', '电话', 0);
        INSERT INTO stage_change (customer_id, from_stage, to_stage, at, by) VALUES
            (1, NULL, 'lead', {t}, 'li.na');
        INSERT INTO audit (at, user, command, what) VALUES ({t}, 'li.na', 'x', 'y');
        INSERT INTO contract (id, number, customer_id, amount, created_by, created_at,
            status, round) VALUES (1, 'HT20231001', 1, 100000, 'li.na', {t}, 'draft', 0);
        INSERT INTO approval (contract_id, round, step, decision, by, at) VALUES
            (1, 1, 'manager', 'reject', 'wang.lei', {t});
        INSERT INTO payment (contract_id, due, amount, paid_amount) VALUES
            (1, '2023-12-01', 100000, 0);
        INSERT INTO need (customer_id, description, kind, priority, status, created_at,
            created_by) VALUES (1, '分拣', 'must', 'high', 'open', {t}, 'li.na');
        INSERT INTO target (quarter, metric, value, set_by, set_at) VALUES
            ('2023Q4', 'new_leads', 30, 'wang.lei', {t});
        INSERT INTO import_batch (id, file, at, by, added, updated, skipped) VALUES
            ('20231008-1', 'a.csv', {t}, 'li.na', 0, 0, 0);
    """)
    con.commit()
    before = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in tables(isolated) if name != "alembic_version"}
    con.close()
    assert all(before.values()), before  # a row in every table

    assert len(cli.json("customer", "list", user="wang.lei")) == 3  # opening it upgrades it
    assert version(isolated) == salesflow.migrations.HEAD
    assert {"contact", "solution", "solution_review"} <= tables(isolated)
    con = sqlite3.connect(isolated)
    after = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
             for name in before}
    con.close()
    assert after == before
    assert cli.json("contact", "list", "MFG-EC-001", user="wang.lei") == [{
        "name": "王强", "title": "采购总监", "role": "decision-maker",
        "phone": "+8613800138000", "email": "wq@example.cn", "prefers": None,
        "primary": True, "notes": None}]
    # a contact known only by a phone is kept as a contact named after it
    [phone_only] = cli.json("contact", "list", "MFG-EC-002", user="wang.lei")
    assert (phone_only["name"], phone_only["primary"]) == ("+8613900139000", True)
    assert cli.json("contact", "list", "MFG-EC-003", user="wang.lei") == []
    # the upgraded database takes the new commands
    cli("contact", "add", "MFG-EC-001", "赵工", "--role", "technical", user="wang.lei")
    cli("solution", "add", "MFG-EC-001", "智能分拣解决方案", "--quote", "258万",
        user="wang.lei")
    shown = cli.json("customer", "show", "MFG-EC-001", user="wang.lei")
    assert shown["contact_name"] == "王强" and len(shown["contacts"]) == 2
