"""Internal review: once a case has a decision, the resident may ask the council to look
again at it (issue 16 point 6), whatever the kind of case.

A decision is a request completed or refused, an objection decided, or an access response
released. The review is due a number of working days after the day it was received: the
council profile's `reviews.period_working_days` (UK GDPR and the DPA 2018 set no period
for an internal review; the profile's default of 20 working days follows the ICO's
expectation for FOI internal reviews, section 45 code of practice (July 2018), part 5:
https://www.gov.uk/government/publications/freedom-of-information-code-of-practice).

The outcome is recorded by a reviewer, who should be someone other than whoever made the
original decision; where no one else can, that is recorded (reviewer_made_decision). The
outcome is a council message to the resident (emailed, on the tracking page, and a
letter) that explains the route to the ICO (C10).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from portal.cases import case_months, clock
from portal.cases.after_decision_models import InternalReview, ReviewOutcome
from portal.cases.casework_models import (
    DecisionStatus,
    MessageKind,
    ObjectionDecision,
    Review,
    ReviewDecision,
)
from portal.cases.document_models import CaseDocument, DocumentKind
from portal.cases.errors import CaseworkError
from portal.cases.messages import send_message
from portal.cases.models import AuditEvent, Case, CaseState
from portal.cases.steps import acting_moment, audit_event, enum_value, lock_case, required_text
from portal.extensions import DbSession

RESIDENT = "resident"  # as portal.cases.intake names the requester in the audit trail
TEXT_LIMIT = 5000
DEFAULT_PERIOD_WORKING_DAYS = 20
ASKED = "internal_review_asked"
DECIDED = "internal_review_decided"

# The audit events whose actor made a decision on the case (the refusal, the completion,
# the approval of a response or of an objection decision).
DECISION_EVENTS = ("request_refused", "response_completed")
# The rights the outcome message reminds the resident of (C10): the ICO, and the courts.
REVIEW_RIGHTS = ("complain_to_ico", "go_to_court")


class ReviewRefused(CaseworkError):
    """A review asked for without a decision, or while one is open; an outcome recorded
    twice, or by the decision maker without saying no one else could."""


def review_due_date(received_on: date, working_days: int) -> date:
    """The `working_days`th working day after the day the review was received (that day
    is day 0, as in FOI's "working day following the date of receipt"); weekends and
    England-and-Wales bank holidays do not count (clock.is_working_day)."""
    if working_days < 1:
        raise ValueError("A review period is at least one working day")
    day = received_on
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if clock.is_working_day(day):
            counted += 1
    return day


def has_decision(session: DbSession, case: Case) -> bool:
    """The case has a decision a resident may ask to be reviewed: it was completed or
    refused, an objection on it was decided, or an access response was released."""
    if case.state in (CaseState.COMPLETED, CaseState.REFUSED):
        return True
    decided = session.scalar(
        select(ObjectionDecision.id).where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.APPROVED,
        )
    )
    if decided is not None:
        return True
    released = session.scalar(
        select(CaseDocument.id).where(
            CaseDocument.case_id == case.id,
            CaseDocument.kind == DocumentKind.RESPONSE_PACK,
            CaseDocument.released_at.is_not(None),
        )
    )
    return released is not None


def reviews_of(session: DbSession, case: Case) -> list[InternalReview]:
    """The case's internal reviews, the latest first."""
    return list(
        session.scalars(
            select(InternalReview)
            .where(InternalReview.case_id == case.id)
            .order_by(InternalReview.id.desc())
        )
    )


def open_review(session: DbSession, case: Case) -> InternalReview | None:
    """The review waiting for its outcome, if any."""
    return session.scalar(
        select(InternalReview)
        .where(InternalReview.case_id == case.id, InternalReview.outcome.is_(None))
        .order_by(InternalReview.id.desc())
        .limit(1)
    )


def can_ask_for_review(session: DbSession, case: Case) -> bool:
    """Whether the resident may ask for a review now: a decision, and no review yet (a
    decision is reviewed once; after the review, the route is the ICO)."""
    return case.erased_at is None and has_decision(session, case) and not reviews_of(session, case)


def ask_for_review(
    session: DbSession,
    case: Case,
    *,
    disagreement: str,
    reasons: str,
    period_working_days: int = DEFAULT_PERIOD_WORKING_DAYS,
    actor: str = RESIDENT,
    now: datetime | None = None,
) -> InternalReview:
    """Record the resident's request for an internal review, due `period_working_days`
    working days after the day it was received (review_due_date)."""
    moment = acting_moment(now)
    what = required_text(disagreement, "Say what you disagree with", limit=TEXT_LIMIT)
    why = required_text(reasons, "Say why you disagree", limit=TEXT_LIMIT)
    lock_case(session, case)
    if not has_decision(session, case):
        raise ReviewRefused("There is no decision on this request to review yet")
    if reviews_of(session, case):
        raise ReviewRefused("A review of this decision has already been asked for")
    received = clock.received_on(moment)
    review = InternalReview(
        case_id=case.id,
        disagreement=what,
        reasons=why,
        asked_by=actor,
        asked_at=moment,
        received_on=received,
        due_on=review_due_date(received, period_working_days),
        outcome_reasons="",
        reviewer_made_decision=False,
    )
    session.add(review)
    session.flush()
    audit_event(
        session, case, ASKED, actor, moment, review_id=review.id, due_on=review.due_on.isoformat()
    )
    case_months.count_event(session, case, "reviews_asked", received)
    session.commit()
    return review


def decision_makers(session: DbSession, case: Case) -> set[str]:
    """Who made the decision under review: who drafted and approved an approved access
    response or objection decision, and who refused or completed the request."""
    makers: set[str] = set()
    for submitted_by, decided_by in session.execute(
        select(Review.submitted_by, Review.decided_by).where(
            Review.case_id == case.id, Review.decision == ReviewDecision.APPROVED
        )
    ):
        makers |= {submitted_by, decided_by or ""}
    for proposed_by, approved_by in session.execute(
        select(ObjectionDecision.proposed_by, ObjectionDecision.approved_by).where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.APPROVED,
        )
    ):
        makers |= {proposed_by, approved_by or ""}
    makers |= set(
        session.scalars(
            select(AuditEvent.actor).where(
                AuditEvent.case_id == case.id, AuditEvent.action.in_(DECISION_EVENTS)
            )
        )
    )
    return {maker for maker in makers if maker.startswith("staff:")}


