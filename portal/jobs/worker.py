"""The job worker: claims due jobs from the outbox, does them, and retries with back-off.

Several workers, on several hosts, may run at once. Each job is claimed in its own short
transaction before it runs: PostgreSQL skips rows another worker is claiming (SELECT ... FOR
UPDATE SKIP LOCKED), and on every database the claim is a conditional UPDATE whose row count
says who won, so two workers never do the same job. A claim lasts CLAIM_DURATION: if a
worker dies mid-job its claim runs out and another worker does the job. Jobs are done at
least once and never lost; an email repeated after such a crash keeps its Message-ID.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any, cast

from flask import Flask
from sqlalchemy import ColumnElement, CursorResult, or_, select, update

from portal.cases.department_request_models import DEPARTMENT_EMAIL_JOB
from portal.cases.document_models import RESPONSE_PACK_JOB
from portal.cases.redaction_models import READ_RECORD_JOB
from portal.documents import production, upload_reading
from portal.extensions import db
from portal.instants import utc_now
from portal.jobs import decisions, department_emails, emails
from portal.ops import heartbeat
from portal.ops.heartbeat import Pacemaker
from portal.outbox import Job, JobStatus

Handler = Callable[[Job], str | None]
"""Does one job; returns a note to keep on the job (or None), raises to have it retried."""

HANDLERS: dict[str, Handler] = {kind: emails.send_case_email for kind in emails.EMAIL_KINDS}
# A council message's email; one telling an objection's decision also completes the case.
HANDLERS["email.case_message"] = decisions.send_case_message
HANDLERS[RESPONSE_PACK_JOB] = production.render_pack_job
# A department contact's search request: sent, reminded before it is due, chased.
HANDLERS[DEPARTMENT_EMAIL_JOB] = department_emails.send_department_email
# An uploaded record's pictured pages, read by OCR once, so searches do not wait for it.
HANDLERS[READ_RECORD_JOB] = upload_reading.read_record_job

# Failures that retrying cannot mend: the job fails at once, for staff to see.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (emails.Undeliverable, production.DocumentFailed)

# Job kinds that give up sooner than MAX_ATTEMPTS (a render failing three times will fail
# again), and what to do, in the same commit, when a job of a kind gives up.
# A reading that fails three times is left undone: a search then reads the pages itself.
MAX_ATTEMPTS_FOR: dict[str, int] = {RESPONSE_PACK_JOB: production.MAX_ATTEMPTS, READ_RECORD_JOB: 3}
ON_GIVING_UP: dict[str, Callable[[Job, str], None]] = {RESPONSE_PACK_JOB: production.pack_failed}

CLAIM_DURATION = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
# 30 s, 1, 2, 4 ... 32 min, then hourly: the 30th failure comes about a day after the first.
MAX_ATTEMPTS = 30
ERROR_LENGTH = 300


# Payload entries dropped from a job once it is done.
SECRET_PAYLOAD_KEYS = frozenset({"code"})
# Expired sessions, drafts and codes are deleted this often by the worker.
PURGE_EVERY_SECONDS = 600


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failures: doubling from 30 s, at most an hour."""
    doublings = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY * 2**doublings, LONGEST_WAIT)


def backoff(attempts: int) -> timedelta:
    """retry_delay less up to a quarter at random, so jobs that failed together (mail
    server down) do not all retry in the same second."""
    delay = retry_delay(attempts)
    return delay * (1 - random.uniform(0, 0.25))  # noqa: S311  (spreads load; not a secret)


def run_once(app: Flask, *, now: datetime | None = None, limit: int = 20) -> int:
    """Do up to `limit` due jobs, one at a time; returns how many were worked on.

    `now` (for tests) fixes the clock for due times, claims and retries.
    """
    return _run_due(app, now=now, limit=limit, stop=None)


def run_forever(
    app: Flask, poll_seconds: float = 2.0, stop_event: threading.Event | None = None
) -> None:
    """Work until SIGTERM or SIGINT (or stop_event): the job in hand is finished first."""
    stop = stop_event or threading.Event()
    previous = _stop_on_signals(stop)
    if not app.config.get("MAIL_SERVER"):
        # Expected in the embedded mode; in production it means residents get no email.
        level = logging.WARNING if app.config.get("PORTAL_ENV") == "production" else logging.INFO
        app.logger.log(
            level, "MAIL_SERVER is unset: emails go to files in %s", app.config["MAIL_FILE_DIR"]
        )
    app.logger.info("Job worker started")
    next_purge = 0.0
    pacemaker = Pacemaker()

    def beat() -> None:
        _beat(app, pacemaker)

    try:
        while not stop.is_set():
            beat()
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_EVERY_SECONDS
                _purge(app)
                if app.config.get("RETENTION_DAILY", True):
                    daily_retention(app)
            try:
                worked = _run_due(app, now=None, limit=20, stop=stop, between_jobs=beat)
            except Exception:
                # The database may be down or busy: keep the worker alive and try again.
                app.logger.exception("Job worker could not reach the outbox")
                worked = 0
            if worked == 0:
                stop.wait(poll_seconds)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        app.logger.info("Job worker stopped")


def _beat(app: Flask, pacemaker: Pacemaker) -> None:
    """Tell /readyz this worker is alive (at most every few seconds); a database that
    cannot take the beat is logged, and the worker carries on."""
    if not pacemaker.due():
        return
    try:
        with app.app_context():
            heartbeat.beat(db.session, pacemaker.worker)
    except Exception:
        app.logger.exception("Job worker could not write its heartbeat")


