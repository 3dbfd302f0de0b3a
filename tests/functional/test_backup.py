"""The restore drill (issue 14 point 7): `flask --app portal backup create PATH`, then
`backup restore PATH` into an empty database of the same engine (SQLite here; PostgreSQL
when TEST_DATABASE_URL is set), gives the same rows, an audit trail that verifies and
evidence that opens with the key kept apart from the backup; a restore deletes again what
the deletion ledger records since the backup, so nobody deleted comes back."""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from portal.backups.engines import table_counts
from portal.cases import intake
from portal.cases.models import Case, CaseFile, CaseKind, CaseState, EvidencePurpose, Person
from portal.cases.requests import Evidence
from portal.cases.scenario_requests import person, tiny_png
from portal.cases.scenarios import Scenarios
from portal.deletion_ledger import read_ledger, record
from portal.extensions import db
from tests.conftest import make_app, own_database
from tests.functional.test_retention import Family, leftovers

RECEIVED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PASSPORT = tiny_png(77) + b"passport scan of Zofia Nowicka"


@dataclass
class Drill:
    source: Flask
    restored: Flask
    key: bytes
    folder: Path


def _app(url: str, folder: Path, key: bytes, *, migrated: bool) -> Flask:
    app = make_app(url, folder, EVIDENCE_KEY=base64.urlsafe_b64encode(key).decode())
    if migrated:
        with app.app_context():
            upgrade()
    return app


@pytest.fixture()
def drill(database_url, tmp_path) -> Iterator[Drill]:
    """Two databases of the suite's engine, each of its own: the source, migrated, and an
    empty one to restore into; both apps hold the same evidence key, as the council's
    secret store would give it to the restored portal."""
    key = secrets.token_bytes(32)
    with (
        own_database(database_url, tmp_path, "backup_source") as source_url,
        own_database(database_url, tmp_path, "backup_restored") as restored_url,
    ):
        source = _app(source_url, tmp_path / "source", key, migrated=True)
        restored = _app(restored_url, tmp_path / "restored", key, migrated=False)
        yield Drill(source, restored, key, tmp_path)
        for app in (source, restored):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _build_cases(app: Flask) -> dict[str, str]:
    """A few requests as residents make them, one answered with the passport it came with;
    their references."""
    with app.app_context():
        scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
        passport = Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", PASSPORT)
        with_passport = scenarios.case_in(
            CaseState.COMPLETED,
            received=RECEIVED,
            subject=person(full_name="Zofia Nowicka"),
            evidence=(passport,),
        )
        completed = scenarios.case_in(
            CaseState.COMPLETED, received=RECEIVED, subject=person(full_name="Ilona Marsh")
        )
        objection = scenarios.case_in(
            CaseState.IN_PROGRESS,
            CaseKind.OBJECTION,
            received=RECEIVED,
            subject=person(full_name="Jonas Petrauskas"),
        )
        db.session.commit()
        return {
            "passport": with_passport.reference,
            "completed": completed.reference,
            "objection": objection.reference,
        }


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as connection:
        return table_counts(connection)


def _invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_backup_restores_into_an_empty_database_with_everything_in_it(drill):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"

    created = _invoke(drill.source, "backup", "create", str(path))
    assert created.exit_code == 0, created.output
    assert f"Backup written to {path}" in created.output
    assert "keep EVIDENCE_KEY separately" in created.output
    before = _counts(drill.source)

    restored = _invoke(drill.restored, "backup", "restore", str(path))

    assert restored.exit_code == 0, restored.output
    assert "the same rows as when it was taken" in restored.output
    assert "Deleted again, as the deletion ledger records since the backup: 0" in restored.output
    after = _counts(drill.restored)
    # Every table, row for row; the audit trail has one more event: the restore itself.
    assert after == {**before, "audit_events": before["audit_events"] + 1}
    assert before["cases"] == 3 and before["case_files"] == 1
    verified = _invoke(drill.restored, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert f"The audit trail is whole: {after['audit_events']} events." in verified.output


def test_evidence_restored_opens_with_the_key_kept_apart_and_only_with_it(drill):
    references = _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0
    assert _invoke(drill.restored, "backup", "restore", str(path)).exit_code == 0

    with drill.restored.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == references["passport"]))
        (stored,) = db.session.scalars(select(CaseFile).where(CaseFile.case_id == case.id))
        opened = drill.restored.extensions["evidence_cipher"].decrypt(
            stored.encrypted,
            associated_data=intake.file_associated_data(case.reference, stored.sha256),
        )
    assert opened == PASSPORT


