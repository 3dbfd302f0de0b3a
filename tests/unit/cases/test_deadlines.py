"""C3-C4: a clarification pauses the clock and moves the due date; one extension, with a
reason, before the first month ends (portal.cases.deadlines).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.cases import clock, deadlines, errors, messages
from portal.cases.casework_models import MessageKind
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_steps import CASEWORKER, noon
from portal.cases.workflow import TransitionNotAllowed
from tests.unit.cases.read_back import MONDAY, event_count, message_jobs


def test_a_clarification_moves_the_due_date_by_the_days_paused_both_included(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    assert case.due_on == date(2026, 4, 2)
    pause = deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 3, 9))
    )
    assert case.state == CaseState.AWAITING_CLARIFICATION
    assert pause.asked_on == date(2026, 3, 9)
    assert case.due_on == date(2026, 4, 2)  # floor while the pause is open
    deadlines.record_clarification_answer(
        session,
        case,
        answer="2019 to 2023",
        answered_on=date(2026, 3, 13),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 16)),
    )
    assert case.state == CaseState.IN_PROGRESS
    # 9-13 March is 5 days: 2 April + 5 = 7 April (Easter Monday is the 6th; no roll needed).
    assert case.due_on == date(2026, 4, 7)
    explanation = deadlines.explain_case_due_date(case)
    assert explanation is not None
    assert (explanation.pause_days, explanation.due) == (5, date(2026, 4, 7))


def test_a_clarification_asked_in_british_summer_time_uses_the_london_date(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(date(2026, 3, 30)))
    pause = deadlines.ask_clarification(
        session,
        case,
        question="Which school?",
        actor=CASEWORKER,
        now=datetime(2026, 4, 6, 23, 30, tzinfo=UTC),  # 00:30 BST on 7 April
    )
    assert pause.asked_on == date(2026, 4, 7)


def test_the_clarification_question_reaches_the_requester(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    deadlines.ask_clarification(session, case, question="Which years?", actor=CASEWORKER)
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.CLARIFICATION_REQUEST
    assert message.params["question"] == "Which years?"
    assert len(message_jobs(session)) == 1


def test_an_answer_cannot_predate_the_question(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 3, 9))
    )
    with pytest.raises(errors.InvalidDate):
        deadlines.record_clarification_answer(
            session,
            case,
            answer="All",
            answered_on=date(2026, 3, 8),
            actor=CASEWORKER,
            now=noon(date(2026, 3, 10)),
        )


def test_an_answer_needs_an_open_question(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.NoOpenPause):
        deadlines.record_clarification_answer(
            session, case, answer="All", answered_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
        )


def test_clarification_needs_a_running_clock(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    with pytest.raises(TransitionNotAllowed):
        deadlines.ask_clarification(session, case, question="Which years?", actor=CASEWORKER)


def test_an_extension_gives_three_months_in_all_and_tells_the_requester(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    message = deadlines.extend(
        session,
        case,
        reason="Records in six departments",
        actor=CASEWORKER,
        now=noon(date(2026, 4, 2)),  # the last day of the first month
    )
    assert case.extended
    assert case.due_on == date(2026, 6, 2)
    assert message.kind == MessageKind.EXTENSION_NOTICE
    assert message.params == {
        "reason": "Records in six departments",
        "previous_due_on": "2026-04-02",
        "due_on": "2026-06-02",
    }


def test_an_extension_is_refused_after_the_first_month(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.ExtensionRefused, match="first month ended on 2026-04-02"):
        deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, today=date(2026, 4, 3))
    assert not case.extended


def test_the_first_month_includes_clarification_pauses(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 3, 9))
    )
    deadlines.record_clarification_answer(
        session,
        case,
        answer="All",
        answered_on=date(2026, 3, 13),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 13)),
    )
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=noon(date(2026, 4, 7)))
    assert case.due_on == clock.due_date(
        date(2026, 3, 2), extended=True, pauses=[(date(2026, 3, 9), date(2026, 3, 13))]
    )


def test_an_open_pause_keeps_the_first_month_open(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 3, 30))
    )
    # Paused 30 March to 3 April so far (5 days): the first month now ends on 7 April.
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=noon(date(2026, 4, 3)))
    assert case.extended


def test_an_extension_is_refused_twice(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=MONDAY)
    with pytest.raises(errors.ExtensionRefused, match="already been extended"):
        deadlines.extend(session, case, reason="Still complex", actor=CASEWORKER, now=MONDAY)


def test_an_extension_needs_a_reason_and_a_running_clock(session, scenarios):
    with pytest.raises(errors.MissingText):
        deadlines.extend(
            session,
            scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY),
            reason=" ",
            actor=CASEWORKER,
            now=MONDAY,
        )
    with pytest.raises(errors.ClockNotStarted):
        deadlines.extend(
            session,
            scenarios.filed(received=MONDAY),
            reason="Complex",
            actor=CASEWORKER,
            now=MONDAY,
        )


def test_an_objection_cannot_be_paused_for_clarification_and_nothing_changes(session, scenarios):
    """C4 is for access requests only: DPA 2018 s.54(3C) (legislation.gov.uk) pauses the
    period for further information "to identify the information or processing activities
    to which a request under section 45(1) relates" (the right of access), as UK GDPR
    Art 12A does for Art 15. An objection's month keeps running."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    due, events = case.due_on, event_count(session)
    with pytest.raises(errors.ClarificationNotAllowed, match="Only an access request"):
        deadlines.ask_clarification(session, case, question="Which agency?", actor=CASEWORKER)
    session.rollback()
    session.refresh(case)
    assert case.state == CaseState.IN_PROGRESS
    assert case.due_on == due and case.pauses == []
    assert event_count(session) == events
    assert messages.messages_for(session, case) == []
    assert not deadlines.clarification_allowed(case)
