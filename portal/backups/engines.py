"""Copying a database out and back in: SQLite with its online backup API, PostgreSQL with
pg_dump and pg_restore; and what a copy holds (rows per table, Alembic revision)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, make_url, text

from portal.backups.archive import DATABASE_MEMBER, BackupRefused, Manifest
from portal.instants import utc_now


def database_kind(uri: str) -> str:
    backend = make_url(uri).get_backend_name()
    if backend not in DATABASE_MEMBER:
        raise BackupRefused(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows in each table of the connection's default schema, by table name."""
    preparer = connection.dialect.identifier_preparer
    return {
        name: connection.execute(
            text(f"SELECT count(*) FROM {preparer.quote(name)}")  # noqa: S608 (names from the catalogue)
        ).scalar_one()
        for name in sorted(inspect(connection).get_table_names())
    }


def alembic_revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def copy_sqlite(uri: str, copy: Path) -> Manifest:
    """SQLite's online backup API: a consistent copy while the portal keeps running."""
    source_path = _sqlite_path(uri)
    if not source_path.exists():
        raise BackupRefused(f"There is no database at {source_path}.")
    taken_at = utc_now()
    with _sqlite(source_path) as source, _sqlite(copy) as target:
        source.backup(target)
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as connection:
            return Manifest(
                taken_at, "sqlite", alembic_revision(connection), table_counts(connection)
            )
    finally:
        engine.dispose()


def dump_postgresql(uri: str, copy: Path) -> Manifest:
    """pg_dump, custom format, of a snapshot this function holds open: the manifest counts
    the very rows the dump holds."""
    engine = create_engine(uri, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            taken_at = utc_now()
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            manifest = Manifest(
                taken_at, "postgresql", alembic_revision(connection), table_counts(connection)
            )
            _run(
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={copy}",
                uri=uri,
            )
            connection.rollback()
    finally:
        engine.dispose()
    return manifest


def restore_sqlite(copy: Path, uri: str) -> None:
    """Copy the backup's SQLite file into the database at `uri`, page by page."""
    with _sqlite(copy) as source, _sqlite(_sqlite_path(uri)) as target:
        source.backup(target)


def restore_postgresql(copy: Path, uri: str) -> None:
    """pg_restore, all or nothing; the objects belong to whoever restores them."""
    _run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(copy),
        uri=uri,
    )


def _sqlite_path(uri: str) -> Path:
    database = make_url(uri).database
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()


def _run(program: str, *arguments: str, uri: str) -> None:
    """A PostgreSQL client program on the database at `uri`; the password, if any, goes
    through the environment, never the command line (which `ps` shows)."""
    if shutil.which(program) is None:
        raise BackupRefused(
            f"{program} is not installed: install PostgreSQL's client programs "
            "(Debian: postgresql-client), of the server's major version or newer."
        )
    url = make_url(uri)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(  # noqa: S603 (fixed program, arguments built here)
        [program, *arguments, f"--dbname={libpq}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupRefused(f"{program} failed: {result.stderr.strip()}")
