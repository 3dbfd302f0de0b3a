"""Following a request: reference and email address, a code by email, then the status page.

Until the code is right nothing says whether a request exists; attempts are counted in the
database; the code works once, for 10 minutes, and 5 wrong tries burn it; a signed-in
session ends after 20 minutes without a request.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from portal.cases.models import (
    AuditEvent,
    Case,
    CaseFile,
    CaseState,
    EvidencePurpose,
    LookupAttempt,
    TrackingCode,
)
from portal.cases.references import new_reference
from portal.cases.scenario_requests import person
from portal.cases.tracking import open_sealed_code
from portal.extensions import db
from portal.instants import utc_now
from portal.outbox import Job
from tests.conftest import building, get_page
from tests.journeys import csrf_token, png_bytes

MISTYPED = "TF-7K3Q-9PXM"  # one symbol off TF-7K3Q-9PMH: the check character catches it
MISTYPED_MESSAGE = (
    "Check your reference number. Enter it as it appears on your confirmation, like TF-7K3Q-9PMH"
)


@dataclass(frozen=True)
class Filed:
    id: int
    reference: str
    email: str


def unique_email() -> str:
    # Attempts are counted per address for an hour, across the whole test session.
    return f"anna.{secrets.token_hex(6)}@example.com"


def file_request(app, *, email: str | None = None, language: str = "en") -> Filed:
    """A request sent online just now, by the scenario builder."""
    address = email or unique_email()
    with building(app) as scenarios:
        subject = person(email=address)
        case = scenarios.filed(received=utc_now(), subject=subject, language=language)
        return Filed(case.id, case.reference, address)


@pytest.fixture()
def filed(app) -> Filed:
    return file_request(app)


def post_form(client, url: str, data: dict, **kwargs):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def ask_for_code(client, reference: str, email: str, locale: str = "en"):
    return post_form(client, f"/{locale}/track", {"reference": reference, "email": email})


def enter_code(client, code: str, locale: str = "en"):
    return post_form(client, f"/{locale}/track/code", {"code": code})


def latest_code(app, case_id: int) -> str:
    with app.app_context():
        jobs = db.session.scalars(
            select(Job).where(Job.kind == "email.tracking_code").order_by(Job.id.desc())
        )
        sealed = next(job.payload["code"] for job in jobs if job.payload["case_id"] == case_id)
        return open_sealed_code(app.config["SECRET_KEY"], case_id, sealed)


def sign_in(app, client, filed: Filed, locale: str = "en"):
    assert ask_for_code(client, filed.reference, filed.email, locale).status_code == 303
    response = enter_code(client, latest_code(app, filed.id), locale)
    assert response.status_code == 303
    assert response.location == f"/{locale}/track/status"
    return response


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LookupAttempt.id))) or 0


def jobs_for(app, case_id: int, kind: str) -> int:
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == kind))
        return sum(1 for job in jobs if job.payload.get("case_id") == case_id)


def comparable(html: str, *references: str) -> str:
    """A page with what differs between two visitors taken out: nonce, CSRF token, and the
    reference each one typed (shown back to them)."""
    html = re.sub(r"nonce-[A-Za-z0-9_-]+|nonce=\"[^\"]+\"", "nonce", html)
    html = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "csrf", html)
    for reference in references:
        html = html.replace(reference, "TF-XXXX-XXXX")
    return html


# Asking for a code -----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "pl", "ur"])
def test_start_page_asks_for_reference_and_email(client, locale):
    page = get_page(client, f"/{locale}/track")
    assert 'name="reference"' in page.html
    assert 'type="email"' in page.html and 'autocomplete="email"' in page.html
    assert "01924 306112" in page.text()


@pytest.mark.parametrize("typed", [MISTYPED, "TF-7K3Q-9PM", "hello", "TF-7K3Q-9PMH-7K3Q"])
def test_a_mistyped_reference_is_caught_before_any_lookup(app, client, typed):
    before = attempts(app)
    response = ask_for_code(client, typed, "anna@example.com")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert MISTYPED_MESSAGE in html
    assert 'href="#reference"' in html  # the error summary links to the field
    assert attempts(app) == before
    with client.session_transaction() as session:
        assert "tracking" not in session


def test_a_mistyped_reference_is_told_in_the_residents_language(app, client):
    response = ask_for_code(client, MISTYPED, "anna@example.com", locale="pl")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="pl"' in html
    assert 'class="govuk-error-summary"' in html


def test_the_reference_is_read_as_people_type_it(app, client, filed):
    typed = filed.reference.lower().replace("-", " ").replace("0", "o")
    assert ask_for_code(client, typed, filed.email.upper()).status_code == 303
    assert jobs_for(app, filed.id, "email.tracking_code") == 1


def test_empty_and_malformed_answers_say_what_to_fix(client):
    response = ask_for_code(client, "", "not an address")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter your reference number, like TF-7K3Q-9PMH" in html
    assert "Enter an email address in the correct format, like name@example.com" in html


def test_unknown_reference_and_wrong_email_read_exactly_like_a_match(app, filed):
    tries = {
        "match": (filed.reference, filed.email),
        "wrong email": (filed.reference, unique_email()),
        "unknown reference": (new_reference(), filed.email),
    }
    answers = {}
    for name, (reference, email) in tries.items():
        client = app.test_client()
        asked = ask_for_code(client, reference, email)
        code_page = get_page(client, "/en/track/code")
        wrong = enter_code(client, "000000" if latest_code(app, filed.id) != "000000" else "111111")
        answers[name] = (
            asked.status_code,
            asked.location,
            comparable(asked.get_data(as_text=True)),
            comparable(code_page.html, reference),
            wrong.status_code,
            comparable(wrong.get_data(as_text=True), reference),
        )
    assert answers["match"] == answers["wrong email"] == answers["unknown reference"]
    status, location, _body, page, wrong_status, wrong_page = answers["match"]
    assert (status, location, wrong_status) == (303, "/en/track/code", 400)
    assert (
        "If the reference and email address match a request, we have sent a 6-digit code "
        "to that address. It expires in 10 minutes."
    ) in page
    assert "The code is not right. Check the email we sent, or ask for a new code" in wrong_page
    assert jobs_for(app, filed.id, "email.tracking_code") == 1  # only the match got a code


@pytest.mark.parametrize("ending", ["five wrong tries", "ten minutes"])
def test_a_burnt_or_expired_code_reads_the_same_for_an_unknown_reference(app, filed, ending):
    answers = {}
    for name, reference in (("match", filed.reference), ("unknown", new_reference())):
        client = app.test_client()
        ask_for_code(client, reference, filed.email)
        real = latest_code(app, filed.id)
        wrong = f"{(int(real) + 1) % 1_000_000:06d}"
        if ending == "five wrong tries":
            pages = [enter_code(client, wrong) for _ in range(5)]
        else:
            ten_minutes_pass(app, client, filed.id)
            pages = [enter_code(client, real)]
        pages.append(enter_code(client, real))
        answers[name] = [
            (page.status_code, comparable(page.get_data(as_text=True), reference)) for page in pages
        ]
    assert answers["match"] == answers["unknown"]
    last = answers["match"][-1][1]
    if ending == "five wrong tries":
        assert "You have entered a wrong code too many times. Ask for a new code" in last
    else:
        assert "The code has expired. Ask for a new code" in last
    assert jobs_for(app, filed.id, "email.tracking_code") == 1  # only the match got a code


def test_the_code_page_helps_the_resident_type_the_code(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    page = get_page(client, "/en/track/code")
    field = re.search(r"<input[^>]+name=\"code\"[^>]*>", page.html)
    assert field
    assert 'inputmode="numeric"' in field.group(0)
    assert 'autocomplete="one-time-code"' in field.group(0)
    assert 'href="/en/track"' in page.html and "Send a new code" in page.text()


def test_the_code_page_needs_a_reference_first(client):
    response = client.get("/en/track/code")
    assert response.status_code == 303
    assert response.location == "/en/track"


# Limits ----------------------------------------------------------------------------


def test_the_sixth_attempt_on_a_reference_within_the_hour_is_refused(app, filed):
    before = attempts(app)
    for _ in range(5):
        assert ask_for_code(app.test_client(), filed.reference, unique_email()).status_code == 303
    refused = ask_for_code(app.test_client(), filed.reference, filed.email)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    html = refused.get_data(as_text=True)
    assert "You have tried too many times" in html and "Try again in an hour" in html
    # Counted in the database: 5 attempts, each per reference and per address.
    assert attempts(app) == before + 10
    assert jobs_for(app, filed.id, "email.tracking_code") == 0

    unknown = new_reference()
    for _ in range(5):
        ask_for_code(app.test_client(), unknown, unique_email())
    refused_unknown = ask_for_code(app.test_client(), unknown, unique_email())
    assert refused_unknown.status_code == 429
    assert comparable(refused_unknown.get_data(as_text=True)) == comparable(html)


def test_an_address_may_try_ten_references_an_hour(app):
    email = unique_email()
    for _ in range(10):
        assert ask_for_code(app.test_client(), new_reference(), email).status_code == 303
    assert ask_for_code(app.test_client(), new_reference(), email).status_code == 429
    assert ask_for_code(app.test_client(), new_reference(), unique_email()).status_code == 303


# The code --------------------------------------------------------------------------


def test_the_right_code_signs_in_once(app, filed):
    first, second = app.test_client(), app.test_client()
    # The second visitor is waiting for a code too, but gave the wrong address.
    ask_for_code(second, filed.reference, unique_email())
    ask_for_code(first, filed.reference, filed.email)
    code = latest_code(app, filed.id)
    assert enter_code(first, code).location == "/en/track/status"
    reused = enter_code(second, code)
    assert reused.status_code == 400
    assert "The code is not right" in reused.get_data(as_text=True)
    assert second.get("/en/track/status").location == "/en/track"


def test_signing_in_gives_a_new_session_cookie(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    before = client.get_cookie("portal_session").value
    enter_code(client, latest_code(app, filed.id))
    after = client.get_cookie("portal_session").value
    assert after != before
    stale = app.test_client()
    stale.set_cookie("portal_session", before)
    assert stale.get("/en/track/status").status_code == 303


def test_the_code_may_be_typed_with_spaces(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    code = latest_code(app, filed.id)
    assert enter_code(client, f" {code[:3]} {code[3:]} ").status_code == 303


def ten_minutes_pass(app, client, case_id: int | None = None) -> None:
    """Move this visitor's request for a code, and the code itself, 10 minutes back."""
    ago = datetime.now(UTC) - timedelta(minutes=10)
    with client.session_transaction() as session:
        tracking = dict(session["tracking"])
        tracking["asked_at"] = ago.isoformat()
        session["tracking"] = tracking
    if case_id is not None:
        with app.app_context():
            db.session.execute(
                update(TrackingCode)
                .where(TrackingCode.case_id == case_id)
                .values(expires_at=ago + timedelta(minutes=10))
            )
            db.session.commit()


