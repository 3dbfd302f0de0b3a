"""Redactions on uploaded records (issue 18): places a term search proposed, accepted or
rejected, and areas drawn or lines picked, each with its exemption.

Revision ID: 0025_record_redactions
Revises: 0024_case_months
Create Date: 2026-12-07 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_record_redactions"
down_revision = "0024_case_months"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("boxes", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("found", sa.String(length=200), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_record_redactions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["disclosure_items.id"],
            name=op.f("fk_record_redactions_item_id_disclosure_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_redactions")),
    )
    with op.batch_alter_table("record_redactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_redactions_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_record_redactions_item_id"), ["item_id"])


def downgrade():
    with op.batch_alter_table("record_redactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_redactions_item_id"))
        batch_op.drop_index(batch_op.f("ix_record_redactions_case_id"))
    op.drop_table("record_redactions")
