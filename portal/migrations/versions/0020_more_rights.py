"""Decisions on requests to restrict (UK GDPR Art 18) and to delete (Art 17): the uses
restricted and what was deleted (portal/cases/rights_models.py), and which register
entries a request to restrict put there (RestrictionEntry.asked_by).

Revision ID: 0020_more_rights
Revises: 0018c_reviews
Create Date: 2026-12-06 22:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_more_rights"
down_revision = "0018c_reviews"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rights_decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("processing", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("deleted", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asked_by", sa.String(length=20), nullable=False, server_default="objection")
        )


def downgrade():
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.drop_column("asked_by")
    with op.batch_alter_table("rights_decisions", schema=None) as batch_op:
        batch_op.drop_column("deleted")
        batch_op.drop_column("processing")
