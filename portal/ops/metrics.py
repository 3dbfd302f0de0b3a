"""/metrics in Prometheus' text format: request durations by route, and the job outbox as
the database sees it (queue depth, oldest due job's age, failed jobs, worker heartbeat).

Under gunicorn each worker process keeps its own request counts. With
PROMETHEUS_MULTIPROC_DIR set (before prometheus_client is imported: in the server's
environment), prometheus_client writes them to files in that folder and any worker
answering a scrape adds up every worker's files; gunicorn.conf.py clears the folder when
the server starts and tells the client when a worker exits. Without it (the embedded mode,
one process) the counts live in memory.

The outbox figures are read from the database at each scrape, so every host reports the
same queue and nothing has to be counted as jobs move.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.instants import aware, utc_now
from portal.ops.heartbeat import latest_beat
from portal.outbox import Job, JobStatus

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A request Flask could not route (a 404, or a refusal answered before Flask) is counted
# under this label, never its path: paths carry references and would grow without end.
UNMATCHED = "(unmatched)"


def allowed_networks(setting: str) -> tuple[Network, ...]:
    """METRICS_ALLOW="127.0.0.1, 10.0.0.0/8": addresses and networks, comma-separated."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in setting.split(",")
        if part.strip()
    )


def multiprocess_mode() -> bool:
    """Whether prometheus_client chose file-backed values (PROMETHEUS_MULTIPROC_DIR was set
    when it was imported)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


class Metrics:
    """One app's metrics: the request histogram, and what a scrape returns."""

    def __init__(self, allowed: tuple[Network, ...]) -> None:
        self.allowed = allowed
        self.multiprocess = multiprocess_mode()
        # An app's own registry, not the module-wide default: a process may build several
        # apps (the tests do), and each would register the same names again.
        self.registry = None if self.multiprocess else CollectorRegistry(auto_describe=True)
        self.request_duration = Histogram(
            "portal_request_duration_seconds",
            "Time to answer a request, by route (the URL rule, never the path), method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        if self.registry is not None:
            self.registry.register(OutboxCollector())

    def allows(self, address: str | None) -> bool:
        try:
            client = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(client in network for network in self.allowed)

    def observe(self, route: str | None, method: str, status: int, seconds: float) -> None:
        self.request_duration.labels(route or UNMATCHED, method, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        """The text a scrape gets; needs an app context (the outbox figures)."""
        registry = self.registry
        if registry is None:
            registry = CollectorRegistry(auto_describe=True)
            MultiProcessCollector(registry)
            registry.register(OutboxCollector())
        return generate_latest(registry)


class OutboxCollector:
    """The job outbox's figures, read from the database when scraped."""

    def describe(self) -> Iterable[Metric]:
        return [family(name, text, None) for name, text in DESCRIPTIONS.items()]

    def collect(self) -> Iterator[Metric]:
        now = utc_now()
        try:
            due = (Job.status == JobStatus.PENDING) & (Job.run_after <= now)
            depth, oldest = db.session.execute(
                select(func.count(), func.min(Job.run_after)).where(due)
            ).one()
            failed = db.session.scalar(
                select(func.count()).select_from(Job).where(Job.status == JobStatus.FAILED)
            )
            in_hand = db.session.scalar(select(func.count()).where(due, Job.locked_until > now))
            last_beat = latest_beat(db.session)
        except SQLAlchemyError:
            db.session.rollback()
            yield family("portal_database_up", DESCRIPTIONS["portal_database_up"], 0)
            return
        oldest_age = (now - aware(oldest)) if oldest is not None else timedelta(0)
        figures = {
            "portal_database_up": 1,
            "portal_job_queue_depth": depth,
            "portal_jobs_in_hand": in_hand or 0,
            "portal_job_oldest_due_age_seconds": max(oldest_age.total_seconds(), 0.0),
            "portal_jobs_failed": failed or 0,
        }
        if last_beat is not None:
            figures["portal_worker_heartbeat_age_seconds"] = (now - last_beat).total_seconds()
        for name, value in figures.items():
            yield family(name, DESCRIPTIONS[name], value)


DESCRIPTIONS = {
    "portal_database_up": "1 when the database answered this scrape, 0 when it did not.",
    "portal_job_queue_depth": "Jobs due now and not yet done (emails, response packs).",
    "portal_jobs_in_hand": "Of the due jobs, those a worker has claimed and is doing.",
    "portal_job_oldest_due_age_seconds": "How long the oldest due job has waited (0: none).",
    "portal_jobs_failed": "Jobs that gave up after their last retry, for staff to see.",
    "portal_worker_heartbeat_age_seconds": "Seconds since any job worker last beat.",
}


def family(name: str, documentation: str, value: float | None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
