"""Migration 0008 (SPEC §12: after the deal) upgrades a database of the previous revision
in place and loses nothing: every row of every table it held is still there, column for
column; a signed contract with an end gets its renewal date at once, and nothing else of
the new columns is set."""

from __future__ import annotations

import pytest
from tests.services.test_migration_0007 import ROWS as ROWS_0007
from tests.services.test_migrations import (
    rows_of,
    tables,
    upgrade_keeps_every_row,
)

PREVIOUS = "0007"  # the revision 0008 follows

ROWS = {
    **ROWS_0007,
    # 0007 (relationship care) added key dates
    "key_date": "INSERT INTO key_date (id, customer_id, name, month_day, year, created_by, "
                "created_at) VALUES (1, 1, '司庆', '05-18', NULL, 'li.na', "
                "'2023-10-08 02:00:00.000000')",
    # the seed's contract, signed, ending 2024-11-01 (a renewal item on 2024-09-02)
    "contract": "INSERT INTO contract (id, number, customer_id, amount, \"end\", created_by, "
                "created_at, status, round, signed_at) VALUES (1, 'HT20231001', 1, "
                "258000000, '2024-11-01', 'li.na', '2023-10-08 02:00:00.000000', 'signed', 1, "
                "'2023-10-20 02:00:00.000000')",
    "followup": "INSERT INTO followup (id, customer_id, at, logged_at, by, channel, summary, "
                "objection, purpose, result) VALUES (1, 1, '2023-10-08 02:00:00.000000', "
                "'2023-10-08 02:00:00.000000', 'li.na', 'phone', '初次电话', 0, 'sales', "
                "NULL)",
}


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):

    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)
    contract = rows_of(isolated, "contract")[0]
    assert (contract["renewal_on"], contract["aftersales_due"], contract["accepted_on"],
            contract["warranty"], contract["promise_until"]) == (
        "2024-09-02", None, None, None, None)
    assert rows_of(isolated, "payment")[0]["after_acceptance"] is None
    assert rows_of(isolated, "customer")[0]["delivering"] == 0
    assert tables(isolated) - set(ROWS) >= {"alembic_version", "project_phase", "project_change",
                                       "acceptance", "payment_promise"}
    # and the upgraded contract reads back through the real commands
    assert cli.json("contract", "show", "HT20231001", user="wang.qiang")["accepted_on"] is None
    renewal = cli.json("due", "--kind", "renewal", "--date", "2024-09-02", "--days", "0",
                       user="wang.qiang")
    assert [(i["kind"], i["due_date"]) for i in renewal] == [("renewal", "2024-09-02")]
