"""The allowed-transition table: every move not in it is refused."""

from __future__ import annotations

import itertools

import pytest

from portal.cases.models import CaseState
from portal.cases.workflow import (
    CLOCK_RUNNING,
    CLOSED,
    TRANSITIONS,
    TransitionNotAllowed,
    can_move,
    check_move,
    is_closed,
)

S = CaseState


def test_every_state_has_a_row():
    assert set(TRANSITIONS) == set(CaseState)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(CaseState, CaseState)))
def test_only_listed_moves_are_allowed(current, target):
    if target in TRANSITIONS[current]:
        check_move(current, target)
        assert can_move(current, target)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_move(current, target)


def test_closed_states_are_final():
    for state in CLOSED:
        assert TRANSITIONS[state] == frozenset()
        assert is_closed(state)


def test_the_councils_workflow():
    # identity first, then the work, then the reviewer, then release
    assert can_move(S.RECEIVED, S.AWAITING_IDENTITY)
    assert can_move(S.AWAITING_IDENTITY, S.IN_PROGRESS)
    assert can_move(S.IN_PROGRESS, S.AWAITING_CLARIFICATION)
    assert can_move(S.AWAITING_CLARIFICATION, S.IN_PROGRESS)
    assert can_move(S.IN_PROGRESS, S.IN_REVIEW)
    assert can_move(S.IN_REVIEW, S.IN_PROGRESS)  # returned with comments
    assert can_move(S.IN_REVIEW, S.READY)
    assert can_move(S.READY, S.COMPLETED)
    # no skipping the reviewer, no reopening
    assert not can_move(S.IN_PROGRESS, S.READY)
    assert not can_move(S.RECEIVED, S.COMPLETED)
    assert not can_move(S.COMPLETED, S.IN_PROGRESS)
    # a requester can withdraw until the response is delivered
    for state in set(CaseState) - CLOSED:
        assert can_move(state, S.WITHDRAWN)


def test_the_clock_runs_only_while_the_council_is_working():
    assert CLOCK_RUNNING == {S.IN_PROGRESS, S.IN_REVIEW, S.READY}
    assert S.AWAITING_CLARIFICATION not in CLOCK_RUNNING  # C4
    assert S.AWAITING_IDENTITY not in CLOCK_RUNNING  # C1


def test_strings_are_accepted_as_stored():
    assert can_move("received", "in_progress")
    with pytest.raises(ValueError, match="cannot move from completed to in_progress"):
        check_move("completed", "in_progress")
