"""Objections: restriction while an objection is considered (C12, UK GDPR Art 18(1)(d))
and a recorded override test per use objected to (C9, Art 21(1) and 21(6)).

Restriction entries get a status (pending_decision, in_force, lifted) and the day a
lifted one ended; a pending entry has no decision yet. Entries made before this were all
made by an approved decision: in force. Assessments get their per-use override tests;
those made before keep their single answers (empty tests).

Revision ID: 0012_objection_restrictions
Revises: 0011_department_keys
Create Date: 2026-12-06 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_objection_restrictions"
down_revision = "0011_department_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="in_force")
        )
        batch_op.add_column(sa.Column("lifted_on", sa.Date(), nullable=True))
        batch_op.alter_column("decision_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("objection_assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("override_tests", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade():
    with op.batch_alter_table("objection_assessments", schema=None) as batch_op:
        batch_op.drop_column("override_tests")
    op.execute("DELETE FROM restriction_entries WHERE decision_id IS NULL")
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.alter_column("decision_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("lifted_on")
        batch_op.drop_column("status")
