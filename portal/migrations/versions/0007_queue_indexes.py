"""The case queue's indexes: state (and kind) filters read cases already in due order;
channel filters read only their rows; name searches go from people to their cases. Declared on Case.__table_args__.

Revision ID: 0007_queue_indexes
Revises: 0006_casework
Create Date: 2026-11-24 17:30:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0007_queue_indexes"
down_revision = "0006_casework"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_subject_id", ["subject_id"], unique=False)
        batch_op.create_index("ix_cases_requester_id", ["requester_id"], unique=False)
        batch_op.create_index("ix_cases_state_due_on_id", ["state", "due_on", "id"], unique=False)
        batch_op.create_index(
            "ix_cases_kind_state_due_on_id", ["kind", "state", "due_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_cases_channel_due_on_id", ["channel", "due_on", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_channel_due_on_id")
        batch_op.drop_index("ix_cases_kind_state_due_on_id")
        batch_op.drop_index("ix_cases_state_due_on_id")
        batch_op.drop_index("ix_cases_requester_id")
        batch_op.drop_index("ix_cases_subject_id")
