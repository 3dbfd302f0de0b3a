"""Requests to restrict (C14, UK GDPR Art 18) in Polish and to delete (C15, Art 17) in
Romanian, in Chromium: the resident's journey to its confirmation, then the caseworker
and the reviewer on the staff case page, then the decision letter, its text read from
the PDF; and for the restriction, the reviewer's notice before lifting it (Art 18(3)) and
its letter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import clock
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import db
from tests.browser.journey_steps import (
    REFERENCE,
    START_NOW,
    continue_to,
    fill_step,
    steps_for,
)
from tests.browser.test_correction_walk import normalised, staff_page
from tests.conftest import translated
from tests.visible import pdf_text


def walk_to_sent(page, live_server, locale: str, journey: str) -> str:
    """The resident answers every question, checks their answers and sends: the reference."""
    base = f"{live_server}/{locale}/{journey}"
    page.goto(base)
    assert page.evaluate("document.documentElement.lang") == locale
    page.click(START_NOW)
    steps = steps_for(journey)
    page.wait_for_url(f"{base}/{steps[0]}")
    following = [f"{base}/{step}" for step in steps[1:]] + [f"{base}/check"]
    for step, next_url in zip(steps, following, strict=True):
        assert page.url == f"{base}/{step}"
        fill_step(page, step)
        continue_to(page, next_url)
    page.click("#main-content form button.govuk-button")
    page.wait_for_url(f"{base}/sent")
    return REFERENCE.search(page.inner_text(".govuk-panel--confirmation")).group(0)


def start_the_clock(worker, case_url: str) -> None:
    """The caseworker accepts the identity shown at a hub today."""
    worker.goto(case_url)
    accept = worker.locator("#action-accept_identity")
    today = clock.london_today()
    accept.locator('input[name="accept-evidence_arrived_on-day"]').fill(str(today.day))
    accept.locator('input[name="accept-evidence_arrived_on-month"]').fill(str(today.month))
    accept.locator('input[name="accept-evidence_arrived_on-year"]').fill(str(today.year))
    with worker.expect_navigation():
        accept.locator("button.govuk-button").click()


def letter_text(reviewer, case_url: str, letter: str) -> str:
    response = reviewer.request.get(f"{case_url}/letters/{letter}.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return normalised(pdf_text(response.body()))


def assert_says(locale: str, text: str, *sentences: str) -> None:
    for words in sentences:
        assert normalised(translated(locale, words)) in text, (words, text[:2000])


def test_a_polish_request_to_restrict_to_its_letters(app, page, new_page, live_server):
    locale = "pl"
    reference = walk_to_sent(page, live_server, locale, "restrict")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert (case.kind, case.language) == (CaseKind.RESTRICTION, locale)
        db.session.remove()

    case_url = f"{live_server}/staff/cases/{reference}"
    worker = staff_page(app, new_page, live_server, Role.CASEWORKER, "Casey Worker")
    start_the_clock(worker, case_url)
    asked = normalised(worker.inner_text("#asked-for-section"))
    assert "Uses to restrict" in asked and "Their ground" in asked, asked
    decision = worker.locator("#action-propose_restriction")
    ticked = decision.locator('input[name="restriction-processing"]:checked')
    assert ticked.count() >= 1  # what they asked to restrict is ticked already
    decision.locator('input[name="restriction-outcome"][value="restricted"]').check()
    decision.locator('textarea[name="restriction-reasons"]').fill("We are checking the record.")
    with worker.expect_navigation():
        decision.locator("button.govuk-button").click()
    assert worker.locator("#action-approve_restriction").count() == 0  # not their own

    reviewer = staff_page(app, new_page, live_server, Role.REVIEWER, "Robin Reviewer")
    reviewer.goto(case_url)
    with reviewer.expect_navigation():
        reviewer.locator("#action-approve_restriction button.govuk-button").click()
    shown = normalised(reviewer.inner_text("#restrictions"))
    assert "In force: request to restrict agreed (Art 18(1))" in shown, shown
    text = letter_text(reviewer, case_url, "restriction_decision")
    assert_says(locale, text, "Our decision on your request to stop using information")

    # Art 18(3): told before it is lifted, with the day it starts again.
    lift = reviewer.locator("#action-lift_restriction")  # folded: not a next step
    lift.locator("summary").click()
    later = clock.london_today() + timedelta(days=14)
    lift.locator('input[name="lift-processing"]').first.check()
    lift.locator('input[name="lift-lift_on-day"]').fill(str(later.day))
    lift.locator('input[name="lift-lift_on-month"]').fill(str(later.month))
    lift.locator('input[name="lift-lift_on-year"]').fill(str(later.year))
    lift.locator('textarea[name="lift-reasons"]').fill("The school confirmed its record.")
    with reviewer.expect_navigation():
        lift.locator("button.govuk-button").click()
    shown = normalised(reviewer.inner_text("#restrictions"))
    assert "the person has been told it is lifted (Art 18(3))" in shown, shown
    text = letter_text(reviewer, case_url, "restriction_lifting")
    assert_says(locale, text, "We will start using some information again")
    assert "The school confirmed its record." in text


def test_a_romanian_request_to_delete_to_its_letter(app, page, new_page, live_server):
    locale = "ro"
    reference = walk_to_sent(page, live_server, locale, "delete")
    case_url = f"{live_server}/staff/cases/{reference}"
    worker = staff_page(app, new_page, live_server, Role.CASEWORKER, "Casey Worker")
    start_the_clock(worker, case_url)
    decision = worker.locator("#action-propose_deletion")
    decision.locator('input[name="deletion-outcome"][value="partly_deleted"]').check()
    decision.locator('textarea[name="deletion-deleted"]').fill("Notele din 2019")
    decision.locator('textarea[name="deletion-reasons"]').fill(
        "The referral's date is kept while the family is supported: UK GDPR Art 17(3)(b)."
    )
    decision.locator('input[name="deletion-recipients_told"][value="schools"]').check()
    with worker.expect_navigation():
        decision.locator("button.govuk-button").click()

    reviewer = staff_page(app, new_page, live_server, Role.REVIEWER, "Robin Reviewer")
    reviewer.goto(case_url)
    with reviewer.expect_navigation():
        reviewer.locator("#action-approve_deletion button.govuk-button").click()
    with app.app_context():
        state = db.session.scalar(select(Case.state).where(Case.reference == reference))
        assert state == CaseState.READY
        db.session.remove()
    text = letter_text(reviewer, case_url, "deletion_decision")
    assert_says(locale, text, "Our decision on your request to delete information")
    assert "Notele din 2019" in text