def _purge(app: Flask) -> None:
    from portal.maintenance import purge_expired

    try:
        with app.app_context():
            counts = purge_expired()
        app.logger.info("Purged expired data: %s", counts)
    except Exception:
        app.logger.exception("Could not purge expired data")


def daily_retention(app: Flask, *, now: datetime | None = None) -> dict[str, int] | None:
    """Apply the retention schedule once a day (DESIGN.md 8a): when no run is recorded for
    today's Europe/London date, by any worker on any host, run it now. Returns its counts,
    or None when today's run was already done (or failed, which is logged)."""
    from portal.cases import clock, retention
    from portal.retention_commands import apply_schedule

    moment = now or utc_now()
    today = clock.received_on(moment)
    try:
        with app.app_context():
            if retention.last_run_on(db.session) == today:
                return None
            counts = apply_schedule(today, moment)
        app.logger.info("Retention run for %s: %s", today.isoformat(), counts or "nothing due")
        return counts
    except Exception:
        app.logger.exception("Could not apply the retention schedule")
        return None


def _stop_on_signals(stop: threading.Event) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}  # signals reach only the main thread; callers use stop_event

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)
    }


def _run_due(
    app: Flask,
    *,
    now: datetime | None,
    limit: int,
    stop: threading.Event | None,
    between_jobs: Callable[[], None] | None = None,
) -> int:
    worked = 0
    with app.app_context():
        while worked < limit and not (stop and stop.is_set()):
            if between_jobs is not None:
                between_jobs()  # a batch of long renders still beats
            moment = now.astimezone(UTC) if now else utc_now()
            job_id = claim_next(moment)
            if job_id is None:
                break
            run_job(app, job_id, now=moment)
            worked += 1
    return worked


def _due(now: datetime) -> ColumnElement[bool]:
    return (
        (Job.status == JobStatus.PENDING)
        & (Job.run_after <= now)
        & or_(Job.locked_until.is_(None), Job.locked_until < now)
    )


def claim_next(now: datetime) -> int | None:
    """Claim the next due job for CLAIM_DURATION and return its id, or None when none is due.

    Needs an app context. The claim is committed before the job runs.
    """
    session = db.session
    for _ in range(5):
        candidate = session.scalar(
            select(Job.id)
            .where(_due(now))
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            session.rollback()
            return None
        if claim(candidate, now):
            return candidate
        # Another worker claimed it between our read and our update: look again.
    return None


def claim(job_id: int, now: datetime) -> bool:
    """Claim one job if it is still due and unclaimed, and commit; True when this worker won.

    The condition is checked in the UPDATE itself, so of two workers racing for a job,
    exactly one changes the row.
    """
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, _due(now))
            .values(locked_until=now + CLAIM_DURATION)
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.commit()
    return result.rowcount == 1


def run_job(app: Flask, job_id: int, *, now: datetime) -> None:
    """Do one claimed job and record the outcome: done, a retry after back-off, or failed."""
    session = db.session
    job = session.get(Job, job_id, populate_existing=True)
    if job is None:
        return
    handler = HANDLERS.get(job.kind)
    if handler is None:
        _give_up(app, job, f"no handler for job kind {job.kind!r}", now)
    else:
        try:
            note = handler(job)
        except PERMANENT_ERRORS as error:
            job = _fresh(job_id)
            job.attempts += 1
            _give_up(app, job, _describe(error), now)
        except Exception as error:
            job = _fresh(job_id)
            job.attempts += 1
            _retry_or_give_up(app, job, _describe(error), now)
        else:
            job.status = JobStatus.DONE
            job.done_at = now
            job.locked_until = None
            job.last_error = note or ""
            # One-time codes are secrets: once sent, the outbox keeps no copy.
            job.payload = {k: v for k, v in job.payload.items() if k not in SECRET_PAYLOAD_KEYS}
            app.logger.info("Job %s (%s) done%s", job.id, job.kind, f": {note}" if note else "")
    session.commit()


def _fresh(job_id: int) -> Job:
    """The job row again, after throwing away whatever the failed handler left in the session."""
    db.session.rollback()
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        raise LookupError(f"job {job_id} vanished while it ran")
    return job


def _retry_or_give_up(app: Flask, job: Job, error: str, now: datetime) -> None:
    if job.attempts >= MAX_ATTEMPTS_FOR.get(job.kind, MAX_ATTEMPTS):
        _give_up(app, job, f"gave up after {job.attempts} attempts: {error}", now)
        return
    job.last_error = error
    job.run_after = now + backoff(job.attempts)
    job.locked_until = None
    app.logger.warning(
        "Job %s (%s) failed, attempt %s; trying again after %s: %s",
        job.id,
        job.kind,
        job.attempts,
        job.run_after.isoformat(timespec="seconds"),
        error,
    )


def _give_up(app: Flask, job: Job, error: str, now: datetime) -> None:
    job.status = JobStatus.FAILED
    job.last_error = error[:ERROR_LENGTH]
    job.locked_until = None
    job.done_at = None
    hook = ON_GIVING_UP.get(job.kind)
    if hook is not None:
        hook(job, error)
    app.logger.error("Job %s (%s) failed for good: %s", job.id, job.kind, error)


def _describe(error: BaseException) -> str:
    """A short, single-line account of a failure: its type and first line, never a traceback
    (a handler's message may quote a server's reply, but never a password)."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    return text[:ERROR_LENGTH]
