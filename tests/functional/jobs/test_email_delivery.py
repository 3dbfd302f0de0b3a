"""Emails to residents: written with the case, sent by the worker over real SMTP, retried.

Other tests share the database and may leave jobs of their own, so every assertion looks at
this test's case, its job and the messages sent to its own address.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select, text

from portal.cases import closing, intake, tracking
from portal.cases.models import Case, CaseKind, CaseState, EvidencePurpose
from portal.cases.requests import Evidence
from portal.cases.scenario_requests import person
from portal.cases.scenarios import Scenarios
from portal.encryption import EvidenceCipher
from portal.extensions import db
from portal.i18n import babel_locale_for
from portal.instants import utc_now
from portal.jobs import emails, worker
from portal.outbox import Job, JobStatus, enqueue
from tests.functional.jobs.conftest import eml_files

# The app's own secret: the worker opens the sealed code with it, as in production.
TRACKING_SECRET = "test-secret-key-not-for-production"
PASSPORT = Evidence(EvidencePurpose.PHOTO_ID, "passport-scan.jpg", "image/jpeg", b"\xff\xd8 scan")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_address() -> str:
    return f"resident-{uuid.uuid4().hex[:10]}@example.com"


def submit(app, *, email: str, language: str = "pl", **overrides) -> Case:
    """A request as the public journey would save it; returns the case, detached."""
    values = {
        "language": language,
        "subject": person(full_name="Zofia Wójcik", email=email),
        "identity_at_hub": False,
        "evidence": (PASSPORT,),
    }
    values.update(overrides)
    with app.app_context():
        scenarios = Scenarios(db.session, cipher=EvidenceCipher(os.urandom(32)))
        case = scenarios.filed(received=utc_now(), **values)
        db.session.refresh(case)
        db.session.expunge(case)
        return case


def job_of(app, case_id: int, kind: str = "email.request_received") -> Job:
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == kind)).all()
        mine = [job for job in jobs if job.payload.get("case_id") == case_id]
        assert len(mine) == 1, f"expected one {kind} job for case {case_id}, found {len(mine)}"
        db.session.expunge(mine[0])
        return mine[0]


def work_until_idle(app, now: datetime | None = None) -> None:
    """Run the worker until nothing is due (other tests' jobs may be due too)."""
    for _ in range(10):
        if worker.run_once(app, now=now, limit=100) == 0:
            return
    raise AssertionError("the worker never ran out of due jobs")


def test_confirmation_goes_out_over_smtp_in_the_residents_language(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address, language="pl")

    work_until_idle(smtp_app)

    [message] = smtp_server.to(address)
    body = message.get_content()
    assert message["To"].addresses[0].addr_spec == address
    assert message["Subject"] and case.reference in message["Subject"]
    assert message["Content-Language"] == "pl"
    assert message["Message-ID"] and message["Date"]
    assert case.reference in body
    assert case.due_on is not None
    assert format_date(case.due_on, "long", locale="pl") in body
    assert "http://portal.test/pl/track" in body
    council = smtp_app.extensions["council"]
    assert council.information_governance.phone in body
    assert council.information_governance.email in body
    assert "Telefon:" in body  # an already-translated label: the Polish catalogue is used
    job = job_of(smtp_app, case.id)
    assert job.status == JobStatus.DONE
    assert job.done_at is not None
    assert job.last_error == ""


def test_the_email_names_the_resident_but_carries_no_other_personal_details(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address, language="en")

    work_until_idle(smtp_app)

    [message] = smtp_server.to(address)
    body = message.get_content()
    assert "Dear Zofia Wójcik," in body
    assert format_date(case.due_on, "long", locale="en_GB") in body
    for detail in ("passport-scan.jpg", "12 Westgate", "WF1 2EB", "1988", address):
        assert detail not in body
    assert not message.is_multipart()  # no attachments: evidence never leaves the portal


def test_with_smtp_down_the_case_is_saved_and_the_email_goes_out_once_smtp_is_back(
    mail_app, smtp_server
):
    app = mail_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)  # nothing listens yet
    address = new_address()
    case = submit(app, email=address)
    first_try = datetime.now(UTC)

    work_until_idle(app, now=first_try)

    job = job_of(app, case.id)
    assert job.status == JobStatus.PENDING
    assert job.attempts == 1
    assert _aware(job.run_after) > first_try
    assert "Connection" in job.last_error
    with app.app_context():
        saved = db.session.get(Case, case.id)
        assert saved is not None and saved.state == CaseState.RECEIVED

    smtp_server.start()
    work_until_idle(app, now=first_try + timedelta(seconds=10))  # before the retry is due
    assert smtp_server.to(address) == []

    after_backoff = _aware(job.run_after) + timedelta(seconds=1)
    work_until_idle(app, now=after_backoff)
    work_until_idle(app, now=after_backoff + timedelta(hours=2))

    assert len(smtp_server.to(address)) == 1
    job = job_of(app, case.id)
    assert job.status == JobStatus.DONE
    assert job.attempts == 1


