"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.cases.person_search import is_sqlite_index_table
from portal.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        # SQLite's search index (an FTS5 table and its own tables) is made by the migration
        # and the models' DDL alike, but no model describes it.
        context = MigrationContext.configure(
            connection,
            opts={
                "include_object": lambda _, name, type_, reflected, __: (
                    not (type_ == "table" and reflected and is_sqlite_index_table(name))
                )
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model changed without a migration: run `make migration`"
