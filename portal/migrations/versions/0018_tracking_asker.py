"""A tracking code is bound to the session that asked for it (a keyed hash of a random
token kept there), so nobody else can use it, burn it with wrong tries or replace it
(portal.cases.tracking, issue 15 point 3).

Revision ID: 0018_tracking_asker
Revises: 0017_limits
Create Date: 2026-12-06 19:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_tracking_asker"
down_revision = "0017_limits"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tracking_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asker_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("tracking_codes", schema=None) as batch_op:
        batch_op.drop_column("asker_hash")
