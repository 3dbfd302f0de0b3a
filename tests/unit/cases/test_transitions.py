"""Every move in the council's workflow, made by the service function that owns it; and
every move the workflow forbids, refused with nothing changed and nothing written.

Cases reach each state through the scenario builder (portal.cases.scenarios), which calls
the real casework functions and never sets case.state, so these tests also show that each
state is reachable.
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
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from portal.cases.scenarios import Scenarios
from portal.cases.workflow import TRANSITIONS, can_move
from portal.outbox import Job
from tests.unit.cases.read_back import MONDAY

S = CaseState
LATER = datetime(2026, 3, 3, 12, tzinfo=UTC)  # the day after MONDAY
Move = Callable[..., object]
Prepare = Callable[[Scenarios, Case], object]


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
    prepare: Prepare | None = None


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
        prepare=lambda scenarios, c: scenarios.search(c, at=LATER),
    ),
    Operation(
        "propose_decision",
        S.IN_REVIEW,
        "decision_proposed",
        lambda s, c: objections.propose_decision(
            s,
            c,
            outcome=DecisionOutcome.PARTLY_UPHELD,
            upheld_processing=["sharing:police"],
            reasons="The police link is not needed",
            actor=CASEWORKER,
            now=MONDAY,
        ),
        CaseKind.OBJECTION,
        prepare=lambda scenarios, c: scenarios.assess(c, compelling_grounds="Safeguarding"),
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
    (current, op)
    for current in CaseState
    for op in OPERATIONS
    if not can_move(current, op.target)
    # C4: no objection is ever paused for clarification (DPA 2018 s.54(3C); Art 12A).
    and not (op.kind == CaseKind.OBJECTION and current == S.AWAITING_CLARIFICATION)
]


def test_every_move_in_the_workflow_has_an_operation_that_makes_it():
    covered = {(current, op.target) for current, op in ALLOWED}
    table = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert covered == table


@pytest.mark.parametrize(("current", "op"), ALLOWED, ids=[f"{c}-{op.name}" for c, op in ALLOWED])
def test_an_allowed_move_changes_the_state_and_writes_its_event(session, scenarios, current, op):
    case = scenarios.case_in(current, op.kind, received=MONDAY)
    prepare(scenarios, case, op)
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
def test_a_refused_move_changes_nothing_and_writes_nothing(session, scenarios, current, op):
    case = scenarios.case_in(current, op.kind, received=MONDAY)
    prepare(scenarios, case, op)
    before = snapshot(session, case)

    with pytest.raises(ValueError):  # TransitionNotAllowed and CaseworkError are ValueErrors
        op.call(session, case)
    session.rollback()

    assert snapshot(session, session.get(Case, case.id)) == before


def test_only_a_reviewer_refuses_and_nobody_approves_their_own_draft(session, scenarios):
    case = scenarios.case_in(S.IN_REVIEW, received=MONDAY)
    before = snapshot(session, case)
    with pytest.raises(errors.ReviewerRequired):
        closing.refuse(session, case, actor=CASEWORKER, actor_role="caseworker", reasons="No")
    session.rollback()
    with pytest.raises(errors.OwnDraft):
        review.approve(session, case, actor=CASEWORKER)
    session.rollback()
    assert snapshot(session, session.get(Case, case.id)) == before


def prepare(scenarios: Scenarios, case: Case, op: Operation) -> None:
    """The operation's groundwork, where the case's state allows it."""
    if op.prepare is None:
        return
    try:
        op.prepare(scenarios, case)
    except ValueError:  # a closed case, say: the move itself is what is tested
        scenarios.session.rollback()


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
