"""Malware scanning: a resident's file carries what the council's scanner said of it
(clean, held: not scanned, released), none when there is no scanner
(portal.evidence.scanning).

Revision ID: 0016_clamd
Revises: 0015_retention
Create Date: 2026-12-06 18:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_clamd"
down_revision = "0015_retention"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scan_status", sa.String(length=20), nullable=True))
    with op.batch_alter_table("draft_uploads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scan_status", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("draft_uploads", schema=None) as batch_op:
        batch_op.drop_column("scan_status")
    with op.batch_alter_table("case_files", schema=None) as batch_op:
        batch_op.drop_column("scan_status")