def test_retries_back_off_and_give_up_after_the_last_attempt(mail_app, smtp_server):
    app = mail_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)  # never started
    case = submit(app, email=new_address())
    now = datetime.now(UTC)
    waits = []

    for _ in range(worker.MAX_ATTEMPTS):
        work_until_idle(app, now=now)
        job = job_of(app, case.id)
        if job.status != JobStatus.PENDING:
            break
        waits.append(_aware(job.run_after) - now)
        now = _aware(job.run_after) + timedelta(seconds=1)

    assert job.status == JobStatus.FAILED
    assert job.attempts == worker.MAX_ATTEMPTS
    assert job.last_error.startswith(f"gave up after {worker.MAX_ATTEMPTS} attempts")
    assert waits[0] <= timedelta(seconds=30) < waits[3]
    assert max(waits) <= worker.LONGEST_WAIT


def test_two_workers_at_once_send_the_email_once(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address)
    moment = datetime.now(UTC)
    start_together = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_worker() -> None:
        try:
            start_together.wait(timeout=10)
            worker.run_once(smtp_app, now=moment, limit=100)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(smtp_server.to(address)) == 1
    assert job_of(smtp_app, case.id).status == JobStatus.DONE


def test_of_two_workers_racing_for_a_job_only_one_claims_it(smtp_app, smtp_server):
    """Both saw the job as due; each then tries to claim it in its own transaction."""
    case = submit(smtp_app, email=new_address())
    job_id = job_of(smtp_app, case.id).id
    now = datetime.now(UTC)

    with smtp_app.app_context():
        first = worker.claim(job_id, now)
    with smtp_app.app_context():
        second = worker.claim(job_id, now + timedelta(seconds=1))

    assert (first, second) == (True, False)
    with smtp_app.app_context():
        worker.run_job(smtp_app, job_id, now=now)  # SMTP is down: a retry is scheduled
    with smtp_app.app_context():
        assert not worker.claim(job_id, now + timedelta(seconds=2))  # not due yet


def test_a_done_job_cannot_be_claimed_again(smtp_app, smtp_server):
    smtp_server.start()
    case = submit(smtp_app, email=new_address())
    job_id = job_of(smtp_app, case.id).id
    now = datetime.now(UTC)
    with smtp_app.app_context():
        assert worker.claim(job_id, now)
        worker.run_job(smtp_app, job_id, now=now)

    with smtp_app.app_context():
        assert not worker.claim(job_id, now + worker.CLAIM_DURATION * 2)
    assert job_of(smtp_app, case.id).status == JobStatus.DONE


