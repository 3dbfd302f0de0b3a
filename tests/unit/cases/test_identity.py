"""C1, C11: the council accepts proof of identity or authority, and the clock starts on
the day it arrived; or asks for more, and the clock waits (portal.cases.identity).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases import deadlines, errors, identity
from portal.cases.casework_models import MessageKind
from portal.cases.models import CaseState
from portal.cases.scenario_steps import CASEWORKER, noon
from tests.unit.cases.read_back import MONDAY, message_jobs


def test_accepting_identity_starts_the_clock_on_the_day_the_evidence_arrived(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    identity.request_identity(
        session, case, what_is_needed="A utility bill", actor=CASEWORKER, now=noon(date(2026, 3, 3))
    )
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 3, 10),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 12)),
    )
    assert case.state == CaseState.IN_PROGRESS
    assert case.clock_started_on == date(2026, 3, 10)
    assert case.due_on == date(2026, 4, 10)  # one month from the evidence, not the keying-in


def test_evidence_sent_with_the_request_counts_from_receipt(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 2, 20),  # before the request: the later date counts
        actor=CASEWORKER,
        now=noon(date(2026, 3, 4)),
    )
    assert case.clock_started_on == date(2026, 3, 2)
    assert case.due_on == date(2026, 4, 2)


def test_evidence_cannot_arrive_in_the_future(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    with pytest.raises(errors.InvalidDate):
        identity.accept_identity(
            session, case, evidence_arrived_on=date(2026, 3, 3), actor=CASEWORKER, now=MONDAY
        )


def test_identity_is_accepted_once(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.CaseworkError, match="already been accepted"):
        identity.accept_identity(
            session, case, evidence_arrived_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
        )


def test_asking_for_identity_stops_the_clock_and_tells_the_requester(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    message = identity.request_identity(
        session, case, what_is_needed="  Your son's birth certificate ", actor=CASEWORKER
    )
    assert case.state == CaseState.AWAITING_IDENTITY
    assert case.clock_started_on is None
    assert case.due_on is None
    assert deadlines.explain_case_due_date(case) is None
    assert message.kind == MessageKind.IDENTITY_REQUEST
    assert message.params == {"what_is_needed": "Your son's birth certificate"}
    assert [job.payload for job in message_jobs(session)] == [
        {"message_id": message.id, "case_id": case.id}
    ]


def test_asking_for_identity_needs_to_say_what(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    with pytest.raises(errors.MissingText):
        identity.request_identity(session, case, what_is_needed="  ", actor=CASEWORKER)
