"""Following a request, in the service layer: attempts counted in the database, one-time
codes, and what the requester sees (timeline, messages, what they may do)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cases import intake, tracking
from portal.cases.models import Case, CaseState, EvidencePurpose, LookupAttempt, TrackingCode
from portal.cases.references import new_reference
from portal.cases.requests import Evidence
from portal.cases.scenario_requests import person
from portal.outbox import Job

SECRET = "unit-test-secret"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture()
def session(app_session):
    """The app's session, not this folder's throwaway database: the attempt counting runs on
    the migrated schema, and on PostgreSQL in CI."""
    return app_session


def address() -> str:
    return f"anna.{secrets.token_hex(6)}@example.com"


def code_sent(session, case: Case) -> str:
    jobs = session.scalars(
        select(Job).where(Job.kind == "email.tracking_code").order_by(Job.id.desc())
    )
    sealed = next(job.payload["code"] for job in jobs if job.payload["case_id"] == case.id)
    return tracking.open_sealed_code(SECRET, case.id, sealed)


def signed_in(session, case: Case, *, now: datetime = NOON) -> str:
    assert tracking.start_tracking(
        session, reference=case.reference, email=case.requester.email, secret=SECRET, now=now
    )
    return code_sent(session, case)


def check(session, case: Case, code: str, *, now: datetime = NOON) -> tracking.CodeCheck:
    return tracking.check_tracking_code(
        session, reference=case.reference, code=code, secret=SECRET, now=now
    )


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# Attempts ----------------------------------------------------------------------------


def test_five_attempts_on_a_reference_per_hour(session):
    reference = new_reference()
    for minute in range(5):
        moment = NOON + timedelta(minutes=minute)
        assert tracking.lookup_allowed(
            session, reference=reference, email=address(), secret=SECRET, now=moment
        )
        tracking.start_tracking(
            session, reference=reference, email=address(), secret=SECRET, now=moment
        )
    later = NOON + timedelta(minutes=59)
    assert not tracking.lookup_allowed(
        session, reference=reference, email=address(), secret=SECRET, now=later
    )
    # An hour after the first attempt, that one no longer counts.
    assert tracking.lookup_allowed(
        session, reference=reference, email=address(), secret=SECRET, now=NOON + timedelta(hours=1)
    )


def test_ten_attempts_from_an_address_per_hour_whatever_its_case(session):
    email = address()
    for _ in range(10):
        tracking.record_lookup(
            session, reference=new_reference(), email=email, secret=SECRET, now=NOON
        )
    session.commit()
    for typed in (email, email.upper(), f"  {email} "):
        assert not tracking.lookup_allowed(
            session, reference=new_reference(), email=typed, secret=SECRET, now=NOON
        )


def test_attempts_from_one_client_never_refuse_another(session):
    """Issue 15 point 3: a stranger who knows the reference and the address cannot lock the
    requester out; only the stranger's own client is refused."""
    reference, email = new_reference(), address()
    for _ in range(50):
        tracking.record_lookup(
            session, reference=reference, email=email, secret=SECRET, client="stranger", now=NOON
        )
    session.commit()
    assert not tracking.lookup_allowed(
        session, reference=reference, email=email, secret=SECRET, client="stranger", now=NOON
    )
    assert tracking.lookup_allowed(
        session, reference=reference, email=email, secret=SECRET, client="owner", now=NOON
    )


def test_attempts_are_stored_as_keyed_hashes(session):
    reference, email = new_reference(), address()
    tracking.record_lookup(session, reference=reference, email=email, secret=SECRET, now=NOON)
    session.commit()
    rows = session.scalars(select(LookupAttempt).order_by(LookupAttempt.id.desc()).limit(2)).all()
    assert {row.scope for row in rows} == {"client_reference", "client_email"}
    for row in rows:
        assert re.fullmatch("[0-9a-f]{64}", row.key_hash)
        assert reference not in row.key_hash and email not in row.key_hash
    # Another deployment's secret counts separately.
    assert tracking.lookup_allowed(
        session, reference=reference, email=email, secret=SECRET + "-elsewhere", now=NOON
    )


# Codes -------------------------------------------------------------------------------


