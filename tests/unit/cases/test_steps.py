"""Every casework service function takes the same steps (portal.cases.steps): exactly one
audit event each, in one verifiable chain, and nothing written when a rule is broken.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

import secrets
from datetime import date

import pytest

from portal.cases import (
    allocation,
    audit,
    closing,
    deadlines,
    disclosure,
    errors,
    identity,
    intake,
    objections,
    review,
)
from portal.cases.casework_models import DecisionOutcome, DisclosureKind, SearchOutcome
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.scenario_requests import override_test_for, submission
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from tests.unit.cases.read_back import MONDAY, event_count, message_jobs


def test_every_casework_function_writes_exactly_one_audit_event(session, scenarios, cipher):
    def once(call, *args, **kwargs):
        before = event_count(session)
        result = call(session, *args, **kwargs)
        assert event_count(session) == before + 1, call.__name__
        return result

    s = CASEWORKER
    access = scenarios.filed(received=MONDAY)
    once(identity.request_identity, access, what_is_needed="Photo ID", actor=s)
    once(
        identity.accept_identity, access, evidence_arrived_on=date(2026, 3, 2), actor=s, now=MONDAY
    )
    once(allocation.assign, access, assignee="staff:3", actor=s)
    once(allocation.add_note, access, text="Large file", actor=s)
    once(deadlines.ask_clarification, access, question="Which years?", actor=s, now=MONDAY)
    once(
        deadlines.record_clarification_answer,
        access,
        answer="All",
        answered_on=date(2026, 3, 2),
        actor=s,
        now=MONDAY,
    )
    once(deadlines.extend, access, reason="Complex", actor=s, now=MONDAY)
    once(
        disclosure.record_search,
        access,
        department="Police",
        searched_on=date(2026, 3, 2),
        outcome=SearchOutcome.NONE_HELD,
        actor=s,
        now=MONDAY,
    )
    once(
        disclosure.add_disclosure_item,
        access,
        source_department="Schools",
        title="Attendance",
        kind=DisclosureKind.TYPED,
        content="96%",
        item_date=date(2025, 7, 1),
        actor=s,
        now=MONDAY,
    )
    once(review.submit_for_review, access, actor=s, summary="One item")
    once(review.return_for_changes, access, actor=REVIEWER, comments="Add Housing")
    once(review.submit_for_review, access, actor=s, summary="One item")
    once(review.approve, access, actor=REVIEWER)
    once(closing.complete, access, actor=s)

    once(
        closing.refuse,
        scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY),
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="Repeat",
    )
    once(
        closing.record_withdrawal,
        scenarios.filed(received=MONDAY),
        actor=s,
        how_received=Channel.EMAIL,
    )
    once(
        intake.log_staff_intake,
        submission(),
        channel=Channel.IN_PERSON,
        received_at=MONDAY,
        actor=s,
        idempotency_key=secrets.token_urlsafe(16),
        cipher=cipher,
        now=MONDAY,
    )

    objection = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    once(
        objections.assess_objection,
        objection,
        grounds_raised="Fear",
        processing_affected=["programme", "local_research"],
        tests={
            "programme": override_test_for(
                "programme", situation="Fear", compelling_grounds="Child protection plan"
            )
        },
        actor=s,
    )
    once(
        objections.propose_decision,
        objection,
        outcome=DecisionOutcome.PARTLY_UPHELD,
        upheld_processing=["local_research"],
        reasons="Research is not needed for this family",
        actor=s,
    )
    once(objections.approve_decision, objection, actor=REVIEWER)

    assert audit.verify(session) == event_count(session)


def test_a_broken_rule_writes_nothing(session, scenarios):
    case = scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY)
    before = (event_count(session), len(message_jobs(session)))
    with pytest.raises(errors.OwnDraft):
        review.approve(session, case, actor=CASEWORKER)
    session.rollback()
    assert (event_count(session), len(message_jobs(session))) == before
    assert session.get(Case, case.id).state == CaseState.IN_REVIEW
