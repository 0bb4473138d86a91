"""Migration 0007 (SPEC §13: key dates, the survey clock, minutes) upgrades a database of
the previous revision in place and loses nothing: every row of every table it held is
still there, column for column. A won customer's survey clock is filled in from its
history (the later of its last satisfaction answer and its first signing), so the upgraded
database shows the `survey` item a new one would; old visits expect no minutes."""

from __future__ import annotations

import pytest
from tests.services.test_migration_0006 import ROWS as ROWS_0006
from tests.services.test_migrations import (
    rows_of,
    tables,
    upgrade_keeps_every_row,
)

PREVIOUS = "0006"  # the revision 0007 follows

ROWS = dict(ROWS_0006)  # 0006 added no table

# two won customers beyond the one row per table: one surveyed after its signing, one
# never surveyed (its clock runs from its first signing)
MORE = [
    "INSERT INTO customer (id, code, name, name_key, industry, region, tier, stage, "
    "stage_changed_at, progressed_at, owner, created_at, next_due_at, next_due_kind) VALUES "
    "(2, 'MFG-EC-002', '苏州恒达', '苏州恒达', '制造业', '华东', 'B', 'won', "
    "'2023-11-01 02:00:00.000000', '2023-11-01 02:00:00.000000', 'li.na', "
    "'2023-09-01 02:00:00.000000', '2024-02-01', 'followup')",
    "INSERT INTO customer (id, code, name, name_key, industry, region, tier, stage, "
    "stage_changed_at, progressed_at, owner, created_at, next_due_at, next_due_kind) VALUES "
    "(3, 'MFG-EC-003', '宁波海天', '宁波海天', '制造业', '华东', 'B', 'repeat', "
    "'2024-01-20 02:00:00.000000', '2024-01-20 02:00:00.000000', 'li.na', "
    "'2023-09-01 02:00:00.000000', '2024-03-01', 'followup')",
    "INSERT INTO contract (id, number, customer_id, amount, created_by, created_at, status, "
    "round, signed_at) VALUES (2, 'HT20231101', 2, 100000000, 'li.na', "
    "'2023-10-20 02:00:00.000000', 'signed', 1, '2023-11-01 02:00:00.000000')",
    "INSERT INTO contract (id, number, customer_id, amount, created_by, created_at, status, "
    "round, signed_at) VALUES (3, 'HT20231201', 3, 100000000, 'li.na', "
    "'2023-11-20 02:00:00.000000', 'signed', 1, '2023-12-01 02:00:00.000000')",
    "INSERT INTO contract (id, number, customer_id, amount, created_by, created_at, status, "
    "round, signed_at) VALUES (4, 'HT20240101', 3, 100000000, 'li.na', "
    "'2024-01-10 02:00:00.000000', 'signed', 1, '2024-01-20 02:00:00.000000')",
    "INSERT INTO followup (id, customer_id, at, logged_at, by, channel, summary, objection, "
    "satisfaction, purpose) VALUES (2, 2, '2024-01-10 02:00:00.000000', "
    "'2024-01-10 02:00:00.000000', 'li.na', 'visit', '季度服务评价', 0, 4, 'satisfaction')",
]


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):

    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS, more=tuple(MORE),
                            codes=("MFG-EC-001", "MFG-EC-002", "MFG-EC-003",))
    assert {*ROWS, "key_date"} <= tables(isolated)  # later revisions add more
    survey = {r["code"]: r["survey_from"] for r in rows_of(isolated, "customer")}
    assert survey["MFG-EC-001"] is None  # in intent: no survey
    assert survey["MFG-EC-002"].startswith("2024-01-10 02:00:00")  # answered after signing
    assert survey["MFG-EC-003"].startswith("2023-12-01 02:00:00")  # its first signing
    assert [(f["minutes_due_at"], f["minutes_sent_at"]) for f in rows_of(isolated, "followup")
            ] == [(None, None), (None, None)]

    # and the upgraded database answers through the real commands
    cli.today("2024-04-10")
    got = cli.json("due", "--kind", "survey", "--days", "0", user="wang.qiang")
    assert [(i["customer_code"], i["due_date"]) for i in got] == [
        ("MFG-EC-003", "2024-03-01"), ("MFG-EC-002", "2024-04-10")]
    assert cli.json("due", "--kind", "minutes", user="wang.qiang") == []
    cli("customer", "date", "add", "MFG-EC-001", "司庆", "--on", "05-18", user="wang.qiang")
    assert cli.json("customer", "date", "list", user="wang.qiang")[0]["next_on"] == (
        "2024-05-18")