def test_a_claimed_job_waits_for_its_worker_until_the_claim_runs_out(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address)
    now = datetime.now(UTC)
    with smtp_app.app_context():
        # As if another worker had claimed it, then died.
        job = db.session.get(Job, job_of(smtp_app, case.id).id)
        assert job is not None
        job.locked_until = now + worker.CLAIM_DURATION
        db.session.commit()

    work_until_idle(smtp_app, now=now)
    assert smtp_server.to(address) == []

    work_until_idle(smtp_app, now=now + worker.CLAIM_DURATION + timedelta(seconds=1))
    assert len(smtp_server.to(address)) == 1

    work_until_idle(smtp_app, now=now + timedelta(hours=1))
    assert len(smtp_server.to(address)) == 1
    assert job_of(smtp_app, case.id).status == JobStatus.DONE


def test_embedded_mode_writes_each_email_to_a_file(mail_app, tmp_path):
    mail_dir = tmp_path / "embedded-mail"
    app = mail_app(MAIL_SERVER="", MAIL_FILE_DIR=str(mail_dir))
    address = new_address()
    case = submit(app, email=address, language="pl")

    work_until_idle(app)

    job = job_of(app, case.id)
    assert job.status == JobStatus.DONE
    assert len(list(mail_dir.glob(f"*-job{job.id}.eml"))) == 1
    [message] = [m for m in eml_files(mail_dir) if m["To"].addresses[0].addr_spec == address]
    assert message["Content-Language"] == "pl"
    assert case.reference in message.get_content()


def test_a_postal_only_requester_gets_no_email_and_the_job_says_a_letter_is_needed(
    smtp_app, smtp_server
):
    smtp_server.start()
    case = submit(smtp_app, email="")

    work_until_idle(smtp_app)

    job = job_of(smtp_app, case.id)
    assert job.status == JobStatus.DONE
    assert job.last_error == emails.NO_ADDRESS_NOTE
    assert not [m for m in smtp_server.received if case.reference in m.message.get_content()]


def test_an_unknown_job_kind_fails_at_once_and_says_why(smtp_app, smtp_server):
    smtp_server.start()
    with smtp_app.app_context():
        job = enqueue(db.session, "email.no_such_email", {"case_id": 1})
        db.session.commit()
        job_id = job.id

    work_until_idle(smtp_app)

    with smtp_app.app_context():
        failed = db.session.get(Job, job_id)
        assert failed is not None
        assert failed.status == JobStatus.FAILED
        assert "no handler for job kind 'email.no_such_email'" in failed.last_error


def test_a_job_for_a_missing_case_fails_without_retrying(smtp_app, smtp_server):
    smtp_server.start()
    with smtp_app.app_context():
        job = enqueue(db.session, "email.request_received", {"case_id": 2_000_000_000})
        db.session.commit()
        job_id = job.id

    work_until_idle(smtp_app)

    with smtp_app.app_context():
        failed = db.session.get(Job, job_id)
        assert failed is not None
        assert failed.status == JobStatus.FAILED
        assert failed.attempts == 1
        assert "case 2000000000 does not exist" in failed.last_error


def test_more_evidence_and_withdrawal_are_confirmed_with_the_reference(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address, language="en")
    cipher = EvidenceCipher(os.urandom(32))
    with smtp_app.app_context():
        live = db.session.get(Case, case.id)
        assert live is not None
        intake.add_evidence(db.session, live, (PASSPORT,), cipher=cipher)
        closing.withdraw(db.session, live)

    work_until_idle(smtp_app)

    subjects = {m["Subject"]: m.get_content() for m in smtp_server.to(address)}
    assert set(subjects) == {
        f"We have received your request for your information ({case.reference})",
        f"We have received your documents ({case.reference})",
        f"Your request has been withdrawn ({case.reference})",
    }
    assert all(case.reference in body for body in subjects.values())
    assert all("passport-scan.jpg" not in body for body in subjects.values())


