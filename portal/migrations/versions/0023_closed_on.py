"""The London date a case closed on, stored beside closed_at (issue 17 point 2): the
monthly report counts a month's closures from an index on it, with no time zone sums per
row. Backfilled here from closed_at; portal.cases.closing sets both from now on. The
report's wide closing index moves from closed_at to closed_on; retention, which reads
closed cases by closed_at, keeps a plain index on it.

Revision ID: 0023_closed_on
Revises: 0022_report_indexes
Create Date: 2026-12-07 01:40:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_closed_on"
down_revision = "0022_report_indexes"
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
WIDE = ["state", "due_on", "kind", "channel", "hub_source", "received_on"]
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("closed_on", sa.Date),
)


def london_date(instant):
    """C2: the Europe/London date of a stored instant (UTC, with or without its zone)."""
    return instant.replace(tzinfo=instant.tzinfo or UTC).astimezone(LONDON).date()


def upgrade():
    op.add_column("cases", sa.Column("closed_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            "UPDATE cases SET closed_on = (closed_at AT TIME ZONE 'Europe/London')::date "
            "WHERE closed_at IS NOT NULL"
        )
    else:
        # SQLite keeps the UTC instant without its zone; the London date is worked out here.
        rows = connection.execute(
            sa.select(cases.c.id, cases.c.closed_at).where(cases.c.closed_at.is_not(None))
        ).all()
        dated = [
            {"case_id": case_id, "day": london_date(closed_at)} for case_id, closed_at in rows
        ]
        if dated:
            connection.execute(
                cases.update()
                .where(cases.c.id == sa.bindparam("case_id"))
                .values(closed_on=sa.bindparam("day")),
                dated,
            )
    op.drop_index("ix_cases_closed_at", table_name="cases")
    op.create_index("ix_cases_closed_at", "cases", ["closed_at"])
    op.create_index("ix_cases_closed_on", "cases", ["closed_on", *WIDE])


def downgrade():
    op.drop_index("ix_cases_closed_on", table_name="cases")
    op.drop_index("ix_cases_closed_at", table_name="cases")
    op.create_index("ix_cases_closed_at", "cases", ["closed_at", *WIDE])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
