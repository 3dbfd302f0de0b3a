"""A draft response waits for the reviewer, who approves it or returns it; nobody approves
their own draft (portal.cases.review).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

import pytest

from portal.cases import errors, review
from portal.cases.models import CaseState
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from portal.cases.workflow import TransitionNotAllowed
from tests.unit.cases.read_back import MONDAY


def test_a_draft_needs_a_recorded_search_before_review(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(errors.NoSearchRecorded):
        review.submit_for_review(session, case, actor=CASEWORKER, summary="All found")


def test_nobody_approves_their_own_draft(session, scenarios):
    case = scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY)
    assert case.state == CaseState.IN_REVIEW
    with pytest.raises(errors.OwnDraft, match="Nobody approves their own draft"):
        review.approve(session, case, actor=CASEWORKER)
    assert case.state == CaseState.IN_REVIEW
    review.approve(session, case, actor=REVIEWER)
    assert case.state == CaseState.READY


def test_a_returned_draft_goes_back_with_comments(session, scenarios):
    case = scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY)
    with pytest.raises(errors.MissingText):
        review.return_for_changes(session, case, actor=REVIEWER, comments="")
    review.return_for_changes(session, case, actor=REVIEWER, comments="Search Housing too")
    assert case.state == CaseState.IN_PROGRESS
    assert review.pending_review(session, case) is None
    with pytest.raises(TransitionNotAllowed):
        review.approve(session, case, actor=REVIEWER)
