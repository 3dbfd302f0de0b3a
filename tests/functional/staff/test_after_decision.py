"""After a decision, on the staff side (issue 16 point 6): a review waits in the queue with
its own due date, a reviewer who made no part of the decision records its outcome (the
decision maker only when no one else can, and that is recorded), the requester is sent it
and the outcome letter (a tagged PDF in their language) explains the ICO route; an ICO case
recorded on the case holds it and closing it lifts that hold; both are counted in the
monthly report and its CSV. What a person sees is read as visible text."""

from __future__ import annotations

import csv
import io
import re

import pikepdf
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import clock, holds
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page, translated
from tests.functional.test_after_decision_hostile_input import HYPOTHESIS, assert_safe
from tests.functional.test_hostile_input import HOSTILE
from tests.journeys import csrf_token
from tests.visible import element_text, pdf_text, visible_text


def reviewed_case(app, decider_id: int, *, language: str = "en") -> tuple[str, int]:
    """A request completed by `decider` (who approved the response), and a review of it
    asked for today."""
    with building(app, caseworker="staff:0", reviewer=f"staff:{decider_id}") as scenarios:
        case = scenarios.case_in(
            CaseState.COMPLETED,
            received=utc_now(),
            subject=person(full_name="Zofia Wójcik", email="zofia@example.com"),
            language=language,
        )
        review = scenarios.ask_review(case, at=utc_now())
        return case.reference, review.id


def page_url(reference: str) -> str:
    return f"/staff/cases/{reference}/after-decision"


