"""The restriction register (C9, C12): every processing stopped by an upheld objection,
for the data teams who must stop it, on screen and as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.cases.casework_models import RestrictionEntry
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


REGISTER_HEADER = (
    "Reference",
    "Name",
    "Date of birth",
    "Processing",
    "What stops",
    "From",
)


def restriction_register(session: DbSession) -> list[RestrictionRow]:
    """Every processing stopped by an upheld objection, oldest first, for data teams."""
    entries = session.scalars(
        select(RestrictionEntry).order_by(RestrictionEntry.from_date, RestrictionEntry.id)
    )
    return [
        RestrictionRow(
            reference=entry.reference,
            subject_name=entry.subject_name,
            date_of_birth=entry.date_of_birth,
            processing=entry.processing,
            description=processing_description(entry.processing),
            from_date=entry.from_date,
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
            )
        )
    return out.getvalue()
