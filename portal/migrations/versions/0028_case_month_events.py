"""The monthly report's event counts by group (portal.cases.case_month_events): each
month's extensions, complaints acknowledged in time, internal reviews asked for and
decided, and ICO cases received and closed, kept in case_month_groups as they happen, so
the report reads a row a group however many events a month holds (issue 17 point 2).
Filled here from what is recorded, as case_months.recount does: extensions and
acknowledgements from their audit events, reviews and ICO cases from their rows.

And case_month_medians: each month's median days to complete, in all and by kind, channel
and hub, kept as cases complete (the middle one or two cases' days), so the report reads a
row a breakdown rather than every number of days; filled here from case_month_days.

Revision ID: 0028_case_month_events
Revises: 0027_record_readings
Create Date: 2026-12-07 04:30:00

"""

from collections import Counter
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028_case_month_events"
down_revision = "0027_record_readings"
branch_labels = None
depends_on = None

EVENTS = (
    "extended",
    "acknowledged_in_time",
    "reviews_asked",
    "reviews_decided",
    "ico_recorded",
    "ico_closed",
)
CASE_COUNTS = ("received", "completed", "on_time", "refused", "withdrawn")
KEY = ("month", "kind", "channel", "hub")
LONDON = ZoneInfo("Europe/London")
ACKNOWLEDGE_WITHIN_DAYS = 30  # C13: the 30 days beginning with the day received

cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("channel", sa.String),
    sa.column("hub_source", sa.String),
    sa.column("received_on", sa.Date),
)
audit_events = sa.table(
    "audit_events",
    sa.column("case_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
)
reviews = sa.table(
    "internal_reviews",
    sa.column("case_id", sa.Integer),
    sa.column("received_on", sa.Date),
    sa.column("decided_at", sa.DateTime(timezone=True)),
)
ico_cases = sa.table(
    "ico_cases",
    sa.column("case_id", sa.Integer),
    sa.column("received_on", sa.Date),
    sa.column("closed_on", sa.Date),
)
groups = sa.table(
    "case_month_groups",
    sa.column("month", sa.Date),
    *(sa.column(name, sa.String) for name in KEY[1:]),
    *(sa.column(name, sa.Integer) for name in CASE_COUNTS + EVENTS),
)


def _london_day(moment):
    """The Europe/London date of a stored instant (naive ones are UTC, as SQLite gives)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def _counts(connection):
    """(month, kind, channel, hub) -> Counter of EVENTS."""
    counted = {}

    def add(kind, channel, hub, day, figure):
        key = (day.replace(day=1), kind, channel, hub or "")
        counted.setdefault(key, Counter())[figure] += 1

    group = (cases.c.kind, cases.c.channel, cases.c.hub_source)
    for kind, channel, hub, action, received_on, at in connection.execute(
        sa.select(*group, audit_events.c.action, cases.c.received_on, audit_events.c.occurred_at)
        .join(audit_events, audit_events.c.case_id == cases.c.id)
        .where(audit_events.c.action.in_(("deadline_extended", "complaint_acknowledged")))
    ):
        day = _london_day(at)
        if action == "deadline_extended":
            add(kind, channel, hub, day, "extended")
        elif kind == "complaint" and day <= received_on + timedelta(
            days=ACKNOWLEDGE_WITHIN_DAYS - 1
        ):
            add(kind, channel, hub, received_on, "acknowledged_in_time")
    for kind, channel, hub, received_on, decided_at in connection.execute(
        sa.select(*group, reviews.c.received_on, reviews.c.decided_at).join(
            reviews, reviews.c.case_id == cases.c.id
        )
    ):
        add(kind, channel, hub, received_on, "reviews_asked")
        if decided_at is not None:
            add(kind, channel, hub, _london_day(decided_at), "reviews_decided")
    for kind, channel, hub, received_on, closed_on in connection.execute(
        sa.select(*group, ico_cases.c.received_on, ico_cases.c.closed_on).join(
            ico_cases, ico_cases.c.case_id == cases.c.id
        )
    ):
        add(kind, channel, hub, received_on, "ico_recorded")
        if closed_on is not None:
            add(kind, channel, hub, closed_on, "ico_closed")
    return counted


def _medians(connection):
    """The case_month_medians rows, from the case_month_days rows."""
    days = sa.table(
        "case_month_days",
        sa.column("month", sa.Date),
        sa.column("dimension", sa.String),
        sa.column("value", sa.String),
        sa.column("days", sa.Integer),
        sa.column("completed", sa.Integer),
    )
    counted = {}
    for month, dimension, value, taken, n in connection.execute(
        sa.select(days.c.month, days.c.dimension, days.c.value, days.c.days, days.c.completed)
    ):
        counted.setdefault((month, dimension, value), Counter())[taken] += n
    rows = []
    for (month, dimension, value), by_days in sorted(counted.items()):
        order = [taken for taken in sorted(by_days) for _ in range(by_days[taken])]
        if order:
            low, high = order[(len(order) - 1) // 2], order[len(order) // 2]
            rows.append(
                {"month": month, "dimension": dimension, "value": value, "low": low, "high": high}
            )
    return rows


def upgrade():
    medians = op.create_table(
        "case_month_medians",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "dimension", "value", name=op.f("pk_case_month_medians")),
    )
    with op.batch_alter_table("case_month_groups", schema=None) as batch_op:
        for name in EVENTS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )
    connection = op.get_bind()
    existing = {
        (month, kind, channel, hub)
        for month, kind, channel, hub in connection.execute(
            sa.select(*(groups.c[name] for name in KEY))
        )
    }
    for key, counts in sorted(_counts(connection).items()):
        values = {name: counts[name] for name in EVENTS}
        if key in existing:
            connection.execute(
                sa.update(groups)
                .where(*(groups.c[name] == value for name, value in zip(KEY, key, strict=True)))
                .values(**values)
            )
        else:
            connection.execute(
                sa.insert(groups).values(
                    **dict(zip(KEY, key, strict=True)),
                    **{name: 0 for name in CASE_COUNTS},
                    **values,
                )
            )


    rows = _medians(connection)
    if rows:
        op.bulk_insert(medians, rows)


def downgrade():
    op.drop_table("case_month_medians")
    with op.batch_alter_table("case_month_groups", schema=None) as batch_op:
        for name in reversed(EVENTS):
            batch_op.drop_column(name)
