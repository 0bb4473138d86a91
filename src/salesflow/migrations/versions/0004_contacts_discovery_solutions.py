"""Contacts, discovery fields, solutions and their reviews (SPEC §11).

Every customer that holds a contact (a name, title, role, phone or email) gets it as its
primary contact, so that an upgraded database shows the same people a new one would; the
customer's contact_* columns stay as they are (they mirror the primary contact).
Follow-ups gain the contact spoken to; contracts the solution they came from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_DISCOVERY = (
    ("pain_points", sa.Text()), ("budget_min", sa.BigInteger()),
    ("budget_max", sa.BigInteger()), ("decision_process", sa.String()),
    ("timeline", sa.String()), ("competitors", sa.String()),
    ("past_cooperation", sa.Text()),
)


def upgrade() -> None:
    # plain ADD COLUMN (nullable), as 0003: instant, and no table copy under foreign keys
    for name, kind in _DISCOVERY:
        op.add_column("customer", sa.Column(name, kind, nullable=True))
    op.add_column("followup", sa.Column("contact", sa.String(), nullable=True))

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("prefers", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "name"),
    )
    op.create_index(op.f("ix_contact_customer_id"), "contact", ["customer_id"], unique=False)
    # The customer's own contact becomes its primary contact. A contact without a name
    # (only a phone, say) still is one: it is named after the customer's phone or email
    # so that nothing held is lost; `contact edit` renames it.
    op.execute(
        'INSERT INTO contact (customer_id, name, title, role, phone, email, "primary", '
        "created_at) "
        "SELECT id, COALESCE(contact_name, phone, email, contact_title, contact_role), "
        "contact_title, contact_role, phone, email, TRUE, created_at FROM customer "
        "WHERE COALESCE(contact_name, phone, email, contact_title, contact_role) IS NOT NULL"
    )

    op.create_table(
        "solution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("quote", sa.BigInteger(), nullable=False),
        sa.Column("list_price", sa.BigInteger(), nullable=True),
        sa.Column("config", sa.Text(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("extras", sa.Text(), nullable=True),
        sa.Column("highlights", sa.Text(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_solution_customer_status", "solution", ["customer_id", "status"],
                    unique=False)
    op.create_table(
        "solution_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_solution_review_solution_round", "solution_review",
                    ["solution_id", "round"], unique=False)
    # SQLite adds a column with its REFERENCES clause in place (NULL default), so the
    # contract table is not copied under the foreign keys of approval and payment.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE contract ADD COLUMN solution_id INTEGER "
                   "REFERENCES solution (id)")
    else:
        op.add_column("contract", sa.Column("solution_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_contract_solution_id", "contract", "solution",
                              ["solution_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.drop_column("solution_id")
    op.drop_table("solution_review")
    op.drop_table("solution")
    op.drop_table("contact")
    op.drop_column("followup", "contact")
    for name, _kind in reversed(_DISCOVERY):
        op.drop_column("customer", name)