def test_an_objection_is_confirmed_as_an_objection(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(
        smtp_app,
        email=address,
        language="en",
        kind=CaseKind.OBJECTION,
        details={"objection": {"reasons": "I do not want my data linked"}},
    )

    work_until_idle(smtp_app)

    [message] = smtp_server.to(address)
    assert message["Subject"] == f"We have received your objection ({case.reference})"
    assert "We have received your objection" in message.get_content()
    assert "I do not want my data linked" not in message.get_content()


def test_the_tracking_code_email_gives_the_code_and_how_long_it_works(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address, language="en")
    work_until_idle(smtp_app)
    with smtp_app.app_context():
        tracking.start_tracking(
            db.session, reference=case.reference, email=address, secret=TRACKING_SECRET
        )
    sealed = job_of(smtp_app, case.id, "email.tracking_code").payload["code"]
    code = tracking.open_sealed_code(TRACKING_SECRET, case.id, sealed)

    work_until_idle(smtp_app)

    [message] = [m for m in smtp_server.to(address) if "code" in m["Subject"]]
    body = message.get_content()
    assert code in body
    assert code not in message["Subject"]
    assert "10 minutes" in body
    assert "If you did not ask for this code, ignore this email." in body


def test_the_jobs_table_never_holds_a_tracking_code_in_clear(smtp_app, smtp_server):
    """Issue 15 point 7: the code waits in the outbox sealed, yet the email has it."""
    smtp_server.start()
    address = new_address()
    case = submit(smtp_app, email=address, language="en")
    work_until_idle(smtp_app)
    with smtp_app.app_context():
        tracking.start_tracking(
            db.session,
            reference=case.reference,
            email=address,
            secret=smtp_app.config["SECRET_KEY"],
        )
        rows = db.session.execute(text("SELECT * FROM jobs")).all()
    sealed = job_of(smtp_app, case.id, "email.tracking_code").payload["code"]
    code = tracking.open_sealed_code(smtp_app.config["SECRET_KEY"], case.id, sealed)
    assert re.fullmatch(r"\d{6}", code)
    assert not [row for row in rows if any(code in str(value) for value in row)]

    work_until_idle(smtp_app)

    [message] = [m for m in smtp_server.to(address) if "code" in m["Subject"]]
    assert code in message.get_content()
    with smtp_app.app_context():
        rows = db.session.execute(text("SELECT * FROM jobs")).all()
    assert not [row for row in rows if any(code in str(value) for value in row)]


@pytest.mark.parametrize("language", ["en", "pl", "ro", "ur", "lt", "lv", "ckb"])
def test_every_shipped_language_renders(mail_app, tmp_path, language):
    mail_dir = tmp_path / language
    app = mail_app(MAIL_SERVER="", MAIL_FILE_DIR=str(mail_dir))
    case = submit(app, email=new_address(), language=language)
    with app.app_context():
        email = emails.build_email(app, "email.request_received", {"case_id": case.id})
    assert email is not None
    assert email.language == language
    assert format_date(case.due_on, "long", locale=babel_locale_for(language)) in email.body
    assert f"http://portal.test/{language}/track" in email.body


def test_the_worker_loop_sends_as_jobs_arrive_and_stops_when_asked(smtp_app, smtp_server):
    smtp_server.start()
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run_forever,
        args=(smtp_app,),
        kwargs={"poll_seconds": 0.05, "stop_event": stop},
    )
    loop.start()
    try:
        address = new_address()
        submit(smtp_app, email=address)
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while not smtp_server.to(address) and datetime.now(UTC) < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        loop.join(timeout=20)

    assert not loop.is_alive()
    assert len(smtp_server.to(address)) == 1


def test_flask_worker_once_does_the_due_jobs_and_says_how_many(smtp_app, smtp_server):
    smtp_server.start()
    address = new_address()
    submit(smtp_app, email=address)

    result = smtp_app.test_cli_runner().invoke(args=["worker", "once", "--limit", "500"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("job(s) worked on")
    assert int(result.output.split()[0]) >= 1
    assert len(smtp_server.to(address)) == 1
