"""Making a backup and restoring one: the steps around the copy (portal.backups.engines)
and the archive (portal.backups.archive)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, make_url, select

from portal import deletion_ledger
from portal.backups import engines
from portal.backups.archive import DATABASE_MEMBER, BackupRefused, Manifest, unpack, write_archive
from portal.cases import audit, retention
from portal.cases.intake import file_associated_data
from portal.cases.models import Case, CaseFile
from portal.encryption import EvidenceTampered
from portal.extensions import db
from portal.instants import utc_now

# A deletion run stamps its deletions with the instant it started, and may commit after a
# backup began: deletions stamped up to this long before a backup are applied again too.
# Applying a deletion twice changes nothing; missing one would bring a person back.
REPLAY_MARGIN = timedelta(days=1)
RESTORE_ACTOR = "backup_restore"


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    upgraded_to: str | None  # the revision the schema was brought up to, if it moved
    deletions_applied: list[str]  # references deleted again, from the ledger
    damaged_ledger_lines: list[deletion_ledger.DamagedLine]
    evidence_opens: bool | None  # the evidence key opens a stored file (None: there is none)


def create_backup(path: Path) -> Manifest:
    """Write a backup of the app's database to `path` (a new file, readable by its owner)."""
    if path.exists():
        raise BackupRefused(f"{path} already exists: give a new file name.")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = engines.database_kind(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as folder:
        copy = Path(folder) / DATABASE_MEMBER[kind]
        if kind == "sqlite":
            manifest = engines.copy_sqlite(uri, copy)
        else:
            manifest = engines.dump_postgresql(uri, copy)
        partial = Path(folder) / "backup.partial"
        write_archive(partial, manifest, copy)
        partial.replace(path)
    return manifest


def restore_backup(path: Path, *, now: datetime | None = None) -> Restored:
    """Restore `path` into the app's database, which must be empty; then bring the schema
    up to date and delete again what the ledger says was deleted since the backup."""
    if not path.is_file():
        raise BackupRefused(f"There is no backup at {path}.")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = engines.database_kind(uri)
    with tempfile.TemporaryDirectory(prefix=".restore-") as folder:
        manifest, copy = unpack(path, Path(folder))
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
            engines.restore_sqlite(copy, uri)
        else:
            engines.restore_postgresql(copy, uri)
    db.engine.dispose()
    with db.engine.connect() as connection:
        restored = engines.table_counts(connection)
    if restored != manifest.tables:
        raise BackupRefused(
            "The restored database does not hold what the backup's manifest counted: do not "
            "use it; drop it, create an empty one and restore again. Differences: "
            + ", ".join(
                f"{name} {restored.get(name)} (backup: {manifest.tables.get(name)})"
                for name in sorted(set(restored) | set(manifest.tables))
                if restored.get(name) != manifest.tables.get(name)
            )
        )
    upgraded_to = _upgrade_if_older(manifest.alembic_revision)
    try:
        applied, damaged = reapply_deletions(since=manifest.taken_at, now=now or utc_now())
    except Exception as exc:  # whatever failed, the operator must not go live with this copy
        db.session.rollback()
        raise BackupRefused(
            "The database is restored, but deleting again the cases the deletion ledger "
            f"records failed ({type(exc).__name__}: {exc}), so people deleted since the backup "
            "are back in it. Do not put it in service: drop it, fix the cause and restore again."
        ) from exc
    return Restored(manifest, upgraded_to, applied, damaged, evidence_opens())


def evidence_opens() -> bool | None:
    """Whether the app's evidence key opens a stored evidence file (None when there is
    none): a restored portal run with the wrong key shows every file as tampered."""
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
    """Delete again what the ledger records as deleted since `since` (less the margin),
    rule by rule, as the retention run deleted it (retention.erase_case, which leaves an
    erased case alone), in one transaction with an audit event for the restore. Returns
    the references of the cases something was deleted from, and the ledger's unreadable
    lines."""
    reading = deletion_ledger.read_ledger()
    mail_dir = Path(current_app.config["MAIL_FILE_DIR"])
    applied: list[str] = []
    for entry in sorted(reading.entries, key=lambda e: e.deleted_at):
        if entry.deleted_at < since - REPLAY_MARGIN:
            continue
        case = db.session.scalar(select(Case).where(Case.reference == entry.reference))
        if case is None or case.erased_at is not None:
            continue
        counts = retention.erase_case(
            db.session,
            case,
            rule=entry.rule,
            now=now,
            actor=RESTORE_ACTOR,
            mail_dir=mail_dir,
            in_ledger=False,  # the entry is there already
        )
        if any(counts.values()) and entry.reference not in applied:
            applied.append(entry.reference)
    audit.record(
        db.session,
        action="backup_restored",
        actor=RESTORE_ACTOR,
        details={
            "backup_taken_at": since.isoformat(),
            "cases_deleted_again": len(applied),
            "ledger_lines_unreadable": len(reading.damaged),
        },
        now=now,
    )
    db.session.commit()
    return applied, reading.damaged


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
