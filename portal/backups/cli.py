"""`flask --app portal backup create|restore PATH` (README, "Backups and restore")."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal import deletion_ledger
from portal.backups.archive import BackupRefused
from portal.backups.backup import create_backup, restore_backup

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
