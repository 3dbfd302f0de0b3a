"""What staff find a person by, in one folded column (issue 19 point 3): people.search_text
holds their names, email, postcode, phone and date of birth, lower-cased and without
accents (portal.cases.person_search), backfilled here for everyone already on record; the
model sets it whenever a person is saved from now on. The queue's trigram index moves from
full_name to it: GIN with pg_trgm on PostgreSQL; on SQLite an FTS5 trigram table over the
column, kept by triggers (portal.cases.person_search.SQLITE_INDEX), beside the plain index.

Revision ID: 0029_people_search_text
Revises: 0028_case_month_events
Create Date: 2026-12-07 05:00:00

"""

import sqlalchemy as sa
from alembic import op

from portal.cases.person_search import (
    SQLITE_INDEX,
    SQLITE_INDEX_DROP,
    SQLITE_INDEX_FILL,
    search_text,
)

# revision identifiers, used by Alembic.
revision = "0029_people_search_text"
down_revision = "0028_case_month_events"
branch_labels = None
depends_on = None

BATCH = 5_000
people = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("other_names", sa.Text),
    sa.column("email", sa.String),
    sa.column("postcode", sa.String),
    sa.column("phone", sa.String),
    sa.column("date_of_birth", sa.Date),
    sa.column("search_text", sa.Text),
)


def upgrade():
    op.add_column(
        "people", sa.Column("search_text", sa.Text(), nullable=False, server_default="")
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                people.c.id,
                people.c.full_name,
                people.c.other_names,
                people.c.email,
                people.c.postcode,
                people.c.phone,
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
            .values(search_text=sa.bindparam("text")),
            [
                {
                    "person_id": row.id,
                    "text": search_text(
                        full_name=row.full_name or "",
                        other_names=row.other_names or "",
                        email=row.email or "",
                        postcode=row.postcode or "",
                        phone=row.phone or "",
                        date_of_birth=row.date_of_birth,
                    ),
                }
                for row in rows
            ],
        )
        last_id = rows[-1].id
    op.drop_index("ix_people_full_name_trgm", table_name="people")
    _trigram_index("ix_people_search_text_trgm", "search_text")
    if connection.dialect.name == "sqlite":
        for statement in (*SQLITE_INDEX, SQLITE_INDEX_FILL):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_INDEX_DROP:
            op.execute(statement)
    op.drop_index("ix_people_search_text_trgm", table_name="people")
    _trigram_index("ix_people_full_name_trgm", "full_name")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("search_text")


def _trigram_index(name, column):
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            name,
            "people",
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
    else:
        op.create_index(name, "people", [column], unique=False)
