"""Requests to correct (C14): UK GDPR Art 16, 19.

Art 16 (legislation.gov.uk/eur/2016/679/article/16): the person may have inaccurate
personal data rectified without undue delay, and incomplete data completed, "including by
means of providing a supplementary statement". Art 19: the council tells each recipient
of the data of a rectification unless that proves impossible or involves
disproportionate effort, and tells the person about those recipients if they ask. The
time limits are those of C1-C3 (Art 12(3)), as for access requests.

A caseworker proposes the decision (corrected; the person's statement added where the
council does not agree the record is wrong; or not corrected), with reasons and the
partner agencies told; the reviewer approves it (never the proposer), and the requester
is told in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from portal.cases.agencies import AGENCY_NAMES
from portal.cases.casework_models import DecisionStatus, MessageKind, Review, ReviewDecision
from portal.cases.errors import DecisionInvalid, NothingToReview, OwnDraft
from portal.cases.messages import RIGHTS_TO_COMPLAIN, send_message
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.review import review_in_progress
from portal.cases.rights_models import CorrectionOutcome, RightsDecision
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_kind,
    enum_value,
    lock_case,
    required_text,
)
from portal.cases.workflow import check_move
from portal.extensions import DbSession

S = CaseState
O = CorrectionOutcome  # noqa: E741


def asked_for(case: Case) -> dict[str, str]:
    """What the requester said is wrong and what it should say, and whether they asked to
    be told who was told of the correction (Art 19, last sentence)."""
    details = case.details or {}
    wrong = details.get("wrong") or {}
    right = details.get("should-say") or {}
    told = details.get("recipients") or {}
    return {
        "wrong": str(wrong.get("wrong", "")) if isinstance(wrong, dict) else "",
        "should_say": str(right.get("should_say", "")) if isinstance(right, dict) else "",
        "tell_me": str(told.get("tell_me", "")) if isinstance(told, dict) else "",
    }


def wants_recipients_named(case: Case) -> bool:
    """Art 19: the person asked to be told which recipients were told."""
    return asked_for(case)["tell_me"] == "yes"


def proposed_correction(session: DbSession, case: Case) -> RightsDecision | None:
    """The decision on this correction request waiting for the reviewer, if any."""
    return session.scalar(
        select(RightsDecision)
        .where(RightsDecision.case_id == case.id, RightsDecision.status == DecisionStatus.PROPOSED)
        .order_by(RightsDecision.id.desc())
        .limit(1)
    )


def approved_correction(session: DbSession, case: Case) -> RightsDecision | None:
    return session.scalar(
        select(RightsDecision)
        .where(RightsDecision.case_id == case.id, RightsDecision.status == DecisionStatus.APPROVED)
        .order_by(RightsDecision.id.desc())
        .limit(1)
    )


def propose_correction(
    session: DbSession,
    case: Case,
    *,
    outcome: CorrectionOutcome | str,
    reasons: str,
    record_now_says: str = "",
    statement: str = "",
    recipients_told: Sequence[str] = (),
    actor: str,
    now: datetime | None = None,
) -> RightsDecision:
    """Art 16, 19: propose the decision and send it to the reviewer. Reasons are always
    required; a correction says what the record says now; a supplementary statement is the
    statement added; the recipients told are partner agencies (portal.cases.agencies)."""
    moment = acting_moment(now)
    outcome = enum_value(CorrectionOutcome, outcome, "decision")
    text = required_text(reasons, "Give the reasons for the decision")
    now_says = (record_now_says or "").strip()
    added = (statement or "").strip()
    if outcome == O.CORRECTED and not now_says:
        raise DecisionInvalid("Say what the record says now it is corrected")
    if outcome == O.STATEMENT_ADDED and not added:
        raise DecisionInvalid("Give the supplementary statement added to the record")
    told = list(dict.fromkeys(recipients_told))
    unknown = [agency for agency in told if agency not in AGENCY_NAMES]
    if unknown:
        raise DecisionInvalid(f"Unknown recipient: {', '.join(unknown)}")
    if outcome == O.NOT_CORRECTED and told:
        raise DecisionInvalid("Nobody is told of a correction that was not made")
    lock_case(session, case)
    check_kind(case, CaseKind.CORRECTION)
    check_move(case.state, S.IN_REVIEW)
    decision = RightsDecision(
        case_id=case.id,
        outcome=outcome,
        reasons=text,
        record_now_says=now_says if outcome == O.CORRECTED else "",
        statement=added if outcome == O.STATEMENT_ADDED else "",
        recipients_told=told,
        status=DecisionStatus.PROPOSED,
        proposed_by=actor,
        proposed_at=moment,
    )
    review = Review(
        case_id=case.id,
        submitted_by=actor,
        submitted_at=moment,
        summary=f"Proposed decision: {str(outcome).replace('_', ' ')}",
    )
    session.add_all([decision, review])
    case.state = S.IN_REVIEW
    session.flush()
    audit_event(
        session,
        case,
        "correction_proposed",
        actor,
        moment,
        decision_id=decision.id,
        review_id=review.id,
        outcome=str(outcome),
        recipients_told=told,
    )
    session.commit()
    return decision


def approve_correction(
    session: DbSession, case: Case, *, actor: str, now: datetime | None = None
) -> RightsDecision:
    """The reviewer approves the proposed decision (never its proposer); the requester is
    told the outcome and reasons, and, where they asked, who was told (Art 19)."""
    moment = acting_moment(now)
    lock_case(session, case)
    check_kind(case, CaseKind.CORRECTION)
    check_move(case.state, S.READY)
    review = review_in_progress(session, case)
    decision = proposed_correction(session, case)
    if decision is None:
        raise NothingToReview("There is no proposed decision to approve")
    if actor in (decision.proposed_by, review.submitted_by):
        raise OwnDraft("Nobody approves their own draft: another member of staff must review it")
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = actor
    decision.approved_at = moment
    review.decision = ReviewDecision.APPROVED
    review.decided_by = actor
    review.decided_at = moment
    case.state = S.READY
    named = list(decision.recipients_told) if wants_recipients_named(case) else []
    message = send_message(
        session,
        case,
        MessageKind.CORRECTION_DECISION,
        actor,
        moment,
        outcome=str(decision.outcome),
        reasons=decision.reasons,
        record_now_says=decision.record_now_says,
        statement=decision.statement,
        recipients_told=named,
        recipients_asked=wants_recipients_named(case),
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    audit_event(
        session,
        case,
        "correction_approved",
        actor,
        moment,
        decision_id=decision.id,
        outcome=str(decision.outcome),
        recipients_told=list(decision.recipients_told),
        message_id=message.id,
    )
    session.commit()
    return decision
