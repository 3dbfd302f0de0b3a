"""A complaint to the ICO about a case (issue 16 point 6, portal.cases.ico_cases): recording
it puts the case on legal hold, so the retention schedule never deletes it while the ICO
case is open; closing it lifts that hold, and only that hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.cases import holds, ico_cases, retention
from portal.cases.after_decision_models import IcoCase, IcoOutcome, InternalReview
from portal.cases.errors import CaseworkError, InvalidDate
from portal.cases.holds import HoldReason
from portal.cases.models import CaseState
from portal.cases.scenario_steps import REVIEWER
from portal.council import load_council
from tests.unit.cases.read_back import MONDAY, actions

RECORDED_AT = datetime(2026, 6, 1, 10, tzinfo=UTC)
CLOSED_AT = datetime(2026, 9, 1, 10, tzinfo=UTC)
SCHEDULE = load_council(Path("portal/councils/wakefield.toml")).retention.schedule


def record(session, case, reference="IC-123456-A1B2", **changes):
    values = {
        "ico_reference": reference,
        "received_on": date(2026, 5, 28),
        "what_ico_asked": "Why the school's records were not sent",
        "actor": REVIEWER,
        "now": RECORDED_AT,
    } | changes
    return ico_cases.record_ico_case(session, case, **values)


def close(session, case, ico, **changes):
    values = {
        "outcome": IcoOutcome.NO_FURTHER_ACTION,
        "note": "The ICO found the search reasonable",
        "closed_on": date(2026, 8, 28),
        "actor": REVIEWER,
        "now": CLOSED_AT,
    } | changes
    return ico_cases.close_ico_case(session, case, ico, **values)


def test_recording_an_ico_case_holds_the_case_and_closing_it_releases_the_hold(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    ico = record(session, case, reference="ic-123456-a1b2")
    assert ico.ico_reference == "IC-123456-A1B2"
    assert ico.placed_hold
    assert holds.is_held(case)
    assert (case.hold_reason, case.hold_note) == ("ico_complaint", "ICO case IC-123456-A1B2")
    assert actions(session, case)[-2:] == ["case_held", "ico_case_recorded"]

    ico_cases.record_response(
        session, case, ico, responded_on=date(2026, 6, 20), actor=REVIEWER, now=CLOSED_AT
    )
    assert ico.responses == ["2026-06-20"]

    close(session, case, ico)
    assert (ico.outcome, ico.closed_on) == ("no_further_action", date(2026, 8, 28))
    assert not holds.is_held(case)
    assert actions(session, case)[-2:] == ["hold_released", "ico_case_closed"]


def test_retention_never_deletes_a_case_while_its_ico_case_is_open(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    scenarios.ask_review(case)
    ico = record(session, case)
    years_later = date(2030, 1, 1)
    planned = [
        p for p in retention.plan(session, SCHEDULE, years_later) if p.reference == case.reference
    ]
    assert planned and all(p.held and p.hold_reason == "ico_complaint" for p in planned)

    close(session, case, ico)
    planned = [
        p for p in retention.plan(session, SCHEDULE, years_later) if p.reference == case.reference
    ]
    assert planned and not any(p.held for p in planned)
    at = datetime(2030, 1, 1, 3, tzinfo=UTC)
    retention.erase_case(session, case, rule="case_record", now=at, in_ledger=False)
    session.commit()
    assert case.erased_at is not None
    # The review and the ICO case go with the case record.
    assert (
        session.scalars(select(InternalReview).where(InternalReview.case_id == case.id)).all() == []
    )
    assert session.scalars(select(IcoCase).where(IcoCase.case_id == case.id)).all() == []


def test_a_case_held_for_another_reason_stays_held_when_the_ico_case_closes(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="Claim", actor=REVIEWER)
    ico = record(session, case)
    assert not ico.placed_hold
    close(session, case, ico)
    assert holds.is_held(case)
    assert case.hold_reason == "legal_claim"


def test_two_ico_cases_keep_the_hold_until_the_last_one_closes(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    first = record(session, case)
    second = record(session, case, reference="IC-999999-Z9Z9")
    assert (first.placed_hold, second.placed_hold) == (True, False)
    close(session, case, first)
    assert holds.is_held(case)
    assert second.placed_hold  # it owns the hold now
    close(session, case, second)
    assert not holds.is_held(case)


def test_a_hold_released_by_hand_is_not_released_again(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    ico = record(session, case)
    holds.release(session, case, actor=REVIEWER)
    holds.hold(session, case, reason=HoldReason.LEGAL_CLAIM, note="Claim", actor=REVIEWER)
    close(session, case, ico)
    assert case.hold_reason == "legal_claim"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reference": "  "}, "Enter the ICO's reference"),
        ({"reference": "<script>"}, "as the ICO writes it"),
        ({"reference": "IC-1; DROP TABLE cases"}, "as the ICO writes it"),
        ({"what_ico_asked": ""}, "Write what the ICO asked"),
        ({"received_on": None}, "Enter the day"),
        ({"received_on": date(2026, 6, 2)}, "cannot be in the future"),
        ({"received_on": date(2026, 3, 1)}, "cannot be before 2 March 2026"),
    ],
)
def test_a_wrong_ico_case_is_refused_and_nothing_is_held(session, scenarios, changes, message):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    with pytest.raises(CaseworkError, match=message):
        record(session, case, **changes)
    session.rollback()
    assert not holds.is_held(case)
    assert ico_cases.ico_cases_of(session, case) == []


def test_a_closed_ico_case_is_not_changed_and_its_dates_follow_its_letter(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    ico = record(session, case)
    with pytest.raises(InvalidDate, match="cannot be before 28 May 2026"):
        close(session, case, ico, closed_on=date(2026, 5, 1))
    session.rollback()
    close(session, case, ico)
    with pytest.raises(ico_cases.IcoCaseRefused, match="closed"):
        ico_cases.record_response(
            session, case, ico, responded_on=date(2026, 8, 29), actor=REVIEWER, now=CLOSED_AT
        )
