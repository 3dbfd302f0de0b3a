"""Teams of staff (issue 19 point 2, portal.accounts.teams): a team's name, and the team
each member of staff is in (none when the team is deleted).

Revision ID: 0030_teams
Revises: 0029_people_search_text
Create Date: 2026-12-07 05:02:15.059908

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030_teams"
down_revision = "0029_people_search_text"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_users_team_id"), ["team_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_users_team_id_teams"),
            "teams",
            ["team_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_staff_users_team_id_teams"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_staff_users_team_id"))
        batch_op.drop_column("team_id")

    op.drop_table("teams")
