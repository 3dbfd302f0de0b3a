"""Decisions on correction requests (UK GDPR Art 16, 19): portal/cases/rights_models.py.

Revision ID: 0018b_rights
Revises: 0019_entitled
Create Date: 2026-12-06 19:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018b_rights"
down_revision = "0019_entitled"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rights_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("record_now_says", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("recipients_told", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_rights_decisions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_decisions")),
    )
    with op.batch_alter_table("rights_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rights_decisions_case_id"), ["case_id"])


def downgrade():
    with op.batch_alter_table("rights_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_decisions_case_id"))
    op.drop_table("rights_decisions")
