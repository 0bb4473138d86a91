"""Migration 0006 (SPEC §12: a follow-up's purpose and result) upgrades a database of the
previous revision in place and loses nothing: every row of every table it held is still
there, column for column, and every old follow-up reads as a sales contact."""

from __future__ import annotations

import pytest
from tests.services.test_migration_0005 import ROWS as ROWS_0004
from tests.services.test_migrations import (
    rows_of,
    upgrade_keeps_every_row,
)

PREVIOUS = "0005"  # the revision 0006 follows

ROWS = {
    **ROWS_0004,
    # 0005 gave target its scope columns and added three tables
    "target": "INSERT INTO target (id, quarter, metric, owner, industry, region, value, "
              "set_by, set_at) VALUES (1, '2023Q4', 'signed_amount', 'li.na', '', '', "
              "100000000, 'wang.qiang', '2023-10-01 02:00:00.000000')",
    "extension": "INSERT INTO extension (id, customer_id, kind, ref, due_date, to_date, "
                 "reason, requested_by, requested_at, status) VALUES (1, 1, 'need', '1', "
                 "'2023-10-10', '2023-10-20', '客户出差', 'li.na', "
                 "'2023-10-09 02:00:00.000000', 'pending')",
    "recovery_plan": "INSERT INTO recovery_plan (id, customer_id, plan, by, at) VALUES "
                     "(1, 1, '邀请参加产品发布会', 'li.na', '2023-10-09 02:00:00.000000')",
    "kpi_note": "INSERT INTO kpi_note (id, period, metric, factors, actions, set_by, set_at) "
                "VALUES (1, '2023Q4', 'signed_amount', '大客户延期', '加快审批', "
                "'wang.qiang', '2023-12-30 02:00:00.000000')",
}


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):

    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)
    followup = rows_of(isolated, "followup")[0]
    assert (followup["purpose"], followup["result"]) == ("sales", None)
    # and the upgraded follow-up reads back through the real command
    listed = cli.json("followup", "list", user="wang.qiang")
    assert [(f["summary"], f["purpose"], f["result"]) for f in listed] == [
        ("初次电话", "sales", None)]
