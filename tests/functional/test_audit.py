"""The audit trail is a hash chain: an altered or deleted row is found and named."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal.cases import audit
from portal.cases.models import AuditEvent
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
