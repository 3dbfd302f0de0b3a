"""C12: restriction while an objection is considered (portal.cases.restrictions).

UK GDPR Art 18(1)(d) (legislation.gov.uk): a person who "has objected to processing
pursuant to Article 21(1) pending the verification whether the legitimate grounds of the
controller override those of the data subject" may have it restricted; Art 18(3): they are
told before the restriction is lifted. Plain function calls on a throwaway database.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.cases import closing, messages, objections
from portal.cases.casework_models import DecisionOutcome, RestrictionEntry, RestrictionStatus
from portal.cases.models import AuditEvent, Case, CaseKind, CaseState
from portal.cases.scenario_requests import objection_details
from portal.cases.scenario_steps import CASEWORKER
from tests.unit.cases.read_back import MONDAY

RS = RestrictionStatus
LATER = MONDAY + timedelta(days=10)


def register_of(session, case: Case) -> dict[str, tuple[RS, date, date | None]]:
    entries = session.scalars(select(RestrictionEntry).where(RestrictionEntry.case_id == case.id))
    return {e.processing: (RS(e.status), e.from_date, e.lifted_on) for e in entries}


def restricted_objection(scenarios, state=CaseState.RECEIVED) -> Case:
    details = objection_details(["programme", "sharing", "national_study"], restrict=True)
    return scenarios.case_in(state, CaseKind.OBJECTION, received=MONDAY, details=details)


def test_asked_for_restriction_is_pending_from_the_day_the_objection_arrives(session, scenarios):
    case = restricted_objection(scenarios)
    assert register_of(session, case) == {
        "programme": (RS.PENDING_DECISION, date(2026, 3, 2), None),
        "sharing:police": (RS.PENDING_DECISION, date(2026, 3, 2), None),
        "national_study": (RS.PENDING_DECISION, date(2026, 3, 2), None),
    }
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))
    assert event.details["restricted_pending_decision"] == [
        "programme",
        "sharing:police",
        "national_study",
    ]


def test_no_restriction_unless_asked_for(session, scenarios):
    case = scenarios.case_in(
        CaseState.IN_PROGRESS,
        CaseKind.OBJECTION,
        received=MONDAY,
        details=objection_details(restrict=False),
    )
    assert register_of(session, case) == {}


def test_the_decision_confirms_what_it_upholds_and_lifts_the_rest_from_the_next_day(
    session, scenarios
):
    case = restricted_objection(scenarios, CaseState.IN_PROGRESS)
    scenarios.assess(case, compelling_grounds="Child protection plan in place", at=LATER)
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["national_study"], at=LATER)
    scenarios.approve_decision(case, at=LATER)
    decided = date(2026, 3, 12)
    assert register_of(session, case) == {
        "programme": (RS.LIFTED, date(2026, 3, 2), decided + timedelta(days=1)),
        "sharing:police": (RS.LIFTED, date(2026, 3, 2), decided + timedelta(days=1)),
        # Confirmed: still restricted from the day the objection arrived.
        "national_study": (RS.IN_FORCE, date(2026, 3, 2), None),
    }
    [message] = messages.messages_for(session, case)
    assert message.params["restriction_confirmed"] == ["national_study"]
    assert message.params["restriction_lifted"] == ["programme", "sharing:police"]


def test_an_upheld_objection_without_restriction_goes_on_the_register_when_decided(
    session, scenarios
):
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    scenarios.assess(case, at=LATER)
    scenarios.propose(case, DecisionOutcome.UPHELD, [], at=LATER)
    entries = objections.approve_decision(session, case, actor="staff:99", now=LATER)
    assert {e.processing: (e.status, e.from_date) for e in entries} == {
        "programme": (RS.IN_FORCE, date(2026, 3, 12)),
        "sharing:police": (RS.IN_FORCE, date(2026, 3, 12)),
    }
    [message] = messages.messages_for(session, case)
    assert message.params["restriction_confirmed"] == []
    assert message.params["restriction_lifted"] == []


def test_a_withdrawn_objection_lifts_its_restriction(session, scenarios):
    case = restricted_objection(scenarios, CaseState.IN_PROGRESS)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received="phone", now=LATER)
    lifted = {key: status for key, (status, _f, _l) in register_of(session, case).items()}
    assert set(lifted.values()) == {RS.LIFTED}


def test_a_refused_objection_lifts_its_restriction_from_the_next_day_and_says_so(
    session, scenarios
):
    case = restricted_objection(scenarios, CaseState.IN_PROGRESS)
    message = closing.refuse(
        session,
        case,
        actor="staff:9",
        actor_role="reviewer",
        reasons="The same objection was decided last month",
        now=LATER,
    )
    assert {status for status, _f, _l in register_of(session, case).values()} == {RS.LIFTED}
    assert {lifted for _s, _f, lifted in register_of(session, case).values()} == {date(2026, 3, 13)}
    assert message.params["restriction_lifted"] == ["programme", "sharing:police", "national_study"]
    assert message.params["restriction_lifted_on"] == "2026-03-13"
