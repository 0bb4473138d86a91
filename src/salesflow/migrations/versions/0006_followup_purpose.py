"""Follow-up purpose and result (SPEC §12, 售后跟进记录表: 回访目的, 处理结果).

Every existing follow-up was a sales contact: it gets the purpose `sales`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.add_column(sa.Column("purpose", sa.String(), nullable=False,
                                   server_default="sales"))
        batch.add_column(sa.Column("result", sa.Text(), nullable=True))
    op.create_index("ix_followup_customer_purpose_at", "followup",
                    ["customer_id", "purpose", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_followup_customer_purpose_at", table_name="followup")
    with op.batch_alter_table("followup") as batch:
        batch.drop_column("result")
        batch.drop_column("purpose")
