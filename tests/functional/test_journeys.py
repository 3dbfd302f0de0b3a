"""The access request and objection journeys, from start page to confirmation."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from portal.cases.models import AuditEvent, Case, CaseFile, CaseKind, CaseState
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.notices import current_release
from portal.outbox import Job
from tests.conftest import get_page, translated
from tests.journeys import (
    PERSON,
    answer,
    complete_access_journey,
    complete_objection_journey,
    png_bytes,
    start,
    submit,
)
from tests.visible import visible_text

# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)


def case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Case.id)))


def latest_case(app) -> Case:
    with app.app_context():
        case = db.session.scalars(select(Case).order_by(Case.id.desc()).limit(1)).one()
        db.session.expunge_all()
        return case


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path", ["get-a-copy", "object"])
def test_start_pages_explain_time_limits_and_other_ways(client, locale, path):
    page = get_page(client, f"/{locale}/{path}")
    assert f'href="/{locale}/{path}/begin"' in page.html
    assert "01924 306112" in page.html
    assert f'href="/{locale}/hubs"' in page.html
    assert "Set-Cookie" not in page.response.headers


def test_notice_rights_section_links_to_the_journeys(client):
    page = get_page(client, "/en/")
    assert 'href="/en/get-a-copy"' in page.html
    assert 'href="/en/object"' in page.html


def test_access_journey_creates_one_complete_case(app):
    client = app.test_client()
    before = case_count(app)
    response = complete_access_journey(client, "pl")
    assert response.status_code == 303
    assert response.headers["Location"] == "/pl/get-a-copy/sent"
    assert case_count(app) == before + 1
    sent = get_page(client, "/pl/get-a-copy/sent")
    reference = re.search(r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}", sent.html).group(0)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.kind == CaseKind.ACCESS
        assert case.state == CaseState.RECEIVED
        assert case.language == "pl"
        assert case.subject.full_name == "Anna Kowalska"
        assert case.subject.postcode == "WF1 2EB"
        assert case.subject.identifiers["ni_number"] == "AB123456C"
        assert case.details["what"]["agencies"] == ["police", "schools"]
        assert case.notice_version == current_release().version == "2.1"
        files = db.session.scalars(select(CaseFile).where(CaseFile.case_id == case.id)).all()
        assert sorted(f.purpose for f in files) == ["photo_id", "proof_of_address"]
        assert all(png_bytes()[:8] not in f.encrypted for f in files)  # encrypted at rest
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
        assert [e.action for e in events] == ["request_submitted"]
        jobs = db.session.scalars(select(Job).where(Job.kind == "email.request_received")).all()
        assert any(job.payload == {"case_id": case.id} for job in jobs)
        due = case.due_on
    from flask_babel import force_locale, format_date

    with app.test_request_context("/pl/"), force_locale("pl"):
        assert format_date(due, "long") in sent.text()


def test_objection_journey_records_what_and_why(app):
    client = app.test_client()
    complete_objection_journey(client, "ur")
    case = latest_case(app)
    assert case.kind == CaseKind.OBJECTION
    assert case.details["processing"]["processing"] == ["national_study", "sharing"]
    assert case.details["processing"]["agencies"] == ["police"]
    assert "police" in case.details["reasons"]["reasons"]
    assert case.identity_at_hub is True


@pytest.mark.parametrize("locale", ["en", "pl", "ur"])
def test_the_sent_page_promises_no_date_to_someone_showing_proof_at_a_hub(app, locale):
    """C1: the month starts when the proof arrives. Someone who will show it at a hub has
    sent none yet, so the page gives the rule, not a date that is not true."""
    client = app.test_client()
    complete_objection_journey(client, locale)
    shown = visible_text(get_page(client, f"/{locale}/object/sent").html)
    hub_rule = translated(
        locale,
        "We will reply within one month of the day you show your proof of identity at an "
        "Early Help Hub.",
    )
    assert hub_rule in shown
    sent_proof = translated(
        locale,
        "We will reply by <strong>%(date)s</strong>, if the proof of identity you sent is enough.",
    )
    assert visible_text(sent_proof.split("%(date)s")[1]) not in shown
    complete_access_journey(client, locale)  # proof uploaded: the date is given
    shown = visible_text(get_page(client, f"/{locale}/get-a-copy/sent").html)
    assert hub_rule not in shown
    assert visible_text(sent_proof.split("%(date)s")[1]) in shown


def test_hub_link_is_recorded_as_the_source(app):
    client = app.test_client()
    client.get("/en/hubs/south-east/start")
    complete_objection_journey(client, "en")
    assert latest_case(app).hub_source == "south-east"


def test_double_click_and_back_then_submit_make_one_case(app):
    client = app.test_client()
    complete_access_journey(client, "en", send=False)
    check = client.get("/en/get-a-copy/check")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', check.get_data(as_text=True)
    ).group(1)
    before = case_count(app)
    first = client.post("/en/get-a-copy/check", data={"csrf_token": token})
    second = client.post("/en/get-a-copy/check", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == "/en/get-a-copy/sent"
    # Back to the check page, then submit again
    back = client.get("/en/get-a-copy/check")
    assert back.status_code == 303 and back.headers["Location"] == "/en/get-a-copy/sent"
    assert case_count(app) == before + 1


def test_a_resubmit_with_the_same_key_returns_the_first_case(app):
    from portal.cases import intake
    from portal.cases.scenario_requests import submission

    with app.app_context():
        cipher = app.extensions["evidence_cipher"]
        one = intake.submit_request(
            db.session, submission(), idempotency_key="k-123", cipher=cipher
        )
        two = intake.submit_request(
            db.session, submission(), idempotency_key="k-123", cipher=cipher
        )
        assert one.id == two.id


def test_nothing_is_saved_when_any_part_fails(app, monkeypatch):
    """The case, its files, its audit event and its email job are one transaction."""
    from portal.cases import intake

    client = app.test_client()
    complete_access_journey(client, "en", send=False)
    before = case_count(app)

    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(intake, "enqueue", broken_enqueue)
    response = submit(client, "/en/get-a-copy/check", {})
    assert response.status_code == 500
    assert case_count(app) == before
    with app.app_context():
        assert db.session.scalar(
            select(func.count(CaseFile.id)).join(Case).where(Case.id > 0)
        ) == db.session.scalar(select(func.count(CaseFile.id)))
    # the answers are still there: once the fault clears, sending works
    monkeypatch.undo()
    response = submit(client, "/en/get-a-copy/check", {})
    assert response.status_code == 303
    assert case_count(app) == before + 1


def test_an_expired_session_says_so_and_offers_a_fresh_start(app):
    client = app.test_client()
    response = client.get("/pl/get-a-copy/name")
    assert response.status_code == 303
    assert response.headers["Location"] == "/pl/get-a-copy/session-ended"
    page = get_page(client, "/pl/get-a-copy/session-ended")
    assert translated("pl", "Your session has ended") in page.title
    assert 'href="/pl/get-a-copy/begin"' in page.html


def test_errors_link_to_fields_and_keep_answers(app):
    client = app.test_client()
    start(client, "ro", "get-a-copy")
    answer(client, "ro", "get-a-copy", "who", {"acting_for": "myself"})
    response = submit(client, "/ro/get-a-copy/name", {"full_name": "", "other_names": "Ion"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert translated("ro", "Enter the full name") in html
    assert 'href="#full_name"' in html
    assert ">Ion</textarea>" in html
    assert re.search(r"<title>\s*" + re.escape(translated("ro", "Error:")), html)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "1990", "Enter a real date, for example 27 3 2007"),
        ("", "2", "1990", "The date must include a day"),
        ("1", "1", "2999", "The date of birth must be in the past"),
        ("", "", "", "Enter the date of birth"),
        ("x", "y", "z", "Enter a real date, for example 27 3 2007"),
    ],
)
def test_dates_must_be_real(app, day, month, year, message):
    client = app.test_client()
    start(client, "en", "get-a-copy")
    answer(client, "en", "get-a-copy", "who", {"acting_for": "myself"})
    answer(client, "en", "get-a-copy", "name", PERSON["name"])
    data = {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}
    response = submit(client, "/en/get-a-copy/date-of-birth", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'href="#date_of_birth-day"' in response.get_data(as_text=True)


def test_date_parts_missing_from_the_post_are_an_error_not_a_crash(app):
    client = app.test_client()
    start(client, "en", "get-a-copy")
    answer(client, "en", "get-a-copy", "who", {"acting_for": "myself"})
    answer(client, "en", "get-a-copy", "name", PERSON["name"])
    response = submit(client, "/en/get-a-copy/date-of-birth", {})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ni_number", "AB123", "National Insurance number in the right format"),
        ("ni_number", "BG 12 34 56 A", "National Insurance number in the right format"),
        ("nhs_number", "943 476 5918", "10-digit NHS number"),
        ("nhs_number", "12345", "10-digit NHS number"),
    ],
)
def test_identifiers_are_checked_where_a_format_exists(app, field, value, message):
    client = app.test_client()
    start(client, "en", "get-a-copy")
    for step, data in PERSON.items():
        answer(client, "en", "get-a-copy", step, data)
    data = {"ni_number": "", "nhs_number": "", "other_references": "school ref 42"}
    data[field] = value
    response = submit(client, "/en/get-a-copy/identifiers", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_contact_needs_an_email_or_a_postal_address(app):
    client = app.test_client()
    start(client, "en", "object")
    for step in ("who", "name", "date-of-birth", "address"):
        answer(client, "en", "object", step, PERSON[step])
    response = submit(client, "/en/object/contact", {"letters_language": "en"})
    assert response.status_code == 400
    assert "Enter an email address or a postal address" in response.get_data(as_text=True)


def _to_identity(client, acting_for="myself"):
    start(client, "en", "get-a-copy")
    person = dict(PERSON, who={"acting_for": acting_for})
    for step, data in person.items():
        if step == "name" and acting_for != "myself":
            answer(
                client,
                "en",
                "get-a-copy",
                "you",
                {"requester_name": "Jan Kowalski", "relationship": "father"},
            )
        answer(client, "en", "get-a-copy", step, data)
    answer(client, "en", "get-a-copy", "identifiers", {})
    answer(client, "en", "get-a-copy", "what", {"scope": "everything"})
    answer(client, "en", "get-a-copy", "delivery", {"delivery": "post"})


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.png", "is empty"),
        (b"just some text", "letter.pdf", "must be a PDF, JPG or PNG"),
        (b"%PDF-1.4\nbroken", "scan.pdf", "could not be read"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "huge.png", "smaller than 10 MB"),
    ],
)
def test_refused_files_are_explained_and_other_files_and_answers_kept(app, content, name, message):
    client = app.test_client()
    _to_identity(client)
    files = {
        "photo_id": (io.BytesIO(png_bytes()), "passport.png"),
        "proof_of_address": (io.BytesIO(content), name),
    }
    response = submit(client, "/en/get-a-copy/identity", {"how": "upload"}, files=files)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'href="#proof_of_address"' in html
    assert "passport.png" in html  # the good file was kept
    # answers from earlier steps are still there
    check = client.get("/en/get-a-copy/name")
    assert "Anna Kowalska" in check.get_data(as_text=True)


def test_acting_for_a_child_needs_proof_of_authority(app):
    client = app.test_client()
    _to_identity(client, acting_for="my_child")
    files = {
        "photo_id": (io.BytesIO(png_bytes()), "passport.png"),
        "proof_of_address": (io.BytesIO(png_bytes()), "bill.png"),
    }
    response = submit(client, "/en/get-a-copy/identity", {"how": "upload"}, files=files)
    assert response.status_code == 400
    assert "proof that you may act for them" in response.get_data(as_text=True)


def test_check_answers_lists_answers_with_change_links(app):
    client = app.test_client()
    complete_access_journey(client, "en", send=False)
    page = get_page(client, "/en/get-a-copy/check")
    for text in (
        "Anna Kowalska",
        "14 February 1988",
        "WF1 2EB",
        "anna@example.com",
        "Police",
        "passport.png",
    ):
        assert text in page.html
    assert 'href="/en/get-a-copy/name?change=1"' in page.html
    # changing an answer returns to the check page
    response = submit(
        client, "/en/get-a-copy/name?change=1", {"full_name": "Anna K", "other_names": ""}
    )
    assert response.headers["Location"] == "/en/get-a-copy/check"


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(app):
    client = app.test_client()
    start(client, "en", "get-a-copy")
    response = client.get("/en/get-a-copy/delivery")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/get-a-copy/who"


def test_unknown_step_is_a_404(client):
    get_page(client, "/en/get-a-copy/no-such-step", status=404)


def test_steps_warn_before_the_answers_are_deleted_and_can_keep_them(app):
    client = app.test_client()
    start(client, "lt", "object")
    page = get_page(client, "/lt/object/who")
    assert 'data-module="portal-timeout-warning"' in page.html
    assert 'data-timeout-seconds="3600"' in page.html
    assert 'data-warn-seconds="120"' in page.html
    assert 'data-keep-alive-url="/lt/object/keep-alive"' in page.html
    assert translated("lt", "Do you need more time?") in page.html
    assert client.get("/lt/object/keep-alive").status_code == 204


def test_delete_my_answers_forgets_the_draft_and_its_files(app):
    from portal.cases.models import DraftUpload

    client = app.test_client()
    _to_identity(client)
    files = {"photo_id": (io.BytesIO(png_bytes()), "passport.png")}
    submit(client, "/en/get-a-copy/identity", {"how": "upload"}, files=files)
    with client.session_transaction() as session:
        token = session["journey:access"]["draft_token"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(DraftUpload.id)).where(DraftUpload.draft_token == token)
            )
            == 1
        )
    response = submit(client, "/en/get-a-copy/identity", {}, action="/en/get-a-copy/discard")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/get-a-copy"
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(DraftUpload.id)).where(DraftUpload.draft_token == token)
            )
            == 0
        )
    assert client.get("/en/get-a-copy/keep-alive").status_code == 401
    assert client.get("/en/get-a-copy/name").headers["Location"] == "/en/get-a-copy/session-ended"
