"""The council's workflow: which state may follow which. Any other move is an error."""

from __future__ import annotations

from portal.cases.models import CaseState

S = CaseState

# state -> the states it may move to
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.RECEIVED: frozenset({S.IN_PROGRESS, S.AWAITING_IDENTITY, S.REFUSED, S.WITHDRAWN}),
    S.AWAITING_IDENTITY: frozenset({S.IN_PROGRESS, S.REFUSED, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.AWAITING_CLARIFICATION, S.IN_REVIEW, S.REFUSED, S.WITHDRAWN}),
    S.AWAITING_CLARIFICATION: frozenset({S.IN_PROGRESS, S.REFUSED, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.IN_PROGRESS, S.READY, S.REFUSED, S.WITHDRAWN}),
    S.READY: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# States in which the statutory clock counts days (DESIGN.md section 3).
CLOCK_RUNNING = frozenset({S.IN_PROGRESS, S.IN_REVIEW, S.READY})
CLOSED = frozenset({S.COMPLETED, S.REFUSED, S.WITHDRAWN})


class TransitionNotAllowed(ValueError):
    def __init__(self, current: CaseState, target: CaseState) -> None:
        super().__init__(f"A case cannot move from {current} to {target}")
        self.current = current
        self.target = target


def can_move(current: CaseState | str, target: CaseState | str) -> bool:
    return CaseState(target) in TRANSITIONS[CaseState(current)]


def check_move(current: CaseState | str, target: CaseState | str) -> None:
    """Raise TransitionNotAllowed unless the table allows the move."""
    if not can_move(current, target):
        raise TransitionNotAllowed(CaseState(current), CaseState(target))


def is_closed(state: CaseState | str) -> bool:
    return CaseState(state) in CLOSED
