"""Review: a draft access response, or a proposed decision on an objection, waits for the
reviewer, who approves it or returns it with comments; nobody approves their own draft.
An approved access response queues the response pack (C6-C7); an approved decision is
portal.cases.objections.approve_decision (C9).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.cases.casework_models import (
    DecisionStatus,
    DepartmentSearch,
    ObjectionDecision,
    Review,
    ReviewDecision,
)
from portal.cases.document_models import (
    RESPONSE_PACK_JOB,
    CaseDocument,
    DocumentKind,
    DocumentStatus,
)
from portal.cases.entitlement import require_judgement
from portal.cases.errors import NoSearchRecorded, NothingToReview, OwnDraft
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.rights_models import RightsDecision
from portal.cases.steps import acting_moment, audit_event, check_kind, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession
from portal.outbox import enqueue

S = CaseState


def pending_review(session: DbSession, case: Case) -> Review | None:
    """The draft waiting for the reviewer, if any."""
    return session.scalar(
        select(Review)
        .where(Review.case_id == case.id, Review.decision.is_(None))
        .order_by(Review.id.desc())
        .limit(1)
    )


def submit_for_review(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    summary: str,
    now: datetime | None = None,
) -> Review:
    """A draft access response goes to the reviewer; the drafter is recorded, so they
    cannot approve it. C6: at least one department search must be recorded first."""
    moment = acting_moment(now)
    text = required_text(summary, "Summarise the draft for the reviewer")
    lock_case(session, case)
    check_kind(case, CaseKind.ACCESS)
    check_move(case.state, S.IN_REVIEW)
    searched = session.scalar(
        select(DepartmentSearch.id).where(DepartmentSearch.case_id == case.id).limit(1)
    )
    if searched is None:
        raise NoSearchRecorded("Record the searches made before sending the draft for review")
    require_judgement(session, case)  # C11: a child's or a parent's request
    review = open_review(session, case, actor=actor, moment=moment, summary=text)
    audit_event(session, case, "submitted_for_review", actor, moment, review_id=review.id)
    session.commit()
    return review


def approve(session: DbSession, case: Case, *, actor: str, now: datetime | None = None) -> None:
    """The reviewer approves the draft access response: nobody approves their own draft.
    The case is ready, and the worker is asked to make the response pack."""
    moment = acting_moment(now)
    lock_case(session, case)
    check_kind(case, CaseKind.ACCESS)
    check_move(case.state, S.READY)
    review = review_in_progress(session, case)
    approve_review(review, actor=actor, moment=moment)
    case.state = S.READY
    document = queue_response_pack(session, case, now=moment)
    audit_event(
        session, case, "draft_approved", actor, moment, review_id=review.id, document_id=document.id
    )
    session.commit()


def queue_response_pack(session: DbSession, case: Case, *, now: datetime) -> CaseDocument:
    """In the caller's transaction: a queued response pack and the job that will make it
    (portal.documents.production)."""
    document = CaseDocument(
        case_id=case.id,
        kind=DocumentKind.RESPONSE_PACK,
        status=DocumentStatus.QUEUED,
        language=case.language,
        created_at=now,
    )
    session.add(document)
    session.flush()
    enqueue(session, RESPONSE_PACK_JOB, {"case_id": case.id, "document_id": document.id}, now=now)
    return document


def return_for_changes(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    comments: str,
    now: datetime | None = None,
) -> None:
    """The reviewer sends a draft response or decision back, saying what to change."""
    moment = acting_moment(now)
    text = required_text(comments, "Say what needs to change")
    lock_case(session, case)
    if case.state != S.IN_REVIEW:
        raise NothingToReview("There is no draft waiting for review")
    check_move(case.state, S.IN_PROGRESS)
    review = review_in_progress(session, case)
    review.decision = ReviewDecision.RETURNED
    review.decided_by = actor
    review.decided_at = moment
    review.comments = text
    decision = proposed_decision(session, case)
    if decision is not None:
        decision.status = DecisionStatus.RETURNED
    for correction in session.scalars(
        select(RightsDecision).where(
            RightsDecision.case_id == case.id, RightsDecision.status == DecisionStatus.PROPOSED
        )
    ):
        correction.status = DecisionStatus.RETURNED
    case.state = S.IN_PROGRESS
    audit_event(session, case, "draft_returned", actor, moment, review_id=review.id)
    session.commit()


def open_review(
    session: DbSession, case: Case, *, actor: str, moment: datetime, summary: str
) -> Review:
    """A draft (an access response, a decision, a complaint's outcome) goes to the
    reviewer: its review, and the case in review, in the caller's transaction (flushed, so
    the review has its id for the audit event). The drafter is recorded: they cannot
    approve it."""
    review = Review(case_id=case.id, submitted_by=actor, submitted_at=moment, summary=summary)
    session.add(review)
    case.state = S.IN_REVIEW
    session.flush()
    return review


def approve_review(
    review: Review, *, actor: str, moment: datetime, proposed_by: str | None = None
) -> None:
    """The reviewer approves the draft: never its drafter, nor whoever proposed the
    decision in it (OwnDraft)."""
    if actor in (review.submitted_by, proposed_by):
        raise OwnDraft("Nobody approves their own draft: another member of staff must review it")
    review.decision = ReviewDecision.APPROVED
    review.decided_by = actor
    review.decided_at = moment


def review_in_progress(session: DbSession, case: Case) -> Review:
    """The draft waiting for the reviewer; NothingToReview when there is none."""
    review = pending_review(session, case)
    if review is None:
        raise NothingToReview("There is no draft waiting for review")
    return review


def proposed_decision(session: DbSession, case: Case) -> ObjectionDecision | None:
    """The decision on an objection waiting for the reviewer, if any (C9)."""
    return session.scalar(
        select(ObjectionDecision)
        .where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.PROPOSED,
        )
        .order_by(ObjectionDecision.id.desc())
        .limit(1)
    )
