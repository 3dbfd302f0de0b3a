"""Objections (C9, C12): the processing an objection can name, the assessment that weighs
it, and the decision, proposed by a caseworker and approved by the reviewer.

Public-task processing (the programme, sharing with an agency) continues only with
compelling legitimate grounds that override the person's interests, rights and freedoms,
or for legal claims (Art 21(1)); research continues only where it is necessary for a task
in the public interest (Art 21(6)). The assessment records that test per use
(portal.cases.override_tests). Each processing upheld goes on the restriction register
(portal.cases.register) when the decision is approved; what was restricted pending the
decision (C12, portal.cases.restrictions) is then confirmed or lifted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.cases import clock
from portal.cases.agencies import agency_name
from portal.cases.casework_models import (
    DecisionOutcome,
    DecisionStatus,
    MessageKind,
    ObjectionAssessment,
    ObjectionDecision,
    RestrictionEntry,
)
from portal.cases.entitlement import require_judgement
from portal.cases.errors import (
    DecisionInvalid,
    NoAssessment,
    NothingToReview,
    ProcessingInvalid,
)
from portal.cases.messages import RIGHTS_TO_COMPLAIN, send_message
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.override_tests import (
    RESEARCH_PROCESSING,
    OverrideTest,
    check_continuing,
    checked_tests,
    passes,
)
from portal.cases.override_tests import (
    is_research as is_research,  # C9: callers ask objections which uses are research
)
from portal.cases.restrictions import settle_on_decision
from portal.cases.review import (
    approve_review,
    open_review,
    proposed_decision,
    review_in_progress,
)
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_kind,
    check_working,
    enum_value,
    lock_case,
    required_text,
)
from portal.cases.workflow import check_move
from portal.extensions import DbSession

S = CaseState

PUBLIC_TASK_PROCESSING = frozenset({"programme"})  # and every "sharing:<agency>"

_AGENCY = re.compile(r"[a-z][a-z0-9_]{0,39}")

_PROCESSING_DESCRIPTIONS = {
    "programme": "Linking their information for the Think Family programme",
    "national_study": "Sending their information to the National Impact Study (ONS and NIESR)",
    "local_research": "Using their information for local research on the programme",
}


def _check_processing(value: str) -> str:
    if value in PUBLIC_TASK_PROCESSING or value in RESEARCH_PROCESSING:
        return value
    prefix, _colon, agency = value.partition(":")
    if prefix == "sharing" and _AGENCY.fullmatch(agency):
        return value
    raise ProcessingInvalid(
        f"Unknown processing {value!r}: use programme, sharing:<agency>, national_study "
        "or local_research"
    )


def processing_description(processing: str) -> str:
    """Plain English for staff and data teams: what stops when this processing is upheld."""
    if processing.startswith("sharing:"):
        return f"Sharing their information with {agency_name(processing.partition(':')[2])}"
    return _PROCESSING_DESCRIPTIONS.get(processing, processing)


def _described(processing: Iterable[str]) -> str:
    return "; ".join(processing_description(p) for p in processing)


def processing_objected_to(case: Case) -> list[str]:
    """What the requester's objection names, as processing keys ("sharing:police")."""
    answers = (case.details or {}).get("processing") or {}
    if not isinstance(answers, dict):
        return []
    keys: list[str] = []
    for value in answers.get("processing") or []:
        if value == "sharing":
            keys.extend(f"sharing:{agency}" for agency in answers.get("agencies") or [])
        else:
            keys.append(str(value))
    return keys


def latest_assessment(session: DbSession, case: Case) -> ObjectionAssessment | None:
    """C9: the assessment that counts: the latest one."""
    return session.scalar(
        select(ObjectionAssessment)
        .where(ObjectionAssessment.case_id == case.id)
        .order_by(ObjectionAssessment.id.desc())
        .limit(1)
    )


def must_stop(assessment: ObjectionAssessment) -> list[str]:
    """C9: the processing whose test to carry on the assessment does not record in full,
    which must stop (portal.cases.override_tests: Art 21(1), 21(6))."""
    tests = assessment.override_tests or {}
    return [
        processing
        for processing in assessment.processing_affected
        if not passes(processing, OverrideTest.of(tests.get(processing)))
    ]


def override_test(assessment: ObjectionAssessment | None, processing: str) -> OverrideTest:
    """C9: the test recorded for carrying on one use (empty if none)."""
    tests = (assessment.override_tests or {}) if assessment is not None else {}
    return OverrideTest.of(tests.get(processing))


def assess_objection(
    session: DbSession,
    case: Case,
    *,
    grounds_raised: str,
    processing_affected: Sequence[str],
    tests: Mapping[str, OverrideTest] | None = None,
    actor: str,
    now: datetime | None = None,
) -> ObjectionAssessment:
    """C9: weigh the objection: the person's grounds, the processing it affects, and for
    each use that would carry on its test (Art 21(1): the person's situation, the
    council's compelling legitimate grounds and why they override the person's interests,
    rights and freedoms, or the legal claim; Art 21(6), research: why it is necessary for
    a task in the public interest). A test is complete or empty (the use then stops);
    OverrideTestIncomplete names each missing part, and nothing is saved. A new
    assessment replaces the last one."""
    moment = acting_moment(now)
    grounds = required_text(grounds_raised, "Summarise the grounds the person raised")
    affected = _unique([_check_processing(p.strip()) for p in processing_affected])
    if not affected:
        raise ProcessingInvalid("Choose at least one processing the objection affects")
    stored = checked_tests(tests or {}, affected, processing_description)
    lock_case(session, case)
    check_kind(case, CaseKind.OBJECTION)
    check_working(case)
    assessment = ObjectionAssessment(
        case_id=case.id,
        grounds_raised=grounds,
        processing_affected=affected,
        override_tests=stored,
        assessed_by=actor,
        assessed_at=moment,
    )
    session.add(assessment)
    session.flush()
    audit_event(
        session,
        case,
        "objection_assessed",
        actor,
        moment,
        assessment_id=assessment.id,
        processing_affected=affected,
        continuing_tested=list(stored),
    )
    session.commit()
    return assessment


