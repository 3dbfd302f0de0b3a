"""Linked and duplicate requests (issue 19 point 1): each person's match keys (email,
name and date of birth, household address: portal.cases.match_keys), indexed and
backfilled for everyone already on record; case_links, the links staff make between
requests; cases.merged_into_id, the original a duplicate was merged into.

The people columns are added with ALTER TABLE, not a batch rebuild: on SQLite a rebuild
would drop the triggers that keep the search index (portal.cases.person_search).

Revision ID: 0031_case_links
Revises: 0030_teams
Create Date: 2026-12-07 06:00:00

"""

import sqlalchemy as sa
from alembic import op

from portal.cases.match_keys import email_key, household_key, name_key

# revision identifiers, used by Alembic.
revision = "0031_case_links"
down_revision = "0030_teams"
branch_labels = None
depends_on = None

BATCH = 5_000
KEYS = ("email_key", "name_key", "household_key")
people = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("email", sa.String),
    sa.column("address", sa.Text),
    sa.column("postcode", sa.String),
    sa.column("date_of_birth", sa.Date),
    *(sa.column(key, sa.String) for key in KEYS),
)


def upgrade():
    for key in KEYS:
        op.add_column("people", sa.Column(key, sa.String(length=320), nullable=True))
    _backfill()
    for key in KEYS:
        op.create_index(f"ix_people_{key}", "people", [key], unique=False)
    if op.get_bind().dialect.name == "sqlite":  # a constraint only as the column comes
        op.execute("ALTER TABLE cases ADD COLUMN merged_into_id INTEGER REFERENCES cases (id)")
    else:
        op.add_column("cases", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_cases_merged_into_id_cases", "cases", "cases", ["merged_into_id"], ["id"]
        )
    op.create_index("ix_cases_merged_into_id", "cases", ["merged_into_id"], unique=False)
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("linked_case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["linked_case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_links_pair", "case_links", ["case_id", "linked_case_id"], unique=True)
    op.create_index("ix_case_links_linked_case_id", "case_links", ["linked_case_id"], unique=False)


def _backfill():
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                people.c.id,
                people.c.full_name,
                people.c.email,
                people.c.address,
                people.c.postcode,
                people.c.date_of_birth,
            )
            .where(people.c.id > last_id)
            .order_by(people.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            people.update()
            .where(people.c.id == sa.bindparam("person_id"))
            .values({key: sa.bindparam(f"new_{key}") for key in KEYS}),
            [
                {
                    "person_id": row.id,
                    "new_email_key": email_key(row.email),
                    "new_name_key": name_key(row.full_name, row.date_of_birth),
                    "new_household_key": household_key(row.address, row.postcode),
                }
                for row in rows
            ],
        )
        last_id = rows[-1].id


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_case_links_linked_case_id", table_name="case_links")
    op.drop_index("ix_case_links_pair", table_name="case_links")
    op.drop_table("case_links")
    op.drop_index("ix_cases_merged_into_id", table_name="cases")
    if not sqlite:
        op.drop_constraint("fk_cases_merged_into_id_cases", "cases", type_="foreignkey")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of people would
    # drop the search index's triggers.
    op.execute("ALTER TABLE cases DROP COLUMN merged_into_id")
    for key in KEYS:
        op.drop_index(f"ix_people_{key}", table_name="people")
        op.execute(f"ALTER TABLE people DROP COLUMN {key}")
