"""The job outbox: a job is written in the caller's transaction, so it exists exactly when the
change that needs it does, and is done later by the worker (portal.jobs) with retries.

Core, below the domain: the cases domain writes jobs here without importing the worker, and
the worker reads them here (DESIGN.md section 2: jobs -> documents -> cases -> core).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base, DbSession
from portal.instants import utc_now


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # gave up after the last retry; shown to staff


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[JobStatus] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def enqueue(
    session: DbSession, kind: str, payload: dict[str, Any], *, now: datetime | None = None
) -> Job:
    moment = now or utc_now()
    job = Job(
        kind=kind,
        payload=payload,
        status=JobStatus.PENDING,
        attempts=0,
        run_after=moment,
        created_at=moment,
        last_error="",
    )
    session.add(job)
    return job
