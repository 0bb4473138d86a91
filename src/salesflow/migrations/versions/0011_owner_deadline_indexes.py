"""Indexes for reads that went through the whole team: a rep's own deadlines (two customer
indexes that lead with the owner) and a customer's signed contracts.

`due --owner` (a rep's morning agenda) read the `stalled` and `proposal` kinds through the
team-wide (tier, progressed_at) and (stage, stage_changed_at) indexes and dropped every
other rep's rows afterwards: with 50 reps, 49 of every 50 rows read were thrown away (34
and 31 ms of a 2,853-customer rep's `due` on the 100,000-customer bench database, against
~1 ms each now). (owner, tier, progressed_at) replaces (owner, tier), which it extends (the
holiday greetings read its prefix); (owner, stage, stage_changed_at) is new. The team-wide
indexes stay for `due` without --owner and the reports.

And a customer's signed contracts, (customer_id, status, signed_at): the first and the
last signing of a customer (the survey clock, the day a customer returns to the pool) were
read through (status, …), every signed contract of the team for each customer — each
write of a customer scanned them all, and `doctor` over 100,000 customers did not finish
in ten minutes (now: one index probe each).

Revision ID: 0011
Revises: 0010 (money columns 64-bit on PostgreSQL)
Create Date: 2026-11-30
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_customer_owner_tier", table_name="customer")
    op.create_index("ix_customer_owner_tier_progressed", "customer",
                    ["owner", "tier", "progressed_at"], unique=False)
    op.create_index("ix_customer_owner_stage_changed", "customer",
                    ["owner", "stage", "stage_changed_at"], unique=False)
    op.create_index("ix_contract_customer_status_signed", "contract",
                    ["customer_id", "status", "signed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contract_customer_status_signed", table_name="contract")
    op.drop_index("ix_customer_owner_stage_changed", table_name="customer")
    op.drop_index("ix_customer_owner_tier_progressed", table_name="customer")
    op.create_index("ix_customer_owner_tier", "customer", ["owner", "tier"], unique=False)
