"""The decision on a request to correct (UK GDPR Art 16), to restrict (Art 18) or to
delete (Art 17), proposed by a caseworker and approved by the reviewer, with the
recipients told of it (Art 19).

Written only by portal.cases.rights_decisions. Who acted is a string such as "staff:12", as in
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


class RestrictionOutcome(StrEnum):
    """Art 18(1): the council restricts the uses asked for (some or all of them), or does
    not because none of the grounds of Art 18(1) applies, with reasons."""

    RESTRICTED = "restricted"
    NOT_RESTRICTED = "not_restricted"


class DeletionOutcome(StrEnum):
    """Art 17: the council deletes what was asked, part of it, or none of it. For its
    public task the right does not apply while the processing is necessary (Art
    17(3)(b)): C15."""

    DELETED = "deleted"
    PARTLY_DELETED = "partly_deleted"
    NOT_DELETED = "not_deleted"


class RightsDecision(Base):
    """A decision on a request to correct, restrict or delete (C14, C15)."""

    __tablename__ = "rights_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    # What the record says now (corrected), or the person's statement added to it.
    record_now_says: Mapped[str] = mapped_column(Text, default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    # A restriction: the uses restricted (processing keys, as the register keeps them).
    processing: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A deletion: what was deleted, in staff's words for the requester.
    deleted: Mapped[str] = mapped_column(Text, default="")
    # Art 19: the partner agencies told (portal.cases.agencies keys).
    recipients_told: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[DecisionStatus] = mapped_column(String(20))
    proposed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
