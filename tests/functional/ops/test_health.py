"""Issue 17 point 5: /healthz and /readyz for a load balancer.

/healthz says the process answers, without the database; /readyz says the database
answers, its schema is at the migrations' head and a job worker beat recently. Neither
needs a sign-in, sets a cookie, stores a row or says anything about a person.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete

from portal.extensions import db
from portal.instants import utc_now
from portal.jobs import worker
from portal.ops.heartbeat import WorkerHeartbeat, beat, latest_beat
from tests.conftest import own_database
from tests.functional.test_nothing_stored_for_visitors import row_counts

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/portal.sqlite",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/portal",  # nothing listens on port 1
}


def only_heartbeat(app, *, age: timedelta | None) -> None:
    """The heartbeat table as if one worker last beat `age` ago (None: no worker ever)."""
    with app.app_context():
        db.session.execute(delete(WorkerHeartbeat))
        db.session.commit()
        if age is not None:
            beat(db.session, "worker-host:1234", now=utc_now() - age)


def readiness(client):
    response = client.get("/readyz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_healthz_answers_without_a_session_cookie_or_a_row(app):
    client = app.test_client()
    before = row_counts(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200
    assert row_counts(app) == before


@pytest.mark.parametrize("engine", sorted(UNREACHABLE))
def test_healthz_answers_while_the_database_is_down_even_with_a_session_cookie(build_app, engine):
    app = build_app(UNREACHABLE[engine])
    client = app.test_client()
    client.set_cookie("portal_session", "a-session-token-the-database-would-be-asked-about")
    assert client.get("/healthz").status_code == 200


def test_readyz_is_ready_with_the_database_at_head_and_a_worker_beating(app):
    only_heartbeat(app, age=timedelta(seconds=5))
    client = app.test_client()
    before = row_counts(app)
    status, body = readiness(client)
    assert (status, body) == (
        200,
        {"status": "ready", "database": "ok", "migrations": "ok", "worker": "ok"},
    )
    assert "Set-Cookie" not in client.get("/readyz").headers
    assert row_counts(app) == before


@pytest.mark.parametrize("engine", sorted(UNREACHABLE))
def test_readyz_fails_when_the_database_is_down(build_app, engine):
    app = build_app(UNREACHABLE[engine])
    status, body = readiness(app.test_client())
    assert status == 503
    assert body["status"] == "not ready"
    assert body["database"] == "unreachable"
    # Nothing of the database's address or error reaches the answer.
    assert "127.0.0.1" not in json.dumps(body) and "nonexistent" not in json.dumps(body)


@pytest.mark.parametrize(
    ("age", "worker_state"),
    [(timedelta(minutes=10), "stale"), (None, "none")],
)
def test_readyz_fails_when_no_worker_beat_recently(app, age, worker_state):
    only_heartbeat(app, age=age)
    status, body = readiness(app.test_client())
    assert status == 503
    assert body == {
        "status": "not ready",
        "database": "ok",
        "migrations": "ok",
        "worker": worker_state,
    }


def test_the_worker_threshold_is_a_setting(app, database_url, build_app):
    only_heartbeat(app, age=timedelta(minutes=10))
    patient = build_app(database_url, WORKER_HEARTBEAT_MAX_AGE_SECONDS=3600)
    assert readiness(patient.test_client())[0] == 200
    unchecked = build_app(database_url, WORKER_HEARTBEAT_MAX_AGE_SECONDS=0)
    assert readiness(unchecked.test_client()) == (
        200,
        {"status": "ready", "database": "ok", "migrations": "ok", "worker": "not checked"},
    )


def test_readyz_fails_when_the_migrations_are_behind_and_recovers_at_head(
    database_url, tmp_path, build_app
):
    with own_database(database_url, tmp_path, "ops_behind") as url:
        app = build_app(url)
        with app.app_context():
            upgrade()
            beat(db.session, "worker-host:1")
            downgrade(revision="-1")
        status, body = readiness(app.test_client())
        # The worker check reads the heartbeat table if the schema still has it
        # ("unknown" once the step that made it is undone); behind is behind either way.
        assert (status, body["status"], body["database"], body["migrations"]) == (
            503,
            "not ready",
            "ok",
            "behind",
        )
        with app.app_context():
            upgrade()
            beat(db.session, "worker-host:1")
        assert readiness(app.test_client()) == (
            200,
            {"status": "ready", "database": "ok", "migrations": "ok", "worker": "ok"},
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_running_worker_beats_and_so_makes_the_portal_ready(app):
    only_heartbeat(app, age=None)
    client = app.test_client()
    assert readiness(client)[1]["worker"] == "none"
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run_forever,
        args=(app,),
        kwargs={"poll_seconds": 0.05, "stop_event": stop},
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while readiness(client)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readiness(client)[1]["worker"] == "ok"
    finally:
        stop.set()
        thread.join(timeout=10)
    with app.app_context():
        last = latest_beat(db.session)
    assert last is not None and utc_now() - last < timedelta(seconds=30)


def test_probes_are_not_pages_of_the_site(app):
    """Neither in the URL map the sitemap-like sweeps walk (tests/browser/pages.py), nor
    drawn as pages: a probe is a line of JSON."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert not {"/healthz", "/readyz", "/metrics"} & rules
    for path in ("/healthz", "/readyz"):
        assert app.test_client().get(path).mimetype == "application/json"


def test_a_check_that_cannot_run_is_not_a_pass(app, monkeypatch):
    """The heartbeat table unreadable (say, a half-applied release): not ready."""
    from sqlalchemy.exc import ProgrammingError

    from portal.ops import readiness as module

    def unreadable(*args):
        raise ProgrammingError("SELECT max(beat_at) FROM worker_heartbeats", {}, Exception())

    only_heartbeat(app, age=timedelta(seconds=5))
    monkeypatch.setattr(module, "latest_beat", unreadable)
    status, body = readiness(app.test_client())
    assert (status, body["database"], body["migrations"], body["worker"]) == (
        503,
        "ok",
        "ok",
        "unknown",
    )


def test_a_load_balancer_probing_often_is_never_limited(app, database_url, build_app):
    limited = build_app(database_url, RATE_LIMITS_ENABLED=True, RATE_LIMITS={"tracking": (1, 900)})
    only_heartbeat(app, age=timedelta(seconds=1))
    balancer = limited.test_client(use_cookies=False)
    before = row_counts(app)
    answers = {
        (path, balancer.get(path, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code)
        for path in ("/healthz", "/readyz") * 100
    }
    assert answers == {("/healthz", 200), ("/readyz", 200)}
    assert row_counts(app) == before  # no counter, session or anything else stored
