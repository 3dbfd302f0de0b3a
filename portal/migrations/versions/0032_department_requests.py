"""Department searches asked of named department contacts (issue 19 point 4): the
department_requests table, and the department a department-contact account searches for.

Revision ID: 0032_department_requests
Revises: 0031_case_links
Create Date: 2026-12-07 05:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032_department_requests"
down_revision = "0031_case_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("department_key", sa.String(length=40), nullable=True))
    op.create_table(
        "department_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("department_key", sa.String(length=40), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=False),
        sa.Column("chased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chase_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_department_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["staff_users.id"],
            name=op.f("fk_department_requests_contact_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_requests")),
    )
    with op.batch_alter_table("department_requests") as batch:
        batch.create_index(batch.f("ix_department_requests_case_id"), ["case_id"])
        batch.create_index(batch.f("ix_department_requests_contact_id"), ["contact_id"])
        batch.create_index(batch.f("ix_department_requests_status"), ["status"])


def downgrade():
    with op.batch_alter_table("department_requests") as batch:
        batch.drop_index(batch.f("ix_department_requests_status"))
        batch.drop_index(batch.f("ix_department_requests_contact_id"))
        batch.drop_index(batch.f("ix_department_requests_case_id"))
    op.drop_table("department_requests")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("department_key")
