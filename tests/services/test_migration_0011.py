"""Migration 0011 (indexes of a rep's own deadlines) upgrades a database of the previous
revision in place and loses nothing."""

from __future__ import annotations

import sqlite3

import pytest
from tests.services.test_migration_0010 import ROWS as ROWS_0010
from tests.services.test_migrations import upgrade_keeps_every_row

PREVIOUS = "0010"  # the revision 0011 follows
ROWS = dict(ROWS_0010)  # 0010 added no table


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):
    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)
    con = sqlite3.connect(isolated)
    try:
        indexes = {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'")}
        contract = {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contract'")}
    finally:
        con.close()
    assert {"ix_customer_owner_tier_progressed", "ix_customer_owner_stage_changed"} <= indexes
    assert "ix_contract_customer_status_signed" in contract  # a customer's signed contracts
    assert "ix_customer_owner_tier" not in indexes  # the new (owner, tier, …) extends it
