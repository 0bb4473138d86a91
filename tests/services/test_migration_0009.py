"""Migration 0009 (SPEC §15: a team on one server, the shared pool) upgrades a database of
the previous revision in place and loses nothing; on PostgreSQL it installs the group
roles, the grants and the row-level security policies."""

from __future__ import annotations

import pytest
from tests.services.test_migration_0008 import ROWS as ROWS_0008
from tests.services.test_migrations import (
    create_at,
    rows_of,
    tables,
    upgrade_keeps_every_row,
)

import salesflow.migrations

PREVIOUS = "0008"  # the revision 0009 follows

ROWS = {
    **ROWS_0008,
    # 0008 (after the deal) added the delivery plan, changes, acceptances and promises
    "project_phase": "INSERT INTO project_phase (id, contract_id, name, start, \"end\", "
                     "created_by, created_at) VALUES (1, 1, '需求确认', '2023-11-01', "
                     "'2023-11-05', 'li.na', '2023-10-21 02:00:00.000000')",
    "project_change": "INSERT INTO project_change (id, contract_id, description, cost, days, "
                      "confirmed_by, by, at) VALUES (1, 1, '增加接口', 1000000, 10, '王经理', "
                      "'li.na', '2023-11-06 02:00:00.000000')",
    "acceptance": "INSERT INTO acceptance (id, contract_id, accepted_on, by, result, "
                  "recorded_by, recorded_at) VALUES (1, 1, '2023-12-20', '王经理(采购总监)', "
                  "'pass', 'li.na', '2023-12-20 08:00:00.000000')",
    "payment_promise": "INSERT INTO payment_promise (id, contract_id, until, note, by, at) "
                       "VALUES (1, 1, '2024-02-01', '下周付款', 'li.na', "
                       "'2024-01-25 02:00:00.000000')",
}


@pytest.mark.sqlite_only
def test_a_database_at_the_previous_revision_keeps_every_row(cli, isolated):

    upgrade_keeps_every_row(cli, isolated, PREVIOUS, ROWS)
    customer = rows_of(isolated, "customer")[0]
    assert (customer["pool_on"], customer["claimed_at"]) == (None, None)
    assert "pool_move" in tables(isolated)
    assert cli.json("pool", "list", user="wang.qiang") == []


POLICIES = {
    *(("customer", f"salesflow_{p}") for p in (
        "read_own", "read_all", "read_contracted", "add_own", "add_any", "change_own",
        "change_any", "remove_own", "remove_any")),
    ("audit", "salesflow_read"), ("audit", "salesflow_append"),
    *((t, p) for t in ("approval", "solution_review")
      for p in ("salesflow_read_own", "salesflow_read_all", "salesflow_read_legal",
                "salesflow_decide")),
    *((t, p) for t in (
        "followup", "contact", "need", "contract", "payment", "solution", "extension",
        "recovery_plan", "stage_change", "pool_move")
      for p in ("salesflow_rows_own", "salesflow_rows_all", "salesflow_rows_legal")),
    *((t, p) for t in ("user", "setting", "target")
      for p in ("salesflow_read", "salesflow_add", "salesflow_change", "salesflow_remove")),
}
# the tables no row-level security guards: nothing in them belongs to a customer
UNGUARDED = {"alembic_version", "code_sequence", "import_batch", "kpi_note"}


def test_postgresql_gets_the_roles_grants_and_policies(cli, backend):
    if backend != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    create_at(cli.location, PREVIOUS,
              "INSERT INTO customer (code, name, name_key, tier, stage, stage_changed_at, "
              "owner, created_at) VALUES ('MFG-EC-001', '华东精密', '华东精密', 'A', "
              "'lead', now(), 'li.na', now())")

    assert [r["code"] for r in cli.json("customer", "list")] == ["MFG-EC-001"]
    assert cli.query("SELECT version_num FROM alembic_version") == [
        (salesflow.migrations.HEAD,)]
    installed = set(cli.query("SELECT tablename, policyname FROM pg_policies "
                              "WHERE schemaname = 'public'"))
    assert installed >= POLICIES
    guarded = {t for (t, on) in cli.query(
        "SELECT relname, relrowsecurity FROM pg_class JOIN pg_namespace n ON "
        "n.oid = relnamespace WHERE nspname = 'public' AND relkind = 'r'") if on}
    every = {t for (t,) in cli.query("SELECT tablename FROM pg_tables "
                                     "WHERE schemaname = 'public'")}
    assert guarded == every - UNGUARDED, "a new table needs its row-level security"
    groups = {r for (r,) in cli.query("SELECT rolname FROM pg_roles "
                                      "WHERE rolname LIKE 'salesflow\\_%'")}
    assert {"salesflow_rep", "salesflow_manager", "salesflow_legal", "salesflow_gm"} <= groups
    # the audit is append-only for every group: no UPDATE, DELETE or TRUNCATE granted
    for group in groups:
        assert cli.query(
            f"SELECT has_table_privilege('{group}', 'audit', 'UPDATE'), "
            f"has_table_privilege('{group}', 'audit', 'DELETE'), "
            f"has_table_privilege('{group}', 'audit', 'TRUNCATE'), "
            f"has_table_privilege('{group}', 'audit', 'INSERT')") == [
                (False, False, False, True)]
    assert cli.query("SELECT tgname FROM pg_trigger WHERE tgname = "
                     "'salesflow_contract_approved'") == [("salesflow_contract_approved",)]
