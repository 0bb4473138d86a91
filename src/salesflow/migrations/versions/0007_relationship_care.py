"""Relationship care (SPEC §13): key dates, the satisfaction-survey clock and minutes.

A new table `key_date`; customers gain `survey_from` (when the survey clock started: the
later of the last satisfaction answer and the first signing, for customers in won/repeat),
filled in from the history already held so that an upgraded database shows the same
`survey` items a new one would; follow-ups gain `minutes_due_at` and `minutes_sent_at`.
Follow-ups logged before this version expected no minutes: they stay NULL (an upgrade
does not bury the agenda under years of meetings).

Self-contained: it depends only on the tables of 0006.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# survey_from of every won/repeat customer from its history: the later of its last
# satisfaction answer and its first signing (its stage move when no contract is signed).
# Also run by bench/generate.py on a generated database.
_ANSWERED = ("(SELECT MAX(f.at) FROM followup f WHERE f.customer_id = customer.id "
             "AND f.satisfaction IS NOT NULL)")
_SIGNED = ("(SELECT MIN(k.signed_at) FROM contract k WHERE k.customer_id = customer.id "
           "AND k.status = 'signed' AND k.signed_at IS NOT NULL)")
SURVEY_FROM = (
    f"UPDATE customer SET survey_from = CASE "
    f"WHEN {_ANSWERED} IS NULL THEN COALESCE({_SIGNED}, stage_changed_at) "
    f"WHEN {_SIGNED} IS NULL OR {_ANSWERED} > {_SIGNED} THEN {_ANSWERED} "
    f"ELSE {_SIGNED} END "
    f"WHERE stage IN ('won', 'repeat')"
)


def upgrade() -> None:
    op.create_table(
        "key_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("month_day", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "name"),
    )
    op.create_index(op.f("ix_key_date_month_day"), "key_date", ["month_day"], unique=False)

    # plain ADD COLUMN (nullable): instant on a large file, no table copy under the
    # foreign keys that point at customer and followup
    op.add_column("customer", sa.Column("survey_from", sa.DateTime(timezone=True),
                                        nullable=True))
    op.add_column("followup", sa.Column("minutes_due_at", sa.DateTime(timezone=True),
                                        nullable=True))
    op.add_column("followup", sa.Column("minutes_sent_at", sa.DateTime(timezone=True),
                                        nullable=True))

    op.execute(SURVEY_FROM)
    op.create_index(op.f("ix_customer_survey_from"), "customer", ["survey_from"],
                    unique=False)
    op.create_index("ix_customer_owner_survey_from", "customer", ["owner", "survey_from"],
                    unique=False)
    op.create_index("ix_customer_owner_tier", "customer", ["owner", "tier"], unique=False)
    op.create_index(op.f("ix_followup_minutes_due_at"), "followup", ["minutes_due_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_followup_minutes_due_at"), table_name="followup")
    op.drop_index("ix_customer_owner_tier", table_name="customer")
    op.drop_index("ix_customer_owner_survey_from", table_name="customer")
    op.drop_index(op.f("ix_customer_survey_from"), table_name="customer")
    with op.batch_alter_table("followup") as batch:
        batch.drop_column("minutes_sent_at")
        batch.drop_column("minutes_due_at")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("survey_from")
    op.drop_index(op.f("ix_key_date_month_day"), table_name="key_date")
    op.drop_table("key_date")
