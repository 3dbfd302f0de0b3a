"""The restriction register (C9, C12): every processing stopped for someone, for the data
teams who must stop it, on screen and as CSV: restricted pending decision from the day an
objection asking for it arrived, in force once an upheld decision confirms it, and lifted
(from the day shown) when the use carries on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.cases.casework_models import RestrictionEntry, RestrictionStatus
from portal.cases.clock import london_today
from portal.cases.models import Case
from portal.cases.objections import processing_description
from portal.exports import csv_cell
from portal.extensions import DbSession


@dataclass(frozen=True)
class RestrictionRow:
    reference: str
    subject_name: str
    date_of_birth: date | None
    processing: str
    description: str
    from_date: date
    status: RestrictionStatus = RestrictionStatus.IN_FORCE
    lifted_on: date | None = None
    # False once the retention schedule erased the case: the entry outlives it (C12).
    case_kept: bool = True
    # What asked for it: an objection (C9, C12) or a request to restrict (C14).
    asked_by: str = "objection"
    # Lifted from a day still to come: the person has been told first (Art 18(3), C14).
    lifting_notified: bool = False

    @property
    def status_text(self) -> str:
        if self.lifting_notified:
            return LIFTING_NOTIFIED
        if self.status == RestrictionStatus.IN_FORCE and self.asked_by == "restriction":
            return RESTRICTION_AGREED
        return STATUS_TEXT[self.status]

    @property
    def applies(self) -> bool:
        """Stopped now: pending decision or in force (a lifted one ends on lifted_on)."""
        return self.status != RestrictionStatus.LIFTED or self.lifting_notified


# C12: what each status means for the data teams, in the register and its CSV.
STATUS_TEXT = {
    RestrictionStatus.PENDING_DECISION: "Restricted pending decision",
    RestrictionStatus.IN_FORCE: "In force: objection upheld",
    RestrictionStatus.LIFTED: "Lifted: the use carries on",
}
RESTRICTION_AGREED = "In force: request to restrict agreed (Art 18(1))"
LIFTING_NOTIFIED = "In force; the person has been told it is lifted (Art 18(3))"

REGISTER_HEADER = (
    "Reference",
    "Name",
    "Date of birth",
    "Processing",
    "What stops",
    "From",
    "Status",
    "Until",
)


def restriction_register(session: DbSession) -> list[RestrictionRow]:
    """Every processing stopped, pending decision (C12) or by an upheld objection (C9),
    and every one lifted, oldest first, for data teams."""
    return _rows(
        session.scalars(
            select(RestrictionEntry).order_by(RestrictionEntry.from_date, RestrictionEntry.id)
        )
    )


def case_restrictions(session: DbSession, case: Case) -> list[RestrictionRow]:
    """C12: one case's entries in the register, for its case page."""
    return _rows(
        session.scalars(
            select(RestrictionEntry)
            .where(RestrictionEntry.case_id == case.id)
            .order_by(RestrictionEntry.id)
        )
    )


def _rows(entries: Iterable[RestrictionEntry]) -> list[RestrictionRow]:
    today = london_today()
    return [
        RestrictionRow(
            reference=entry.reference,
            subject_name=entry.subject_name,
            date_of_birth=entry.date_of_birth,
            processing=entry.processing,
            description=processing_description(entry.processing),
            from_date=entry.from_date,
            status=RestrictionStatus(entry.status),
            lifted_on=entry.lifted_on,
            case_kept=entry.case_id is not None,
            asked_by=entry.asked_by,
            lifting_notified=entry.status == RestrictionStatus.LIFTED
            and entry.lifted_on is not None
            and entry.lifted_on > today,
        )
        for entry in entries
    ]


def restriction_register_csv(rows: Iterable[RestrictionRow]) -> str:
    """The register as CSV; a cell that a spreadsheet would run as a formula is prefixed
    with a single quote, so it shows as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_HEADER)
    for row in rows:
        writer.writerow(
            csv_cell(value)
            for value in (
                row.reference,
                row.subject_name,
                row.date_of_birth,
                row.processing,
                row.description,
                row.from_date,
                row.status_text,
                row.lifted_on or "",
            )
        )
    return out.getvalue()
