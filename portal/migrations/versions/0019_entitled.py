"""Whoever is entitled may ask (C11): a case records the requester's authority (parental
responsibility, written permission, a lasting power of attorney, a Court of Protection
deputyship, a solicitor or advocate), and staff's judgement on a child's own request or a
parent's request for their child (portal.cases.entitlement).

Revision ID: 0019_entitled
Revises: 0018_tracking_asker
Create Date: 2026-12-06 20:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_entitled"
down_revision = "0018_tracking_asker"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(length=30), nullable=True))
    # Requests already made for a child were made with parental responsibility; for someone
    # else, with the written permission the journey asked for.
    op.execute(
        "UPDATE cases SET authority = 'parental_responsibility' WHERE acting_for = 'my_child'"
    )
    op.execute(
        "UPDATE cases SET authority = 'written_permission' WHERE acting_for = 'someone_else'"
    )
    op.create_table(
        "entitlement_judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("child_consulted", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entitlement_judgements", schema=None) as batch_op:
        batch_op.create_index("ix_entitlement_judgements_case_id", ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("entitlement_judgements", schema=None) as batch_op:
        batch_op.drop_index("ix_entitlement_judgements_case_id")
    op.drop_table("entitlement_judgements")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("authority")
