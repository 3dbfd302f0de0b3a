"""Notice 2.1: the privacy notice as the law now stands (issue 13).

Research safeguards are those of UK GDPR Articles 84A-84D, which replaced Article 89 (Data
(Use and Access) Act 2025 ss.86-87, in force 5 February 2026); the Department for Education
runs Supporting Families (from 1 April 2024) and who does what for the National Impact Study;
whether data leaves the UK; the Acts and Schedule 1 conditions behind the public task; linking
records is profiling; the right to object as Art 21(1) and 21(6) state it; how to ask for
correction, deletion or restriction; how long each thing is kept (issue 14's schedule, published
the same day). A request records the version its resident saw.

Revision ID: 0014_notice_release_2_1
Revises: 0013_audit_holds
Create Date: 2026-12-06
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0014_notice_release_2_1"
down_revision = "0013_audit_holds"
branch_labels = None
depends_on = None

VERSION = "2.1"


def upgrade():
    notice_versions = sa.table(
        "notice_versions",
        sa.column("version", sa.String),
        sa.column("published_on", sa.Date),
        sa.column("summary", sa.Text),
    )
    # Written out here, not imported from the app: a migration must not change when the
    # code does.
    op.bulk_insert(
        notice_versions,
        [
            {
                "version": VERSION,
                "published_on": date(2026, 12, 6),
                "summary": "The law as it now stands: research safeguards under Articles "
                "84A-84D, the Department for Education's programme, transfers, the Acts and "
                "conditions relied on, profiling, the right to object as Article 21 states it, "
                "how to ask for correction, deletion or restriction, and how long each thing is "
                "kept.",
            }
        ],
    )


def downgrade():
    op.execute(sa.text("DELETE FROM notice_versions WHERE version = :v").bindparams(v=VERSION))
