"""The scenario builder (portal.cases.scenarios): a case of every kind in every state, and
the variants the tests and the demo need, made by the service functions at the instants it
is given, so each is a case that could exist.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cases import audit, objections
from portal.cases.casework_models import (
    DecisionOutcome,
    DepartmentSearch,
    RestrictionEntry,
    Review,
    ReviewDecision,
)
from portal.cases.models import ActingFor, AuditEvent, Case, CaseKind, CaseState, Channel
from portal.cases.scenario_requests import access_details, on_behalf_of, person
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, Search, noon
from portal.cases.scenarios import Scenarios, received_for
from tests.unit.cases.read_back import MONDAY, actions, event_count

S = CaseState
# C4: an objection is never paused for clarification (DPA 2018 s.54(3C); Art 12A).
# C13: a complaint is in progress from receipt (no proof of identity, no pause, no
# refusal under DPA 2018 s.164A).
COMPLAINT_STATES = {S.IN_PROGRESS, S.IN_REVIEW, S.READY, S.COMPLETED, S.WITHDRAWN}
# C4: only an access request is ever paused for clarification (DPA 2018 s.54(3C);
# Art 12A): not an objection, nor a correction request (C14: C1-C3 only).
EVERY = [
    (state, kind)
    for kind in CaseKind
    for state in CaseState
    if not (kind != CaseKind.ACCESS and state == CaseState.AWAITING_CLARIFICATION)
    and not (kind == CaseKind.COMPLAINT and state not in COMPLAINT_STATES)
]


def events(session, case: Case) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        )
    )


@pytest.mark.parametrize(("state", "kind"), EVERY, ids=[f"{k}-{s}" for s, k in EVERY])
def test_a_case_of_every_kind_reaches_every_state_through_the_service_functions(
    session, scenarios, state, kind
):
    case = scenarios.case_in(state, kind, received=MONDAY)
    session.expire_all()
    assert session.get(Case, case.id).state == state
    assert case.kind == kind
    # Every step wrote its event, in one chain, at the instant it was given: the moment
    # the request arrived, as nothing said otherwise.
    assert audit.verify(session) == event_count(session)
    assert {e.occurred_at.replace(tzinfo=None) for e in events(session, case)} == {
        MONDAY.replace(tzinfo=None)
    }
    assert (case.due_on is None) == (state == S.AWAITING_IDENTITY)


def test_a_draft_or_a_decision_returned_from_review_is_worked_again(session, scenarios):
    for kind in CaseKind:
        case = scenarios.returned(scenarios.filed(received=MONDAY, kind=kind))
        assert case.state == S.IN_PROGRESS
        [review] = session.scalars(select(Review).where(Review.case_id == case.id)).all()
        assert review.decision == ReviewDecision.RETURNED
        assert review.decided_by == REVIEWER


def test_a_clarification_pending_or_answered_moves_the_due_date_only_when_answered(
    session, scenarios
):
    pending = scenarios.clarification(scenarios.filed(received=MONDAY))
    assert pending.state == S.AWAITING_CLARIFICATION
    assert [p.answered_on for p in pending.pauses] == [None]
    answered = scenarios.clarification(scenarios.filed(received=MONDAY), answered=True)
    assert answered.state == S.IN_PROGRESS
    # Asked and answered on 2 March: that day does not count (C4), so 2 April + 1 is
    # 3 April, Good Friday; then Easter Monday: Tuesday 7 April (C2).
    assert answered.due_on == date(2026, 4, 7)
    assert pending.due_on == date(2026, 4, 2)  # the earliest the answer can be due
    done = scenarios.clarification(scenarios.filed(received=MONDAY), answered=True, completed_on=30)
    assert done.state == S.COMPLETED


def test_an_extended_case_is_due_two_months_later(scenarios):
    case = scenarios.extended(scenarios.filed(received=MONDAY))
    assert (case.state, case.extended, case.due_on) == (S.IN_PROGRESS, True, date(2026, 6, 2))
    assert scenarios.extended(scenarios.filed(received=MONDAY), completed_on=70).state == (
        S.COMPLETED
    )


@pytest.mark.parametrize(
    ("outcome", "restricted"),
    [
        (DecisionOutcome.UPHELD, ["programme", "sharing:police"]),
        (DecisionOutcome.PARTLY_UPHELD, ["sharing:police"]),
        (DecisionOutcome.NOT_UPHELD, []),
    ],
)
def test_an_objection_decided_each_way_restricts_what_its_outcome_says(
    session, scenarios, outcome, restricted
):
    case = scenarios.filed(received=MONDAY, kind=CaseKind.OBJECTION)
    scenarios.objection(case, outcome, stage="decided")
    assert case.state == S.READY
    entries = session.scalars(select(RestrictionEntry).where(RestrictionEntry.case_id == case.id))
    assert [entry.processing for entry in entries] == restricted
    scenarios.complete(case)
    assert case.state == S.COMPLETED


def test_a_partly_upheld_objection_stops_the_research_and_keeps_the_programme(session, scenarios):
    details = {"processing": {"processing": ["programme", "national_study"], "agencies": []}}
    case = scenarios.filed(received=MONDAY, kind=CaseKind.OBJECTION, details=details)
    scenarios.objection(case, DecisionOutcome.PARTLY_UPHELD, stage="decided")
    entries = session.scalars(select(RestrictionEntry).where(RestrictionEntry.case_id == case.id))
    assert [entry.processing for entry in entries] == ["national_study"]
    assessment = objections.latest_assessment(session, case)
    assert assessment is not None and objections.must_stop(assessment) == ["national_study"]


def test_an_objection_stops_at_the_stage_asked_for(scenarios):
    stages = {"assessed": S.IN_PROGRESS, "proposed": S.IN_REVIEW, "decided": S.READY}
    for stage, state in stages.items():
        case = scenarios.filed(received=MONDAY, kind=CaseKind.OBJECTION)
        assert scenarios.objection(case, DecisionOutcome.UPHELD, stage=stage).state == state
    case = scenarios.filed(received=MONDAY, kind=CaseKind.OBJECTION)
    assert scenarios.objection(case, None, stage="completed").state == S.IN_PROGRESS


def test_a_withdrawal_online_is_the_requesters_and_by_phone_the_caseworkers(session, scenarios):
    online = scenarios.withdrawn(scenarios.filed(received=MONDAY), online=True)
    by_phone = scenarios.withdrawn(scenarios.filed(received=MONDAY))
    assert online.state == by_phone.state == S.WITHDRAWN
    assert [e.actor for e in events(session, online)][-1] == "resident"
    [last] = events(session, by_phone)[-1:]
    assert (last.actor, last.details["how_received"]) == (CASEWORKER, "phone")


def test_a_parent_asks_for_a_child_by_post(session, scenarios):
    child = person(full_name="Zofia Kowalska", date_of_birth=date(2015, 6, 3), email="")
    case = scenarios.filed(
        received=MONDAY, details=access_details("post", ["schools"]), **on_behalf_of(child)
    )
    assert case.acting_for == ActingFor.MY_CHILD
    assert (case.subject.full_name, case.requester.full_name) == ("Zofia Kowalska", "Anna Kowalska")
    assert case.relationship_to_subject == "parent"
    assert case.details["delivery"] == {"delivery": "post"}
    assert case.details["what"] == {"scope": "agencies", "agencies": ["schools"]}


def test_a_letter_is_keyed_in_by_a_caseworker_and_counts_from_the_day_it_arrived(
    session, scenarios
):
    arrived = noon(date(2026, 2, 27))
    case = scenarios.filed(received=arrived, keyed_in=MONDAY, channel=Channel.LETTER)
    assert (case.channel, case.received_on, case.due_on) == (
        Channel.LETTER,
        date(2026, 2, 27),
        date(2026, 3, 27),
    )
    [submitted] = events(session, case)
    assert submitted.actor == CASEWORKER


def test_a_step_is_taken_at_the_instant_it_is_given(session, scenarios):
    case = scenarios.case_in(S.IN_PROGRESS, received=MONDAY)
    later = MONDAY + timedelta(days=3, hours=2)
    scenarios.search(case, searches=[Search("Housing", key="housing")], at=later)
    [search] = session.scalars(select(DepartmentSearch).where(DepartmentSearch.case_id == case.id))
    assert (search.department, search.department_key) == ("Housing", "housing")
    assert search.searched_on == date(2026, 3, 5)
    assert events(session, case)[-1].occurred_at.replace(tzinfo=None) == later.replace(tzinfo=None)


class Paced(Scenarios):
    """A builder whose steps are taken the days after arrival its histories say."""

    def moment(self, arrived: datetime, days: int) -> datetime:
        return arrived + timedelta(days=days)


def test_a_builder_may_spread_the_steps_over_the_days(session, cipher):
    case = Paced(session, cipher=cipher, assign=True).case_in(S.IN_REVIEW, received=MONDAY)
    days = {e.action: (e.occurred_at.date() - MONDAY.date()).days for e in events(session, case)}
    assert days == {
        "request_submitted": 0,
        "identity_accepted": 0,
        "case_assigned": 0,
        "search_recorded": 5,
        "submitted_for_review": 8,
    }
    assert actions(session, case)[-1] == "submitted_for_review"


@pytest.mark.parametrize(
    "due", [date(2026, 3, 13), date(2026, 3, 30), date(2026, 4, 7), date(2026, 12, 29)]
)
def test_a_case_can_be_made_due_on_any_day_a_case_can_be_due(scenarios, due):
    case = scenarios.case_in(S.IN_PROGRESS, received=received_for(due))
    assert case.due_on == due


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 14), date(2026, 4, 3), date(2026, 3, 31)],
    ids=["a Saturday", "Good Friday", "31 March (no 31 February)"],
)
def test_no_case_is_due_on_a_day_no_due_date_falls_on(day):
    with pytest.raises(ValueError, match="No request is due on"):
        received_for(day)
