"""The staff side of a case file: notes, assignment, searches, disclosures, reviews,
objection decisions, the restriction register and messages to the resident.

Rows are written only by the stage modules of portal.cases (identity, deadlines, disclosure,
review, closing, objections, allocation, messages). Who acted is stored as a string such as
"staff:12" (no foreign key to the staff table), the same form the audit trail uses.
Statuses are StrEnums stored as strings; instants are UTC; legal dates are Europe/London
calendar dates.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

ACTOR_LENGTH = 100  # as AuditEvent.actor
DEPARTMENT_KEY_LENGTH = 40  # a department's key in the council profile (portal.council)


class SearchOutcome(StrEnum):
    """C6: what a department's search found (a reasonable search, not an exhaustive one)."""

    RECORDS_FOUND = "records_found"
    NONE_HELD = "none_held"
    NOT_SEARCHED = "not_searched"  # needs a reason


class DisclosureKind(StrEnum):
    TYPED = "typed"  # staff typed the information (for example read from a screen)
    UPLOADED = "uploaded"  # a file, encrypted at rest


class ExemptionCode(StrEnum):
    """C8: why some information in an item is withheld (DPA 2018 Schedules 2 to 4)."""

    THIRD_PARTY = "third_party"
    CRIME_PREVENTION = "crime_prevention"
    SOCIAL_WORK_SERIOUS_HARM = "social_work_serious_harm"
    HEALTH_SERIOUS_HARM = "health_serious_harm"
    EDUCATION_SERIOUS_HARM = "education_serious_harm"
    CHILD_ABUSE_DATA = "child_abuse_data"
    RESEARCH_STATISTICS = "research_statistics"
    LEGAL_PROFESSIONAL_PRIVILEGE = "legal_professional_privilege"
    MANAGEMENT_FORECASTING = "management_forecasting"
    # DPA 2018 Sch 4: disclosure prohibited or restricted by another enactment, as arises
    # in children's services in England (paragraph numbers in disclosure.EXEMPTIONS).
    ADOPTION_RECORDS = "adoption_records"  # Sch 4 para 3
    SPECIAL_EDUCATIONAL_NEEDS = "special_educational_needs"  # Sch 4 para 4
    PARENTAL_ORDER_RECORDS = "parental_order_records"  # Sch 4 para 5


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


