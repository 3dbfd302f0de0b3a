"""Database settings the portal relies on, checked on the engine the tests run against."""

from __future__ import annotations

from sqlalchemy import text

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


def test_name_search_can_use_its_index(app):
    """On PostgreSQL the trigram index serves ILIKE '%part%' (and JIT is off for the
    portal's short queries); on SQLite the plain index exists under the same name."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            assert connection.scalar(text("SHOW jit")) == "off"
            indexdef = connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": "ix_people_full_name_trgm"},
            )
            assert "gin" in indexdef and "gin_trgm_ops" in indexdef
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                connection.scalars(
                    text("EXPLAIN SELECT id FROM people WHERE full_name ILIKE :pattern"),
                    {"pattern": "%kowalska-12%"},
                )
            )
            assert "ix_people_full_name_trgm" in plan
        else:
            names = [row[1] for row in connection.execute(text("PRAGMA index_list('people')"))]
            assert "ix_people_full_name_trgm" in names
        db.session.rollback()
