"""Migration 0010 widens the money columns that were 32-bit on PostgreSQL (customer
potential, contract and installment amounts) to BIGINT, in place: an existing database
keeps every row, and an amount above ¥21,474,836.47 is stored on both backends."""

from __future__ import annotations

import pytest
from tests.commands.test_contract import draft, show, team, to_negotiation
from tests.services.test_migration_0009 import ROWS as ROWS_0009
from tests.services.test_migrations import create_at, upgrade_keeps_every_row

import salesflow.migrations

PREVIOUS = "0009"  # the revision 0010 follows

ROWS = {
    **ROWS_0009,
    # 0009 (a team on one server) added the pool's moves
    "pool_move": "INSERT INTO pool_move (id, customer_id, action, owner, by, at) VALUES "
                 "(1, 1, 'claim', 'li.na', 'li.na', '2023-10-01 02:00:00.000000')",
}
WIDENED = {("customer", "potential"), ("contract", "amount"), ("payment", "amount"),
           ("payment", "paid_amount")}


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):
    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)


def test_amounts_above_32_bits_are_stored_and_read_back(cli):
    team(cli)
    code = cli("customer", "add", "北方重工集团有限公司", "--industry", "制造业",
               "--region", "华北", "--potential", "30000万", "--decision-days", "60",
               "--need", "产线改造").stdout.strip()
    assert cli.json("customer", "show", code)["potential"] == 300_000_000  # yuan
    to_negotiation(cli, code)
    number = draft(cli, code, "--payment", "acceptance+30:3000万", "--payment",
                   "acceptance+90:2000万", amount="5000万")
    assert show(cli, number)["amount"] == 50_000_000
    assert sum(a for (a,) in cli.query("SELECT amount FROM payment")) == 5_000_000_000  # fen


def test_postgresql_columns_are_widened_in_place(cli, backend):
    if backend != "postgresql":
        pytest.skip("SQLite integers are 64-bit whatever the declared type")
    create_at(cli.location, PREVIOUS,
              "INSERT INTO customer (code, name, name_key, tier, stage, stage_changed_at, "
              "owner, created_at, potential) VALUES ('MFG-EC-001', '华东精密', '华东精密', "
              "'A', 'lead', now(), 'li.na', now(), 2147483647)")

    assert [(r["code"], r["potential"]) for r in cli.json("customer", "list")] == [
        ("MFG-EC-001", 21474836.47)]  # yuan: the largest 32-bit amount in fen
    assert cli.query("SELECT version_num FROM alembic_version") == [
        (salesflow.migrations.HEAD,)]
    types = {(t, c): kind for t, c, kind in cli.query(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public'")}
    assert {key: types[key] for key in WIDENED} == dict.fromkeys(WIDENED, "bigint")


def test_postgresql_schema_has_exactly_the_models_types(cli, backend):
    """On PostgreSQL a declared type is what the server enforces (a 32-bit integer refused
    large amounts): the migrated schema must match models.py column for column, types
    included (tests/test_structure.py checks the rest on SQLite)."""
    if backend != "postgresql":
        pytest.skip("SQLite enforces no declared type")
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import salesflow.models  # noqa: F401

    cli("customer", "list")  # the first command migrates the database
    engine = create_engine(cli.location)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    flat = [c for d in diff for c in (d if isinstance(d, list) else [d])]
    assert [c for c in flat if c[0] == "modify_type"] == []
