"""A request to correct (C14) in Chromium, in Lithuanian: the resident's journey to its
confirmation, then the caseworker and the reviewer on the staff case page, then the
decision letter, its text read from the PDF (UK GDPR Art 16, 19)."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.models import Case, CaseKind, CaseState, EvidencePurpose
from portal.extensions import db
from tests.browser.journey_steps import (
    REFERENCE,
    START_NOW,
    continue_to,
    fill_step,
    make_files,
    steps_for,
)
from tests.conftest import translated
from tests.functional.staff.conftest import SESSION_COOKIE, make_account, sign_in
from tests.visible import pdf_text

LOCALE = "lt"


def staff_page(app, new_page, live_server, role: Role, name: str):
    """A browser page with a member of staff's session, signed in the real way."""
    client = app.test_client()
    assert sign_in(client, make_account(app, role, name=name)).status_code == 303
    page = new_page()
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie.value, "url": live_server}])
    return page


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_a_lithuanian_correction_to_its_letter(app, page, new_page, live_server, tmp_path):
    base = f"{live_server}/{LOCALE}/correct"
    page.goto(base)
    assert page.evaluate("document.documentElement.lang") == LOCALE
    page.click(START_NOW)
    steps = steps_for("correct")
    page.wait_for_url(f"{base}/{steps[0]}")
    following = [f"{base}/{step}" for step in steps[1:]] + [f"{base}/check"]
    files = make_files(tmp_path)
    for step, next_url in zip(steps, following, strict=True):
        assert page.url == f"{base}/{step}"
        fill_step(page, step)
        if step == "evidence":
            page.set_input_files("#more_evidence", files["passport.png"])
        continue_to(page, next_url)
    summary = normalised(page.inner_text(".govuk-summary-list"))
    assert "He was born on 5 March 2015." in summary and "passport.png" in summary, summary
    assert normalised(translated(LOCALE, "Yes, tell me who you told")) in summary
    page.click("#main-content form button.govuk-button")
    page.wait_for_url(f"{base}/sent")
    reference = REFERENCE.search(page.inner_text(".govuk-panel--confirmation")).group(0)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert (case.kind, case.language) == (CaseKind.CORRECTION, LOCALE)
        assert [f.purpose for f in case.files] == [EvidencePurpose.MORE_EVIDENCE]
        db.session.remove()

    case_url = f"{live_server}/staff/cases/{reference}"
    worker = staff_page(app, new_page, live_server, Role.CASEWORKER, "Casey Worker")
    worker.goto(case_url)
    asked = normalised(worker.inner_text("#asked-for-section"))
    assert "What they say it should say He was born on 5 March 2015." in asked, asked
    accept = worker.locator("#action-accept_identity")
    today = worker.evaluate("new Date().toLocaleDateString('en-GB', {timeZone: 'Europe/London'})")
    day, month, year = today.split("/")
    accept.locator('input[name="accept-evidence_arrived_on-day"]').fill(day)
    accept.locator('input[name="accept-evidence_arrived_on-month"]').fill(month)
    accept.locator('input[name="accept-evidence_arrived_on-year"]').fill(year)
    with worker.expect_navigation():
        accept.locator("button.govuk-button").click()
    decision = worker.locator("#action-propose_correction")
    decision.locator('input[name="correction-outcome"][value="corrected"]').check()
    decision.locator('textarea[name="correction-reasons"]').fill("The birth certificate agrees.")
    decision.locator('textarea[name="correction-record_now_says"]').fill("Born 5 March 2015")
    decision.locator('input[name="correction-recipients_told"][value="schools"]').check()
    with worker.expect_navigation():
        decision.locator("button.govuk-button").click()
    assert worker.locator("#action-approve_correction").count() == 0  # not their own

    reviewer = staff_page(app, new_page, live_server, Role.REVIEWER, "Robin Reviewer")
    reviewer.goto(case_url)
    shown = normalised(reviewer.inner_text("#correction-1"))
    assert "Proposed by Casey Worker; waiting for the reviewer" in shown, shown
    assert "Told (Art 19): schools and colleges" in shown, shown
    with reviewer.expect_navigation():
        reviewer.locator("#action-approve_correction button.govuk-button").click()
    with app.app_context():
        state = db.session.scalar(select(Case.state).where(Case.reference == reference))
        assert state == CaseState.READY
        db.session.remove()

    letter = reviewer.request.get(f"{case_url}/letters/correction_decision.pdf")
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    text = normalised(pdf_text(letter.body()))
    for words in (
        "Our decision on your request to correct information",
        "We have corrected the information you told us was wrong.",
        "You asked us to tell you who we told about this decision. We told:",
        "Schools and colleges",
    ):
        assert normalised(translated(LOCALE, words)) in text, (words, text[:2000])
    assert "Born 5 March 2015" in text
