"""Indexes for the monthly report (issue 17 point 2): each of its counts reads one month
of extensions, internal reviews and ICO cases by date, instead of every case's rows; and
the cases' arrival and closing indexes carry what the report counts by (kind, channel,
hub, state, due date), so its counts read the index alone.

Revision ID: 0022_report_indexes
Revises: 0021_worker_heartbeats
Create Date: 2026-12-06 23:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_report_indexes"
down_revision = "0021_worker_heartbeats"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_audit_events_action_occurred_at", "audit_events", ["action", "occurred_at"]),
    ("ix_internal_reviews_received_on", "internal_reviews", ["received_on"]),
    ("ix_internal_reviews_decided_at", "internal_reviews", ["decided_at"]),
    ("ix_ico_cases_received_on", "ico_cases", ["received_on"]),
    ("ix_ico_cases_closed_on", "ico_cases", ["closed_on"]),
)


# (name, columns before, columns after): widened in place.
WIDENED = (
    ("ix_cases_received_on", ["received_on"], ["received_on", "kind", "channel", "hub_source"]),
    (
        "ix_cases_closed_at",
        ["closed_at"],
        ["closed_at", "state", "due_on", "kind", "channel", "hub_source", "received_on"],
    ),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, _before, after in WIDENED:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", after)


def downgrade():
    for name, before, _after in WIDENED:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", before)
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
