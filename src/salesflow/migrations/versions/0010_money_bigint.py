"""Money columns hold 64-bit integers on PostgreSQL: customer.potential, contract.amount,
payment.amount and payment.paid_amount were `integer` there, which PostgreSQL holds to 32
bits, so that no amount above ¥21,474,836.47 (2^31 - 1 fen) could be stored — a large
contract or a big customer's potential was refused by the server. Every other money column
(budgets, quotes, change costs, targets) was created BIGINT already.

SQLite stores every INTEGER in up to 64 bits whatever the declared type, so there nothing
changes (no table is rebuilt). On PostgreSQL each ALTER rewrites its table in place inside
the migration's transaction, keeping every row and value; no policy, index or trigger reads
these columns.

Revision ID: 0010
Revises: 0009 (a team on one server)
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MONEY = (("customer", "potential", True), ("contract", "amount", False),
         ("payment", "amount", False), ("payment", "paid_amount", False))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in MONEY:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer(),
                        existing_nullable=nullable)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in MONEY:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger(),
                        existing_nullable=nullable)
