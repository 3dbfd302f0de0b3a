"""Issue 17 point 5: /metrics in Prometheus' text format, for allow-listed addresses only.

Request durations are labelled by route (the URL rule), never by the path a visitor
typed; the job outbox is read from the database at each scrape.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from portal.extensions import db
from portal.instants import utc_now
from portal.outbox import Job, JobStatus, enqueue
from tests.functional.test_nothing_stored_for_visitors import row_counts

MONITOR = {"REMOTE_ADDR": "10.1.2.3"}
REFERENCE = "TF-7K3Q-9PMH"


@pytest.fixture()
def monitored(app, database_url, build_app):
    """An app whose /metrics answers the monitoring network 10.0.0.0/8 and loopback, on
    the suite's database (`app` has migrated it, so the test also runs on its own)."""
    return build_app(database_url, METRICS_ALLOW="10.0.0.0/8, 127.0.0.1")


def scrape(app) -> dict[str, list]:
    """Sample lists by metric family name, from a scrape by the allowed monitor."""
    response = app.test_client().get("/metrics", environ_base=MONITOR)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    families = text_string_to_metric_families(response.get_data(as_text=True))
    return {family.name: family.samples for family in families}


def value(samples, name: str, **labels) -> float:
    matching = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert len(matching) == 1, f"{name} {labels}: {matching}"
    return matching[0]


def test_metrics_are_off_unless_configured(app):
    assert app.config["METRICS_ALLOW"] == ""
    assert app.test_client().get("/metrics", environ_base=MONITOR).status_code == 404


@pytest.mark.parametrize("address", ["192.0.2.7", "11.0.0.1", "::1"])
def test_metrics_are_refused_to_an_address_not_on_the_allow_list(monitored, address):
    response = monitored.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 403
    assert "portal_" not in response.get_data(as_text=True)


def test_request_durations_by_route_never_by_path(monitored):
    client = monitored.test_client()
    for _ in range(3):
        assert client.get("/en/track").status_code == 200
    client.get(f"/en/track?reference={REFERENCE}&email=someone@example.com")
    client.get(f"/staff/cases/{REFERENCE}")  # not signed in: sent to sign in
    client.get(f"/en/no-such-page/{REFERENCE}")
    response = monitored.test_client().get("/metrics", environ_base=MONITOR)
    text = response.get_data(as_text=True)
    assert REFERENCE not in text and "example.com" not in text and "no-such-page" not in text
    samples = scrape(monitored)["portal_request_duration_seconds"]
    track = {"route": "/<locale>/track", "method": "GET", "status": "200"}
    assert value(samples, "portal_request_duration_seconds_count", **track) == 4
    assert value(samples, "portal_request_duration_seconds_sum", **track) > 0
    buckets = [
        s for s in samples if s.name.endswith("_bucket") and track.items() <= s.labels.items()
    ]
    assert {s.labels["le"] for s in buckets} >= {"0.005", "0.1", "1.0", "+Inf"}
    assert value(samples, "portal_request_duration_seconds_bucket", le="+Inf", **track) == 4
    routes = {s.labels["route"] for s in samples}
    assert {"/staff/cases/<reference>", "(unmatched)"} <= routes


def test_the_job_queue_as_the_database_holds_it(monitored):
    now = utc_now()
    with monitored.app_context():
        before = scrape(monitored)
        jobs = [
            enqueue(db.session, "ops.test", {}, now=now - timedelta(minutes=10)),
            enqueue(db.session, "ops.test", {}, now=now - timedelta(seconds=30)),
            enqueue(db.session, "ops.test", {}, now=now + timedelta(hours=1)),  # not due yet
        ]
        gave_up = enqueue(db.session, "ops.test", {}, now=now - timedelta(days=1))
        gave_up.status = JobStatus.FAILED
        db.session.commit()
        ids = [job.id for job in [*jobs, gave_up]]
    try:
        after = scrape(monitored)
    finally:
        with monitored.app_context():
            db.session.execute(delete(Job).where(Job.id.in_(ids)))
            db.session.commit()

    def change(name: str) -> float:
        return value(after[name], name) - value(before[name], name)

    assert change("portal_job_queue_depth") == 2
    assert change("portal_jobs_failed") == 1
    assert (
        value(after["portal_job_oldest_due_age_seconds"], "portal_job_oldest_due_age_seconds")
        >= 600
    )
    assert value(after["portal_database_up"], "portal_database_up") == 1


def test_a_scrape_stores_nothing_and_sets_no_cookie(monitored):
    before = row_counts(monitored)
    response = monitored.test_client().get("/metrics", environ_base=MONITOR)
    assert "Set-Cookie" not in response.headers
    assert row_counts(monitored) == before


def test_a_scrape_while_the_database_is_down_still_answers(build_app):
    app = build_app("sqlite:////nonexistent-folder/portal.sqlite", METRICS_ALLOW="10.0.0.0/8")
    assert app.test_client().get("/healthz").status_code == 200
    families = scrape(app)
    assert value(families["portal_database_up"], "portal_database_up") == 0
    assert "portal_job_queue_depth" not in families


def test_a_mistyped_allow_list_stops_the_portal_starting(database_url, build_app):
    with pytest.raises(ValueError, match=re.escape("10.0.0.300")):
        build_app(database_url, METRICS_ALLOW="10.0.0.300")
