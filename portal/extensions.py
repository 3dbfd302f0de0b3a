"""Extensions, created here and bound to the app in create_app()."""

from typing import Any

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

# Named constraints, so that migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()

# Service functions take either Flask-SQLAlchemy's scoped session or a plain Session.
DbSession = Session | scoped_session[Any]


# PostgreSQL connection settings for the portal's short queries (bench/queue.py):
# - jit=off: just-in-time compilation paid off for long analytical queries; PostgreSQL's
#   default (on) spent more compiling the queue's queries over 100,000 cases than running;
# - prepare_threshold=None: psycopg does not prepare statements on the server, so each
#   query is planned for its own values. A prepared statement may get one generic plan
#   for every value, and that plan cannot use the trigram index for "name ILIKE %part%"
#   or pick well between a handful of case ids and thousands. Planning costs well under a
#   millisecond, and it keeps the portal usable behind a transaction-pooling PgBouncer.
POSTGRESQL_CONNECT_ARGS: dict[str, Any] = {"options": "-c jit=off", "prepare_threshold": None}


def engine_options(database_uri: str) -> dict[str, Any]:
    """SQLAlchemy engine options for this database (used by the app and the benchmarks).

    pool_pre_ping: a pooled connection is checked (a round trip) before each use and replaced
    if the server has gone away (a restarted database, a killed backend, a failover), so the
    request that draws it is served instead of failing with a 500.
    """
    if database_uri.startswith("postgresql"):
        return {"pool_pre_ping": True, "connect_args": dict(POSTGRESQL_CONNECT_ARGS)}
    return {"pool_pre_ping": True}
