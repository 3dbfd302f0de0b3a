"""The words OCR read in an uploaded record's pictured pages, one row a page, made by the
worker when the record is uploaded and kept encrypted as the record is (issue 18: a search
or release does not wait for Tesseract). Deleted with the record.

Revision ID: 0027_record_readings
Revises: 0026_case_month_groups
Create Date: 2026-12-07 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_record_readings"
down_revision = "0026_case_month_groups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_record_readings_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["disclosure_items.id"],
            name=op.f("fk_record_readings_item_id_disclosure_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_readings")),
        sa.UniqueConstraint("item_id", "page", name=op.f("uq_record_readings_item_id")),
    )
    with op.batch_alter_table("record_readings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_readings_case_id"), ["case_id"])


def downgrade():
    with op.batch_alter_table("record_readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_readings_case_id"))
    op.drop_table("record_readings")
