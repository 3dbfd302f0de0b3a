"""Indexes for the monthly report (cases by received_on and closed_at), for the queue's
open cases in due order (a partial index), and for its name search (a pg_trgm trigram index on people.full_name on PostgreSQL; a plain index on
SQLite, where the operator class does not exist). Declared on the models.

Revision ID: 0008_report_and_search_indexes
Revises: 0007_queue_indexes
Create Date: 2026-11-24 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# The open states when this migration was written (portal.cases.models.OPEN_STATE_VALUES).
OPEN_STATES_SQL = (
    "state IN ('received', 'awaiting_identity', 'in_progress', "
    "'awaiting_clarification', 'in_review', 'ready')"
)


# revision identifiers, used by Alembic.
revision = "0008_report_and_search_indexes"
down_revision = "0007_queue_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_received_on", ["received_on"], unique=False)
        batch_op.create_index("ix_cases_closed_at", ["closed_at"], unique=False)
    op.create_index(
        "ix_cases_open_due_on_id",
        "cases",
        ["due_on", "id"],
        unique=False,
        postgresql_where=sa.text(OPEN_STATES_SQL),
        sqlite_where=sa.text(OPEN_STATES_SQL),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_people_full_name_trgm",
            "people",
            ["full_name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        )
    else:
        op.create_index("ix_people_full_name_trgm", "people", ["full_name"], unique=False)


def downgrade():
    op.drop_index("ix_people_full_name_trgm", table_name="people")
    op.drop_index("ix_cases_open_due_on_id", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_closed_at")
        batch_op.drop_index("ix_cases_received_on")
