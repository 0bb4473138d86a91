"""Schema changes upgrade an existing database in place, after a backup (SPEC §10)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

import salesflow.migrations

MIGRATIONS = Path(salesflow.migrations.__file__).parent


def create_at(db: Path, revision: str) -> None:
    """A database file as an older salesflow left it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def tables(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


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
    assert version(isolated) == salesflow.migrations.HEAD == "0002"

    backup = isolated.with_name(f"{isolated.name}.before-0002.bak")
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
def test_an_up_to_date_database_is_not_backed_up_again(cli, isolated):
    cli("customer", "add", "甲公司")
    cli("customer", "list")
    assert not list(isolated.parent.glob("*.bak"))
