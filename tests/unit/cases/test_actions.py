"""What the case page offers: only what the rules allow now (portal.cases.actions).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

from portal.cases import closing
from portal.cases.actions import Action, allowed_actions
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from tests.unit.cases.read_back import MONDAY


def test_the_case_page_offers_only_what_the_rules_allow(session, scenarios):
    received = scenarios.filed(received=MONDAY)
    offered = allowed_actions(session, received, today=date(2026, 3, 2))
    assert {Action.ACCEPT_IDENTITY, Action.REQUEST_IDENTITY, Action.REFUSE} <= offered
    assert Action.SUBMIT_FOR_REVIEW not in offered
    assert Action.EXTEND not in offered  # no clock yet

    case = scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY)
    own = allowed_actions(session, case, actor=CASEWORKER, actor_role="caseworker")
    assert Action.APPROVE not in own
    assert Action.REFUSE not in own
    other = allowed_actions(session, case, actor=REVIEWER, actor_role="reviewer")
    assert {Action.APPROVE, Action.RETURN_FOR_CHANGES, Action.REFUSE} <= other
    assert Action.EXTEND not in allowed_actions(session, case, today=date(2026, 4, 3))

    closing.record_withdrawal(session, received, actor=CASEWORKER, how_received="letter")
    assert allowed_actions(session, received) == {Action.ADD_NOTE}


def test_clarification_is_offered_for_an_access_request_and_never_for_an_objection(
    session, scenarios
):
    """C4: only an access request pauses for clarification (DPA 2018 s.54(3C); Art 12A)."""
    access = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    assert Action.ASK_CLARIFICATION in allowed_actions(session, access)
    objection = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    offered = allowed_actions(session, objection)
    assert Action.ASK_CLARIFICATION not in offered
    assert Action.ASSESS_OBJECTION in offered
