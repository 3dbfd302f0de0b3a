"""Retention: a case record can be erased (its people go, the row stays as a tombstone),
restriction entries outlive their case (C12), and a disabled staff account's name and
email can be removed (portal.cases.retention, portal.accounts.retention).

Revision ID: 0015_retention
Revises: 0014_notice_release_2_1
Create Date: 2026-12-06 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_retention"
down_revision = "0014_notice_release_2_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("requester_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("subject_person_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Erased cases name no people and detached register entries no case: before the columns
    # are required again, tombstones point at one placeholder person (no personal data)
    # and detached entries go (never downgrade past this with real data).
    connection = op.get_bind()
    erased = connection.execute(sa.text("SELECT count(*) FROM cases WHERE requester_id IS NULL"))
    if erased.scalar():
        connection.execute(
            sa.text(
                "INSERT INTO people (full_name, other_names, address, postcode, "
                "previous_addresses, email, phone, identifiers) "
                "VALUES ('Erased', '', '', '', '', '', '', '{}')"
            )
        )
        placeholder = connection.execute(
            sa.text("SELECT max(id) FROM people WHERE full_name = 'Erased'")
        ).scalar()
        connection.execute(
            sa.text(
                "UPDATE cases SET requester_id = :id, subject_id = :id "
                "WHERE requester_id IS NULL OR subject_id IS NULL"
            ),
            {"id": placeholder},
        )
    connection.execute(
        sa.text(
            "DELETE FROM restriction_entries WHERE case_id IS NULL OR subject_person_id IS NULL"
        )
    )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("restriction_entries", schema=None) as batch_op:
        batch_op.alter_column("subject_person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("requester_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("erased_at")
