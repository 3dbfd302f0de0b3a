"""Legal hold (issue 14 point 5, portal.cases.holds): a case held with a reason, a note,
who and when; holding and releasing are audit events holding the reason's code only.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py); the
staff pages and PostgreSQL: tests/functional/staff/test_holds.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.cases import audit, holds, retention, tracking
from portal.cases.errors import CaseworkError, MissingText
from portal.cases.holds import HoldReason
from portal.cases.models import AuditEvent, CaseState
from portal.cases.scenario_steps import REVIEWER
from tests.unit.cases.read_back import MONDAY, actions

HELD_AT = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)
RELEASED_AT = datetime(2026, 11, 2, 14, tzinfo=UTC)


def test_a_held_case_records_why_who_and_when(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    assert not holds.is_held(case)

    holds.hold(
        session,
        case,
        reason=HoldReason.ICO_COMPLAINT,
        note="ICO reference IC-123456-A1B2",
        actor=REVIEWER,
        now=HELD_AT,
    )

    assert holds.is_held(case)
    assert (case.hold_reason, case.hold_note, case.held_by) == (
        "ico_complaint",
        "ICO reference IC-123456-A1B2",
        REVIEWER,
    )
    assert case.held_at is not None
    assert actions(session, case)[-1] == "case_held"
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    # The note is staff free text: on the case row, never in the append-only trail.
    assert event.details == {"reason": "ico_complaint"}
    assert audit.verify(session) > 0


def test_releasing_ends_the_hold_and_is_recorded(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    holds.hold(
        session, case, reason="legal_claim", note="Claim letter", actor=REVIEWER, now=HELD_AT
    )
    holds.release(session, case, actor=REVIEWER, now=RELEASED_AT)
    assert not holds.is_held(case)
    assert (case.hold_reason, case.hold_note, case.held_by) == (None, None, None)
    assert actions(session, case)[-2:] == ["case_held", "hold_released"]


def test_an_open_case_can_be_held_too(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    holds.hold(session, case, reason=HoldReason.INTERNAL_REVIEW, note="Review", actor=REVIEWER)
    assert holds.is_held(case)


def test_a_hold_needs_a_known_reason_and_a_note(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    with pytest.raises(CaseworkError, match="reason for the hold"):
        holds.hold(session, case, reason="bored", note="x", actor=REVIEWER)
    with pytest.raises(MissingText, match="what the hold is for"):
        holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="  ", actor=REVIEWER)
    assert not holds.is_held(case)
    assert "case_held" not in actions(session, case)


def test_a_case_is_held_once_and_released_once(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    with pytest.raises(holds.HoldRefused, match="not on hold"):
        holds.release(session, case, actor=REVIEWER)
    holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="Claim", actor=REVIEWER)
    with pytest.raises(holds.HoldRefused, match="already on hold"):
        holds.hold(session, case, reason=HoldReason.ICO_COMPLAINT, note="ICO", actor=REVIEWER)
    assert case.hold_reason == "legal_claim"


def test_every_reason_has_plain_english_words():
    assert {holds.hold_reason_label(reason) for reason in HoldReason} == {
        "A complaint to the Information Commissioner's Office (ICO)",
        "A legal claim, or one the council expects",
        "An internal review",
    }


def test_the_requester_does_not_see_the_hold_on_their_timeline(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="Claim", actor=REVIEWER)
    holds.release(session, case, actor=REVIEWER)
    shown = [entry.action for entry in tracking.timeline(session, case)]
    assert "response_completed" in shown
    assert not {"case_held", "hold_released"} & set(shown)


def test_a_deleted_case_cannot_be_held(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    retention.erase_case(session, case, rule="case_record", now=RELEASED_AT, in_ledger=False)
    session.commit()
    with pytest.raises(holds.HoldRefused, match="already been deleted"):
        holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="Claim", actor=REVIEWER)
