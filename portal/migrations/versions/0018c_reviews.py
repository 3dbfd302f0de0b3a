"""After a decision: internal reviews and ICO cases (issue 16 point 6).

Two new tables, portal.cases.after_decision_models: the resident's request for an
internal review (with its due date and outcome) and the council's record of a complaint
to the ICO. Nothing existing changes; the downgrade drops both.

Revision ID: 0018c_reviews
Revises: 0018b_rights
Create Date: 2026-12-06 19:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018c_reviews"
down_revision = "0018b_rights"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "internal_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("disagreement", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_reasons", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("reviewer_made_decision", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_internal_reviews_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internal_reviews")),
    )
    with op.batch_alter_table("internal_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_internal_reviews_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_internal_reviews_due_on"), ["due_on"], unique=False)

    op.create_table(
        "ico_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("ico_reference", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("what_ico_asked", sa.Text(), nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_hold", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ico_cases_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ico_cases")),
    )
    with op.batch_alter_table("ico_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ico_cases_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("ico_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ico_cases_case_id"))
    op.drop_table("ico_cases")
    with op.batch_alter_table("internal_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_reviews_due_on"))
        batch_op.drop_index(batch_op.f("ix_internal_reviews_case_id"))
    op.drop_table("internal_reviews")
