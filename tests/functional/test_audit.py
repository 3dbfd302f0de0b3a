"""The audit trail is a hash chain: an altered or deleted row is found and named."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from portal.cases import audit
from portal.cases.models import AuditEvent, CaseState
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import own_database


@pytest.fixture()
def fresh_app(database_url, tmp_path):
    """Its own database, on the engine the suite runs on: this test tampers with rows."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_app

    with own_database(database_url, tmp_path, "audit_tamper") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()


def _append(count):
    for number in range(count):
        audit.record(db.session, action="test_event", actor="system", details={"n": number})
    db.session.commit()


def test_an_intact_chain_verifies(fresh_app):
    _append(5)
    assert audit.verify(db.session) == 5


def test_an_edited_row_is_named(fresh_app):
    _append(5)
    third = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
    db.session.execute(
        text("UPDATE audit_events SET details = :d WHERE id = :id"),
        {"d": '{"n": 99}', "id": third.id},
    )
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(audit.ChainBroken) as broken:
        audit.verify(db.session)
    assert broken.value.event_id == third.id


def test_a_deleted_row_is_found(fresh_app):
    _append(5)
    ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    with pytest.raises(audit.ChainBroken) as broken:
        audit.verify(db.session)
    assert broken.value.event_id == ids[2]


def test_removing_the_newest_rows_is_found(fresh_app):
    _append(3)
    last = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    db.session.commit()
    with pytest.raises(audit.ChainBroken, match="newest"):
        audit.verify(db.session)


def test_flask_audit_verify_names_the_first_broken_row(fresh_app):
    _append(4)
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "whole: 4 events" in result.output
    second = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()[1]
    db.session.execute(
        text("UPDATE audit_events SET actor = 'someone else' WHERE id = :id"), {"id": second}
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken row: audit event {second}" in result.output


# Erasable details (issue 14 point 3): the chain hashes a salted digest of each event's
# details, so a case's details can be erased while the trail still verifies.

RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)
ERASED_ON = datetime(2029, 1, 10, 9, tzinfo=UTC)
PERSONAL = "Aleksandra Nowak, 12 Kirkgate"


def _case_with_personal_details(app):
    """A completed request whose trail holds, besides its own events, one with personal
    details (as a free-text reason might); and another request's trail beside it."""
    scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
    case = scenarios.case_in(CaseState.COMPLETED, received=RECEIVED)
    other = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    audit.record(
        db.session,
        action="test_event",
        actor="staff:1",
        case_id=case.id,
        details={"said": PERSONAL},
    )
    audit.record(
        db.session,
        action="test_event",
        actor="staff:1",
        case_id=other.id,
        details={"said": "kept"},
    )
    db.session.commit()
    return case.id, other.id


def _stored_details(case_id):
    """The details column as stored, read without the model (PostgreSQL's driver decodes
    JSON, SQLite's gives text)."""
    rows = db.session.execute(
        text("SELECT details FROM audit_events WHERE case_id = :id ORDER BY id"), {"id": case_id}
    ).scalars()
    return [row if isinstance(row, dict) else json.loads(row) for row in rows]


def _rows_mentioning(words):
    return db.session.scalar(
        text("SELECT count(*) FROM audit_events WHERE CAST(details AS TEXT) LIKE :words"),
        {"words": f"%{words}%"},
    )


def test_erased_details_are_gone_and_the_trail_still_verifies(fresh_app):
    case_id, other_id = _case_with_personal_details(fresh_app)
    events = len(_stored_details(case_id))
    assert _rows_mentioning("Aleksandra Nowak") == 1

    assert audit.erase_details(db.session, case_id=case_id, now=ERASED_ON) == events
    db.session.commit()

    assert _rows_mentioning("Aleksandra Nowak") == 0
    assert _stored_details(case_id) == [{"erased": True, "erased_on": "2029-01-10"}] * events
    assert _stored_details(other_id)[-1] == {"said": "kept"}  # another request's trail
    result = fresh_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "The audit trail is whole" in result.output
    # Erasing again finds nothing left to erase.
    assert audit.erase_details(db.session, case_id=case_id, now=ERASED_ON) == 0


def test_an_erased_events_edited_digest_is_named(fresh_app):
    case_id, _ = _case_with_personal_details(fresh_app)
    audit.erase_details(db.session, case_id=case_id, now=ERASED_ON)
    db.session.commit()
    first = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
    )
    db.session.execute(
        text("UPDATE audit_events SET details_digest = :d WHERE id = :id"),
        {"d": "f" * 64, "id": first},
    )
    db.session.commit()
    result = fresh_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken row: audit event {first}" in result.output


def test_an_erased_events_marker_replaced_by_other_details_is_named(fresh_app):
    case_id, _ = _case_with_personal_details(fresh_app)
    audit.erase_details(db.session, case_id=case_id, now=ERASED_ON)
    db.session.commit()
    last = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())
    )
    db.session.execute(
        text("UPDATE audit_events SET details = :d WHERE id = :id"),
        {"d": '{"said": "something else"}', "id": last},
    )
    db.session.commit()
    with pytest.raises(audit.ChainBroken) as broken:
        audit.verify(db.session)
    assert broken.value.event_id == last


def test_an_unerased_events_edited_details_are_named_after_another_case_is_erased(fresh_app):
    case_id, other_id = _case_with_personal_details(fresh_app)
    audit.erase_details(db.session, case_id=case_id, now=ERASED_ON)
    db.session.commit()
    kept = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.case_id == other_id).order_by(AuditEvent.id.desc())
    )
    db.session.execute(
        text("UPDATE audit_events SET details = :d WHERE id = :id"),
        {"d": '{"said": "changed"}', "id": kept},
    )
    db.session.commit()
    result = fresh_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken row: audit event {kept}" in result.output


def test_the_migration_rechains_events_recorded_before_it(database_url, tmp_path):
    """0013: events recorded under the old rule (hash over the details) get a salt and a
    digest, and the chain re-hashed over the digests still verifies and can be erased."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_app

    with own_database(database_url, tmp_path, "audit_rechain") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            case_id, _ = _case_with_personal_details(app)
            count = audit.verify(db.session)
            db.session.remove()
            downgrade(revision="0013_audit_holds-1")  # re-hashed over the details
            upgrade()

            assert audit.verify(db.session) == count
            assert (
                db.session.scalar(select(func.count()).where(AuditEvent.details_salt.is_(None)))
                == 0
            )
            audit.erase_details(db.session, case_id=case_id, now=ERASED_ON)
            db.session.commit()
            assert audit.verify(db.session) == count
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()
