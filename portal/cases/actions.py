"""What staff may do next on a case: the casework actions the rules allow now, for the
case page to offer (the service functions check again). C3 (extension only in the first
month), C5 (refusal by the reviewer), and the workflow table for every other move.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from portal.cases import clock
from portal.cases.closing import REVIEWER_ROLE
from portal.cases.deadlines import clarification_allowed, first_month_ends_on
from portal.cases.entitlement import judgement_needed
from portal.cases.identity import IDENTITY_PENDING
from portal.cases.lifting import can_lift
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.objections import latest_assessment
from portal.cases.review import pending_review
from portal.cases.steps import WORKING_STATES
from portal.cases.workflow import can_move, is_closed
from portal.extensions import DbSession
from portal.instants import utc_now

S = CaseState


class Action(StrEnum):
    """A casework action staff may take: one service function each."""

    ACCEPT_IDENTITY = "accept_identity"
    REQUEST_IDENTITY = "request_identity"
    ASK_CLARIFICATION = "ask_clarification"
    RECORD_CLARIFICATION_ANSWER = "record_clarification_answer"
    EXTEND = "extend"
    RECORD_SEARCH = "record_search"
    ADD_DISCLOSURE_ITEM = "add_disclosure_item"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    APPROVE = "approve"
    RETURN_FOR_CHANGES = "return_for_changes"
    COMPLETE = "complete"
    REFUSE = "refuse"
    RECORD_WITHDRAWAL = "record_withdrawal"
    ASSESS_OBJECTION = "assess_objection"
    PROPOSE_DECISION = "propose_decision"
    APPROVE_DECISION = "approve_decision"
    RECORD_PROGRESS = "record_progress"  # C13: a complaint's progress, told to the complainant
    PROPOSE_OUTCOME = "propose_outcome"
    APPROVE_OUTCOME = "approve_outcome"
    PROPOSE_CORRECTION = "propose_correction"
    APPROVE_CORRECTION = "approve_correction"
    PROPOSE_RESTRICTION = "propose_restriction"
    APPROVE_RESTRICTION = "approve_restriction"
    PROPOSE_DELETION = "propose_deletion"
    APPROVE_DELETION = "approve_deletion"
    LIFT_RESTRICTION = "lift_restriction"  # Art 18(3): the person is told first (C14)
    ASSIGN = "assign"
    ADD_NOTE = "add_note"
    RECORD_JUDGEMENT = "record_judgement"


_APPROVE = {
    CaseKind.ACCESS: Action.APPROVE,
    CaseKind.CORRECTION: Action.APPROVE_CORRECTION,
    CaseKind.RESTRICTION: Action.APPROVE_RESTRICTION,
    CaseKind.DELETION: Action.APPROVE_DELETION,
}
# C14, C15: the requests answered by a decision on the right (portal.cases.rights_decisions).
_PROPOSE_RIGHTS = {
    CaseKind.CORRECTION: Action.PROPOSE_CORRECTION,
    CaseKind.RESTRICTION: Action.PROPOSE_RESTRICTION,
    CaseKind.DELETION: Action.PROPOSE_DELETION,
}


def allowed_actions(
    session: DbSession,
    case: Case,
    *,
    actor: str | None = None,
    actor_role: str | None = None,
    today: date | None = None,
) -> frozenset[Action]:
    """The casework actions the rules allow now, for the case page to offer (the service
    functions check again). With `actor`, approving one's own draft is left out; with
    `actor_role`, refusing is offered to the reviewer only."""
    state = CaseState(case.state)
    access = case.kind == CaseKind.ACCESS
    rights = _PROPOSE_RIGHTS.get(CaseKind(case.kind))
    actions: set[Action] = {Action.ADD_NOTE}
    if state in (S.READY, S.COMPLETED) and can_lift(session, case):
        actions.add(Action.LIFT_RESTRICTION)
    if is_closed(state):
        return frozenset(actions)
    actions.update({Action.ASSIGN, Action.RECORD_WITHDRAWAL})
    if case.kind == CaseKind.COMPLAINT:
        return frozenset(actions | _complaint_actions(session, case, state, actor))
    if judgement_needed(case) is not None:
        actions.add(Action.RECORD_JUDGEMENT)
    if state in IDENTITY_PENDING:
        actions.add(Action.ACCEPT_IDENTITY)
    if can_move(state, S.AWAITING_IDENTITY):
        actions.add(Action.REQUEST_IDENTITY)
    if (
        can_move(state, S.AWAITING_CLARIFICATION)
        and case.clock_started_on is not None
        and clarification_allowed(case)
    ):
        actions.add(Action.ASK_CLARIFICATION)
    if state == S.AWAITING_CLARIFICATION:
        actions.add(Action.RECORD_CLARIFICATION_ANSWER)
    if case.clock_started_on is not None and not case.extended:
        day = today or clock.received_on(utc_now())
        if day <= first_month_ends_on(case, case.clock_started_on, day):
            actions.add(Action.EXTEND)
    if state in WORKING_STATES:
        actions.add(Action.RECORD_SEARCH)
        if rights is None:
            actions.add(Action.ADD_DISCLOSURE_ITEM if access else Action.ASSESS_OBJECTION)
    if state == S.IN_PROGRESS:
        if access:
            actions.add(Action.SUBMIT_FOR_REVIEW)
        elif rights is not None:
            actions.add(rights)
        elif latest_assessment(session, case) is not None:
            actions.add(Action.PROPOSE_DECISION)
    if state == S.IN_REVIEW:
        actions.add(Action.RETURN_FOR_CHANGES)
        review = pending_review(session, case)
        if review is not None and review.submitted_by != actor:
            actions.add(_APPROVE.get(CaseKind(case.kind), Action.APPROVE_DECISION))
    if state == S.READY:
        actions.add(Action.COMPLETE)
    if can_move(state, S.REFUSED) and actor_role in (None, REVIEWER_ROLE):
        actions.add(Action.REFUSE)
    return frozenset(actions)


def _complaint_actions(
    session: DbSession, case: Case, state: CaseState, actor: str | None
) -> set[Action]:
    """C13 (DPA 2018 s.164A): a complaint has no identity check, clarification pause,
    extension or refusal; it is looked into, kept informed, answered and reviewed."""
    actions: set[Action] = set()
    if state in (S.IN_PROGRESS, S.IN_REVIEW):
        actions.add(Action.RECORD_PROGRESS)
    if state == S.IN_PROGRESS:
        actions.add(Action.PROPOSE_OUTCOME)
    if state == S.IN_REVIEW:
        actions.add(Action.RETURN_FOR_CHANGES)
        review = pending_review(session, case)
        if review is not None and review.submitted_by != actor:
            actions.add(Action.APPROVE_OUTCOME)
    if state == S.READY:
        actions.add(Action.COMPLETE)
    return actions
