"""After the deal (SPEC §12): delivery phases, change requests, acceptance, promises to
pay; a contract's warranty, acceptance day and the agenda's stored dates (next after-sales
visit, renewal day); installments relative to acceptance; a customer's delivery flag.

Nothing existing changes meaning: no contract has a plan, a warranty or an end-based
renewal date stored yet, so the new columns start empty, except `renewal_on`, which is
computed here for every signed contract with an end (end − the default 60 days, or the
team's `renewal.days`, while no later contract of its customer is signed), so that an
upgraded database shows its renewals at once. Self-contained: it reads no model.

Revision ID: 0008
Revises: 0007 (after 0007, relationship care; it needs nothing of it)
Create Date: 2026-11-30
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("tasks", sa.Text(), nullable=True),
        sa.Column("deliverable", sa.String(), nullable=True),
        sa.Column("risk", sa.Text(), nullable=True),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contract_id", "name"),
    )
    op.create_index("ix_project_phase_done_end", "project_phase", ["done_on", "end"],
                    unique=False)
    op.create_index("ix_project_phase_contract_id", "project_phase", ["contract_id"],
                    unique=False)
    op.create_table(
        "project_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_change_contract_id", "project_change", ["contract_id"],
                    unique=False)
    op.create_table(
        "acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_acceptance_contract_id", "acceptance", ["contract_id"], unique=False)
    op.create_table(
        "payment_promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payment_promise_contract_id", "payment_promise", ["contract_id"],
                    unique=False)

    op.add_column("customer", sa.Column("delivering", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.add_column("contract", sa.Column("warranty", sa.String(), nullable=True))
    op.add_column("contract", sa.Column("accepted_on", sa.Date(), nullable=True))
    op.add_column("contract", sa.Column("aftersales_due", sa.Date(), nullable=True))
    op.add_column("contract", sa.Column("renewal_on", sa.Date(), nullable=True))
    op.add_column("contract", sa.Column("promise_until", sa.Date(), nullable=True))
    op.add_column("contract", sa.Column("promise_note", sa.Text(), nullable=True))
    # (status, date): `due` reads the signed contracts in date order, a range per kind
    op.create_index("ix_contract_status_aftersales", "contract", ["status", "aftersales_due"],
                    unique=False)
    op.create_index("ix_contract_status_renewal", "contract", ["status", "renewal_on"],
                    unique=False)
    # an installment relative to acceptance has no date until the acceptance
    with op.batch_alter_table("payment") as batch:
        batch.alter_column("due", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("after_acceptance", sa.Integer(), nullable=True))
    _renewals()


def _renewals() -> None:
    """renewal_on = end − renewal.days for each signed contract with an end whose customer
    signed no later contract."""
    conn = op.get_bind()
    days_text = conn.execute(sa.text(
        "SELECT value FROM setting WHERE key = 'renewal.days'")).scalar()
    days = int(days_text) if days_text else 60
    signed = conn.execute(sa.text(
        "SELECT id, customer_id, \"end\", signed_at FROM contract "
        "WHERE status = 'signed' ORDER BY customer_id, signed_at, id")).all()
    latest: dict[int, int] = {}
    for cid, customer_id, _end, _signed in signed:
        latest[customer_id] = cid  # ordered by signing: the last one wins
    for cid, customer_id, end, _signed in signed:
        if end is None or latest[customer_id] != cid:
            continue
        if isinstance(end, str):
            end = date.fromisoformat(end[:10])
        conn.execute(sa.text("UPDATE contract SET renewal_on = :on WHERE id = :id"),
                     {"on": end - timedelta(days=days), "id": cid})


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("after_acceptance")
    op.drop_index("ix_contract_status_renewal", table_name="contract")
    op.drop_index("ix_contract_status_aftersales", table_name="contract")
    with op.batch_alter_table("contract") as batch:
        for name in ("promise_note", "promise_until", "renewal_on", "aftersales_due",
                     "accepted_on", "warranty"):
            batch.drop_column(name)
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("delivering")
    for table in ("payment_promise", "acceptance", "project_change", "project_phase"):
        op.drop_table(table)
