"""C14: requests to correct (UK GDPR Art 16, 19), as plain function calls.

Sources (legislation.gov.uk): Art 12(3): a month from receipt, extendable by two further
months; Art 12A and DPA 2018 s.54(3C) pause the period for clarification of a request
under Art 15 only, so a correction request's clock follows C1-C3 and never pauses; Art 16:
"including by means of providing a supplementary statement"; Art 19: recipients are told
of a rectification, and the person is told about them "if the data subject requests it".
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.cases import clock, corrections, deadlines, errors, messages, review, rights_decisions
from portal.cases.casework_models import DecisionStatus, MessageKind
from portal.cases.models import CaseKind, CaseState
from portal.cases.rights_models import CorrectionOutcome, RightsDecision
from portal.cases.scenario_requests import correction_details
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.cases.workflow import TransitionNotAllowed
from tests.unit.cases.read_back import MONDAY, event_count

C = CaseKind.CORRECTION
O = CorrectionOutcome  # noqa: E741


def correction_in_progress(scenarios, **changes):
    return scenarios.case_in(CaseState.IN_PROGRESS, C, received=MONDAY, **changes)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # C2: day 1 is the day of receipt; the corresponding date a month later.
        (date(2026, 3, 2), date(2026, 4, 2)),
        # No 31 February: the month's last day, 28 February 2026, a Saturday: Monday.
        (date(2026, 1, 31), date(2026, 3, 2)),
        # 4 May 2026 is the early May bank holiday: the next working day.
        (date(2026, 4, 4), date(2026, 5, 5)),
    ],
)
def test_a_correction_request_is_due_a_month_from_receipt_as_an_access_request_is(
    scenarios, received, due
):
    """C1-C2 for corrections (C14), pinned by date and checked against access requests."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, C, received=noon(received))
    access = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(received))
    assert case.due_on == due == access.due_on == clock.due_date(received)


def test_a_correction_request_can_be_extended_by_two_months_in_the_first(session, scenarios):
    """C3: three months in all from the day of receipt."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, C, received=noon(date(2026, 1, 31)))
    deadlines.extend(session, case, reason="Records from five services", actor=REVIEWER, now=MONDAY)
    assert case.extended
    assert case.due_on == date(2026, 4, 30)  # no 31 April: its last day, a Thursday


def test_a_correction_request_is_never_paused_for_clarification(session, scenarios):
    """C4 is for access requests only (Art 12A, DPA 2018 s.54(3C)); nothing is written."""
    case = correction_in_progress(scenarios)
    due, events = case.due_on, event_count(session)
    with pytest.raises(errors.ClarificationNotAllowed, match="correction requests keeps running"):
        deadlines.ask_clarification(session, case, question="Which record?", actor=CASEWORKER)
    session.rollback()
    session.refresh(case)
    assert (case.state, case.due_on, case.pauses) == (CaseState.IN_PROGRESS, due, [])
    assert event_count(session) == events


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"reasons": " "}, errors.MissingText, "Give the reasons"),
        ({"record_now_says": ""}, errors.DecisionInvalid, "what the record says now"),
        (
            {"outcome": O.STATEMENT_ADDED, "statement": " "},
            errors.DecisionInvalid,
            "supplementary statement",
        ),
        ({"recipients_told": ["police", "mi5"]}, errors.DecisionInvalid, "Unknown recipient"),
        (
            {"outcome": O.NOT_CORRECTED, "recipients_told": ["schools"]},
            errors.DecisionInvalid,
            "not made",
        ),
        ({"outcome": "deleted"}, errors.CaseworkError, "Unknown decision"),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused_and_nothing_is_written(
    session, scenarios, changes, error, message
):
    case = correction_in_progress(scenarios)
    events = event_count(session)
    values = {
        "outcome": O.CORRECTED,
        "reasons": "The certificate shows it",
        "record_now_says": "Born 5 March 2015",
        "statement": "",
        "recipients_told": ["schools"],
        **changes,
    }
    with pytest.raises(error, match=message):
        corrections.propose_correction(session, case, actor=CASEWORKER, **values)
    session.rollback()
    assert case.state == CaseState.IN_PROGRESS
    assert event_count(session) == events
    assert session.scalars(select(RightsDecision)).all() == []


def test_only_a_correction_request_takes_a_correction_decision(session, scenarios):
    access = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.WrongCaseKind):
        corrections.propose_correction(
            session, access, outcome=O.NOT_CORRECTED, reasons="No", actor=CASEWORKER
        )


def test_the_reviewer_approves_and_the_requester_is_told_who_was_told(session, scenarios):
    """Art 19: the requester asked, so the message names the agencies told."""
    case = correction_in_progress(scenarios)
    decision = scenarios.propose_rights(case)
    assert case.state == CaseState.IN_REVIEW
    with pytest.raises(errors.OwnDraft):
        corrections.approve_correction(session, case, actor=CASEWORKER)
    session.rollback()
    scenarios.approve_rights(case)
    assert case.state == CaseState.READY
    assert decision.status == DecisionStatus.APPROVED and decision.approved_by == REVIEWER
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.CORRECTION_DECISION
    assert message.params["outcome"] == "corrected"
    assert message.params["recipients_told"] == ["schools", "health"]
    assert message.params["record_now_says"] == "Date of birth: 5 March 2015."
    with pytest.raises(TransitionNotAllowed):
        scenarios.approve_rights(case)


def test_who_was_told_is_not_named_when_the_requester_did_not_ask(session, scenarios):
    case = correction_in_progress(scenarios, details=correction_details(tell_me=False))
    scenarios.propose_rights(case)
    scenarios.approve_rights(case)
    [message] = messages.messages_for(session, case)
    assert message.params["recipients_told"] == []
    assert message.params["recipients_asked"] is False
    # The council still records whom it told (Art 19's first sentence).
    [decision] = session.scalars(select(RightsDecision)).all()
    assert decision.recipients_told == ["schools", "health"]


def test_a_statement_is_added_where_the_council_does_not_agree(session, scenarios):
    """Art 16: "including by means of providing a supplementary statement"."""
    case = correction_in_progress(scenarios)
    scenarios.propose_rights(case, O.STATEMENT_ADDED)
    scenarios.approve_rights(case)
    [message] = messages.messages_for(session, case)
    assert message.params["statement"].startswith("I was never told")
    assert message.params["record_now_says"] == ""


def test_a_returned_decision_is_worked_again_and_a_new_one_proposed(session, scenarios):
    case = correction_in_progress(scenarios)
    first = scenarios.propose_rights(case)
    review.return_for_changes(session, case, actor=REVIEWER, comments="Say which school")
    assert first.status == DecisionStatus.RETURNED
    assert case.state == CaseState.IN_PROGRESS
    second = scenarios.propose_rights(case, O.NOT_CORRECTED)
    assert rights_decisions.proposed_rights_decision(session, case) is second
    scenarios.approve_rights(case)
    assert rights_decisions.approved_rights_decision(session, case) is second