def test_the_code_expires_after_10_minutes(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    ten_minutes_pass(app, client, filed.id)
    response = enter_code(client, latest_code(app, filed.id))
    assert response.status_code == 400
    assert "The code has expired. Ask for a new code" in response.get_data(as_text=True)
    # Asking again gives a new code, which works.
    ask_for_code(client, filed.reference, filed.email)
    assert enter_code(client, latest_code(app, filed.id)).status_code == 303


def test_an_expired_code_is_refused_whatever_the_session_says(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    with app.app_context():
        db.session.execute(
            update(TrackingCode)
            .where(TrackingCode.case_id == filed.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    response = enter_code(client, latest_code(app, filed.id))
    assert response.status_code == 400
    assert client.get("/en/track/status").location == "/en/track"


def test_five_wrong_tries_burn_the_code(app, client, filed):
    ask_for_code(client, filed.reference, filed.email)
    code = latest_code(app, filed.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        response = enter_code(client, wrong)
        assert "The code is not right" in response.get_data(as_text=True)
    fifth = enter_code(client, wrong)
    burnt = "You have entered a wrong code too many times. Ask for a new code"
    assert burnt in fifth.get_data(as_text=True)
    right = enter_code(client, code)
    assert right.status_code == 400
    assert burnt in right.get_data(as_text=True)


def test_a_stranger_with_the_reference_cannot_burn_the_owners_code(app, filed):
    """Issue 15 point 3: wrong codes typed by someone who knows only the reference count
    against their own session, never against the code emailed to the owner."""
    owner, stranger = app.test_client(), app.test_client()
    ask_for_code(owner, filed.reference, filed.email)
    code = latest_code(app, filed.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for n in range(10):  # ten sessions' worth, from ten addresses, clearing cookies each time
        fresh = app.test_client()
        fresh.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        ask_for_code(fresh, filed.reference, unique_email())
        for _ in range(5):
            enter_code(fresh, wrong)
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    ask_for_code(stranger, filed.reference, unique_email())
    assert enter_code(stranger, code).status_code == 400  # the owner's code is not theirs
    assert enter_code(owner, code).location == "/en/track/status"


def test_a_stranger_with_the_reference_and_address_cannot_take_or_replace_the_code(app, filed):
    """Knowing the address as well, a stranger can make the portal email the owner a code
    (the email cap bounds how often), but that code is bound to the stranger's session:
    they cannot read it, their wrong tries burn only it, and the owner's stays good."""
    owner, stranger = app.test_client(), app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    ask_for_code(owner, filed.reference, filed.email)
    owners_code = latest_code(app, filed.id)
    ask_for_code(stranger, filed.reference, filed.email)
    strangers_code = latest_code(app, filed.id)
    assert jobs_for(app, filed.id, "email.tracking_code") == 2
    wrong = f"{(int(owners_code) + 1) % 1_000_000:06d}"
    if wrong == strangers_code:
        wrong = f"{(int(owners_code) + 2) % 1_000_000:06d}"
    for _ in range(5):
        enter_code(stranger, wrong)
    refused = enter_code(stranger, owners_code)
    assert refused.status_code == 400
    assert stranger.get("/en/track/status").location == "/en/track"
    assert enter_code(owner, owners_code).location == "/en/track/status"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from the email"),
        ("12345", "Enter the code as 6 digits, like 482913"),
        ("abcdef", "Enter the code as 6 digits, like 482913"),
    ],
)
def test_a_code_that_is_not_six_digits_is_not_counted(app, client, filed, typed, message):
    ask_for_code(client, filed.reference, filed.email)
    response = enter_code(client, typed)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        code = db.session.scalars(
            select(TrackingCode).where(TrackingCode.case_id == filed.id)
        ).one()
        assert code.wrong_attempts == 0


# The status page -------------------------------------------------------------------


def test_signed_in_pages_need_a_sign_in(client):
    for page in ("status", "evidence", "withdraw"):
        response = client.get(f"/en/track/{page}")
        assert response.status_code == 303
        assert response.location == "/en/track"
    assert client.get("/en/track/keep-alive").status_code == 401


def test_status_page_shows_the_request_in_the_residents_language(app, client):
    filed = file_request(app, language="pl")
    sign_in(app, client, filed, locale="pl")
    page = get_page(client, "/pl/track/status")
    with app.app_context():
        case = db.session.get(Case, filed.id)
        due_on, received_on = case.due_on, case.received_on
    assert format_date(due_on, "long", locale="pl") in page.text()
    assert filed.reference in page.text()
    assert page.response.headers["Cache-Control"] == "no-store"
    # The timeline: the request itself, not the sign-in just made.
    assert page.html.count('class="portal-timeline__item"') == 1
    assert f'<time datetime="{received_on.isoformat()}">' in page.html


def test_status_page_explains_state_due_date_messages_and_next_steps(app, client, filed):
    sign_in(app, client, filed)
    page = get_page(client, "/en/track/status")
    text = page.text()
    assert "Request for a copy of your information" in text
    assert "Received" in text
    # The resident chose to show their documents at a hub (the factory's default).
    assert "Take your photo ID and proof of address to an Early Help Hub" in text
    assert "We will reply by" in text
    # They have sent no proof yet, so the page does not speak of any.
    assert "If we need more proof of who you are, the month starts again" in text
    assert "the proof of identity you sent" not in text
    assert "We received your request" in text
    assert "No messages" in text
    assert 'href="/en/track/evidence"' in page.html
    assert 'href="/en/track/withdraw"' in page.html
    assert 'action="/en/track/sign-out"' in page.html


def test_status_page_warns_before_the_session_ends(app, client, filed):
    sign_in(app, client, filed)
    page = get_page(client, "/en/track/status")
    dialog = re.search(r"<dialog[^>]*>", page.html)
    assert dialog
    tag = dialog.group(0)
    assert 'role="alertdialog"' in tag
    assert 'data-module="portal-timeout-warning"' in tag
    assert 'data-timeout-seconds="1200"' in tag and 'data-warn-seconds="120"' in tag
    assert 'data-keep-alive-url="/en/track/keep-alive"' in tag
    assert 'data-ended-url="/en/track/session-ended"' in tag
    assert "Stay signed in" in page.text()
    assert "we will sign you out in 2 minutes" in page.text()


def test_other_states_read_in_plain_words(app, client, filed):
    sign_in(app, client, filed)
    with building(app) as scenarios:
        case = scenarios.session.get(Case, filed.id)
        scenarios.start(case)
        scenarios.extend(case)
        scenarios.ask(case)
    page = get_page(client, "/en/track/status")
    text = page.text()
    assert "Waiting for your answer" in text
    assert "The time limit is paused" in text
    assert "(extended)" in text
    assert 'href="/en/track/evidence"' not in page.html  # identity is no longer in question


# Idle timeout ----------------------------------------------------------------------


def set_last_seen(client, ago: timedelta) -> None:
    with client.session_transaction() as session:
        tracking = dict(session["tracking"])
        tracking["last_seen"] = (datetime.now(UTC) - ago).isoformat()
        session["tracking"] = tracking


def test_the_session_ends_after_20_minutes_without_a_request(app, client, filed):
    sign_in(app, client, filed)
    set_last_seen(client, timedelta(minutes=19, seconds=50))
    assert client.get("/en/track/status").status_code == 200  # and the clock restarts
    set_last_seen(client, timedelta(minutes=20, seconds=1))
    response = client.get("/en/track/status")
    assert response.status_code == 303
    assert response.location == "/en/track/session-ended"
    page = get_page(client, "/en/track/session-ended")
    assert "Your session has ended" in page.text()
    assert 'href="/en/track"' in page.html
    assert client.get("/en/track/status").location == "/en/track"


def test_stay_signed_in_restarts_the_clock(app, client, filed):
    sign_in(app, client, filed)
    set_last_seen(client, timedelta(minutes=19))
    response = client.get("/en/track/keep-alive")
    assert response.status_code == 204
    assert response.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        last_seen = datetime.fromisoformat(session["tracking"]["last_seen"])
    assert datetime.now(UTC) - last_seen < timedelta(minutes=1)
    set_last_seen(client, timedelta(minutes=21))
    assert client.get("/en/track/keep-alive").status_code == 401
    assert client.get("/en/track/status").location == "/en/track"


def test_signing_out_ends_the_tracking_session(app, client, filed):
    sign_in(app, client, filed)
    page = get_page(client, "/en/track/status")
    response = client.post("/en/track/sign-out", data={"csrf_token": csrf_token(page.html)})
    assert response.status_code == 303
    assert response.location == "/en/track"
    assert client.get("/en/track/status").location == "/en/track"


# More evidence ---------------------------------------------------------------------


def send_files(client, files):
    url = "/en/track/evidence"
    token = csrf_token(get_page(client, url).html)
    return client.post(
        url,
        data={"csrf_token": token, "files": files},
        content_type="multipart/form-data",
    )


def test_more_evidence_is_accepted(app, client, filed):
    sign_in(app, client, filed)
    response = send_files(client, [(io.BytesIO(png_bytes()), "passport.png")])
    assert response.status_code == 303
    assert response.location == "/en/track/status"
    page = get_page(client, "/en/track/status")
    assert "We have received your files" in page.text()
    assert "You sent 1 more file" in page.text()
    assert "We have received your files" not in get_page(client, "/en/track/status").text()
    with app.app_context():
        files = db.session.scalars(select(CaseFile).where(CaseFile.case_id == filed.id)).all()
        assert [f.purpose for f in files] == [EvidencePurpose.MORE_EVIDENCE]
        assert files[0].original_name == "passport.png"
    assert jobs_for(app, filed.id, "email.evidence_received") == 1


def test_a_refused_file_is_explained_and_nothing_is_kept(app, client, filed):
    sign_in(app, client, filed)
    response = send_files(
        client,
        [
            (io.BytesIO(png_bytes()), "passport.png"),
            (io.BytesIO(b"just some notes, not a PDF"), "notes.pdf"),
        ],
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert "The file notes.pdf must be a PDF, JPG or PNG" in html
    assert 'href="#files"' in html and 'name="files"' in html
    with app.app_context():
        kept = db.session.scalar(
            select(func.count(CaseFile.id)).where(CaseFile.case_id == filed.id)
        )
    assert kept == 0


def test_every_refusal_has_a_message(app, client, filed):
    """Including reasons newer than the journey's messages (a password-protected PDF)."""
    document = pikepdf.new()
    document.add_blank_page()
    buffer = io.BytesIO()
    document.save(buffer, encryption=pikepdf.Encryption(owner="bank", user=""))
    sign_in(app, client, filed)
    response = send_files(client, [(io.BytesIO(buffer.getvalue()), "statement.pdf")])
    assert response.status_code == 400
    summary = re.search(
        r'class="govuk-error-summary".*?</ul>', response.get_data(as_text=True), re.S
    )
    assert summary and "statement.pdf" in summary.group(0)


def test_sending_no_file_asks_for_one(app, client, filed):
    sign_in(app, client, filed)
    response = send_files(client, [])
    assert response.status_code == 400
    assert "Choose a file to send" in response.get_data(as_text=True)


# Withdrawing -----------------------------------------------------------------------


def test_withdrawing_closes_the_request(app, client, filed):
    sign_in(app, client, filed)
    unanswered = post_form(client, "/en/track/withdraw", {})
    assert unanswered.status_code == 400
    assert "Select yes if you want to withdraw your request" in unanswered.get_data(as_text=True)

    kept = post_form(client, "/en/track/withdraw", {"confirm": "no"})
    assert kept.location == "/en/track/status"
    withdrawn = post_form(
        client, "/en/track/withdraw", {"confirm": "yes", "reason": "Sorted it out <b>myself</b>"}
    )
    assert withdrawn.status_code == 303
    assert withdrawn.location == "/en/track/status"

    page = get_page(client, "/en/track/status")
    text = page.text()
    assert "You have withdrawn your request" in text
    assert "Withdrawn" in text and "You withdrew your request" in text
    assert 'href="/en/track/withdraw"' not in page.html
    assert 'href="/en/track/evidence"' not in page.html
    assert "We will reply by" not in text
    with app.app_context():
        case = db.session.get(Case, filed.id)
        assert case.state == CaseState.WITHDRAWN and case.closed_at is not None
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == filed.id, AuditEvent.action == "request_withdrawn"
            )
        ).one()
        assert event.details["reason"] == "Sorted it out <b>myself</b>"
    assert jobs_for(app, filed.id, "email.request_withdrawn") == 1
    assert client.get("/en/track/withdraw").location == "/en/track/status"


# Hostile input ---------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=80),
    st.text(min_size=2000, max_size=8000),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "TF-7K3Q\u202e-9PMH",
            "\x00\x01\x1b[31m",
            "١٢٣٤٥٦",
            "{{ 7*7 }}",
            "%(name)s %s",
            "😀" * 300,
        ]
    ),
)


@pytest.mark.parametrize("locale", ["pl", "ur", "ckb"])
def test_no_input_breaks_the_pages(app, locale):
    client = app.test_client()
    start = f"/{locale}/track"
    token = csrf_token(client.get(start).get_data(as_text=True))

    def check(response, expected):
        assert response.status_code in expected, response.status_code
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "onerror=alert(1)>" not in html
        assert "\u202e" not in html
        assert "Traceback" not in html

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(reference=HOSTILE, email=HOSTILE, code=HOSTILE)
    def post(reference, email, code):
        check(
            client.post(start, data={"reference": reference, "email": email, "csrf_token": token}),
            (303, 400, 429),
        )
        with client.session_transaction() as session:
            session["tracking"] = {"reference": "TF-7K3Q-9PMH"}
        check(client.post(f"{start}/code", data={"code": code, "csrf_token": token}), (400,))

    post()
