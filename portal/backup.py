"""Backups of the database that restore, and never bring a deleted person back (DESIGN.md 8a).

`flask --app portal backup create PATH` writes one file: a tar holding the database (SQLite:
a copy made with SQLite's online backup API; PostgreSQL: `pg_dump --format=custom`) and
manifest.json (when it was taken, which database, the Alembic revision, the rows in each
table). `flask --app portal backup restore PATH` restores it into an EMPTY database, checks
the rows against the manifest, brings the schema up to this code's revision, then deletes
again every case the deletion ledger (portal/deletion_ledger.py) records as deleted since the
backup was taken.

The evidence key (EVIDENCE_KEY) is never in a backup: it is a setting, not a row. Whoever
holds a backup and not the key holds no one's passport; whoever restores a backup without the
key has every uploaded file and response pack unreadable (README, "Backups and restore").
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, create_engine, inspect, make_url, select, text

from portal import deletion_ledger
from portal.extensions import db
from portal.instants import utc_now

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}

# A deletion run stamps its deletions with the instant it started, and may commit after a
# backup began: deletions stamped up to this long before a backup are applied again too.
# Applying a deletion twice changes nothing; missing one would bring a person back.
REPLAY_MARGIN = timedelta(days=1)


class BackupRefused(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime
    database: str  # "sqlite" or "postgresql"
    alembic_revision: str | None
    tables: dict[str, int]

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "taken_at": self.taken_at.isoformat(),
                "database": self.database,
                "alembic_revision": self.alembic_revision,
                "tables": self.tables,
                "evidence_key": "not included: keep EVIDENCE_KEY separately",
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        values = json.loads(raw)
        if values.get("format") != FORMAT:
            raise BackupRefused(f"This backup's format ({values.get('format')}) is not {FORMAT}.")
        return cls(
            taken_at=datetime.fromisoformat(values["taken_at"]),
            database=values["database"],
            alembic_revision=values["alembic_revision"],
            tables={name: int(count) for name, count in values["tables"].items()},
        )


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    upgraded_to: str | None  # the revision the schema was brought up to, if it moved
    deletions_applied: list[str]  # references deleted again, from the ledger
    damaged_ledger_lines: list[deletion_ledger.DamagedLine]
    evidence_opens: bool | None  # the evidence key opens a stored file (None: there is none)


# Reading a database ------------------------------------------------------------------------


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


# Create ---------------------------------------------------------------------------------


def create_backup(path: Path) -> Manifest:
    """Write a backup of the app's database to `path` (a new file, readable by its owner)."""
    if path.exists():
        raise BackupRefused(f"{path} already exists: give a new file name.")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = database_kind(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as folder:
        copy = Path(folder) / DATABASE_MEMBER[kind]
        manifest = _copy_sqlite(uri, copy) if kind == "sqlite" else _dump_postgresql(uri, copy)
        partial = Path(folder) / "backup.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as archive:
                _add_bytes(archive, MANIFEST, manifest.as_json().encode())
                archive.add(copy, arcname=copy.name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(content)
    member.mode = 0o600
    archive.addfile(member, io.BytesIO(content))


def _copy_sqlite(uri: str, copy: Path) -> Manifest:
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


def _dump_postgresql(uri: str, copy: Path) -> Manifest:
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


# Restore --------------------------------------------------------------------------------


def restore_backup(path: Path, *, now: datetime | None = None) -> Restored:
    """Restore `path` into the app's database, which must be empty; then bring the schema
    up to date and delete again what the ledger says was deleted since the backup."""
    if not path.is_file():
        raise BackupRefused(f"There is no backup at {path}.")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = database_kind(uri)
    with tempfile.TemporaryDirectory(prefix=".restore-") as folder:
        manifest, copy = _unpack(path, Path(folder))
        if manifest.database != kind:
            raise BackupRefused(
                f"This is a backup of a {manifest.database} database; the portal is set up "
                f"for {kind} (DATABASE_URL)."
            )
        heads = _known_revisions()
        if manifest.alembic_revision and manifest.alembic_revision not in heads:
            raise BackupRefused(
                f"This backup's schema (revision {manifest.alembic_revision}) was made by a "
                "newer version of the portal: restore it with that version."
            )
        _refuse_unless_empty()
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            with _sqlite(copy) as source, _sqlite(_sqlite_path(uri)) as target:
                source.backup(target)
        else:
            _run(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(copy),
                uri=uri,
            )
    db.engine.dispose()
    with db.engine.connect() as connection:
        restored = table_counts(connection)
    if restored != manifest.tables:
        raise BackupRefused(
            "The restored rows differ from the backup's manifest: "
            + ", ".join(
                f"{name} {restored.get(name)} (backup: {manifest.tables.get(name)})"
                for name in sorted(set(restored) | set(manifest.tables))
                if restored.get(name) != manifest.tables.get(name)
            )
        )
    upgraded_to = _upgrade_if_older(manifest.alembic_revision)
    applied, damaged = reapply_deletions(since=manifest.taken_at, now=now or utc_now())
    return Restored(manifest, upgraded_to, applied, damaged, evidence_opens())


def evidence_opens() -> bool | None:
    """Whether the app's evidence key opens a stored evidence file (None when there is
    none): a restored portal run with the wrong key shows every file as tampered."""
    from portal.cases.intake import file_associated_data
    from portal.cases.models import Case, CaseFile
    from portal.encryption import EvidenceTampered

    row = db.session.execute(
        select(CaseFile.encrypted, CaseFile.sha256, Case.reference)
        .join(Case, CaseFile.case_id == Case.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    cipher = current_app.extensions["evidence_cipher"]
    try:
        cipher.decrypt(
            row.encrypted, associated_data=file_associated_data(row.reference, row.sha256)
        )
    except EvidenceTampered:
        return False
    finally:
        db.session.rollback()
    return True


def reapply_deletions(
    *, since: datetime, now: datetime
) -> tuple[list[str], list[deletion_ledger.DamagedLine]]:
    """Delete again each case the ledger records as deleted since `since` (less the
    margin) and still in the database, as the retention run deleted it; one transaction,
    audited. Returns the references and the ledger's unreadable lines."""
    from portal.cases import audit
    from portal.cases.models import Case

    reading = deletion_ledger.read_ledger()
    applied = []
    for entry in sorted(reading.entries, key=lambda e: e.deleted_at):
        if entry.deleted_at < since - REPLAY_MARGIN:
            continue
        case = db.session.scalar(select(Case).where(Case.reference == entry.reference))
        if case is None:
            continue
        from portal.cases import retention  # type: ignore[attr-defined]  # helper R: lands soon

        retention.erase_case(db.session, case, rule=entry.rule, now=now)
        applied.append(entry.reference)
    audit.record(
        db.session,
        action="backup_restored",
        actor="backup",
        details={
            "backup_taken_at": since.isoformat(),
            "deletions_applied_again": len(applied),
            "ledger_lines_unreadable": len(reading.damaged),
        },
        now=now,
    )
    db.session.commit()
    return applied, reading.damaged


def _unpack(path: Path, folder: Path) -> tuple[Manifest, Path]:
    try:
        with tarfile.open(path, mode="r:") as archive:
            names = archive.getnames()
            if MANIFEST not in names:
                raise BackupRefused(f"{path} is not a portal backup (no {MANIFEST}).")
            manifest = Manifest.from_json(_read_member(archive, MANIFEST).read())
            member = DATABASE_MEMBER.get(manifest.database)
            if member not in names:
                raise BackupRefused(f"{path} holds no database copy.")
            copy = folder / member  # our own name: nothing in the archive names a path
            with open(copy, "wb") as out:
                shutil.copyfileobj(_read_member(archive, member), out)
    except (tarfile.TarError, ValueError, KeyError) as exc:
        raise BackupRefused(f"{path} is not a readable portal backup ({exc}).") from exc
    return manifest, copy


def _read_member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    handle = archive.extractfile(name)
    if handle is None:
        raise BackupRefused(f"{name} in the backup is not a file.")
    return handle


def _refuse_unless_empty() -> None:
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        where = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
            hide_password=True
        )
        raise BackupRefused(
            f"The database {where} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(sorted(tables)[:3])}). A backup restores only into an empty database: "
            "create a new one and point DATABASE_URL at it."
        )


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}


def _upgrade_if_older(revision: str | None) -> str | None:
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade

    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    if revision == head:
        return None
    upgrade()
    return head


# Helpers --------------------------------------------------------------------------------


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


# Commands -------------------------------------------------------------------------------

backup_cli = AppGroup("backup", help="Back up and restore the database (never the evidence key).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Write a backup of the database to PATH (a new file)."""
    try:
        manifest = create_backup(path)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    rows = sum(manifest.tables.values())
    click.echo(
        f"Backup written to {path}: the {manifest.database} database at revision "
        f"{manifest.alembic_revision}, {rows} rows in {len(manifest.tables)} tables, taken "
        f"at {manifest.taken_at.isoformat(timespec='seconds')}."
    )
    click.echo(
        "It does not hold the evidence key: keep EVIDENCE_KEY separately (without it the "
        "uploaded files and response packs in this backup cannot be read)."
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore the backup at PATH into the (empty) database, then delete again what was
    deleted since it was taken."""
    try:
        restored = restore_backup(path)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    manifest = restored.manifest
    click.echo(
        f"Restored {path}, taken at {manifest.taken_at.isoformat(timespec='seconds')}: "
        f"{len(manifest.tables)} tables, the same rows as when it was taken."
    )
    if restored.upgraded_to:
        click.echo(f"Schema brought up to revision {restored.upgraded_to}.")
    click.echo(
        f"Deleted again, as the deletion ledger records since the backup: "
        f"{len(restored.deletions_applied)} case(s)."
    )
    if restored.evidence_opens is False:
        click.echo(
            "Warning: the evidence key in use (EVIDENCE_KEY) does not open the restored "
            "evidence files. Set the key that was in use when the backup was taken; without "
            "it no uploaded file or response pack can be read.",
            err=True,
        )
    for line in restored.damaged_ledger_lines:
        click.echo(
            f"Warning: line {line.number} of the deletion ledger "
            f"({deletion_ledger.ledger_path()}) cannot be read ({line.problem}): check by "
            "hand whether a case it names is back, and delete it with the retention run.",
            err=True,
        )
