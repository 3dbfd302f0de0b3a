"""Queue a job in the caller's transaction: it exists exactly when the change that needs it does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.extensions import DbSession
from portal.jobs.models import Job, JobStatus


def enqueue(
    session: DbSession, kind: str, payload: dict[str, Any], *, now: datetime | None = None
) -> Job:
    moment = now or datetime.now(UTC)
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
