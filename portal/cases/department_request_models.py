"""A department search asked of a named department contact (issue 19 point 4): the row the
caseworker's request, the contact's answer and the reminders hang on.

Written only by portal.cases.department_requests. Who acted is stored as a string such as
"staff:12", as in the audit trail; the contact is a foreign key, because whose requests a
contact may open is decided by it. Instants are UTC; due dates are Europe/London dates.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.casework_models import ACTOR_LENGTH, DEPARTMENT_KEY_LENGTH
from portal.extensions import Base

# The job that emails a department contact (sent, reminder, chase); see portal.jobs.
DEPARTMENT_EMAIL_JOB = "email.department_request"


class DepartmentRequestStatus(StrEnum):
    OUTSTANDING = "outstanding"
    RECORDS_UPLOADED = "records_uploaded"
    NONE_HELD = "none_held"


class DepartmentEmailOccasion(StrEnum):
    """Why a department contact is emailed."""

    SENT = "sent"
    REMINDER = "reminder"  # a few working days before their due date, if still outstanding
    CHASE = "chase"  # a caseworker chased it


class DepartmentRequest(Base):
    """C6: a caseworker asks one department, through its named contact, to search its records
    for a case, by a date on or before the case's own due date."""

    __tablename__ = "department_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The department's English name and its key in the council profile (as DepartmentSearch).
    department: Mapped[str] = mapped_column(String(200))
    department_key: Mapped[str | None] = mapped_column(String(DEPARTMENT_KEY_LENGTH))
    contact_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # What to search for: staff-written, no more personal data than the search needs.
    message: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[DepartmentRequestStatus] = mapped_column(String(20), index=True)
    asked_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The contact's note with a "none held" answer (staff only).
    answer_note: Mapped[str] = mapped_column(Text, default="")
    chased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chase_count: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_outstanding(self) -> bool:
        return self.status == DepartmentRequestStatus.OUTSTANDING
