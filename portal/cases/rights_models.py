"""The decision on a request to correct (UK GDPR Art 16), proposed by a caseworker and
approved by the reviewer, with the recipients told of it (Art 19).

Written only by portal.cases.corrections. Who acted is a string such as "staff:12", as in
the audit trail; instants are UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.casework_models import ACTOR_LENGTH, DecisionStatus
from portal.extensions import Base


class CorrectionOutcome(StrEnum):
    """Art 16: the council corrects the record, or does not; where it does not agree the
    record is wrong it adds the person's supplementary statement to it ("including by
    means of providing a supplementary statement"), or refuses with reasons."""

    CORRECTED = "corrected"
    STATEMENT_ADDED = "statement_added"
    NOT_CORRECTED = "not_corrected"


class RightsDecision(Base):
    """A decision on a correction request (C14)."""

    __tablename__ = "rights_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    # What the record says now (corrected), or the person's statement added to it.
    record_now_says: Mapped[str] = mapped_column(Text, default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    # Art 19: the partner agencies told (portal.cases.agencies keys).
    recipients_told: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[DecisionStatus] = mapped_column(String(20))
    proposed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
