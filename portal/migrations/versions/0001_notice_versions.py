"""Notice versions: the record of every published privacy notice.

Revision ID: 0001_notice_versions
Revises:
Create Date: 2026-11-24
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0001_notice_versions"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    notice_versions = op.create_table(
        "notice_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_notice_versions_version")),
    )
    # Written out here, not imported from the app: a migration must not change when the
    # code does.
    op.bulk_insert(
        notice_versions,
        [
            {
                "version": "1.0",
                "published_on": date(2018, 5, 25),
                "summary": "The council's earlier PDF notice for the Troubled Families "
                "programme, written for the Data Protection Act 1998.",
            },
            {
                "version": "2.0",
                "published_on": date(2026, 11, 24),
                "summary": "Rewritten in plain English under UK GDPR and the Data Protection "
                "Act 2018 as amended by the Data (Use and Access) Act 2025; all rights listed; "
                "translated.",
            },
        ],
    )


def downgrade():
    op.drop_table("notice_versions")