def test_a_restore_with_another_evidence_key_warns_that_no_file_can_be_read(
    drill, database_url, tmp_path
):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0
    with own_database(database_url, tmp_path, "backup_other_key") as url:
        other = _app(url, tmp_path / "other", secrets.token_bytes(32), migrated=False)
        try:
            restored = _invoke(other, "backup", "restore", str(path))
        finally:
            with other.app_context():
                db.engine.dispose()

    assert restored.exit_code == 0, restored.output
    assert "does not open the restored evidence files" in restored.output
    assert "Warning" not in _restore_with_the_right_key(drill, path)


def _restore_with_the_right_key(drill: Drill, path: Path) -> str:
    restored = _invoke(drill.restored, "backup", "restore", str(path))
    assert restored.exit_code == 0, restored.output
    return restored.output


def test_the_evidence_key_is_never_in_a_backup(drill):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0

    content = path.read_bytes()
    with tarfile.open(path) as archive:
        if "database.pgdump" in archive.getnames():
            # pg_dump compresses its data: read the dump back as plain SQL as well.
            dump = drill.folder / "database.pgdump"
            dump.write_bytes(archive.extractfile("database.pgdump").read())  # type: ignore[union-attr]
            content += subprocess.run(
                ["pg_restore", "--file=-", str(dump)], capture_output=True, check=True
            ).stdout
            assert b"CREATE TABLE public.case_files" in content
    assert drill.key not in content
    for text in (base64.b64encode(drill.key), base64.urlsafe_b64encode(drill.key)):
        assert text not in content
        assert text.rstrip(b"=") not in content
    assert drill.key.hex().encode() not in content


