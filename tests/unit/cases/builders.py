"""Cases for the casework unit tests, built by the real service functions (no hand-set
columns), and what the tests read back: audit actions, messages, email jobs.

The database is tests/unit/cases/conftest.py's throwaway SQLite one.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from portal import outbox
from portal.cases import clock, disclosure, identity, intake, objections, review
from portal.cases.casework_models import CaseMessage, SearchOutcome
from portal.cases.models import AuditEvent, Case, CaseKind
from portal.encryption import EvidenceCipher
from tests.factories import submission

CIPHER = EvidenceCipher(b"c" * 32)


CASEWORKER = "staff:1"


REVIEWER = "staff:2"


MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # received on Monday 2 March 2026


def at(day: date, hour: int = 12) -> datetime:
    """Noon UTC on a day (the same Europe/London date all year)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def filed(session, *, kind: CaseKind = CaseKind.ACCESS, now: datetime = MONDAY, **changes) -> Case:
    details = (
        {"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}}
        if kind == CaseKind.OBJECTION
        else {"delivery": {"delivery": "download"}}
    )
    values = {"kind": kind, "details": details, **changes}
    return intake.submit_request(
        session,
        submission(**values),
        idempotency_key=secrets.token_urlsafe(16),
        cipher=CIPHER,
        now=now,
    )


def started(session, *, kind: CaseKind = CaseKind.ACCESS, now: datetime = MONDAY) -> Case:
    """A case whose identity was accepted on the day it arrived."""
    case = filed(session, kind=kind, now=now)
    identity.accept_identity(
        session, case, evidence_arrived_on=case.received_on, actor=CASEWORKER, now=now
    )
    return case


def searched(session, case: Case, *, now: datetime = MONDAY) -> None:
    disclosure.record_search(
        session,
        case,
        department="Early Help",
        searched_on=clock.received_on(now),
        outcome=SearchOutcome.RECORDS_FOUND,
        actor=CASEWORKER,
        now=now,
    )


def in_review(session, *, now: datetime = MONDAY) -> Case:
    case = started(session, now=now)
    searched(session, case, now=now)
    review.submit_for_review(session, case, actor=CASEWORKER, summary="12 records", now=now)
    return case


def event_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


def actions(session, case: Case) -> list[str]:
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    )
    return list(events)


def case_messages(session, case: Case) -> list[CaseMessage]:
    return list(
        session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        )
    )


def message_jobs(session) -> list[outbox.Job]:
    return list(
        session.scalars(
            select(outbox.Job)
            .where(outbox.Job.kind == "email.case_message")
            .order_by(outbox.Job.id)
        )
    )


AFFECTED = ["programme", "sharing:police", "national_study"]


def assessed(session, **grounds) -> Case:
    case = started(session, kind=CaseKind.OBJECTION)
    values = {
        "compelling_grounds": "Safeguarding concerns for two younger children",
        "public_interest_research": "The study is required by the national programme",
        **grounds,
    }
    objections.assess_objection(
        session,
        case,
        grounds_raised="Domestic abuse survivor; fears the police link",
        processing_affected=AFFECTED,
        actor=CASEWORKER,
        now=MONDAY,
        **values,
    )
    return case


def propose(session, case, outcome, upheld, reasons="Weighed as recorded"):
    return objections.propose_decision(
        session, case, outcome=outcome, upheld_processing=upheld, reasons=reasons, actor=CASEWORKER
    )
