"""From the reviewer's approval to the resident's download: the pack is made by the real
job worker, stored encrypted, released once whole, downloaded after the one-time code, and
every download is on the staff case page. Failures are kept for staff with a retry."""

from __future__ import annotations

import io
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.document_models import RESPONSE_PACK_JOB, CaseDocument, DocumentStatus
from portal.cases.models import AuditEvent, Case, CaseState
from portal.documents import packs, production
from portal.extensions import db
from portal.jobs import worker
from portal.outbox import Job, JobStatus
from tests.conftest import building, get_page
from tests.functional.staff.conftest import any_token
from tests.functional.test_response_pack import make_case
from tests.functional.test_tracking import Filed, sign_in


def approve(app, case_id: int) -> None:
    with building(app) as scenarios:
        case = scenarios.session.get(Case, case_id)
        scenarios.submit(case, summary="Three items")
        scenarios.approve(case)


def approved(app, **options) -> Filed:
    case_id = make_case(app, **options)
    approve(app, case_id)
    with app.app_context():
        case = db.session.get(Case, case_id)
        return Filed(case.id, case.reference, case.subject.email)


def pack_of(app, case_id: int) -> CaseDocument:
    with app.app_context():
        document = db.session.scalar(
            select(CaseDocument).where(CaseDocument.case_id == case_id).order_by(CaseDocument.id)
        )
        assert document is not None
        db.session.refresh(document)
        _ = document.encrypted  # load the deferred column before detaching
        db.session.expunge(document)
        return document


def pack_jobs(app, case_id: int) -> list[Job]:
    with app.app_context():
        jobs = list(
            db.session.scalars(select(Job).where(Job.kind == RESPONSE_PACK_JOB).order_by(Job.id))
        )
        for job in jobs:
            db.session.expunge(job)
    return [job for job in jobs if job.payload["case_id"] == case_id]


def work(app, case_id: int, *, now: datetime | None = None) -> Job:
    """The worker claims and does this case's pending pack job, as `flask worker run` would."""
    moment = now or datetime.now(UTC)
    (job,) = [job for job in pack_jobs(app, case_id) if job.status == JobStatus.PENDING]
    with app.app_context():
        assert worker.claim(job.id, moment)
        worker.run_job(app, job.id, now=moment)
    return next(j for j in pack_jobs(app, case_id) if j.id == job.id)


def state_of(app, case_id: int) -> CaseState:
    with app.app_context():
        return CaseState(db.session.get(Case, case_id).state)


def actions_of(app, case_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.case_id == case_id)
                .order_by(AuditEvent.id)
            )
        )


def ready_emails(app, case_id: int) -> int:
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == "email.case_message"))
        return sum(1 for job in jobs if job.payload.get("case_id") == case_id)


def test_approval_queues_the_pack_in_the_same_transaction(app):
    filed = approved(app)
    document = pack_of(app, filed.id)
    assert document.status == DocumentStatus.QUEUED
    assert [job.status for job in pack_jobs(app, filed.id)] == [JobStatus.PENDING]
    assert state_of(app, filed.id) == CaseState.READY


def test_the_worker_makes_stores_and_releases_the_pack(app, client, signed_in):
    filed = approved(app)
    emails_before = ready_emails(app, filed.id)

    job = work(app, filed.id)

    assert job.status == JobStatus.DONE
    document = pack_of(app, filed.id)
    assert document.status == DocumentStatus.READY
    assert document.encrypted and b"%PDF" not in document.encrypted  # encrypted at rest
    assert document.pages and document.pages >= 5
    assert document.available_until - document.released_at == timedelta(days=90)
    assert state_of(app, filed.id) == CaseState.COMPLETED
    assert ready_emails(app, filed.id) == emails_before + 1  # "your information is ready"

    sign_in(app, client, filed)
    status = get_page(client, "/en/track/status")
    assert "Your information is ready" in status.text()
    assert f"PDF, {document.pages} pages" in status.text()

    response = client.get("/en/track/your-information.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{filed.reference}-your-information.pdf"'
    )
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        assert len(pdf.pages) == document.pages
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert filed.reference in text
    assert actions_of(app, filed.id)[-1] == "response_downloaded"

    staff = app.test_client()
    signed_in(staff, Role.CASEWORKER)
    page = get_page(staff, f"/staff/cases/{filed.reference}", lang="en")
    assert "Response downloaded by the requester" in page.text()
    assert f"{document.pages} pages" in page.text()


def test_after_90_days_the_page_says_how_to_ask_again(app, client):
    filed = approved(app)
    work(app, filed.id)
    with app.app_context():
        document = db.session.scalar(select(CaseDocument).where(CaseDocument.case_id == filed.id))
        # Ninety days pass.
        document.available_until = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    sign_in(app, client, filed)
    status = get_page(client, "/en/track/status")
    assert "Your download has ended" in status.text()
    assert 'href="/en/track/your-information.pdf"' not in status.html

    expired = get_page(client, "/en/track/your-information.pdf", status=410)
    assert "To get it again, contact us and give your reference." in expired.text()
    assert expired.response.headers["Cache-Control"] == "no-store"