def test_the_backup_says_when_it_was_taken_and_what_it_holds(drill):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    before = datetime.now(UTC)
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0

    with tarfile.open(path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert before <= datetime.fromisoformat(manifest["taken_at"]) <= datetime.now(UTC)
    engine = (
        "postgresql"
        if drill.source.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
        else "sqlite"
    )
    assert manifest["database"] == engine
    assert manifest["alembic_revision"]
    assert manifest["tables"]["cases"] == 3
    assert manifest["tables"] == _counts(drill.source)
    assert path.stat().st_mode & 0o077 == 0, "a backup holds personal data: owner only"


def test_a_restore_into_a_database_that_has_tables_is_refused(drill):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0
    before = _counts(drill.source)

    refused = _invoke(drill.source, "backup", "restore", str(path))

    assert refused.exit_code != 0
    assert "is not empty" in refused.output
    assert "restores only into an empty database" in refused.output
    assert _counts(drill.source) == before


def test_a_backup_never_overwrites_a_file(drill):
    path = drill.folder / "portal.backup"
    path.write_bytes(b"yesterday's backup")

    refused = _invoke(drill.source, "backup", "create", str(path))

    assert refused.exit_code != 0
    assert "already exists" in refused.output
    assert path.read_bytes() == b"yesterday's backup"


def test_a_file_that_is_not_a_backup_is_refused_clearly(drill):
    path = drill.folder / "notes.txt"
    path.write_text("not a backup")

    refused = _invoke(drill.restored, "backup", "restore", str(path))

    assert refused.exit_code != 0
    assert "is not a readable portal backup" in refused.output
    assert _counts(drill.restored) == {}


def test_an_unreadable_ledger_line_is_reported_by_the_restore(drill):
    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0
    ledger = Path(drill.restored.config["DELETION_LEDGER"])
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_text('{"reference": "TF-AB12-CD3E", "deleted_at": "2026-0')

    restored = _invoke(drill.restored, "backup", "restore", str(path))

    assert restored.exit_code == 0, restored.output
    assert "Warning: line 1 of the deletion ledger" in restored.output
    assert "check by hand" in restored.output


def test_a_restore_never_brings_back_a_family_the_schedule_deleted_after_the_backup(
    database_url, tmp_path
):
    """The whole story: a backup; the next retention run deletes a family whose period is
    over; the database is lost and the backup restored. Nothing of the family is back,
    anywhere (tests/functional/test_retention.py's search of every column, decrypted), and
    a request still open is."""
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    # Kept outside the database, as in production: the ledger and the embedded mode's mail.
    outside = {
        "EVIDENCE_KEY": key,
        "DELETION_LEDGER": str(tmp_path / "ledger" / "deletion-ledger.jsonl"),
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    with (
        own_database(database_url, tmp_path, "backup_lost") as lost_url,
        own_database(database_url, tmp_path, "backup_new") as new_url,
    ):
        lost = make_app(lost_url, tmp_path / "lost", **outside)
        new = make_app(new_url, tmp_path / "new", **outside)
        try:
            with lost.app_context():
                upgrade()
                family = Family(lost)  # completed in January 2024: its record is kept 2 years
                Scenarios(db.session, cipher=lost.extensions["evidence_cipher"]).case_in(
                    CaseState.IN_PROGRESS, received=RECEIVED, subject=person(full_name="Ada Open")
                )
            path = tmp_path / "portal.backup"
            assert _invoke(lost, "backup", "create", str(path)).exit_code == 0
            ran = _invoke(lost, "retention", "run", "--today", "2030-01-02")
            assert ran.exit_code == 0, ran.output
            with lost.app_context():
                assert leftovers(lost, family) == []

            restored = _invoke(new, "backup", "restore", str(path))

            assert restored.exit_code == 0, restored.output
            assert "since the backup: 1 case(s)" in restored.output
            with new.app_context():
                assert leftovers(new, family) == []
                names = set(db.session.scalars(select(Person.full_name)))
                assert "Ada Open" in names
            verified = _invoke(new, "audit", "verify")
            assert verified.exit_code == 0, verified.output
        finally:
            for app in (lost, new):
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


def test_a_restore_deletes_again_identity_evidence_deleted_after_the_backup(drill):
    references = _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0
    # After the backup, the passport's copy went (its case closed), and was written down.
    ledger = Path(drill.restored.config["DELETION_LEDGER"])
    later = datetime.now(UTC) + timedelta(minutes=5)
    record(references["passport"], deleted_at=later, rule="identity_evidence", path=ledger)
    # A deletion long before the backup is in the backup already: not applied again.
    long_before = datetime.now(UTC) - timedelta(days=30)
    record(references["completed"], deleted_at=long_before, rule="case_record", path=ledger)

    restored = _invoke(drill.restored, "backup", "restore", str(path))

    assert restored.exit_code == 0, restored.output
    assert "since the backup: 1 case(s)" in restored.output
    assert len(read_ledger(ledger).entries) == 2, "a restore adds nothing to the ledger"
    with drill.restored.app_context():
        passport = db.session.scalar(select(Case).where(Case.reference == references["passport"]))
        assert passport.files == []
        names = set(db.session.scalars(select(Person.full_name)))
    assert {"Zofia Nowicka", "Ilona Marsh", "Jonas Petrauskas"} <= names
    assert _invoke(drill.restored, "audit", "verify").exit_code == 0


def test_a_restore_whose_deletions_fail_says_not_to_go_live(drill, monkeypatch):
    from portal.backups import backup

    _build_cases(drill.source)
    path = drill.folder / "portal.backup"
    assert _invoke(drill.source, "backup", "create", str(path)).exit_code == 0

    def failing(**_):
        raise OSError("the ledger's disk is gone")

    monkeypatch.setattr(backup, "reapply_deletions", failing)
    restored = _invoke(drill.restored, "backup", "restore", str(path))

    assert restored.exit_code != 0
    assert "the ledger's disk is gone" in restored.output
    assert "Do not put it in service" in restored.output
