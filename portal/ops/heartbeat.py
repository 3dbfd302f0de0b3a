"""The job worker's heartbeat: a row per worker process, its time pushed forward as the
worker loops, so /readyz can tell that somebody is working the outbox.

A table rather than a Redis key: the embedded mode has no Redis, and the database is
the one thing every worker and app server already shares. No Flask here: the worker
writes it through the session it already holds.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import Connection, DateTime, String, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base, DbSession
from portal.instants import aware, utc_now

# A worker writes its row at most this often, so a busy worker adds one small write a
# quarter-minute, not one per job.
BEAT_EVERY_SECONDS = 15.0
# Rows of workers that stopped (or moved host) are removed after this long.
FORGET_AFTER = timedelta(days=1)


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    # host:pid of the worker process: not personal data, and unique among live workers.
    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def beat(session: DbSession, worker: str, now: datetime | None = None) -> None:
    """Record that `worker` is alive now, and forget workers silent for a day; commits."""
    moment = now or utc_now()
    updated = session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(beat_at=moment)
    )
    if not getattr(updated, "rowcount", 0):
        session.execute(
            insert(WorkerHeartbeat).values(worker=worker, started_at=moment, beat_at=moment)
        )
        session.execute(
            delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < moment - FORGET_AFTER)
        )
    session.commit()


def latest_beat(reader: DbSession | Connection) -> datetime | None:
    """When any worker last beat, or None when none ever did (or all were forgotten)."""
    moment = reader.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    return aware(moment) if moment is not None else None


class Pacemaker:
    """When one worker process should beat next: at most every BEAT_EVERY_SECONDS."""

    def __init__(self, every_seconds: float = BEAT_EVERY_SECONDS) -> None:
        self.worker = this_worker()
        self.every_seconds = every_seconds
        self._next = 0.0

    def due(self) -> bool:
        """True at most once per interval (the caller then beats, or tries to)."""
        if time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.every_seconds
        return True
