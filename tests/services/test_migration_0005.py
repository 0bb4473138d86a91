"""Migration 0005 (SPEC §14) upgrades a database of the previous revision in place and
loses nothing: every row of every table it held is still there, column for column."""

from __future__ import annotations

import pytest
from tests.services.test_migrations import (
    tables,
    upgrade_keeps_every_row,
)

PREVIOUS = "0004"  # the revision 0005 follows

ROWS = {
    "user": "INSERT INTO user (id, name, role, created_at) VALUES "
            "(1, 'wang.qiang', 'manager', '2023-09-01 02:00:00.000000')",
    "setting": "INSERT INTO setting (key, value) VALUES ('timezone', 'Asia/Shanghai')",
    "code_sequence": "INSERT INTO code_sequence (prefix, last) VALUES ('MFG-EC', 1)",
    "customer": "INSERT INTO customer (id, code, name, name_key, industry, region, tier, "
                "stage, stage_changed_at, progressed_at, owner, created_at, potential, "
                "next_due_at, next_due_kind) VALUES (1, 'MFG-EC-001', '华东精密', '华东精密', "
                "'制造业', '华东', 'A', 'intent', '2023-10-08 02:00:00.000000', "
                "'2023-10-08 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000', "
                "258000000, '2023-10-15', 'followup')",
    "followup": "INSERT INTO followup (id, customer_id, at, logged_at, by, channel, summary, "
                "objection) VALUES (1, 1, '2023-10-08 02:00:00.000000', "
                "'2023-10-08 02:00:00.000000', 'li.na', 'phone', '初次电话', 0)",
    "stage_change": "INSERT INTO stage_change (id, customer_id, from_stage, to_stage, at, by) "
                    "VALUES (1, 1, 'lead', 'intent', '2023-10-08 02:00:00.000000', 'li.na')",
    "audit": "INSERT INTO audit (id, at, user, command, what) VALUES "
             "(1, '2023-10-08 02:00:00.000000', 'li.na', 'customer add', 'x')",
    "contract": "INSERT INTO contract (id, number, customer_id, amount, created_by, "
                "created_at, status, round) VALUES (1, 'HT20231001', 1, 258000000, 'li.na', "
                "'2023-10-08 02:00:00.000000', 'pending', 1)",
    "approval": "INSERT INTO approval (id, contract_id, round, step, decision, by, at) "
                "VALUES (1, 1, 1, 'manager', 'approve', 'wang.qiang', "
                "'2023-10-09 02:00:00.000000')",
    "payment": "INSERT INTO payment (id, contract_id, due, amount, paid_amount) VALUES "
               "(1, 1, '2023-11-01', 100000000, 0)",
    "need": "INSERT INTO need (id, customer_id, description, kind, priority, status, "
            "created_at, created_by) VALUES (1, 1, '数据看板', 'must', 'high', 'open', "
            "'2023-10-08 02:00:00.000000', 'li.na')",
    "target": "INSERT INTO target (id, quarter, metric, value, set_by, set_at) VALUES "
              "(1, '2023Q4', 'signed_amount', 100000000, 'wang.qiang', "
              "'2023-10-01 02:00:00.000000')",
    # 0004's tables (SPEC §11): a contact, a solution and its review
    "contact": "INSERT INTO contact (id, customer_id, name, title, role, phone, \"primary\", "
               "created_at) VALUES (1, 1, '王强', '采购总监', 'decision-maker', "
               "'+8613800138000', 1, '2023-09-01 02:00:00.000000')",
    "solution": "INSERT INTO solution (id, number, customer_id, name, quote, list_price, "
                "status, round, author, created_at) VALUES (1, 'FA20231001', 1, "
                "'智能分拣解决方案', 258000000, 280000000, 'review', 1, 'li.na', "
                "'2023-10-08 02:00:00.000000')",
    "solution_review": "INSERT INTO solution_review (id, solution_id, round, step, decision, "
                       "by, at, note) VALUES (1, 1, 1, 'manager', 'approve', 'wang.qiang', "
                       "'2023-10-09 02:00:00.000000', '通过，需补充案例')",
    "import_batch": "INSERT INTO import_batch (id, file, at, by, added, updated, skipped) "
                    "VALUES ('b1', 'leads.csv', '2023-10-01 02:00:00.000000', 'li.na', 1, 0, "
                    "0)",
}


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):
    # upgrades (as the one user the old database holds: --as must name a user)
    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)
    assert {"extension"} <= tables(isolated)
