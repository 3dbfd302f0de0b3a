"""In Chromium: a resident who reads Lithuanian (and one who reads Urdu, right to left) asks
for an internal review of a decision from tracking, by keyboard alone, to its confirmation;
each new page passes axe and reflows at 320 CSS px. Then a reviewer records the outcome on
the staff side and the outcome letter, read from the PDF, is in Lithuanian and explains the
ICO route (issue 16 points 6 and 7)."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import clock, internal_reviews
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.browser.conftest import describe_violations, run_axe
from tests.conftest import building, translated
from tests.functional.staff.conftest import SESSION_COOKIE, make_account, sign_in
from tests.functional.test_tracking import latest_code, unique_email
from tests.visible import pdf_text

CONTINUE = "#main-content form button.govuk-button"


def decided_case(app, language: str, decider_id: int) -> tuple[str, str, int]:
    address = unique_email()
    with building(app, caseworker="staff:0", reviewer=f"staff:{decider_id}") as scenarios:
        case = scenarios.case_in(
            CaseState.REFUSED,
            received=utc_now(),
            subject=person(full_name="Ona Petraitienė", email=address),
            language=language,
        )
        return case.reference, address, case.id


def check_page(page, axe_source: str, label: str) -> None:
    """axe-core finds nothing, and at 320 CSS px nothing scrolls sideways (WCAG 1.4.10)."""
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(label, violations)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == 320, f"{label} scrolls sideways at 320px: {widths}"
    finally:
        page.set_viewport_size(size)


def tab_to(page, selector: str, tries: int = 60) -> None:
    """Tab from where focus is until `selector` has it; never the mouse."""
    for _ in range(tries):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never took the focus")


def sign_in_to_track(page, app, live_server, locale, reference, address, case_id) -> None:
    page.goto(f"{live_server}/{locale}/track")
    page.fill("#reference", reference)
    page.fill("#email", address)
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/code")
    page.fill("#code", latest_code(app, case_id))
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/status")


def ask_for_review_by_keyboard(page, axe_source, live_server, locale) -> str:
    """From the status page to the confirmation; returns the confirmation's text."""
    check_page(page, axe_source, f"/{locale}/track/status")
    tab_to(page, "a[href$='/track/review']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/{locale}/track/review")
    check_page(page, axe_source, f"/{locale}/track/review")
    # An empty answer: the error summary takes the focus and links to the field.
    tab_to(page, CONTINUE)
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    check_page(page, axe_source, f"/{locale}/track/review (error)")
    error = page.inner_text(".govuk-error-summary")
    assert translated(locale, "Enter what you disagree with") in error

    tab_to(page, "#disagreement")
    page.keyboard.type("Neatsiuntėte mokyklos įrašų.")
    tab_to(page, CONTINUE)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/{locale}/track/review/why")
    check_page(page, axe_source, f"/{locale}/track/review/why")
    tab_to(page, "#reasons")
    page.keyboard.type("Mokykla sako, kad juos perdavė.")
    tab_to(page, CONTINUE)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/{locale}/track/review/check")
    check_page(page, axe_source, f"/{locale}/track/review/check")
    answers = page.inner_text(".govuk-summary-list")
    assert answers.index("Neatsiuntėte mokyklos įrašų.") < answers.index(
        "Mokykla sako, kad juos perdavė."
    )
    tab_to(page, CONTINUE)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/{locale}/track/review/sent")
    check_page(page, axe_source, f"/{locale}/track/review/sent")
    return page.inner_text("#main-content")


def test_a_lithuanian_resident_asks_for_a_review_and_gets_the_outcome_letter(
    app, new_page, live_server, axe_source, request_log
):
    decider = make_account(app, Role.REVIEWER, name="Dana Decider")
    reference, address, case_id = decided_case(app, "lt", decider.id)
    page = new_page()
    sign_in_to_track(page, app, live_server, "lt", reference, address, case_id)
    confirmation = ask_for_review_by_keyboard(page, axe_source, live_server, "lt")
    due = internal_reviews.review_due_date(clock.london_today(), 20)
    assert translated("lt", "Internal review asked for") in confirmation
    assert format_date(due, "long", locale="lt") in confirmation
    request_log.assert_same_origin(live_server)

    # The staff side: a second reviewer records the outcome.
    client = app.test_client()
    assert sign_in(client, make_account(app, Role.REVIEWER, name="Rowan Second")).status_code == 303
    staff = new_page()
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    staff.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie.value, "url": live_server}])
    staff.goto(f"{live_server}/staff/queue")
    staff.get_by_role("link", name=reference).first.click()
    staff.wait_for_url(f"{live_server}/staff/cases/{reference}/after-decision")
    section = staff.locator("section[id^='review-']").first
    assert "Neatsiuntėte mokyklos įrašų." in section.inner_text()
    section.get_by_label("Not upheld: the decision stands").check()
    section.get_by_label("Reasons").fill("We searched the school's records again.")
    section.get_by_role("button", name="Record the outcome and tell the requester").click()
    staff.wait_for_selector("text=Review outcome recorded")
    link = staff.get_by_role("link", name="Outcome letter (PDF, in the requester's language)")
    letter = staff.request.get(live_server + link.get_attribute("href"))
    assert letter.ok
    text = " ".join(pdf_text(letter.body()).split())
    for english in ("The outcome of your internal review", "If you are still unhappy"):
        assert translated("lt", english) in text
    assert "Information Commissioner's Office (ICO)" in text
    assert "ico.org.uk/make-a-complaint" in text
    assert "We searched the school's records again." in text

    # And the resident's tracking page now shows the outcome message.
    page.goto(f"{live_server}/lt/track/status")
    assert translated("lt", "The outcome of your internal review") in page.inner_text(
        "#main-content"
    )


@pytest.mark.parametrize("locale", ["ur", "ckb"])
def test_the_review_pages_work_right_to_left_by_keyboard(
    app, new_page, live_server, axe_source, locale
):
    decider = make_account(app, Role.REVIEWER)
    reference, address, case_id = decided_case(app, locale, decider.id)
    page = new_page()
    sign_in_to_track(page, app, live_server, locale, reference, address, case_id)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    ask_for_review_by_keyboard(page, axe_source, live_server, locale)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert internal_reviews.reviews_of(db.session, case)
