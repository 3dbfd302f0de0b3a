"""Links residents follow point at the port the portal serves on (`make run PORT=5101`),
in the emails the worker writes and in the hub posters' QR codes, when no PUBLIC_BASE_URL
is set."""

from __future__ import annotations

import secrets
from email import message_from_bytes, policy

import pytest
import zxingcpp
from sqlalchemy import select

from portal import create_app
from portal.cases.scenario_requests import person
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from portal.instants import utc_now
from portal.jobs import worker
from portal.outbox import Job
from tests.functional.test_posters import COUNCIL, render_page_image


@pytest.fixture()
def served(app, database_url, tmp_path, monkeypatch):
    """The app as `make run HOST=127.0.0.1 PORT=5101` starts it: no PUBLIC_BASE_URL."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "5101")
    served = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "MAIL_SERVER": "",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
        }
    )
    yield served
    with served.app_context():  # its own connections, closed rather than left to the GC
        db.session.remove()
        db.engine.dispose()


def test_the_worker_writes_emails_that_link_to_the_served_port(served, tmp_path):
    with served.app_context():
        scenarios = Scenarios(db.session, cipher=served.extensions["evidence_cipher"])
        email = f"anna.{secrets.token_hex(6)}@example.com"
        case = scenarios.filed(received=utc_now(), subject=person(email=email))
        job = next(
            job
            for job in db.session.scalars(select(Job).where(Job.kind == "email.request_received"))
            if job.payload.get("case_id") == case.id
        )
        worker.run_job(served, job.id, now=job.run_after)
    [written] = list((tmp_path / "mail").glob("*.eml"))
    body = message_from_bytes(written.read_bytes(), policy=policy.default).get_body(("plain",))
    assert body is not None
    assert "http://127.0.0.1:5101/en/track" in body.get_content()
    assert "127.0.0.1:5000" not in body.get_content()


def test_the_poster_qr_code_opens_the_served_port(served):
    hub = COUNCIL.hubs[0]
    pdf = served.test_client().get(f"/en/hubs/{hub.slug}/poster.pdf").data
    codes = zxingcpp.read_barcodes(render_page_image(pdf))
    assert codes[0].text == f"http://127.0.0.1:5101/en/hubs/{hub.slug}/start"
