"""How a request closes: completed and the requester told (C7), refused by the reviewer
with reasons and rights (C5, C10), withdrawn (portal.cases.closing).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal import outbox
from portal.cases import closing, errors, messages, review
from portal.cases.casework_models import MessageKind
from portal.cases.models import AuditEvent, CaseState, Channel
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.cases.workflow import TransitionNotAllowed
from tests.unit.cases.read_back import MONDAY


def test_the_requester_is_told_when_the_response_is_released(session, scenarios):
    case = scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY)
    review.approve(session, case, actor=REVIEWER)
    closing.complete(session, case, actor=CASEWORKER, now=noon(date(2026, 3, 20)))
    assert case.state == CaseState.COMPLETED
    assert case.closed_at is not None
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.RESPONSE_READY
    assert message.params["delivery"] == "download"
    assert "complain_to_ico" in message.params["rights"]


def test_only_the_reviewer_refuses(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.ReviewerRequired):
        closing.refuse(
            session, case, actor=CASEWORKER, actor_role="caseworker", reasons="Repeated request"
        )
    assert case.state == CaseState.IN_PROGRESS


def test_a_refusal_needs_reasons_and_tells_the_requester_their_rights(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.MissingText, match="reasons"):
        closing.refuse(session, case, actor=REVIEWER, actor_role="reviewer", reasons=" ")
    message = closing.refuse(
        session,
        case,
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="The same request was answered in full last month",
    )
    assert case.state == CaseState.REFUSED
    assert case.closed_at is not None
    assert message.kind == MessageKind.REFUSAL
    assert message.params["reasons"] == "The same request was answered in full last month"
    assert {"complain_to_ico", "go_to_court"} <= set(message.params["rights"])


def test_a_closed_case_cannot_be_refused(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received=Channel.PHONE)
    with pytest.raises(TransitionNotAllowed):
        closing.refuse(session, case, actor=REVIEWER, actor_role="reviewer", reasons="Excessive")


def test_staff_record_a_withdrawal_received_by_phone(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received="phone")
    assert case.state == CaseState.WITHDRAWN
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    ).first()
    assert (event.action, event.actor, event.details) == (
        "request_withdrawn",
        CASEWORKER,
        {"how_received": "phone"},
    )
    jobs = session.scalars(
        select(outbox.Job).where(outbox.Job.kind == "email.request_withdrawn")
    ).all()
    assert [job.payload for job in jobs] == [{"case_id": case.id}]
