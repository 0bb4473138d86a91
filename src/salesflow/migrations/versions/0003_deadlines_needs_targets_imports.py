"""Process deadlines, needs, quarterly targets and import batches.

Customers gain `progressed_at` (last forward stage move: the `stalled` deadline),
`objection_at` (an unanswered negative follow-up: the `objection` deadline) and
`forgotten_at`; both deadlines are filled in from the history already held, so an
upgraded database shows the same agenda a new one would.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# the pipeline order (rules/pipeline.py) as SQL, frozen here as migrations must be
_RANK = ("CASE {0} WHEN 'lead' THEN 0 WHEN 'intent' THEN 1 WHEN 'proposal' THEN 2 "
         "WHEN 'negotiation' THEN 3 WHEN 'won' THEN 4 WHEN 'repeat' THEN 5 ELSE -1 END")


def upgrade() -> None:
    # plain ADD COLUMN (nullable) rather than a batch table copy: instant on a large file,
    # and no DROP TABLE under the foreign keys that point at customer
    for column in ("progressed_at", "objection_at", "forgotten_at"):
        op.add_column("customer", sa.Column(column, sa.DateTime(timezone=True), nullable=True))

    forward = f"{_RANK.format('sc.to_stage')} > {_RANK.format('sc.from_stage')}"
    op.execute(
        "UPDATE customer SET progressed_at = COALESCE("
        "(SELECT MAX(sc.at) FROM stage_change sc WHERE sc.customer_id = customer.id "
        f"AND sc.from_stage IS NOT NULL AND {forward}), created_at)"
    )
    latest = ("SELECT {0} FROM followup f WHERE f.customer_id = customer.id "
              "ORDER BY f.at DESC, f.id DESC LIMIT 1")
    op.execute(
        f"UPDATE customer SET objection_at = ({latest.format('f.at')}) "
        f"WHERE stage <> 'lost' AND (SELECT CASE WHEN f.feedback = 'negative' OR f.objection "
        f"THEN 1 ELSE 0 END FROM followup f WHERE f.customer_id = customer.id "
        f"ORDER BY f.at DESC, f.id DESC LIMIT 1) = 1"
    )

    op.create_index(op.f("ix_customer_objection_at"), "customer", ["objection_at"],
                    unique=False)
    op.create_index("ix_customer_stage_changed", "customer", ["stage", "stage_changed_at"],
                    unique=False)
    op.create_index("ix_customer_tier_progressed", "customer", ["tier", "progressed_at"],
                    unique=False)

    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by", sa.String(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_need_customer_id"), "need", ["customer_id"], unique=False)
    op.create_index("ix_need_status_created", "need", ["status", "created_at"], unique=False)
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter", "metric"),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("file", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    for table in ("import_batch", "target", "need"):
        op.drop_table(table)
    for index in ("ix_customer_tier_progressed", "ix_customer_stage_changed",
                  "ix_customer_objection_at"):
        op.drop_index(index, table_name="customer")
    for column in ("forgotten_at", "objection_at", "progressed_at"):
        op.drop_column("customer", column)
