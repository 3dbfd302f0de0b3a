"""Each month's arrivals and completions, counted as cases arrive and complete, for the
monthly report's 12-month trend (issue 17 point 2; portal.cases.case_months). Filled here
from the cases that already exist: received by their received_on, completed by closed_on
(0023), on time when closed on or before the due date.

Revision ID: 0024_case_months
Revises: 0023_closed_on
Create Date: 2026-12-07 01:45:00

"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_case_months"
down_revision = "0023_closed_on"
branch_labels = None
depends_on = None

cases = sa.table(
    "cases",
    sa.column("state", sa.String),
    sa.column("received_on", sa.Date),
    sa.column("closed_on", sa.Date),
    sa.column("due_on", sa.Date),
)


def upgrade():
    case_months = op.create_table(
        "case_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("completed_on_time", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_case_months")),
    )
    connection = op.get_bind()
    received, completed, on_time = Counter(), Counter(), Counter()
    count = sa.func.count()
    for day, n in connection.execute(
        sa.select(cases.c.received_on, count).group_by(cases.c.received_on)
    ):
        received[day.replace(day=1)] += n
    for closed_on, due_on, n in connection.execute(
        sa.select(cases.c.closed_on, cases.c.due_on, count)
        .where(cases.c.state == "completed", cases.c.closed_on.is_not(None))
        .group_by(cases.c.closed_on, cases.c.due_on)
    ):
        completed[closed_on.replace(day=1)] += n
        if due_on is not None and closed_on <= due_on:
            on_time[closed_on.replace(day=1)] += n
    months = sorted(received.keys() | completed.keys())
    if months:
        op.bulk_insert(
            case_months,
            [
                {
                    "month": month,
                    "received": received[month],
                    "completed": completed[month],
                    "completed_on_time": on_time[month],
                }
                for month in months
            ],
        )


def downgrade():
    op.drop_table("case_months")
