"""Decisions on requests to correct, restrict or delete (C14, C15): one engine for the
three rights of UK GDPR Arts 16-18, with what differs between them in RIGHTS_KINDS.

A caseworker proposes the decision with reasons (always) and the partner agencies told
(Art 19: "any rectification or erasure of personal data or restriction of processing");
the reviewer approves it (never its proposer), and the requester is told in the same
transaction: the outcome, the reasons and, where they asked, who was told (Art 19, last
sentence). An approved restriction goes on the restriction register (C12) from the day
of approval. The time limits are those of C1-C3 (Art 12(3)).

Sources: legislation.gov.uk/eur/2016/679/article/16, /17, /18 and /19.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from portal.cases import restrictions
from portal.cases.agencies import AGENCY_NAMES
from portal.cases.casework_models import DecisionStatus, MessageKind
from portal.cases.clock import received_on
from portal.cases.entitlement import require_judgement
from portal.cases.errors import DecisionInvalid, NothingToReview, WrongCaseKind
from portal.cases.messages import RIGHTS_TO_COMPLAIN, send_message
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.objections import processing_objected_to
from portal.cases.review import approve_review, open_review, review_in_progress
from portal.cases.rights_models import (
    CorrectionOutcome,
    DeletionOutcome,
    RestrictionOutcome,
    RightsDecision,
)
from portal.cases.steps import acting_moment, audit_event, enum_value, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession

S = CaseState

# The uses a restriction can stop: those an objection can name (portal.cases.objections).
USES = ("programme", "national_study", "local_research")


@dataclass(frozen=True)
class RightsKind:
    """What differs between the three rights: the outcomes, the message that tells the
    decision, the audit events' stem, and the outcomes that change the data (after which
    the recipients are told, Art 19)."""

    outcomes: type[StrEnum]
    message: MessageKind
    event: str
    changes: frozenset[str]


RIGHTS_KINDS = {
    CaseKind.CORRECTION: RightsKind(
        CorrectionOutcome,
        MessageKind.CORRECTION_DECISION,
        "correction",
        # A supplementary statement is added to the record: recipients may be told of it.
        frozenset({CorrectionOutcome.CORRECTED, CorrectionOutcome.STATEMENT_ADDED}),
    ),
    CaseKind.RESTRICTION: RightsKind(
        RestrictionOutcome,
        MessageKind.RESTRICTION_DECISION,
        "restriction",
        frozenset({RestrictionOutcome.RESTRICTED}),
    ),
    CaseKind.DELETION: RightsKind(
        DeletionOutcome,
        MessageKind.DELETION_DECISION,
        "deletion",
        frozenset({DeletionOutcome.DELETED, DeletionOutcome.PARTLY_DELETED}),
    ),
}


def rights_kind(case: Case) -> RightsKind:
    spec = RIGHTS_KINDS.get(CaseKind(case.kind))
    if spec is None:
        raise WrongCaseKind(
            f"This applies to requests to correct, restrict or delete, not to {case.kind} cases"
        )
    return spec


def is_rights_request(case: Case) -> bool:
    return case.kind in RIGHTS_KINDS


def _answer(case: Case, slug: str, field: str) -> str:
    value = (case.details or {}).get(slug) or {}
    return str(value.get(field, "")) if isinstance(value, dict) else ""


def wants_recipients_named(case: Case) -> bool:
    """Art 19: the person asked to be told which recipients were told."""
    return _answer(case, "recipients", "tell_me") == "yes"


def valid_use(processing: str) -> bool:
    """A use the register knows: one of USES, or sharing with a partner agency."""
    if processing.startswith("sharing:"):
        return processing.partition(":")[2] in AGENCY_NAMES
    return processing in USES


def uses_asked(case: Case) -> list[str]:
    """The uses a request to restrict names, as processing keys ("sharing:police")."""
    return processing_objected_to(case)


def proposed_rights_decision(session: DbSession, case: Case) -> RightsDecision | None:
    """The decision waiting for the reviewer, if any."""
    return _latest(session, case, DecisionStatus.PROPOSED)


def approved_rights_decision(session: DbSession, case: Case) -> RightsDecision | None:
    return _latest(session, case, DecisionStatus.APPROVED)


def _latest(session: DbSession, case: Case, status: DecisionStatus) -> RightsDecision | None:
    return session.scalar(
        select(RightsDecision)
        .where(RightsDecision.case_id == case.id, RightsDecision.status == status)
        .order_by(RightsDecision.id.desc())
        .limit(1)
    )


def _checked_facts(
    case: Case,
    outcome: str,
    *,
    record_now_says: str,
    statement: str,
    deleted: str,
    processing: Sequence[str],
) -> dict[str, object]:
    """The facts each outcome must state, and none it must not."""
    now_says = (record_now_says or "").strip()
    added = (statement or "").strip()
    gone = (deleted or "").strip()
    uses = list(dict.fromkeys(processing))
    if outcome == CorrectionOutcome.CORRECTED and not now_says:
        raise DecisionInvalid("Say what the record says now it is corrected")
    if outcome == CorrectionOutcome.STATEMENT_ADDED and not added:
        raise DecisionInvalid("Give the supplementary statement added to the record")
    if outcome in (DeletionOutcome.DELETED, DeletionOutcome.PARTLY_DELETED) and not gone:
        raise DecisionInvalid("Say what was deleted")
    if outcome == RestrictionOutcome.RESTRICTED:
        if not uses:
            raise DecisionInvalid("Choose the uses that are restricted")
        unknown = [use for use in uses if not valid_use(use)]
        if unknown:
            raise DecisionInvalid(f"Unknown use: {', '.join(unknown)}")
    return {
        "record_now_says": now_says if outcome == CorrectionOutcome.CORRECTED else "",
        "statement": added if outcome == CorrectionOutcome.STATEMENT_ADDED else "",
        "deleted": gone if case.kind == CaseKind.DELETION and outcome != "not_deleted" else "",
        "processing": uses if outcome == RestrictionOutcome.RESTRICTED else [],
    }


def propose_rights_decision(
    session: DbSession,
    case: Case,
    *,
    outcome: StrEnum | str,
    reasons: str,
    record_now_says: str = "",
    statement: str = "",
    deleted: str = "",
    processing: Sequence[str] = (),
    recipients_told: Sequence[str] = (),
    actor: str,
    now: datetime | None = None,
) -> RightsDecision:
    """Arts 16-19: propose the decision and send it to the reviewer. Reasons are always
    required; a correction says what the record says now, a supplementary statement is
    the statement added, a deletion says what was deleted, a restriction names the uses
    restricted; the recipients told are partner agencies (portal.cases.agencies), and
    only where the data changed."""
    moment = acting_moment(now)
    spec = rights_kind(case)
    outcome = enum_value(spec.outcomes, outcome, "decision")
    text = required_text(reasons, "Give the reasons for the decision")
    facts = _checked_facts(
        case,
        outcome,
        record_now_says=record_now_says,
        statement=statement,
        deleted=deleted,
        processing=processing,
    )
    told = list(dict.fromkeys(recipients_told))
    unknown = [agency for agency in told if agency not in AGENCY_NAMES]
    if unknown:
        raise DecisionInvalid(f"Unknown recipient: {', '.join(unknown)}")
    if told and outcome not in spec.changes:
        raise DecisionInvalid(f"Nobody is told of a {spec.event} that was not made")
    lock_case(session, case)
    check_move(case.state, S.IN_REVIEW)
    require_judgement(session, case)  # C11: a child's own request, or a parent's
    decision = RightsDecision(
        case_id=case.id,
        outcome=outcome,
        reasons=text,
        recipients_told=told,
        status=DecisionStatus.PROPOSED,
        proposed_by=actor,
        proposed_at=moment,
        **facts,
    )
    session.add(decision)
    summary = f"Proposed decision: {str(outcome).replace('_', ' ')}"
    review = open_review(session, case, actor=actor, moment=moment, summary=summary)
    audit_event(
        session,
        case,
        f"{spec.event}_proposed",
        actor,
        moment,
        decision_id=decision.id,
        review_id=review.id,
        outcome=str(outcome),
        recipients_told=told,
        processing=list(decision.processing),
    )
    session.commit()
    return decision


def approve_rights_decision(
    session: DbSession, case: Case, *, actor: str, now: datetime | None = None
) -> RightsDecision:
    """The reviewer approves the proposed decision (never its proposer); the requester is
    told the outcome and reasons, and, where they asked, who was told (Art 19). A
    restriction goes on the register from today (C12)."""
    moment = acting_moment(now)
    spec = rights_kind(case)
    lock_case(session, case)
    check_move(case.state, S.READY)
    review = review_in_progress(session, case)
    decision = proposed_rights_decision(session, case)
    if decision is None:
        raise NothingToReview("There is no proposed decision to approve")
    approve_review(review, actor=actor, moment=moment, proposed_by=decision.proposed_by)
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = actor
    decision.approved_at = moment
    case.state = S.READY
    if decision.processing:
        restrictions.restrict_from(session, case, decision.processing, received_on(moment), moment)
    asked = wants_recipients_named(case)
    message = send_message(
        session,
        case,
        spec.message,
        actor,
        moment,
        outcome=str(decision.outcome),
        reasons=decision.reasons,
        record_now_says=decision.record_now_says,
        statement=decision.statement,
        deleted=decision.deleted,
        processing=list(decision.processing),
        recipients_told=list(decision.recipients_told) if asked else [],
        recipients_asked=asked,
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    audit_event(
        session,
        case,
        f"{spec.event}_approved",
        actor,
        moment,
        decision_id=decision.id,
        outcome=str(decision.outcome),
        recipients_told=list(decision.recipients_told),
        processing=list(decision.processing),
        message_id=message.id,
    )
    session.commit()
    return decision