def propose_decision(
    session: DbSession,
    case: Case,
    *,
    outcome: DecisionOutcome,
    upheld_processing: Sequence[str],
    reasons: str,
    actor: str,
    now: datetime | None = None,
) -> ObjectionDecision:
    """C9: propose the decision on the latest assessment and send it to the reviewer.

    upheld: every affected processing stops (an empty list means all of them);
    partly_upheld: some, not all, stop; not_upheld: none stop. Reasons are required, and
    a use may continue only where the assessment records its whole test (C9,
    OverrideTestIncomplete per missing part otherwise; nothing is saved).
    """
    moment = acting_moment(now)
    outcome = enum_value(DecisionOutcome, outcome, "decision")
    text = required_text(reasons, "Give the reasons for the decision")
    lock_case(session, case)
    check_kind(case, CaseKind.OBJECTION)
    check_move(case.state, S.IN_REVIEW)
    assessment = latest_assessment(session, case)
    if assessment is None:
        raise NoAssessment("Assess the objection before proposing a decision")
    require_judgement(session, case)  # C11: a child's or a parent's objection
    affected = list(assessment.processing_affected)
    upheld = _unique([_check_processing(p.strip()) for p in upheld_processing])
    if outcome == DecisionOutcome.UPHELD and not upheld:
        upheld = affected
    outside = [p for p in upheld if p not in affected]
    if outside:
        raise DecisionInvalid(f"Not affected by this objection: {_described(outside)}")
    if outcome == DecisionOutcome.UPHELD and set(upheld) != set(affected):
        raise DecisionInvalid("An upheld objection stops all the processing it affects")
    if outcome == DecisionOutcome.NOT_UPHELD and upheld:
        raise DecisionInvalid("An objection not upheld stops no processing")
    if outcome == DecisionOutcome.PARTLY_UPHELD and not 0 < len(upheld) < len(affected):
        raise DecisionInvalid(
            "A partly upheld objection stops some, but not all, of the processing it affects"
        )
    continuing = [p for p in affected if p not in upheld]
    check_continuing(assessment.override_tests or {}, continuing, processing_description)
    ordered = [p for p in affected if p in upheld]
    decision = ObjectionDecision(
        case_id=case.id,
        assessment_id=assessment.id,
        outcome=outcome,
        upheld_processing=ordered,
        reasons=text,
        status=DecisionStatus.PROPOSED,
        proposed_by=actor,
        proposed_at=moment,
    )
    session.add(decision)
    summary = f"Proposed decision: {str(outcome).replace('_', ' ')}"
    review = open_review(session, case, actor=actor, moment=moment, summary=summary)
    audit_event(
        session,
        case,
        "decision_proposed",
        actor,
        moment,
        decision_id=decision.id,
        review_id=review.id,
        outcome=str(outcome),
        upheld_processing=ordered,
    )
    session.commit()
    return decision


def approve_decision(
    session: DbSession, case: Case, *, actor: str, now: datetime | None = None
) -> list[RestrictionEntry]:
    """C9: the reviewer approves the proposed decision (never the person who proposed it).

    Each processing upheld goes on the restriction register from today, or stays on it
    from the day it was restricted pending the decision (C12); a use restricted pending
    the decision that carries on is lifted from tomorrow, so the requester is told first
    (Art 18(3)). The requester is told the decision, what stops, what continues and why,
    and which restriction is confirmed or lifted.
    """
    moment = acting_moment(now)
    lock_case(session, case)
    check_kind(case, CaseKind.OBJECTION)
    check_move(case.state, S.READY)
    review = review_in_progress(session, case)
    decision = proposed_decision(session, case)
    if decision is None:
        raise NothingToReview("There is no proposed decision to approve")
    approve_review(review, actor=actor, moment=moment, proposed_by=decision.proposed_by)
    today = clock.received_on(moment)
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = actor
    decision.approved_at = moment
    entries, confirmed, lifted = settle_on_decision(
        session,
        case,
        decision_id=decision.id,
        upheld=decision.upheld_processing,
        today=today,
        lifted_on=today + timedelta(days=1),
        moment=moment,
    )
    case.state = S.READY
    assessment = session.get(ObjectionAssessment, decision.assessment_id)
    affected = assessment.processing_affected if assessment else decision.upheld_processing
    message = send_message(
        session,
        case,
        MessageKind.DECISION_READY,
        actor,
        moment,
        outcome=str(decision.outcome),
        upheld_processing=list(decision.upheld_processing),
        continuing_processing=[p for p in affected if p not in decision.upheld_processing],
        reasons=decision.reasons,
        restriction_confirmed=confirmed,
        restriction_lifted=lifted,
        restriction_lifted_on=(today + timedelta(days=1)).isoformat(),
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    audit_event(
        session,
        case,
        "decision_approved",
        actor,
        moment,
        decision_id=decision.id,
        outcome=str(decision.outcome),
        restrictions=len(entries),
        restriction_confirmed=confirmed,
        restriction_lifted=lifted,
        message_id=message.id,
    )
    session.commit()
    return entries


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
