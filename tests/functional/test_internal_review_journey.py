"""Asking for an internal review from tracking (issue 16 point 6): once a request has a
decision, the resident asks, one question per page, checks their answers and reads the
date we will answer by, in their language; before a decision there is nothing to ask.
What a person sees is read as visible text."""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy import select

from portal.cases import clock, internal_reviews
from portal.cases.after_decision_models import InternalReview
from portal.cases.models import CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page, translated
from tests.functional.test_tracking import Filed, sign_in, unique_email
from tests.journeys import csrf_token
from tests.visible import visible_text


def decided(app, *, state: CaseState = CaseState.COMPLETED, language: str = "en") -> Filed:
    address = unique_email()
    with building(app) as scenarios:
        case = scenarios.case_in(
            state, received=utc_now(), subject=person(email=address), language=language
        )
        return Filed(case.id, case.reference, address)


def post(client, url: str, data: dict):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def reviews(app, case_id: int) -> list[InternalReview]:
    with app.app_context():
        return list(
            db.session.scalars(select(InternalReview).where(InternalReview.case_id == case_id))
        )


DISAGREE = "Nie wysłaliście mi dokumentów ze szkoły syna."
WHY = "Szkoła mówi, że przekazała je radzie w 2024 roku."


def test_a_resident_asks_for_a_review_in_polish_and_reads_when_we_will_answer(app, client):
    filed = decided(app, language="pl")
    sign_in(app, client, filed, "pl")
    status = visible_text(get_page(client, "/pl/track/status").html)
    assert translated("pl", "If you disagree with our decision") in status
    assert translated("pl", "Ask for an internal review") in status

    page = get_page(client, "/pl/track/review")
    assert translated("pl", "What do you disagree with?") in page.title
    refused = post(client, "/pl/track/review", {"disagreement": "   "})
    assert refused.status_code == 400
    text = visible_text(refused.get_data(as_text=True))
    assert translated("pl", "Enter what you disagree with") in text

    answered = post(client, "/pl/track/review", {"disagreement": DISAGREE})
    assert (answered.status_code, answered.location) == (303, "/pl/track/review/why")
    answered = post(client, "/pl/track/review/why", {"reasons": WHY})
    assert (answered.status_code, answered.location) == (303, "/pl/track/review/check")

    check = visible_text(get_page(client, "/pl/track/review/check").html)
    assert check.index(translated("pl", "What you disagree with")) < check.index(DISAGREE)
    assert (
        check.index(DISAGREE) < check.index(translated("pl", "Why you disagree")) < check.index(WHY)
    )
    assert reviews(app, filed.id) == []  # nothing is kept until they send it

    sent = post(client, "/pl/track/review/check", {})
    assert (sent.status_code, sent.location) == (303, "/pl/track/review/sent")
    due = internal_reviews.review_due_date(clock.london_today(), 20)
    due_words = format_date(due, "long", locale="pl")
    confirmation = visible_text(get_page(client, "/pl/track/review/sent").html)
    assert translated("pl", "Internal review asked for") in confirmation
    assert filed.reference in confirmation
    assert due_words in confirmation

    [review] = reviews(app, filed.id)
    assert (review.disagreement, review.reasons, review.due_on) == (DISAGREE, WHY, due)

    status = visible_text(get_page(client, "/pl/track/status").html)
    assert translated("pl", "Your internal review") in status
    assert due_words in status
    assert translated("pl", "Ask for an internal review") not in status
    # A second review of the same decision is not offered.
    again = client.get("/pl/track/review")
    assert (again.status_code, again.location) == (303, "/pl/track/status")


def test_changing_an_answer_goes_back_to_check_answers(app, client):
    filed = decided(app, state=CaseState.REFUSED)
    sign_in(app, client, filed)
    post(client, "/en/track/review", {"disagreement": "The refusal"})
    post(client, "/en/track/review/why", {"reasons": "It was my first request"})
    changed = post(client, "/en/track/review?change=1", {"disagreement": "The whole refusal"})
    assert changed.location == "/en/track/review/check"
    assert "The whole refusal" in visible_text(get_page(client, "/en/track/review/check").html)


def test_no_review_is_offered_before_a_decision(app, client):
    filed = decided(app, state=CaseState.IN_PROGRESS)
    sign_in(app, client, filed)
    status = visible_text(get_page(client, "/en/track/status").html)
    assert "internal review" not in status
    for url in ("/en/track/review", "/en/track/review/why", "/en/track/review/check"):
        response = client.get(url)
        assert (response.status_code, response.location) == (303, "/en/track/status"), url
    assert client.get("/en/track/review/sent").location == "/en/track/status"


def test_the_review_pages_need_a_signed_in_resident(client):
    for url in ("/en/track/review", "/en/track/review/check", "/en/track/review/sent"):
        response = client.get(url)
        assert (response.status_code, response.location) == (303, "/en/track"), url


def test_the_check_page_cannot_be_skipped_to(app, client):
    filed = decided(app)
    sign_in(app, client, filed)
    response = client.get("/en/track/review/check")
    assert response.location == "/en/track/review"
    post(client, "/en/track/review", {"disagreement": "Something"})
    assert client.get("/en/track/review/check").location == "/en/track/review/why"