def record_outcome(
    session: DbSession,
    case: Case,
    review: InternalReview,
    *,
    outcome: ReviewOutcome | str,
    reasons: str,
    reviewer: str,
    no_one_else_could: bool = False,
    now: datetime | None = None,
) -> InternalReview:
    """The review's outcome, its reasons and who reviewed; the resident is told in a
    message (and a letter) that explains the route to the ICO (C10). The reviewer should
    not have made the decision: if they did, `no_one_else_could` must say so."""
    moment = acting_moment(now)
    found = enum_value(ReviewOutcome, outcome, "review outcome")
    text = required_text(reasons, "Give the reasons for the outcome", limit=TEXT_LIMIT)
    lock_case(session, case)
    session.refresh(review, with_for_update=True)
    if review.case_id != case.id:
        raise ReviewRefused("That review belongs to another request")
    if review.outcome is not None:
        raise ReviewRefused("The outcome of this review has already been recorded")
    made_it = reviewer in decision_makers(session, case)
    if made_it and not no_one_else_could:
        raise ReviewRefused(
            "You made the decision under review: ask someone else to review it, or say "
            "that no one else can"
        )
    message = send_message(
        session,
        case,
        MessageKind.REVIEW_OUTCOME,
        reviewer,
        moment,
        outcome=str(found),
        reasons=text,
        rights=list(REVIEW_RIGHTS),
        asked_on=review.received_on.isoformat(),
    )
    review.outcome = found
    review.outcome_reasons = text
    review.reviewer = reviewer
    review.reviewer_made_decision = made_it
    review.decided_at = moment
    review.message_id = message.id
    audit_event(
        session,
        case,
        DECIDED,
        reviewer,
        moment,
        review_id=review.id,
        outcome=str(found),
        reviewer_made_decision=made_it,
        message_id=message.id,
    )
    case_months.count_event(session, case, "reviews_decided", clock.received_on(moment))
    session.commit()
    return review


class WaitingReview(NamedTuple):
    """A review waiting for its outcome, as the staff queue lists it."""

    reference: str  # the case's
    kind: str  # the case's
    received_on: date
    due_on: date


# Built once: the staff queue runs it on every first page.
_WAITING_REVIEWS = (
    select(Case.reference, Case.kind, InternalReview.received_on, InternalReview.due_on)
    .join(Case, Case.id == InternalReview.case_id)
    .where(InternalReview.outcome.is_(None), Case.erased_at.is_(None))
    .order_by(InternalReview.due_on, InternalReview.id)
)


def waiting_reviews(session: DbSession) -> list[WaitingReview]:
    """Every review waiting for its outcome, with its case's reference and kind, soonest
    due first (the staff queue lists them apart from the cases, which are often closed by
    then)."""
    return [WaitingReview(*row) for row in session.connection().execute(_WAITING_REVIEWS)]
