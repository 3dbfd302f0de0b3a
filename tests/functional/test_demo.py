"""`flask demo seed`: demonstration staff and a spread of cases, once, never in production."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal.cases import audit, clock
from portal.cases.casework_models import RestrictionEntry
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.workflow import CLOCK_RUNNING
from portal.extensions import db
from portal.jobs.models import Job, JobStatus
from portal.staff.models import StaffUser
from tests.conftest import make_app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(f"sqlite:///{folder / 'portal.sqlite'}", folder / "instance")
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    app.config["SEED_OUTPUT"] = result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_prints_the_demo_accounts_once_with_a_warning(demo_app):
    output = demo_app.config["SEED_OUTPUT"]
    assert "DEMONSTRATION ONLY" in output
    assert output.count("otpauth://totp/") == 4
    assert "demo-admin@example.gov.uk" in output
    with demo_app.app_context():
        roles = Counter(db.session.scalars(select(StaffUser.role)))
    assert roles == {"admin": 1, "caseworker": 2, "reviewer": 1}


def test_cases_spread_across_states_kinds_channels_and_hubs(demo_app):
    with demo_app.app_context():
        cases = db.session.scalars(select(Case)).all()
        paused = [case for case in cases if case.pauses]
        restrictions = db.session.scalar(select(func.count(RestrictionEntry.id)))
    assert 40 <= len(cases) <= 60
    states = Counter(CaseState(case.state) for case in cases)
    assert set(states) == set(CaseState)
    assert Counter(CaseKind(case.kind) for case in cases).keys() == set(CaseKind)
    assert {Channel(case.channel) for case in cases} == set(Channel)
    assert {case.language for case in cases} == {"en", "pl", "ro", "ur", "lt"}
    hubs = {hub.slug for hub in demo_app.extensions["council"].hubs}
    assert {case.hub_source for case in cases if case.hub_source} == hubs
    assert any(case.extended for case in cases)
    assert paused
    assert restrictions >= 1


def test_some_open_cases_are_overdue_and_some_due_soon(demo_app):
    today = clock.received_on(datetime.now(UTC))
    with demo_app.app_context():
        running = [
            case
            for case in db.session.scalars(select(Case))
            if case.state in CLOCK_RUNNING and case.due_on is not None
        ]
    assert any(case.due_on < today for case in running)
    assert any(0 <= (case.due_on - today).days <= 7 for case in running)


def test_completed_cases_include_late_ones(demo_app):
    with demo_app.app_context():
        completed = db.session.scalars(select(Case).where(Case.state == CaseState.COMPLETED)).all()
        late = [
            c for c in completed if clock.received_on(c.closed_at.replace(tzinfo=UTC)) > c.due_on
        ]
    assert 0 < len(late) < len(completed)


def test_audit_chain_verifies_and_no_emails_are_left_queued(demo_app):
    with demo_app.app_context():
        assert audit.verify(db.session) > 100
        pending = db.session.scalar(
            select(func.count(Job.id)).where(Job.status == JobStatus.PENDING)
        )
    assert pending == 0


def test_a_second_run_does_nothing(demo_app):
    with demo_app.app_context():
        before = db.session.scalar(select(func.count(Case.id)))
    result = demo_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "Demo data already present" in result.output
    assert "otpauth://" not in result.output
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == before


def test_refused_in_production(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'portal.sqlite'}", tmp_path / "instance")
    app.config["PORTAL_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "PORTAL_ENV=production" in result.output
    with app.app_context():
        db.engine.dispose()