class DecisionOutcome(StrEnum):
    """C9: the answer to an objection."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    RETURNED = "returned"


class RestrictionStatus(StrEnum):
    """C12: where a restriction entry stands."""

    # Asked for with the objection: the uses objected to stop from the day it is received
    # while the council decides (UK GDPR Art 18(1)(d)).
    PENDING_DECISION = "pending_decision"
    # The decision upheld the objection for this use: it stays stopped.
    IN_FORCE = "in_force"
    # The use carries on (objection not upheld for it, withdrawn or refused), from lifted_on.
    LIFTED = "lifted"


class RefusalGround(StrEnum):
    """C5: why a request is refused, in the words of UK GDPR Art 12(5) ("manifestly
    unfounded or excessive, in particular because of their repetitive character"):
    https://www.legislation.gov.uk/eur/2016/679/article/12, and the ICO's guidance on
    manifestly unfounded and excessive requests. Refusing is the outcome built; a
    reasonable fee (Art 12(5)(a)) is not charged by this council's portal."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    EXCESSIVE = "excessive"
    REPETITIVE = "repetitive"  # excessive because it repeats requests already dealt with


class MessageKind(StrEnum):
    """Messages from the council to the requester (shown on the tracking page and emailed)."""

    IDENTITY_REQUEST = "identity_request"
    CLARIFICATION_REQUEST = "clarification_request"
    EXTENSION_NOTICE = "extension_notice"
    REFUSAL = "refusal"
    RESPONSE_READY = "response_ready"
    DECISION_READY = "decision_ready"
    # C13: a complaint to the council (DPA 2018 s.164A): its acknowledgement, the progress
    # staff report, and its outcome.
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement"
    COMPLAINT_PROGRESS = "complaint_progress"
    COMPLAINT_OUTCOME = "complaint_outcome"
    CORRECTION_DECISION = "correction_decision"
    # C14, C15: decisions on requests to restrict (Art 18) and to delete (Art 17), and
    # the notice given before a restriction is lifted (Art 18(3)).
    RESTRICTION_DECISION = "restriction_decision"
    DELETION_DECISION = "deletion_decision"
    RESTRICTION_LIFTING = "restriction_lifting"
    REVIEW_OUTCOME = "review_outcome"  # an internal review's outcome (after_decision_models)


class CaseNote(Base):
    """A caseworker's note on a case. Staff only; never shown to the requester."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseAssignment(Base):
    """Who is working on a case now (one row per case; the history is in the audit trail)."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    assignee: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH), index=True)
    assigned_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Clarification(Base):
    """C4: the question behind a clock pause, and the requester's answer."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    pause_id: Mapped[int] = mapped_column(ForeignKey("clock_pauses.id"), unique=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_recorded_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    answer_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DepartmentSearch(Base):
    """C6: one department searched (or, with a reason, not searched) for a request."""

    __tablename__ = "department_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The department's name as recorded (English, as staff read it), and its key in the
    # council profile, by which letters name it in the requester's language. No key: a
    # department the profile does not list (its name is then shown as recorded).
    department: Mapped[str] = mapped_column(String(200))
    department_key: Mapped[str | None] = mapped_column(String(DEPARTMENT_KEY_LENGTH))
    searched_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[SearchOutcome] = mapped_column(String(20))
    reason_not_searched: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DisclosureItem(Base):
    """C7-C8: one item of the access response, with the exemptions applied to it.

    Typed items keep their text; uploaded items keep the file encrypted (AES-GCM, bound to
    the case reference and the file's digest), loaded only when asked for.
    """

    __tablename__ = "disclosure_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    source_department: Mapped[str] = mapped_column(String(200))
    source_department_key: Mapped[str | None] = mapped_column(String(DEPARTMENT_KEY_LENGTH))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[DisclosureKind] = mapped_column(String(20))
    item_date: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(200), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # ExemptionCode values, in the order staff gave them (stored as JSON, not constrained).
    exemptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # C8: the staff note on what was withheld and why. Staff only: it may say what the
    # withheld words are ("a GP's opinion"), so nothing a resident reads shows it; the
    # pack gives each exemption's plain words instead (documents.people).
    redaction_note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Review(Base):
    """A draft response or decision put to the reviewer, and what the reviewer decided."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision: Mapped[ReviewDecision | None] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")


class ObjectionAssessment(Base):
    """C9: the caseworker's weighing of an objection. The latest one counts."""

    __tablename__ = "objection_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    grounds_raised: Mapped[str] = mapped_column(Text)
    # "programme", "sharing:<agency>", "national_study", "local_research"
    processing_affected: Mapped[list[str]] = mapped_column(JSON)
    # Before per-use override tests (issue 13): one answer for every use. Kept for the
    # assessments and letters made then; new assessments leave them empty.
    compelling_grounds: Mapped[str] = mapped_column(Text, default="")
    public_interest_research: Mapped[str] = mapped_column(Text, default="")
    legal_claims: Mapped[bool] = mapped_column(Boolean, default=False)
    # C9: per use objected to, the test that would let it carry on (portal.cases.override
    # _tests): {"programme": {"situation": ..., "council_grounds": ..., ...}}.
    override_tests: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    assessed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    assessed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ObjectionDecision(Base):
    """C9: a proposed decision on an objection; the drafter and approver always differ."""

    __tablename__ = "objection_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("objection_assessments.id"))
    outcome: Mapped[DecisionOutcome] = mapped_column(String(20))
    upheld_processing: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[DecisionStatus] = mapped_column(String(20))
    proposed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RestrictionEntry(Base):
    """A processing that stops for one person: from submission while an objection is
    considered, if the person asked (C12, pending decision; no decision yet), from an
    approved objection decision (C9), or from an approved request to restrict (C14). The
    decision confirms or lifts a pending entry.

    The subject's name and date of birth are copied so data teams can match records
    without reading the case, and so the entry outlives its case while the restriction
    applies: erasing the case detaches it (case, decision and person become None) and keeps
    the minimum to identify the person (portal.cases.erasure).
    """

    __tablename__ = "restriction_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("objection_decisions.id"))
    reference: Mapped[str] = mapped_column(String(12))
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    processing: Mapped[str] = mapped_column(String(60))
    from_date: Mapped[date] = mapped_column(Date)
    status: Mapped[RestrictionStatus] = mapped_column(
        String(20), default=RestrictionStatus.IN_FORCE, server_default="in_force"
    )
    lifted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What asked for it: an objection (Art 18(1)(d), C9, C12) or a request to restrict
    # (Art 18(1), C14), whose entries go in force from the decision's approval.
    asked_by: Mapped[str] = mapped_column(
        String(20), default="objection", server_default="objection"
    )


class CaseMessage(Base):
    """A message from the council to the requester; its words come from templates, by kind,
    in the requester's language, filled with `params` (see messages.message_text_keys)."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    visible_to_resident: Mapped[bool] = mapped_column(Boolean, default=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
