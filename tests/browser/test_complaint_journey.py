"""A complaint to the council (C13, DPA 2018 s.164A) walked in Chromium: a Polish resident
complains by keyboard from the start page to the confirmation, on-screen in the order
GOV.UK gives (panel, acknowledgement, target date); a caseworker reports progress and
drafts the outcome; a reviewer approves it; the outcome letter is read back from the PDF
in Polish, with the route to the ICO."""

from __future__ import annotations

import re

from babel.dates import format_date
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import complaints
from portal.cases.models import Case, CaseState
from portal.extensions import db
from tests.browser.journey_steps import (
    CONTINUE,
    REFERENCE,
    START_NOW,
    assert_focus_visible,
    press_enter_on,
    tab_to,
)
from tests.conftest import translated
from tests.functional.staff.conftest import StaffAccount, make_account
from tests.visible import pdf_text

SEND = "#main-content form button.govuk-button"
COMPLAINT = "Mój list trafił pod stary adres."
WANTED = "Przeprosiny i poprawienie adresu."
UPDATE = "We have asked the post room how the letter was addressed."
OUTCOME = "The letter went to your old address by mistake. We apologise and have corrected it."


def words(text: str) -> str:
    return " ".join(text.split())


def staff_sign_in(page, base: str, account: StaffAccount) -> None:
    page.goto(f"{base}/staff/sign-in")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/sign-in/code$"))
    page.fill("input[name=code]", account.code())
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/$"))


def act(page, base: str, reference: str, action: str, field: str | None, text: str = "") -> None:
    """Open an action on the case page, write in its field, send it, and see it done."""
    page.goto(f"{base}/staff/cases/{reference}")
    section = page.locator(f"#action-{action}")
    if section.locator("summary").count():
        section.locator("summary").first.click()
    if field:
        section.locator(f"textarea[name='{field}']").fill(text)
    section.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/staff/cases/{reference}$"))
    assert page.locator(".govuk-error-summary").count() == 0, page.inner_text("main")


def test_a_polish_complaint_by_keyboard_then_through_the_staff_workflow_to_its_letter(
    new_page, live_server, app, request_log
):
    page = new_page()
    base = f"{live_server}/pl/complain"
    page.goto(base)
    assert page.evaluate("document.documentElement.lang") == "pl"
    start = words(page.inner_text("#main-content"))
    assert translated("pl", "You do not need to prove who you are to complain.") in start
    press_enter_on(page, START_NOW, f"{base}/who")

    tab_to(page, 'input[name="acting_for"]')
    page.keyboard.press("Space")
    press_enter_on(page, CONTINUE, f"{base}/name")
    tab_to(page, "#full_name")
    page.keyboard.type("Agnieszka Wójcik")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/contact")
    tab_to(page, "#email")
    page.keyboard.type("agnieszka.skarga@example.com")
    press_enter_on(page, CONTINUE, f"{base}/complaint")
    assert words(page.inner_text("h1")) == translated("pl", "What is your complaint about?")
    tab_to(page, "#complaint")
    assert_focus_visible(page)
    page.keyboard.type(COMPLAINT)
    press_enter_on(page, CONTINUE, f"{base}/earlier")
    tab_to(page, "#reference")
    page.keyboard.type("TF-7K3Q-9PHM")  # mistyped: the check character catches it
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    summary = words(page.inner_text(".govuk-error-summary"))
    mistyped = translated(
        "pl",
        "Check your reference number. Enter it as it appears on your confirmation, like "
        "TF-7K3Q-9PMH",
    )
    assert words(mistyped) in summary
    page.fill("#reference", "")
    press_enter_on(page, CONTINUE, f"{base}/outcome")
    tab_to(page, "#outcome_wanted")
    page.keyboard.type(WANTED)
    press_enter_on(page, CONTINUE, f"{base}/check")
    check = words(page.inner_text("#main-content"))
    assert COMPLAINT in check and WANTED in check
    press_enter_on(page, SEND, f"{base}/sent")

    panel = page.locator(".govuk-panel--confirmation")
    reference = REFERENCE.search(panel.inner_text()).group(0)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        target = format_date(case.due_on, "long", locale="pl")
        assert case.state == CaseState.IN_PROGRESS
        assert complaints.acknowledged_on(db.session, case) == case.received_on
        db.session.remove()
    # On screen, top to bottom: the panel, the acknowledgement, then the target date.
    acknowledged = translated(
        "pl", "We have received your complaint. This page and our email are our acknowledgement."
    )
    tops = page.evaluate(
        """([panel, ack, target]) => {
            const main = document.querySelector("#main-content");
            const top = (text) => [...main.querySelectorAll("p, .govuk-panel")]
                .find(el => el.innerText.replace(/\\s+/g, " ").includes(text))
                ?.getBoundingClientRect().top;
            return [top(panel), top(ack), top(target)];
        }""",
        [reference, acknowledged, target],
    )
    assert None not in tops and tops == sorted(tops), tops

    staff = new_page()
    caseworker = make_account(app, Role.CASEWORKER)
    staff_sign_in(staff, live_server, caseworker)
    staff.goto(f"{live_server}/staff/cases/{reference}")
    asked = words(staff.inner_text("#asked-for-section"))
    assert COMPLAINT in asked and "Acknowledgement (within 30 days, s.164A(3))" in asked
    act(staff, live_server, reference, "record_progress", "progress-update", UPDATE)
    act(staff, live_server, reference, "propose_outcome", "outcome-outcome", OUTCOME)

    reviewer_page = new_page()
    staff_sign_in(reviewer_page, live_server, make_account(app, Role.REVIEWER))
    act(reviewer_page, live_server, reference, "approve_outcome", None)
    with app.app_context():
        assert db.session.scalar(select(Case.state).where(Case.reference == reference)) == (
            CaseState.READY
        )
        db.session.remove()

    response = reviewer_page.request.get(
        f"{live_server}/staff/cases/{reference}/letters/complaint_outcome.pdf"
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    letter = words(pdf_text(response.body()))
    assert translated("pl", "The outcome of your complaint") in letter
    assert OUTCOME in letter
    assert translated("pl", "If you are still unhappy") in letter
    assert "ico.org.uk/make-a-complaint" in letter and "0303 123 1113" in letter
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()
