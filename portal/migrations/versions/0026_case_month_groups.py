"""The monthly report's counts by group (portal.cases.case_months): each month's arrivals
and closures by kind, channel and hub, and completions by days taken, kept as cases arrive
and close, so the report reads a row a group however many cases a month holds (issue 17
point 2). Filled here from the cases that already exist, as case_months.recount does.

Revision ID: 0026_case_month_groups
Revises: 0025_record_redactions
Create Date: 2026-12-07 02:30:00

"""

from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_case_month_groups"
down_revision = "0025_record_redactions"
branch_labels = None
depends_on = None

COUNTS = ("received", "completed", "on_time", "refused", "withdrawn")
KEY = ("month", "kind", "channel", "hub")
DAYS_KEY = ("month", "dimension", "value", "days")

cases = sa.table(
    "cases",
    sa.column("kind", sa.String),
    sa.column("channel", sa.String),
    sa.column("hub_source", sa.String),
    sa.column("state", sa.String),
    sa.column("received_on", sa.Date),
    sa.column("closed_on", sa.Date),
    sa.column("due_on", sa.Date),
)


def _key_columns():
    return [
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("hub", sa.String(length=64), nullable=False),
    ]


def upgrade():
    groups_table = op.create_table(
        "case_month_groups",
        *_key_columns(),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_case_month_groups")),
    )
    days_table = op.create_table(
        "case_month_days",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*DAYS_KEY, name=op.f("pk_case_month_days")),
    )
    connection = op.get_bind()
    groups, days = {}, Counter()
    by = (cases.c.kind, cases.c.channel, cases.c.hub_source)
    count = sa.func.count()
    for kind, channel, hub, day, n in connection.execute(
        sa.select(*by, cases.c.received_on, count).group_by(*by, cases.c.received_on)
    ):
        groups.setdefault((day.replace(day=1), kind, channel, hub or ""), Counter())[
            "received"
        ] += n
    closing = (cases.c.state, cases.c.closed_on, cases.c.received_on, cases.c.due_on)
    for kind, channel, hub, state, closed_on, received_on, due_on, n in connection.execute(
        sa.select(*by, *closing, count)
        .where(cases.c.closed_on.is_not(None))
        .group_by(*by, *closing)
    ):
        key = (closed_on.replace(day=1), kind, channel, hub or "")
        counts = groups.setdefault(key, Counter())
        if state == "completed":
            counts["completed"] += n
            if due_on is not None and closed_on <= due_on:
                counts["on_time"] += n
            taken = (closed_on - received_on).days
            dimensions = (("all", ""), ("kind", kind), ("channel", channel), ("hub", hub or ""))
            for dimension, value in dimensions:
                days[(key[0], dimension, value, taken)] += n
        elif state in ("refused", "withdrawn"):
            counts[state] += n
    if groups:
        op.bulk_insert(
            groups_table,
            [
                {**dict(zip(KEY, key, strict=True)), **{name: c[name] for name in COUNTS}}
                for key, c in sorted(groups.items())
            ],
        )
    if days:
        op.bulk_insert(
            days_table,
            [
                {**dict(zip(DAYS_KEY, key, strict=True)), "completed": n}
                for key, n in sorted(days.items())
            ],
        )


def downgrade():
    op.drop_table("case_month_days")
    op.drop_table("case_month_groups")
