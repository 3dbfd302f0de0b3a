"""Database settings the portal relies on, checked on the engine the tests run against."""

from __future__ import annotations

from sqlalchemy import text

from portal.cases.models import Person
from portal.extensions import db, engine_options


def test_only_postgresql_gets_connection_options():
    assert engine_options("sqlite:///instance/portal.sqlite") == {"pool_pre_ping": True}
    options = engine_options("postgresql+psycopg://portal@db/portal")
    assert options["connect_args"] == {"options": "-c jit=off", "prepare_threshold": None}


def test_the_app_checks_each_pooled_connection_before_using_it(app):
    """Issue 14 point 8: a connection the database dropped is replaced, not used."""
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    with app.app_context():
        assert db.engine.pool._pre_ping


def test_the_queue_search_can_use_its_index(app):
    """On PostgreSQL the trigram index serves LIKE '%part%' on what people are found by
    (and JIT is off for the portal's short queries); on SQLite the plain index exists under
    the same name."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            assert connection.scalar(text("SHOW jit")) == "off"
            indexdef = connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": "ix_people_search_text_trgm"},
            )
            assert "gin" in indexdef and "gin_trgm_ops" in indexdef
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                connection.scalars(
                    text("EXPLAIN SELECT id FROM people WHERE search_text LIKE :pattern"),
                    {"pattern": "%kowalska%"},
                )
            )
            assert "ix_people_search_text_trgm" in plan
        else:
            names = [row[1] for row in connection.execute(text("PRAGMA index_list('people')"))]
            assert "ix_people_search_text_trgm" in names
        db.session.rollback()


def test_sqlite_keeps_its_search_index_as_people_come_change_and_go(app):
    """SQLite's trigram index of what people are found by is an FTS5 table kept by
    triggers (portal.cases.person_search.SQLITE_INDEX): a migration that rebuilt the people
    table would drop them, and the search would quietly miss new people. So: they are there
    at the head, and a person added, renamed and deleted is found, found by the new name,
    and gone."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            db.session.rollback()
            return
        made = set(
            connection.scalars(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'people_search%'")
            )
        )
        assert {
            "people_search",
            "people_search_insert",
            "people_search_update",
            "people_search_delete",
        } <= made
        find = text("SELECT rowid FROM people_search WHERE search_text GLOB :pattern")
        someone = Person(full_name="Żaneta Trigger-Check")
        db.session.add(someone)
        db.session.flush()
        assert connection.scalars(find, {"pattern": "*zaneta trigger*"}).all() == [someone.id]
        someone.full_name = "Zaneta Renamed-Check"
        db.session.flush()
        assert connection.scalars(find, {"pattern": "*trigger-check*"}).all() == []
        assert connection.scalars(find, {"pattern": "*renamed-check*"}).all() == [someone.id]
        db.session.delete(someone)
        db.session.flush()
        assert connection.scalars(find, {"pattern": "*renamed-check*"}).all() == []
        db.session.rollback()
