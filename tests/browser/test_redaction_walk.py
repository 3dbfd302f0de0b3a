"""In Chromium, a case from upload to approved pack with redactions (issue 18): the
caseworker uploads a record on the case page, finds a neighbour's name and redacts one
place with an exemption, redacts a line of page 2 by keyboard alone, and sends the draft
for review; the reviewer checks each redacted page beside its original and approves; the
worker makes the pack, and its text, read from the PDF, has neither redacted passage but
says what was removed on which page. Each redaction screen passes axe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from weasyprint import HTML

from portal.accounts.models import Role
from portal.cases.casework_models import DisclosureKind, SearchOutcome
from portal.cases.document_models import CaseDocument, DocumentStatus
from portal.cases.models import Case
from portal.cases.redaction_models import RecordRedaction
from portal.cases.scenario_steps import Search
from portal.documents import production
from portal.extensions import db
from portal.instants import utc_now
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.test_correction_walk import normalised, staff_page
from tests.conftest import building
from tests.functional.staff.test_response_release import work
from tests.visible import pdf_text

NAME = "Jadwiga Nowicka"
SECOND_PAGE_LINE = "Her sister lives at 14 Acacia Road, Pontefract."


def record_file(tmp_path) -> str:
    html = f"""<html lang="en"><body style="font: 12pt sans-serif">
    <p>Visit on 3 May. {NAME} called the police about the noise.</p>
    <p>Wakefield office notes: the family were at home.</p>
    <p style="break-before: page">{SECOND_PAGE_LINE}</p>
    <p>The children go to Castleford Academy.</p>
    </body></html>"""
    path = tmp_path / "police-notes.pdf"
    path.write_bytes(HTML(string=html).write_pdf())
    return str(path)


def case_being_worked_on(app) -> tuple[str, int]:
    with building(app) as scenarios:
        case = scenarios.filed(received=utc_now())
        scenarios.start(case)
        scenarios.search(case, searches=[Search("Police", SearchOutcome.RECORDS_FOUND)])
        return case.reference, case.id


def assert_accessible(page, axe_source: str, label: str) -> None:
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(label, violations)


def tab_to(page, selector: str, tries: int = 80) -> None:
    """Tab from where focus is until `selector` has it; never the mouse."""
    for _ in range(tries):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never took the focus")


def test_a_record_from_upload_to_approved_pack_with_redactions(
    app, new_page, live_server, axe_source, tmp_path
):
    reference, case_id = case_being_worked_on(app)
    case_url = f"{live_server}/staff/cases/{reference}"
    worker = staff_page(app, new_page, live_server, Role.CASEWORKER, "Casey Worker")

    # Upload the record on the case page.
    worker.goto(case_url)
    section = worker.locator("#action-add_disclosure_item")
    if section.evaluate("element => element.tagName") == "DETAILS":
        section.locator("summary").click()
    section.locator('input[name="item-source_department"]').first.check()
    section.get_by_label("Title").fill("Police notes")
    section.get_by_label("Uploaded document").check()
    section.locator('input[type="file"]').set_input_files(record_file(tmp_path))
    with worker.expect_navigation():
        section.get_by_role("button", name="Add the item").click()
    items = worker.locator("#items")
    assert "Police notes" in items.inner_text()

    # Find the neighbour's name: two places to check; redact the first with an exemption.
    with worker.expect_navigation():
        items.get_by_role("link", name="redact Police notes").click()
    assert_accessible(worker, axe_source, "redaction screen")
    worker.get_by_label("Names, addresses, phone numbers or references to find").fill(NAME)
    with worker.expect_navigation():
        worker.get_by_role("button", name="Find").click()
    assert "Found 1 place; 1 new to check" in worker.inner_text(".govuk-notification-banner, main")
    proposal = worker.locator("form.portal-redaction").first
    assert f"Page 1: {NAME}" in proposal.inner_text()
    assert normalised(proposal.locator("mark").inner_text()) == NAME
    proposal.get_by_label("Redact it").check()
    proposal.get_by_label("Exemption, if redacted").select_option("third_party")
    with worker.expect_navigation():
        proposal.get_by_role("button", name="Save").click()
    assert "Redacted (1)" in worker.inner_text("main")
    assert_accessible(worker, axe_source, "redaction screen with a redaction")

    # Page 2 by keyboard alone: pick the line about the sister, choose the exemption, send.
    with worker.expect_navigation():
        worker.get_by_role("link", name="Page 2", exact=True).click()
    assert_accessible(worker, axe_source, "page 2 to redact")
    lines = worker.locator('#lines ~ form input[type="checkbox"]')
    labels = [
        normalised(text)
        for text in worker.locator("#lines ~ form .govuk-checkboxes__label").all_inner_texts()
    ]
    assert labels[0] == SECOND_PAGE_LINE
    worker.locator("h1").focus()
    tab_to(worker, f"#{lines.first.get_attribute('id')}")
    worker.keyboard.press("Space")
    tab_to(worker, "#lines-exemption")
    worker.keyboard.press("ArrowDown")  # the first exemption: another person's information
    assert worker.evaluate("document.activeElement.value") == "third_party"
    tab_to(worker, '#lines ~ form button[type="submit"], #lines ~ form button:not([type])')
    with worker.expect_navigation():
        worker.keyboard.press("Enter")
    assert "1 line redacted on page 2" in worker.inner_text("main")

    # Send the draft for review.
    worker.goto(case_url)
    review = worker.locator("#action-submit_for_review")
    if review.evaluate("element => element.tagName") == "DETAILS":
        review.locator("summary").click()
    review.get_by_label("Summary for the reviewer").fill("Police notes, two redactions")
    with worker.expect_navigation():
        review.get_by_role("button").click()

    # The reviewer checks each redacted page beside its original, then approves.
    reviewer = staff_page(app, new_page, live_server, Role.REVIEWER, "Rita Reviewer")
    reviewer.goto(case_url)
    approve = reviewer.locator("#action-approve")
    with reviewer.expect_navigation():
        approve.get_by_role("link", name="check each redacted page beside its original").click()
    assert_accessible(reviewer, axe_source, "redactions for the reviewer")
    text = normalised(reviewer.inner_text("main"))
    assert f"Page 1: 1 redaction “{NAME}”: Sch 2 para 16" in text
    assert "Page 2: 1 redaction Lines picked: Sch 2 para 16" in text
    drawn = reviewer.evaluate(
        "[...document.querySelectorAll('main img')].map(i => [i.alt, i.complete && i.naturalWidth])"
    )
    assert drawn == [
        ["Page 1 of Police notes as uploaded", 900],
        ["Page 1 of Police notes as released", 900],
        ["Page 2 of Police notes as uploaded", 900],
        ["Page 2 of Police notes as released", 900],
    ]
    reviewer.goto(case_url)
    approve = reviewer.locator("#action-approve")
    if approve.evaluate("element => element.tagName") == "DETAILS":
        approve.locator("summary").click()
    with reviewer.expect_navigation():
        approve.get_by_role("button", name="Approve the draft").click()

    # The worker makes the pack; the redacted words are nowhere in it.
    work(app, case_id, now=datetime.now(UTC))
    with app.app_context():
        case = db.session.get(Case, case_id)
        document = db.session.scalar(select(CaseDocument).where(CaseDocument.case_id == case_id))
        assert document is not None and document.status == DocumentStatus.READY
        pack = production.decrypt(case, document, cipher=app.extensions["evidence_cipher"])
    text = normalised(pdf_text(pack))
    assert NAME not in text
    assert "14 Acacia Road" not in text
    assert "the family were at home" in text
    assert "The children go to Castleford Academy." in text
    assert "Page 1: 1 place removed, marked “Sch 2 para 16”." in text.replace("\u2068", "").replace(
        "\u2069", ""
    )
    assert "Page 2: 1 place removed" in text


def test_a_box_drawn_with_the_pointer_is_redacted(app, new_page, live_server, tmp_path):
    reference, _case_id = case_being_worked_on(app)
    with building(app) as scenarios:
        case = scenarios.session.scalar(select(Case).where(Case.reference == reference))
        item = scenarios.add_item(
            case,
            department="Police",
            title="Police notes",
            kind=DisclosureKind.UPLOADED,
            content=Path(record_file(tmp_path)).read_bytes(),
            original_name="notes.pdf",
            media_type="application/pdf",
        )
        item_id = item.id
    worker = staff_page(app, new_page, live_server, Role.CASEWORKER, "Casey Worker")
    page_url = f"{live_server}/staff/cases/{reference}/items/{item_id}/redact/pages/1"
    worker.goto(page_url)
    picture = worker.locator(".portal-area img")
    worker.wait_for_function("document.querySelector('.portal-area img').naturalWidth > 0")
    picture.evaluate("element => element.scrollIntoView({block: 'start'})")
    box = picture.bounding_box()
    assert box is not None
    # Drag across the top fifth of the page, where the name is.
    worker.mouse.move(box["x"] + 5, box["y"] + 5)
    worker.mouse.down()
    worker.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.1, steps=5)
    worker.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] * 0.2, steps=5)
    worker.mouse.up()
    drawn = worker.locator(".portal-area__box")
    assert drawn.is_visible()
    left, top, right, bottom = (float(n) for n in worker.input_value("#area-area").split(","))
    assert left < 0.02 and top < 0.02 and right > 0.98 and 0.18 < bottom < 0.22
    worker.locator("#area-form").get_by_label("Exemption (C8)").select_option("third_party")
    with worker.expect_navigation():
        worker.get_by_role("button", name="Redact the box drawn").click()
    assert "Area redacted on page 1" in worker.inner_text("main")
    assert "1 redaction on this page already." in worker.inner_text("main")
    with app.app_context():
        (row,) = db.session.scalars(
            select(RecordRedaction).where(RecordRedaction.item_id == item_id)
        ).all()
        assert (row.source, row.code) == ("area", "third_party")
        _left, bottom_pt, _right, top_pt = row.boxes[0]
        assert top_pt > bottom_pt > 600  # the top of an A4 page of 842 points