def test_a_code_goes_only_to_the_address_on_the_request(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=address()))
    assert (
        tracking.start_tracking(
            session, reference=case.reference, email=address(), secret=SECRET, now=NOON
        )
        is None
    )
    assert session.scalars(select(TrackingCode).where(TrackingCode.case_id == case.id)).all() == []
    matched = tracking.start_tracking(
        session,
        reference=case.reference,
        email=case.requester.email.upper(),
        secret=SECRET,
        now=NOON,
    )
    assert matched is not None and matched.id == case.id
    code = code_sent(session, case)
    assert re.fullmatch("[0-9]{6}", code)
    stored = session.scalars(select(TrackingCode).where(TrackingCode.case_id == case.id)).one()
    assert code not in stored.code_hash
    expires = (
        stored.expires_at.replace(tzinfo=UTC)
        if stored.expires_at.tzinfo is None
        else stored.expires_at
    )
    assert expires == NOON + timedelta(minutes=10)


def test_a_request_without_an_email_address_never_gets_a_code(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=""))
    assert (
        tracking.start_tracking(
            session, reference=case.reference, email="", secret=SECRET, now=NOON
        )
        is None
    )


def test_a_code_works_once(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=address()))
    code = signed_in(session, case)
    result = check(session, case, code)
    assert result.reason == "ok" and result.case is not None and result.case.id == case.id
    assert check(session, case, code) == tracking.CodeCheck(None, "wrong")


def test_a_code_lasts_ten_minutes(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=address()))
    code = signed_in(session, case)
    assert check(session, case, code, now=NOON + timedelta(minutes=10)).reason == "expired"
    code = signed_in(session, case, now=NOON)
    assert check(session, case, code, now=NOON + timedelta(minutes=9, seconds=59)).reason == "ok"


def test_five_wrong_tries_burn_a_code(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=address()))
    code = signed_in(session, case)
    reasons = [check(session, case, wrong_code(code)).reason for _ in range(5)]
    assert reasons == ["wrong", "wrong", "wrong", "wrong", "used_up"]
    assert check(session, case, code).reason == "used_up"
    # A new code starts afresh.
    fresh = signed_in(session, case)
    assert check(session, case, fresh).reason == "ok"


def test_an_unknown_reference_reads_as_a_wrong_code(session):
    result = tracking.check_tracking_code(
        session, reference=new_reference(), code="123456", secret=SECRET, now=NOON
    )
    assert result == tracking.CodeCheck(None, "wrong")


# What the requester sees ---------------------------------------------------------------


def test_timeline_is_newest_first_in_london_dates_without_sign_ins(session, scenarios, cipher):
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 July
    case = scenarios.filed(received=late_evening, subject=person(email=address()))
    check(session, case, signed_in(session, case, now=late_evening), now=late_evening)
    intake.add_evidence(
        session,
        case,
        (Evidence(EvidencePurpose.MORE_EVIDENCE, "passport.png", "image/png", b"png"),),
        cipher=cipher,
        now=late_evening + timedelta(days=3),
    )
    entries = tracking.timeline(session, case)
    assert [entry.action for entry in entries] == ["evidence_added", "request_submitted"]
    assert [entry.day for entry in entries] == [date(2026, 7, 4), date(2026, 7, 1)]
    assert all(entry.by_requester for entry in entries)
    assert entries[0].details["files"] == 1


def test_no_messages_until_staff_can_write_them(session, scenarios):
    case = scenarios.filed(received=NOON, subject=person(email=address()))
    assert tracking.messages_for(case) == []


@pytest.mark.parametrize(
    ("state", "evidence", "withdraw"),
    [
        (CaseState.RECEIVED, True, True),
        (CaseState.AWAITING_IDENTITY, True, True),
        (CaseState.IN_PROGRESS, False, True),
        (CaseState.AWAITING_CLARIFICATION, False, True),
        (CaseState.IN_REVIEW, False, True),
        (CaseState.READY, False, True),
        (CaseState.COMPLETED, False, False),
        (CaseState.REFUSED, False, False),
        (CaseState.WITHDRAWN, False, False),
    ],
)
def test_what_the_requester_may_do_in_each_state(state, evidence, withdraw):
    case = Case(state=state)
    assert tracking.can_add_evidence(case) is evidence
    assert tracking.can_withdraw(case) is withdraw
