"""Versions of the privacy notice.

Every published version is listed in RELEASES and recorded in the notice_versions table
(by migration), so that a request can record which version the resident saw. Publishing a
new version means: add a release here, add a migration that inserts it, and change the
notice templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


@dataclass(frozen=True)
class NoticeRelease:
    version: str
    published_on: date
    summary: str


RELEASES: tuple[NoticeRelease, ...] = (
    NoticeRelease(
        "1.0",
        date(2018, 5, 25),
        "The council's earlier PDF notice for the Troubled Families programme, "
        "written for the Data Protection Act 1998.",
    ),
    NoticeRelease(
        "2.0",
        date(2026, 11, 24),
        "Rewritten in plain English under UK GDPR and the Data Protection Act 2018 as "
        "amended by the Data (Use and Access) Act 2025; all rights listed; translated.",
    ),
    NoticeRelease(
        "2.1",
        date(2026, 12, 6),
        "The law as it now stands: research safeguards under Articles 84A-84D, the "
        "Department for Education's programme, transfers, the Acts and conditions relied on, "
        "profiling, the right to object as Article 21 states it, how to ask for "
        "correction, deletion or restriction, and how long each thing is kept.",
    ),
)


def current_release() -> NoticeRelease:
    return RELEASES[-1]


class NoticeVersion(Base):
    __tablename__ = "notice_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    published_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
