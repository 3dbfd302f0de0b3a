"""Whoever is entitled may ask (C11): the judgements staff record about a child's request.

In England and Wales there is no age at which a child is presumed competent to exercise
their own data protection rights (the presumption at 12 in DPA 2018 s.208 applies in
Scotland only). So:

* a child's own request (the person asking is the subject, under 18 on the day it was
  received) needs staff's judgement of the child's competence: whether they understand
  what it means to ask and what they will receive;
* a parent's request for their child needs staff to record that they considered the
  child's competence and interests: the right is the child's, and a parent may act for a
  child who cannot, or who agrees, where that is in the child's interests. ICO right of
  access guidance ("What about requests for information about children?") lists what to
  weigh: the child's maturity, the nature of the data, court orders about parental
  responsibility, any duty of confidence owed to the child, the consequences for the child
  of the parent seeing it, and the child's views.

The judgement is recorded before the response or decision goes to the reviewer
(`require_judgement`, called by portal.cases.review and portal.cases.objections), so the
reviewer who must defend the decision sees it. Reasons are staff's free text, kept in this
row, never in the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.errors import CaseworkError, DecisionInvalid
from portal.cases.models import ActingFor, Case
from portal.cases.steps import acting_moment, audit_event, check_open, lock_case, required_text
from portal.extensions import Base, DbSession

ADULT_AGE = 18


class JudgementKind(StrEnum):
    CHILD_COMPETENCE = "child_competence"  # a child's own request
    CHILD_INTERESTS = "child_interests"  # a parent's request for their child


class JudgementOutcome(StrEnum):
    COMPETENT = "competent"
    NOT_COMPETENT = "not_competent"
    PARENT_MAY_ACT = "parent_may_act"
    CHILD_TO_DECIDE = "child_to_decide"
    NOT_IN_INTERESTS = "not_in_interests"


# What staff may conclude for each kind of judgement, as the case page offers it.
OUTCOMES: dict[JudgementKind, dict[JudgementOutcome, str]] = {
    JudgementKind.CHILD_COMPETENCE: {
        JudgementOutcome.COMPETENT: "Competent: they understand what they are asking for and "
        "what they will receive, so we deal with them",
        JudgementOutcome.NOT_COMPETENT: "Not competent to make this request themselves",
    },
    JudgementKind.CHILD_INTERESTS: {
        JudgementOutcome.PARENT_MAY_ACT: "The parent may act: the child cannot understand the "
        "request, or agrees to it, and it is in the child's interests",
        JudgementOutcome.CHILD_TO_DECIDE: "The child is competent: we ask the child before "
        "answering the parent",
        JudgementOutcome.NOT_IN_INTERESTS: "Answering the parent would not be in the child's "
        "interests",
    },
}

QUESTIONS = {
    JudgementKind.CHILD_COMPETENCE: "Your judgement of the child's competence",
    JudgementKind.CHILD_INTERESTS: "The child's competence and interests",
}

MISSING = {
    JudgementKind.CHILD_COMPETENCE: "Record your judgement of the child's competence before "
    "sending this for review",
    JudgementKind.CHILD_INTERESTS: "Record that you considered the child's competence and "
    "interests before sending this for review",
}


class JudgementMissing(CaseworkError):
    """The request is a child's or a parent's, and no judgement has been recorded."""


class EntitlementJudgement(Base):
    """One judgement on a case; the latest of its kind stands."""

    __tablename__ = "entitlement_judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[JudgementKind] = mapped_column(String(30))
    outcome: Mapped[JudgementOutcome] = mapped_column(String(30))
    reasons: Mapped[str] = mapped_column(Text)
    child_consulted: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def judgement_needed(case: Case) -> JudgementKind | None:
    """Which judgement this request needs, if any."""
    if case.acting_for == ActingFor.MY_CHILD:
        return JudgementKind.CHILD_INTERESTS
    subject = case.subject
    if case.acting_for == ActingFor.MYSELF and subject is not None and subject.date_of_birth:
        if age_on(subject.date_of_birth, case.received_on) < ADULT_AGE:
            return JudgementKind.CHILD_COMPETENCE
    return None


def current_judgement(session: DbSession, case: Case) -> EntitlementJudgement | None:
    kind = judgement_needed(case)
    if kind is None:
        return None
    return session.scalar(
        select(EntitlementJudgement)
        .where(EntitlementJudgement.case_id == case.id, EntitlementJudgement.kind == kind)
        .order_by(EntitlementJudgement.id.desc())
        .limit(1)
    )


def require_judgement(session: DbSession, case: Case) -> None:
    """JudgementMissing when the request needs a judgement that nobody has recorded."""
    kind = judgement_needed(case)
    if kind is not None and current_judgement(session, case) is None:
        raise JudgementMissing(MISSING[kind])


def record_judgement(
    session: DbSession,
    case: Case,
    *,
    outcome: str,
    reasons: str,
    child_consulted: bool,
    actor: str,
    now: datetime | None = None,
) -> EntitlementJudgement:
    """Record staff's judgement for a child's or a parent's request, with reasons."""
    moment = acting_moment(now)
    kind = judgement_needed(case)
    if kind is None:
        raise DecisionInvalid("This request is not a child's or a parent's for their child")
    try:
        chosen = JudgementOutcome(outcome)
    except ValueError:
        chosen = None
    if chosen not in OUTCOMES[kind]:
        raise DecisionInvalid("Select your judgement")
    text = required_text(reasons, "Give the reasons for your judgement")
    lock_case(session, case)
    check_open(case)
    judgement = EntitlementJudgement(
        case_id=case.id,
        kind=kind,
        outcome=chosen,
        reasons=text,
        child_consulted=child_consulted,
        recorded_by=actor,
        recorded_at=moment,
    )
    session.add(judgement)
    session.flush()
    audit_event(
        session,
        case,
        "entitlement_judged",
        actor,
        moment,
        judgement_id=judgement.id,
        kind=kind.value,
        outcome=chosen.value,
    )
    session.commit()
    return judgement