def post(client, reference: str, url: str, data: dict):
    token = csrf_token(client.get(page_url(reference)).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def outcome(client, reference: str, review_id: int, **data):
    fields = {f"review-{review_id}-{name}": value for name, value in data.items()}
    return post(client, reference, f"/staff/cases/{reference}/reviews/{review_id}/outcome", fields)


def case_row(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        db.session.expunge(case)
        return case


def test_a_second_reviewer_records_the_outcome_and_prints_the_letter_in_polish(
    app, client, signed_in, staff_account
):
    decider = staff_account(Role.REVIEWER, name="Dana Decider")
    reviewer = signed_in(client, Role.REVIEWER, name="Rowan Second")
    reference, review_id = reviewed_case(app, decider.id, language="pl")

    queue = get_page(client, "/staff/queue", lang="en")
    waiting = element_text(queue.html, "waiting-reviews")
    due = element_text(queue.html, "waiting-reviews")
    assert reference in waiting
    with app.app_context():
        review = db.session.get(InternalReview, review_id)
        assert review is not None
        due_on = review.due_on
    assert due_on.strftime("%-d %b %Y") in due

    case_page = get_page(client, f"/staff/cases/{reference}", lang="en")
    summary = element_text(case_page.html, "after-decision-section")
    assert f"due {due_on.strftime('%-d %B %Y')}" in summary

    page = get_page(client, page_url(reference), lang="en")
    section = element_text(page.html, f"review-{review_id}")
    assert "You did not send the school's records about my son." in section
    assert "Decision made by Dana Decider" in section

    refused = outcome(client, reference, review_id, outcome="", reasons="")
    assert refused.status_code == 400
    errors = visible_text(refused.get_data(as_text=True))
    assert "Select the outcome of the review" in errors
    assert "Give the reasons for the outcome" in errors

    done = outcome(client, reference, review_id, outcome="not_upheld", reasons="Searched again.")
    assert (done.status_code, done.location) == (303, page_url(reference))
    page = get_page(client, page_url(reference), lang="en")
    assert "Review outcome recorded" in visible_text(page.html)
    section = element_text(page.html, f"review-{review_id}")
    assert "Not upheld: the decision stands" in section
    assert "Reviewed by Rowan Second" in section
    assert "who also made the decision" not in section

    letter = client.get(
        re.search(r'href="([^"]*review_outcome\.pdf[^"]*)"', page.html)[1].replace("&amp;", "&")
    )
    assert letter.status_code == 200
    text = " ".join(pdf_text(letter.data).split())
    for english in (
        "The outcome of your internal review",
        "If you are still unhappy",
    ):
        assert translated("pl", english) in text
    assert "ico.org.uk/make-a-complaint" in text
    assert "Searched again." in text
    with pikepdf.open(io.BytesIO(letter.data)) as pdf:
        assert str(pdf.Root.Lang) == "pl"
        assert "/StructTreeRoot" in pdf.Root
    assert reviewer.id != decider.id


def test_the_decision_maker_must_say_no_one_else_can_review(app, client, signed_in):
    decider = signed_in(client, Role.REVIEWER, name="Dana Decider")
    reference, review_id = reviewed_case(app, decider.id)
    refused = outcome(client, reference, review_id, outcome="upheld", reasons="Wrong.")
    assert refused.status_code == 400
    assert "ask someone else to review it" in visible_text(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(InternalReview, review_id).outcome is None

    done = outcome(
        client, reference, review_id, outcome="upheld", reasons="Wrong.", no_one_else_could="y"
    )
    assert done.status_code == 303
    section = element_text(
        get_page(client, page_url(reference), lang="en").html, f"review-{review_id}"
    )
    assert "who also made the decision: no one else could review it" in section


def test_a_caseworker_reads_the_review_but_cannot_decide_it(app, client, signed_in, staff_account):
    decider = staff_account(Role.REVIEWER)
    signed_in(client, Role.CASEWORKER)
    reference, review_id = reviewed_case(app, decider.id)
    page = get_page(client, page_url(reference), lang="en")
    assert "Record the outcome" not in visible_text(page.html)
    assert "Record a complaint to the ICO" not in visible_text(page.html)
    response = client.post(
        f"/staff/cases/{reference}/reviews/{review_id}/outcome",
        data={"csrf_token": csrf_token(page.html)},
    )
    assert response.status_code == 403


def test_an_ico_case_holds_the_request_until_it_is_closed(app, client, signed_in, staff_account):
    decider = staff_account(Role.REVIEWER)
    signed_in(client, Role.REVIEWER)
    reference, _review_id = reviewed_case(app, decider.id)
    today = clock.london_today()
    recorded = post(
        client,
        reference,
        f"/staff/cases/{reference}/ico",
        {
            "ico-ico_reference": "IC-424242-Q1Q1",
            "ico-received_on-day": str(today.day),
            "ico-received_on-month": str(today.month),
            "ico-received_on-year": str(today.year),
            "ico-what_ico_asked": "Why the school's records were not found",
        },
    )
    assert recorded.status_code == 303
    page = get_page(client, page_url(reference), lang="en")
    assert "ICO case IC-424242-Q1Q1 recorded and the request is on legal hold" in visible_text(
        page.html
    )
    assert holds.is_held(case_row(app, reference))
    case_page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert "On hold since" in element_text(case_page.html, "legal-hold-section")
    assert "ICO case IC-424242-Q1Q1: open since" in element_text(
        case_page.html, "after-decision-section"
    )

    with app.app_context():
        ico = db.session.scalar(select(IcoCase).where(IcoCase.ico_reference == "IC-424242-Q1Q1"))
        ico_id = ico.id
    day = {"day": str(today.day), "month": str(today.month), "year": str(today.year)}
    answered = post(
        client,
        reference,
        f"/staff/cases/{reference}/ico/{ico_id}/response",
        {f"response-{ico_id}-responded_on-{part}": value for part, value in day.items()},
    )
    assert answered.status_code == 303
    closed = post(
        client,
        reference,
        f"/staff/cases/{reference}/ico/{ico_id}/close",
        {
            f"close-{ico_id}-outcome": "no_further_action",
            f"close-{ico_id}-note": "Reasonable search",
            **{f"close-{ico_id}-closed_on-{part}": value for part, value in day.items()},
        },
    )
    assert closed.status_code == 303
    page = get_page(client, page_url(reference), lang="en")
    assert "the legal hold it put on the request is released" in visible_text(page.html)
    section = element_text(page.html, f"ico-{ico_id}")
    assert "No further action" in section
    assert f"Council's answers {today.day} {today:%B %Y}" in section
    assert not holds.is_held(case_row(app, reference))


def test_reviews_and_ico_cases_are_counted_in_the_report_and_its_csv(
    app, client, signed_in, staff_account
):
    decider = staff_account(Role.REVIEWER)
    signed_in(client, Role.REVIEWER)
    month = clock.london_today().strftime("%Y-%m")
    before = get_page(client, f"/staff/reports?month={month}", lang="en")
    asked_before = int(element_text(before.html, "total-reviews-asked"))
    decided_before = int(element_text(before.html, "total-reviews-decided"))
    reference, review_id = reviewed_case(app, decider.id)
    outcome(client, reference, review_id, outcome="partly_upheld", reasons="In part.")

    after = get_page(client, f"/staff/reports?month={month}", lang="en")
    assert int(element_text(after.html, "total-reviews-asked")) == asked_before + 1
    assert int(element_text(after.html, "total-reviews-decided")) == decided_before + 1
    rows = list(csv.DictReader(io.StringIO(client.get(f"/staff/reports.csv?month={month}").text)))
    everything = next(row for row in rows if row["Breakdown"] == "All cases")
    assert int(everything["Internal reviews asked for"]) == asked_before + 1
    assert int(everything["Internal reviews decided"]) == decided_before + 1
    assert {"ICO cases received", "ICO cases closed"} <= set(everything)


def test_the_staff_forms_survive_hostile_input(app, client, signed_in, staff_account):
    decider = staff_account(Role.REVIEWER)
    signed_in(client, Role.REVIEWER)
    reference, review_id = reviewed_case(app, decider.id)
    token = csrf_token(client.get(page_url(reference)).get_data(as_text=True))
    forms = {
        f"/staff/cases/{reference}/ico": [
            "ico-ico_reference",
            "ico-received_on-day",
            "ico-received_on-month",
            "ico-received_on-year",
            "ico-what_ico_asked",
        ],
        f"/staff/cases/{reference}/reviews/{review_id}/outcome": [
            f"review-{review_id}-outcome",
            f"review-{review_id}-reasons",
        ],
    }
    for url, fields in forms.items():
        hostile_posts(client, url, fields, token)
    with app.app_context():
        # Whatever was saved is whole.
        for ico in db.session.scalars(select(IcoCase)):
            assert ico.ico_reference and ico.what_ico_asked
        for review in db.session.scalars(select(InternalReview)):
            assert (review.outcome is None) == (review.reviewer is None)


def hostile_posts(client, url: str, fields: list[str], token: str) -> None:
    @HYPOTHESIS
    @given(values=st.lists(HOSTILE, min_size=len(fields), max_size=len(fields)))
    def attempt(values):
        data = dict(zip(fields, values, strict=True))
        assert_safe(client.post(url, data={**data, "csrf_token": token}), "en")

    attempt()
