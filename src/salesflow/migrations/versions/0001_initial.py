"""The first schema: users, settings, customers, follow-ups, stage changes, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "code_sequence",
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("size", sa.String(), nullable=True),
        sa.Column("founded", sa.Date(), nullable=True),
        sa.Column("website", sa.String(), nullable=True),
        sa.Column("contact_name", sa.String(), nullable=True),
        sa.Column("contact_title", sa.String(), nullable=True),
        sa.Column("contact_role", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("source_detail", sa.String(), nullable=True),
        sa.Column("need", sa.Text(), nullable=True),
        sa.Column("potential", sa.Integer(), nullable=True),
        sa.Column("decision_days", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("tier_override", sa.String(), nullable=True),
        sa.Column("tier_reason", sa.String(), nullable=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("tags", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", sa.Date(), nullable=True),
        sa.Column("next_due_kind", sa.String(), nullable=True),
        sa.Column("import_batch", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_customer_created_at"), "customer", ["created_at"], unique=False)
    op.create_index(op.f("ix_customer_import_batch"), "customer", ["import_batch"], unique=False)
    op.create_index(op.f("ix_customer_name_key"), "customer", ["name_key"], unique=False)
    op.create_index(op.f("ix_customer_next_due_at"), "customer", ["next_due_at"], unique=False)
    op.create_index(op.f("ix_customer_owner"), "customer", ["owner"], unique=False)
    op.create_index(
        "ix_customer_owner_next_due", "customer", ["owner", "next_due_at"], unique=False
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("feedback", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("objection", sa.Boolean(), nullable=False),
        sa.Column("next_action", sa.String(), nullable=True),
        sa.Column("next_action_due", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("due_at_time", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_followup_at"), "followup", ["at"], unique=False)
    op.create_index("ix_followup_customer_at", "followup", ["customer_id", "at"], unique=False)
    op.create_table(
        "stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(), nullable=True),
        sa.Column("to_stage", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_stage_change_at"), "stage_change", ["at"], unique=False)
    op.create_index(
        op.f("ix_stage_change_customer_id"), "stage_change", ["customer_id"], unique=False
    )


def downgrade() -> None:
    for table in (
        "stage_change",
        "followup",
        "user",
        "setting",
        "customer",
        "code_sequence",
        "audit",
    ):
        op.drop_table(table)
