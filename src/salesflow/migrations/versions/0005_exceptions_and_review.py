"""Exceptions and review (SPEC §14): extension requests, recovery plans,
notes on the KPI table,
targets per owner, industry or region, and the customer's collaboration fields.

Revision ID: 0005
Revises: 0003 (the integrator rechains it after 0004)
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_extension_customer_kind_status", "extension",
                    ["customer_id", "kind", "status"], unique=False)
    op.create_index(op.f("ix_extension_status"), "extension", ["status"], unique=False)
    op.create_table(
        "recovery_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recovery_plan_customer_at", "recovery_plan", ["customer_id", "at"],
                    unique=False)
    op.create_table(
        "kpi_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("factors", sa.Text(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "metric"),
    )
    op.add_column("customer", sa.Column("departments", sa.String(), nullable=True))
    op.add_column("customer", sa.Column("collaboration", sa.Text(), nullable=True))
    op.add_column("customer", sa.Column("lead_person", sa.String(), nullable=True))

    # target: three scope columns ('' = any) and a unique constraint over them. A new
    # table and a copy rather than a batch ALTER: SQLite cannot drop the old unnamed
    # constraint in place, and target is a small table nothing points at.
    op.create_table(
        "target_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter", "metric", "owner", "industry", "region"),
    )
    op.execute("INSERT INTO target_new (id, quarter, metric, owner, industry, region, value, "
               "set_by, set_at) SELECT id, quarter, metric, '', '', '', value, set_by, set_at "
               "FROM target")
    op.drop_table("target")
    op.rename_table("target_new", "target")
    if op.get_bind().dialect.name == "postgresql":
        # the copied ids came from the old sequence; the new one continues after them
        op.execute("SELECT setval(pg_get_serial_sequence('target', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM target), 0) + 1, false)")


def downgrade() -> None:
    for column in ("lead_person", "collaboration", "departments"):
        op.drop_column("customer", column)
    op.create_table(
        "target_old",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter", "metric"),
    )
    op.execute("INSERT INTO target_old (id, quarter, metric, value, set_by, set_at) "
               "SELECT id, quarter, metric, value, set_by, set_at FROM target "
               "WHERE owner = '' AND industry = '' AND region = ''")
    op.drop_table("target")
    op.rename_table("target_old", "target")
    op.drop_table("kpi_note")
    op.drop_table("recovery_plan")
    op.drop_table("extension")
