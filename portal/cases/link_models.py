"""Links between requests (issue 19 point 1): family members' requests, a repeat request
and the earlier one, or requests otherwise related. Staff make them; each is one row,
shown on both cases' pages, and made or removed with an audit event
(portal.cases.case_links).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.casework_models import ACTOR_LENGTH
from portal.extensions import Base


class LinkKind(StrEnum):
    FAMILY_MEMBER = "family_member"  # requests by or about people in one family
    REPEAT_REQUEST = "repeat_request"  # the same person asking again (Art 12(5) may apply)
    RELATED = "related"


class CaseLink(Base):
    """Two requests linked by staff, once whichever way round (case_id < linked_case_id)."""

    __tablename__ = "case_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    linked_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_case_links_pair", "case_id", "linked_case_id", unique=True),)
