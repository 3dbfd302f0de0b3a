"""Internal review of a decision (issue 16 point 6, portal.cases.internal_reviews): when it
may be asked for, its due date (the council profile's working days), and its outcome by
someone other than the decision maker, told to the requester with the route to the ICO.

UK GDPR and the DPA 2018 set no time limit for an internal review. The profile's default,
20 working days, follows the FOI code of practice (section 45, July 2018, part 5) that the ICO
expects for FOI internal reviews; counted like FOI's "working day following receipt"
(FOIA 2000 s.10(1), s.10(6)): the day received is day 0, weekends and England-and-Wales
bank holidays do not count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.cases import internal_reviews
from portal.cases.after_decision_models import ReviewOutcome
from portal.cases.casework_models import DecisionOutcome, MessageKind
from portal.cases.errors import MissingText
from portal.cases.internal_reviews import ReviewRefused, review_due_date
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_steps import REVIEWER
from portal.cases.scenarios import INTERNAL_REVIEWER
from tests.unit.cases.read_back import MONDAY, actions, case_messages


@pytest.mark.parametrize(
    ("received", "working_days", "due"),
    [
        # Monday 2 March 2026: 20 working days, no bank holiday, is Monday 30 March.
        (date(2026, 3, 2), 20, date(2026, 3, 30)),
        # Over Easter 2026 (Good Friday 3 April, Easter Monday 6 April): two days later
        # than the 20 April a plain weekday count gives.
        (date(2026, 3, 23), 20, date(2026, 4, 22)),
        # Received on a Saturday before Christmas 2026: 25 December, 28 December (Boxing
        # Day's substitute) and 1 January 2027 do not count.
        (date(2026, 12, 12), 20, date(2027, 1, 13)),
        # Another council's profile: 15 working days.
        (date(2026, 3, 2), 15, date(2026, 3, 23)),
        # One working day after a Friday is the Monday.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
    ],
)
def test_the_review_is_due_a_number_of_working_days_after_it_was_received(
    received, working_days, due
):
    assert review_due_date(received, working_days) == due


def test_a_review_period_is_at_least_one_working_day():
    with pytest.raises(ValueError):
        review_due_date(date(2026, 3, 2), 0)


def test_a_review_asked_for_just_after_midnight_in_london_is_received_that_day(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    # 23:30 UTC on Sunday 29 March 2026 is 00:30 BST on Monday 30 March.
    asked = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    review = scenarios.ask_review(case, at=asked)
    assert review.received_on == date(2026, 3, 30)
    assert review.due_on == date(2026, 4, 29)  # Easter Monday 6 April does not count


@pytest.mark.parametrize("state", [CaseState.COMPLETED, CaseState.REFUSED])
def test_a_completed_or_refused_request_can_be_reviewed(session, scenarios, state):
    case = scenarios.case_in(state, received=MONDAY)
    assert internal_reviews.can_ask_for_review(session, case)
    review = scenarios.ask_review(case)
    assert (review.disagreement, review.asked_by) == (
        "You did not send the school's records about my son.",
        "resident",
    )
    assert review.due_on == date(2026, 3, 30)
    assert actions(session, case)[-1] == "internal_review_asked"
    assert not internal_reviews.can_ask_for_review(session, case)


def test_an_objection_decided_but_not_yet_closed_can_be_reviewed(session, scenarios):
    case = scenarios.case_in(CaseState.RECEIVED, CaseKind.OBJECTION, received=MONDAY)
    scenarios.objection(case, DecisionOutcome.NOT_UPHELD, stage="decided")
    assert case.state == CaseState.READY
    assert internal_reviews.has_decision(session, case)
    scenarios.ask_review(case)


@pytest.mark.parametrize(
    "state", [CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.IN_REVIEW, CaseState.WITHDRAWN]
)
def test_no_review_without_a_decision(session, scenarios, state):
    case = scenarios.case_in(state, received=MONDAY)
    assert not internal_reviews.can_ask_for_review(session, case)
    with pytest.raises(ReviewRefused, match="no decision"):
        scenarios.ask_review(case)
    assert "internal_review_asked" not in actions(session, case)


def test_a_decision_is_reviewed_once(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    scenarios.ask_review(case)
    with pytest.raises(ReviewRefused, match="already been asked for"):
        scenarios.ask_review(case)
    assert len(internal_reviews.reviews_of(session, case)) == 1


def test_what_they_disagree_with_and_why_must_be_written(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    with pytest.raises(MissingText, match="what you disagree with"):
        scenarios.ask_review(case, disagreement="  \n ")
    with pytest.raises(MissingText, match="why you disagree"):
        scenarios.ask_review(case, reasons="")
    assert internal_reviews.reviews_of(session, case) == []


def test_the_outcome_is_told_with_the_route_to_the_ico(session, scenarios):
    case = scenarios.case_in(CaseState.REFUSED, received=MONDAY)
    review = scenarios.ask_review(case)
    scenarios.decide_review(case, review, ReviewOutcome.PARTLY_UPHELD, reasons="Partly right.")
    assert (review.outcome, review.reviewer, review.reviewer_made_decision) == (
        "partly_upheld",
        INTERNAL_REVIEWER,
        False,
    )
    message = case_messages(session, case)[-1]
    assert message.kind == MessageKind.REVIEW_OUTCOME
    assert message.id == review.message_id
    assert message.params == {
        "outcome": "partly_upheld",
        "reasons": "Partly right.",
        "rights": ["complain_to_ico", "go_to_court"],
        "asked_on": "2026-03-02",
    }
    assert actions(session, case)[-1] == "internal_review_decided"
    assert internal_reviews.open_review(session, case) is None


def test_whoever_made_the_decision_reviews_it_only_when_no_one_else_can(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    assert REVIEWER in internal_reviews.decision_makers(session, case)  # approved the response
    review = scenarios.ask_review(case)
    with pytest.raises(ReviewRefused, match="ask someone else"):
        scenarios.decide_review(case, review, reviewer=REVIEWER)
    assert review.outcome is None
    internal_reviews.record_outcome(
        session,
        case,
        review,
        outcome=ReviewOutcome.NOT_UPHELD,
        reasons="No one else is in post.",
        reviewer=REVIEWER,
        no_one_else_could=True,
    )
    assert (review.reviewer, review.reviewer_made_decision) == (REVIEWER, True)


def test_an_outcome_is_recorded_once_and_needs_reasons(session, scenarios):
    case = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    review = scenarios.ask_review(case)
    with pytest.raises(MissingText, match="reasons for the outcome"):
        scenarios.decide_review(case, review, reasons=" ")
    with pytest.raises(Exception, match="review outcome"):
        scenarios.decide_review(case, review, "overturned")  # type: ignore[arg-type]
    scenarios.decide_review(case, review)
    with pytest.raises(ReviewRefused, match="already been recorded"):
        scenarios.decide_review(case, review)
    assert [m.kind for m in case_messages(session, case)].count(MessageKind.REVIEW_OUTCOME) == 1


def test_waiting_reviews_are_listed_soonest_due_first(session, scenarios):
    late = scenarios.case_in(CaseState.COMPLETED, received=noon_on(date(2026, 3, 9)))
    early = scenarios.case_in(CaseState.REFUSED, received=MONDAY)
    decided = scenarios.case_in(CaseState.COMPLETED, received=MONDAY)
    scenarios.ask_review(late)
    scenarios.ask_review(early)
    scenarios.decide_review(decided, scenarios.ask_review(decided))
    listed = [review.reference for review in internal_reviews.waiting_reviews(session)]
    assert listed == [early.reference, late.reference]


def noon_on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
