"""After a decision: the resident's request for an internal review, and a complaint to the
Information Commissioner's Office (ICO) about the case (issue 16 point 6).

An internal review is the council looking again at its own decision, by someone other
than who made it where that is possible; its due date comes from the council profile
(portal.council, `reviews.period_working_days`). An ICO case is the council's record of
what the ICO asked and what it answered; while one is open the case is on legal hold
(portal.cases.holds), so the retention schedule never deletes what the ICO is looking at.

Like every note staff write, what the resident and staff wrote stays in these rows, never
in the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.casework_models import ACTOR_LENGTH
from portal.extensions import Base


class ReviewOutcome(StrEnum):
    """What the internal review found about the original decision."""

    UPHELD = "upheld"  # the review agrees with the resident: the decision was wrong
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"  # the decision stands


class IcoOutcome(StrEnum):
    """How the ICO closed its case (its decision notice or letter)."""

    NO_FURTHER_ACTION = "no_further_action"
    ADVICE_GIVEN = "advice_given"
    ACTION_REQUIRED = "action_required"
    WITHDRAWN = "withdrawn"


class InternalReview(Base):
    """A resident's request that the council look again at a decision on their case."""

    __tablename__ = "internal_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    disagreement: Mapped[str] = mapped_column(Text)  # what they disagree with
    reasons: Mapped[str] = mapped_column(Text)  # why
    asked_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))  # "resident" or staff
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(Date, index=True)  # the report reads by month
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # The outcome, once recorded.
    outcome: Mapped[ReviewOutcome | None] = mapped_column(String(20))
    outcome_reasons: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    # True when the reviewer also made the original decision (no one else could review):
    # recorded so it is never hidden.
    reviewer_made_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The outcome message (no foreign key: messages are deleted on their own retention
    # period, portal.council_retention, before the case record).
    message_id: Mapped[int | None] = mapped_column(Integer)


class IcoCase(Base):
    """A complaint the resident made to the ICO about this case, as the council records it."""

    __tablename__ = "ico_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    ico_reference: Mapped[str] = mapped_column(String(40))
    # The day the ICO's letter arrived (indexed, as closed_on: the report reads by month).
    received_on: Mapped[date] = mapped_column(Date, index=True)
    what_ico_asked: Mapped[str] = mapped_column(Text)
    # The days the council answered the ICO, ISO dates in order.
    responses: Mapped[list[str]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Whether recording it put the case on hold (it was not held already): closing it
    # lifts that hold, and only that one.
    placed_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[IcoOutcome | None] = mapped_column(String(30))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
