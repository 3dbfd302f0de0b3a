"""What /readyz checks: the database answers, its schema is at the migrations' head, and a
job worker has beaten recently. Each check says one word; none says why in detail (a
database error can quote its address), which goes to the log instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.instants import utc_now
from portal.ops.heartbeat import latest_beat

OK = "ok"


def check_readiness(app: Flask, now: datetime | None = None) -> dict[str, str]:
    """{"database": ..., "migrations": ..., "worker": ...}: each "ok" or what is wrong."""
    checks = {"database": "unreachable", "migrations": "unknown", "worker": "unknown"}
    try:
        with app.app_context(), db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = OK
            checks["migrations"] = migration_state(app, connection)
            checks["worker"] = worker_state(app, connection, now or utc_now())
    except SQLAlchemyError as error:
        app.logger.warning("Not ready: %s", type(error).__name__)
    return checks


def migration_state(app: Flask, connection: Connection) -> str:
    """ "ok" at the head revision; "behind" before it (upgrade the database); "unknown
    revision" when the database was migrated by a newer release than this one."""
    script = _scripts(app)
    current = set(MigrationContext.configure(connection).get_current_heads())
    if current == set(script.get_heads()):
        return OK
    try:
        for revision in current:
            script.get_revision(revision)
    except CommandError:
        return "unknown revision"
    return "behind"


def worker_state(app: Flask, connection: Connection, now: datetime) -> str:
    """ "ok" when some worker beat within WORKER_HEARTBEAT_MAX_AGE_SECONDS (0: not checked),
    "stale" when the last beat is older, "none" when no worker ever beat."""
    max_age = float(app.config.get("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 0))
    if max_age <= 0:
        return "not checked"
    last = latest_beat(connection)
    if last is None:
        return "none"
    return OK if (now - last).total_seconds() <= max_age else "stale"


def is_ready(checks: dict[str, str]) -> bool:
    """Ready only when every check said so: a check that could not run is not a pass."""
    return (
        checks["database"] == OK
        and checks["migrations"] == OK
        and checks["worker"] in (OK, "not checked")
    )


def _scripts(app: Flask) -> ScriptDirectory:
    """The migration scripts, read once per process (they change only with a release)."""
    cache: dict[str, Any] = app.extensions.setdefault("ops", {})
    if "scripts" not in cache:
        cache["scripts"] = ScriptDirectory(app.config["MIGRATIONS_DIRECTORY"])
    script: ScriptDirectory = cache["scripts"]
    return script
