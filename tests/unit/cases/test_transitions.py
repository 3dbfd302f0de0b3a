"""Every move in the council's workflow, made by the service function that owns it; and
every move the workflow forbids, refused with nothing changed and nothing written.

Cases reach each state through the real casework functions, never by setting
case.state, so these tests also show that each state is reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal.cases import audit, closing, deadlines, errors, identity, objections, review
from portal.cases.casework_models import CaseMessage, DecisionOutcome, Review
from portal.cases.models import AuditEvent, Case, CaseKind, CaseState, ClockPause
from portal.cases.workflow import TRANSITIONS, can_move
from portal.outbox import Job
from tests.unit.cases.builders import CASEWORKER, MONDAY, REVIEWER, filed, searched

S = CaseState
LATER = datetime(2026, 3, 3, 12, tzinfo=UTC)  # the day after MONDAY
Build = Callable[..., Case]
Move = Callable[..., object]


def reach(session, state: CaseState, kind: CaseKind = CaseKind.ACCESS, **changes) -> Case:
    """A case of this kind in this state, moved there by the service functions; `changes`
    go into its submission (an email address, evidence, a language)."""
    case = filed(session, kind=kind, **changes)
    if state == S.RECEIVED:
        return case
    if state == S.AWAITING_IDENTITY:
        identity.request_identity(session, case, what_is_needed="Photo ID", actor=CASEWORKER)
        return case
    if state == S.REFUSED:
        closing.refuse(session, case, actor=REVIEWER, actor_role="reviewer", reasons="Repeated")
        return case
    if state == S.WITHDRAWN:
        closing.record_withdrawal(session, case, actor=CASEWORKER, how_received="phone")
        return case
    identity.accept_identity(
        session, case, evidence_arrived_on=case.received_on, actor=CASEWORKER, now=MONDAY
    )
    if state == S.IN_PROGRESS:
        return case
    if state == S.AWAITING_CLARIFICATION:
        deadlines.ask_clarification(
            session, case, question="Which school?", actor=CASEWORKER, now=MONDAY
        )
        return case
    if kind == CaseKind.OBJECTION:
        assess(session, case)
        propose(session, case)
    else:
        searched(session, case)
        review.submit_for_review(session, case, actor=CASEWORKER, summary="Pack", now=MONDAY)
    if state == S.IN_REVIEW:
        return case
    if kind == CaseKind.OBJECTION:
        objections.approve_decision(session, case, actor=REVIEWER, now=LATER)
    else:
        review.approve(session, case, actor=REVIEWER, now=LATER)
    if state == S.READY:
        return case
    assert state == S.COMPLETED
    closing.complete(session, case, actor=CASEWORKER, now=LATER)
    return case


def assess(session, case: Case) -> None:
    objections.assess_objection(
        session,
        case,
        grounds_raised="Fears the police link",
        processing_affected=["programme", "sharing:police"],
        compelling_grounds="Safeguarding concerns",
        actor=CASEWORKER,
        now=MONDAY,
    )


def propose(session, case: Case) -> None:
    objections.propose_decision(
        session,
        case,
        outcome=DecisionOutcome.PARTLY_UPHELD,
        upheld_processing=["sharing:police"],
        reasons="The police link is not needed",
        actor=CASEWORKER,
        now=MONDAY,
    )


@dataclass(frozen=True)
class Operation:
    """A service function that moves a case to `target`, and the event it writes."""

    name: str
    target: CaseState
    event: str
    call: Move
    kind: CaseKind = CaseKind.ACCESS
    # Work done before the move and kept whether or not the move is allowed (a search
    # before a draft, an assessment before a decision).
    prepare: Move | None = None


OPERATIONS = (
    Operation(
        "accept_identity",
        S.IN_PROGRESS,
        "identity_accepted",
        lambda s, c: identity.accept_identity(
            s, c, evidence_arrived_on=c.received_on, actor=CASEWORKER, now=LATER
        ),
    ),
    Operation(
        "request_identity",
        S.AWAITING_IDENTITY,
        "identity_requested",
        lambda s, c: identity.request_identity(
            s, c, what_is_needed="A utility bill", actor=CASEWORKER, now=LATER
        ),
    ),
    Operation(
        "ask_clarification",
        S.AWAITING_CLARIFICATION,
        "clarification_requested",
        lambda s, c: deadlines.ask_clarification(
            s, c, question="Which years?", actor=CASEWORKER, now=LATER
        ),
    ),
    Operation(
        "record_clarification_answer",
        S.IN_PROGRESS,
        "clarification_answered",
        lambda s, c: deadlines.record_clarification_answer(
            s, c, answer="2019 to 2021", answered_on=date(2026, 3, 3), actor=CASEWORKER, now=LATER
        ),
    ),
    Operation(
        "submit_for_review",
        S.IN_REVIEW,
        "submitted_for_review",
        lambda s, c: review.submit_for_review(s, c, actor=CASEWORKER, summary="Pack", now=LATER),
        prepare=lambda s, c: searched(s, c, now=LATER),
    ),
    Operation(
        "propose_decision",
        S.IN_REVIEW,
        "decision_proposed",
        propose,
        CaseKind.OBJECTION,
        prepare=assess,
    ),
    Operation(
        "return_for_changes",
        S.IN_PROGRESS,
        "draft_returned",
        lambda s, c: review.return_for_changes(
            s, c, actor=REVIEWER, comments="Check the school records", now=LATER
        ),
    ),
    Operation(
        "return_decision_for_changes",
        S.IN_PROGRESS,
        "draft_returned",
        lambda s, c: review.return_for_changes(
            s, c, actor=REVIEWER, comments="Weigh the research use", now=LATER
        ),
        CaseKind.OBJECTION,
    ),
    Operation(
        "approve",
        S.READY,
        "draft_approved",
        lambda s, c: review.approve(s, c, actor=REVIEWER, now=LATER),
    ),
    Operation(
        "approve_decision",
        S.READY,
        "decision_approved",
        lambda s, c: objections.approve_decision(s, c, actor=REVIEWER, now=LATER),
        CaseKind.OBJECTION,
    ),
    Operation(
        "complete",
        S.COMPLETED,
        "response_completed",
        lambda s, c: closing.complete(s, c, actor=CASEWORKER, now=LATER),
    ),
    Operation(
        "refuse",
        S.REFUSED,
        "request_refused",
        lambda s, c: closing.refuse(
            s, c, actor=REVIEWER, actor_role="reviewer", reasons="Manifestly excessive", now=LATER
        ),
    ),
    Operation(
        "record_withdrawal",
        S.WITHDRAWN,
        "request_withdrawn",
        lambda s, c: closing.record_withdrawal(
            s, c, actor=CASEWORKER, how_received="letter", now=LATER
        ),
    ),
    Operation(
        "withdraw_online",
        S.WITHDRAWN,
        "request_withdrawn",
        lambda s, c: closing.withdraw(s, c, reason="No longer needed", now=LATER),
    ),
)

# Every move in the workflow table, and an operation that makes it.
ALLOWED = [
    (current, op)
    for current, targets in TRANSITIONS.items()
    for op in OPERATIONS
    if op.target in targets
    # Two operations make their move only from one state: answering a clarification
    # resumes a paused case; returning a draft sends back a case in review.
    and not (op.name == "record_clarification_answer" and current != S.AWAITING_CLARIFICATION)
    and not (op.name.startswith("return_") and current != S.IN_REVIEW)
    and not (op.name in ("submit_for_review", "propose_decision") and current != S.IN_PROGRESS)
    and not (op.name == "accept_identity" and current not in (S.RECEIVED, S.AWAITING_IDENTITY))
]
REFUSED = [
    (current, op) for current in CaseState for op in OPERATIONS if not can_move(current, op.target)
]


def test_every_move_in_the_workflow_has_an_operation_that_makes_it():
    covered = {(current, op.target) for current, op in ALLOWED}
    table = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert covered == table


@pytest.mark.parametrize(("current", "op"), ALLOWED, ids=[f"{c}-{op.name}" for c, op in ALLOWED])
def test_an_allowed_move_changes_the_state_and_writes_its_event(session, current, op):
    case = reach(session, current, op.kind)
    prepare(session, case, op)
    events_before = count(session, AuditEvent)

    op.call(session, case)

    session.refresh(case)
    assert case.state == op.target
    new_events = list(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        )
    )[-1:]
    assert new_events == [op.event]
    assert count(session, AuditEvent) > events_before
    assert audit.verify(session) == count(session, AuditEvent)


@pytest.mark.parametrize(("current", "op"), REFUSED, ids=[f"{c}-{op.name}" for c, op in REFUSED])
def test_a_refused_move_changes_nothing_and_writes_nothing(session, current, op):
    case = reach(session, current, op.kind)
    prepare(session, case, op)
    before = snapshot(session, case)

    with pytest.raises(ValueError):  # TransitionNotAllowed and CaseworkError are ValueErrors
        op.call(session, case)
    session.rollback()

    assert snapshot(session, session.get(Case, case.id)) == before


def test_only_a_reviewer_refuses_and_nobody_approves_their_own_draft(session):
    case = reach(session, S.IN_REVIEW)
    before = snapshot(session, case)
    with pytest.raises(errors.ReviewerRequired):
        closing.refuse(session, case, actor=CASEWORKER, actor_role="caseworker", reasons="No")
    session.rollback()
    with pytest.raises(errors.OwnDraft):
        review.approve(session, case, actor=CASEWORKER)
    session.rollback()
    assert snapshot(session, session.get(Case, case.id)) == before


def prepare(session, case: Case, op: Operation) -> None:
    """The operation's groundwork, where the case's state allows it."""
    if op.prepare is None:
        return
    try:
        op.prepare(session, case)
    except ValueError:  # a closed case, say: the move itself is what is tested
        session.rollback()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def snapshot(session, case: Case) -> tuple:
    """What a refused move must leave exactly as it was."""
    return (
        case.state,
        case.due_on,
        case.clock_started_on,
        case.extended,
        case.closed_at,
        count(session, AuditEvent),
        count(session, CaseMessage),
        count(session, Job),
        count(session, Review),
        count(session, ClockPause),
    )