def test_a_pack_over_the_page_cap_fails_for_staff_with_a_retry(app, signed_in, monkeypatch):
    filed = approved(app)
    monkeypatch.setitem(app.config, "PDF_PAGE_CAP", 3)
    emails_before = ready_emails(app, filed.id)

    job = work(app, filed.id)

    assert job.status == JobStatus.FAILED
    document = pack_of(app, filed.id)
    assert document.status == DocumentStatus.FAILED
    assert "the limit is 3" in document.failure_reason
    assert document.encrypted is None
    assert state_of(app, filed.id) == CaseState.READY  # nothing released
    assert ready_emails(app, filed.id) == emails_before

    staff = app.test_client()
    signed_in(staff, Role.CASEWORKER)
    page = get_page(staff, f"/staff/cases/{filed.reference}", lang="en")
    assert "The response pack could not be made" in page.text()
    assert "the limit is 3" in page.text()
    retried = staff.post(
        f"/staff/cases/{filed.reference}/response-pack/retry",
        data={"csrf_token": any_token(staff)},
    )
    assert retried.status_code == 303
    assert pack_of(app, filed.id).status == DocumentStatus.QUEUED

    monkeypatch.setitem(app.config, "PDF_PAGE_CAP", packs.PAGE_CAP)
    assert work(app, filed.id).status == JobStatus.DONE
    assert pack_of(app, filed.id).status == DocumentStatus.READY
    assert state_of(app, filed.id) == CaseState.COMPLETED
    assert "response_pack_retried" in actions_of(app, filed.id)


def test_a_render_past_the_time_limit_fails_at_once(app, monkeypatch):
    filed = approved(app)
    real = packs.render_document

    def slow(*args, **kwargs):
        time.sleep(10)  # the alarm ends this, not the sleep (a loaded machine can't flake it)
        return real(*args, **kwargs)

    monkeypatch.setattr(packs, "render_document", slow)
    monkeypatch.setitem(app.config, "PDF_TIME_LIMIT_SECONDS", 0.3)
    started = time.monotonic()
    job = work(app, filed.id)
    assert time.monotonic() - started < 5
    assert job.status == JobStatus.FAILED
    assert job.attempts == 1
    assert "Rendering took longer than 0.3 seconds" in pack_of(app, filed.id).failure_reason


def test_a_passing_failure_is_retried_and_nothing_is_half_made(app, monkeypatch):
    filed = approved(app)
    real = packs.build_response_pack
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(packs, "build_response_pack", flaky)
    first = work(app, filed.id)
    assert first.status == JobStatus.PENDING and first.attempts == 1
    assert "disk full" in first.last_error
    assert pack_of(app, filed.id).status == DocumentStatus.QUEUED
    assert state_of(app, filed.id) == CaseState.READY

    later = datetime.now(UTC) + timedelta(minutes=5)
    assert work(app, filed.id, now=later).status == JobStatus.DONE
    assert pack_of(app, filed.id).status == DocumentStatus.READY


def test_doing_the_job_twice_releases_once(app):
    filed = approved(app)
    job = work(app, filed.id)
    with app.app_context():
        again = db.session.get(Job, job.id)
        assert production.render_pack_job(again) == "already made"
    assert actions_of(app, filed.id).count("response_completed") == 1


def test_a_postal_request_waits_for_staff_to_send_it(app, client):
    filed = approved(app, details={"delivery": {"delivery": "post"}})
    work(app, filed.id)
    document = pack_of(app, filed.id)
    assert document.status == DocumentStatus.READY
    assert document.released_at is None
    assert state_of(app, filed.id) == CaseState.READY
    sign_in(app, client, filed)
    assert "Your information is ready" not in get_page(client, "/en/track/status").text()
    assert client.get("/en/track/your-information.pdf").status_code == 404


def test_nobody_else_can_download_it(app, client):
    mine = approved(app)
    work(app, mine.id)
    theirs = approved(app, appended_pages=0)
    sign_in(app, client, theirs)
    response = client.get("/en/track/your-information.pdf")
    assert response.status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/en/track/your-information.pdf").status_code == 303


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.REVIEWER])
def test_staff_download_the_pack_as_an_audited_event(app, signed_in, role):
    filed = approved(app, details={"delivery": {"delivery": "post"}}, appended_pages=0)
    work(app, filed.id)
    staff = app.test_client()
    signed_in(staff, role)
    response = staff.get(f"/staff/cases/{filed.reference}/response-pack.pdf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert actions_of(app, filed.id)[-1] == "response_pack_downloaded"
