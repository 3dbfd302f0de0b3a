"""WCAG 2.2 AA in a real browser for the staff workspace: axe-core on every staff page,
as each role that may open it, over the demonstration cases (every state and kind), and
on forms in their error state.

The staff site gets its own app and SQLite file seeded with the demo data, so the cases
it shows do not depend on what other tests did. The list of pages comes from the URL
map: a new staff page is swept (or must be named in NOT_PAGES with a reason).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from portal.accounts import invitations
from portal.accounts.models import Role, StaffUser, Team
from portal.cases import department_requests
from portal.cases.after_decision_models import InternalReview
from portal.cases.link_models import CaseLink
from portal.cases.models import Case, CaseState
from portal.demo import DEMO_TEAM
from portal.demo_department_requests import ask_the_demo_contact
from portal.extensions import db
from portal.instants import utc_now
from portal.staff.permissions import PERMISSIONS
from tests.browser.conftest import RequestLog, describe_violations, run_axe
from tests.conftest import make_app
from tests.functional.staff.conftest import StaffAccount, make_account

pytestmark = pytest.mark.sweep

# Staff GET routes that are not HTML pages, with the reason.
NOT_PAGES = {
    "staff.keep_alive": "answers 204 or 401 to the idle-timeout script",
    "staff.case_evidence_view": "serves an evidence file, not a page",
    "staff.case_evidence_download": "serves an evidence file, not a page",
    "staff.case_item_download": "serves a disclosure file, not a page",
    "staff.department_request_record": "serves a record its contact uploaded, not a page",
    "staff.case_pack_download": "serves the response pack PDF, not a page",
    "staff.case_letter_pdf": "serves a letter PDF, not a page",
    "staff.reports_csv": "a CSV download",
    "staff.restrictions_csv": "a CSV download",
    "staff.record_redaction_picture": "serves a page of a record as a PNG, not a page",
    # Need an uploaded record on a case being worked on, which the demo data has none of:
    # axe runs on each in tests/browser/test_redaction_walk.py instead.
    "staff.record_redaction": "swept by test_redaction_walk.py (a record to redact)",
    "staff.record_redaction_page": "swept by test_redaction_walk.py (a page to redact)",
}
# Pages for someone who is not signed in (swept anonymously).
SIGNED_OUT_PAGES = {
    "staff.sign_in": "/staff/sign-in",
    "staff.session_ended": "/staff/session-ended",
    "staff.signed_out": "/staff/signed-out",
}
# Reached only in the middle of a sign-in: swept on the way (see sign_in()).
SIGN_IN_STEPS = {"staff.sign_in_code", "staff.enrol", "staff.invitation"}


@dataclass(frozen=True)
class StaffSite:
    url: str
    accounts: dict[Role, StaffAccount]
    case_references: tuple[str, ...]  # one case for each (kind, state) in the demo data
    member_id: int
    invited_id: int
    invitation_token: str
    # Signed in by one test only: a one-time code used twice in 30 seconds is refused.
    timeline_reader: StaffAccount
    hold_reviewer: StaffAccount
    hold_admin: StaffAccount
    assigner: StaffAccount  # assigns cases from the queue
    unheld_reference: str  # a closed case not on legal hold, for the hold form
    # Cases with an internal review (one waiting, one decided with an ICO case): portal.demo.
    review_references: tuple[str, ...]
    team_id: int  # the demo's team (portal.demo.DEMO_TEAM)
    # A case linked to another, with a possible duplicate (portal.demo), and who opens it.
    linked_reference: str
    link_worker: StaffAccount
    # A search request sent to the department contact's account (issue 19 point 4), and
    # another contact with a request of their own, for the forms' error states.
    department_request_id: int
    answering_contact: StaffAccount
    answering_request_id: int


@pytest.fixture(scope="module")
def staff_site(serve, tmp_path_factory) -> Iterator[StaffSite]:
    folder = tmp_path_factory.mktemp("staff-site")
    app = make_app(f"sqlite:///{folder / 'staff.sqlite'}", folder)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    made = {role: make_account(app, role) for role in Role}
    with app.app_context():
        seen: dict[tuple[str, str], str] = {}
        unheld = ""
        for case in db.session.scalars(select(Case).order_by(Case.id)):
            seen.setdefault((case.kind, case.state), case.reference)
            if case.closed_at and not case.held_at and not case.erased_at:
                unheld = unheld or case.reference
        admin = db.session.get(StaffUser, made[Role.ADMIN].id)
        invitation = invitations.invite(
            db.session,
            email="invited.person@example.gov.uk",
            name="Invited Person",
            role=Role.CASEWORKER,
            invited_by=admin,
        )
        db.session.commit()
        invited_id, token = invitation.user.id, invitation.token
        linked = db.session.scalars(select(CaseLink)).one()
        linked_reference = db.session.get(Case, linked.case_id).reference
        reviewed = tuple(
            db.session.scalars(
                select(Case.reference)
                .join(InternalReview, InternalReview.case_id == Case.id)
                .order_by(InternalReview.id)
            )
        )
        team_id = db.session.scalar(select(Team.id).where(Team.name == DEMO_TEAM))
    assert len(reviewed) == 2
    assert team_id is not None
    answering = make_account(app, Role.DEPARTMENT_CONTACT, department_key="police_liaison")
    with app.app_context():
        request_ids = []
        for account in (made[Role.DEPARTMENT_CONTACT], answering):
            contact = db.session.get(StaffUser, account.id)
            assert contact is not None
            asked = ask_the_demo_contact(db.session, contact, asked_by="staff:1", now=utc_now())
            assert asked is not None
            [(request, _case)] = department_requests.requests_for_contact(db.session, contact.id)
            request_ids.append(request.id)
    # The demo data holds both kinds in every state a case can be in (a few combinations,
    # such as an objection awaiting clarification, do not occur).
    assert {state for _kind, state in seen} == {str(state) for state in CaseState}
    assert len(seen) >= 12
    yield StaffSite(
        url=serve(app),
        accounts=made,
        case_references=tuple(seen.values()),
        member_id=made[Role.CASEWORKER].id,
        invited_id=invited_id,
        invitation_token=token,
        timeline_reader=make_account(app, Role.CASEWORKER),
        hold_reviewer=make_account(app, Role.REVIEWER),
        hold_admin=make_account(app, Role.ADMIN),
        assigner=make_account(app, Role.CASEWORKER),
        unheld_reference=unheld,
        review_references=reviewed,
        team_id=team_id,
        linked_reference=linked_reference,
        link_worker=make_account(app, Role.CASEWORKER),
        department_request_id=request_ids[0],
        answering_contact=answering,
        answering_request_id=request_ids[1],
    )


def staff_get_endpoints(app) -> dict[str, str]:
    return {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.") and "GET" in (rule.methods or ())
    }


def test_every_staff_page_is_swept_or_named(app):
    endpoints = set(staff_get_endpoints(app))
    swept = set(SIGNED_OUT_PAGES) | SIGN_IN_STEPS | set(ROLE_PAGES)
    assert endpoints - swept - set(NOT_PAGES) == set()
    assert swept.isdisjoint(NOT_PAGES)
    assert set(NOT_PAGES) <= endpoints


def check(page, url: str, axe_source: str, log: RequestLog, base_url: str) -> None:
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(url, violations)
    log.assert_same_origin(base_url)
    log.assert_no_script_problems()


def open_page(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (
        f"{url}: {response and response.status}"
    )


def sign_in(page, site: StaffSite, account: StaffAccount, axe_source: str, log) -> None:
    """The real two-step sign-in; the code page is swept on the way."""
    open_page(page, site.url + "/staff/sign-in")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/sign-in/code$"))
    check(page, page.url, axe_source, log, site.url)
    page.fill("input[name=code]", account.code())
    page.click("main button[type=submit]")
    # A department contact lands on their requests.
    page.wait_for_url(re.compile(r"/staff/(department-requests)?$"))


# endpoint -> the paths to open (given the site), for each page a role may see.
ROLE_PAGES = {
    "staff.dashboard": lambda s: ["/staff/"],
    "staff.queue": lambda s: [
        "/staff/queue",
        "/staff/queue?due=overdue&kind=access&state=in_progress&channel=phone",
        "/staff/queue?q=nobody-is-called-this",
        f"/staff/queue?team={s.team_id}",
    ],
    "staff.case": lambda s: [f"/staff/cases/{ref}" for ref in s.case_references],
    "staff.case_letters": lambda s: [f"/staff/cases/{ref}/letters" for ref in s.case_references],
    "staff.case_department_requests": lambda s: [
        f"/staff/cases/{ref}/department-requests" for ref in s.case_references
    ],
    "staff.department_requests_mine": lambda s: ["/staff/department-requests"],
    "staff.department_request": lambda s: [f"/staff/department-requests/{s.department_request_id}"],
    "staff.case_intake": lambda s: ["/staff/cases/log-request"],
    "staff.reports": lambda s: ["/staff/reports"],
    "staff.restrictions": lambda s: ["/staff/restrictions"],
    "staff.retention": lambda s: ["/staff/retention"],
    "staff.case_after_decision": lambda s: [
        f"/staff/cases/{ref}/after-decision" for ref in (*s.review_references, s.unheld_reference)
    ],
    "staff.case_hold": lambda s: [f"/staff/cases/{ref}/hold" for ref in s.case_references[:2]],
    "staff.case_redactions_review": lambda s: [
        f"/staff/cases/{ref}/redactions" for ref in s.case_references[:2]
    ],
    "staff.admin_staff": lambda s: ["/staff/admin/staff"],
    "staff.admin_teams": lambda s: ["/staff/admin/teams"],
    "staff.admin_team": lambda s: [f"/staff/admin/teams/{s.team_id}"],
    "staff.admin_invite": lambda s: ["/staff/admin/staff/invite"],
    "staff.admin_member": lambda s: [f"/staff/admin/staff/{s.member_id}"],
    "staff.admin_disable": lambda s: [f"/staff/admin/staff/{s.member_id}/disable"],
    "staff.admin_invitation_link": lambda s: [f"/staff/admin/staff/{s.invited_id}/invitation"],
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_staff_pages_have_no_axe_violations(new_page, request_log, axe_source, staff_site, role):
    page = new_page()
    account = staff_site.accounts[role]
    sign_in(page, staff_site, account, axe_source, request_log)
    opened = 0
    for endpoint, paths in ROLE_PAGES.items():
        if role not in PERMISSIONS[endpoint]:
            continue
        for path in paths(staff_site):
            request_log.urls.clear()
            # The invitation link is shown once; afterwards the page says so.
            open_page(page, staff_site.url + path)
            check(page, path, axe_source, request_log, staff_site.url)
            opened += 1
    assert opened >= (3 if role in (Role.ADMIN, Role.DEPARTMENT_CONTACT) else 15)


def test_signed_out_pages_and_the_invitation(new_page, request_log, axe_source, staff_site):
    page = new_page()
    for path in SIGNED_OUT_PAGES.values():
        open_page(page, staff_site.url + path)
        check(page, path, axe_source, request_log, staff_site.url)
    path = f"/staff/invitation/{staff_site.invitation_token}"
    open_page(page, staff_site.url + path)
    check(page, path, axe_source, request_log, staff_site.url)


def test_forms_with_errors_have_no_axe_violations(new_page, request_log, axe_source, staff_site):
    page = new_page()
    open_page(page, staff_site.url + "/staff/sign-in")
    page.click("main button[type=submit]")
    page.wait_for_selector(".govuk-error-summary")
    check(page, "/staff/sign-in (errors)", axe_source, request_log, staff_site.url)

    sign_in(page, staff_site, staff_site.accounts[Role.CASEWORKER], axe_source, request_log)
    open_page(page, staff_site.url + "/staff/cases/log-request")
    page.click("main form[method=post] button[type=submit] >> nth=-1")
    page.wait_for_selector(".govuk-error-summary")
    check(page, "/staff/cases/log-request (errors)", axe_source, request_log, staff_site.url)

    reference = staff_site.case_references[0]
    open_page(page, staff_site.url + f"/staff/cases/{reference}")
    page.click("#action-add_note summary")
    page.click("#action-add_note button[type=submit]")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"/staff/cases/{reference} (note errors)", axe_source, request_log, staff_site.url)

    open_page(page, staff_site.url + "/staff/reports?month=1999-01", status=400)
    check(page, "/staff/reports (errors)", axe_source, request_log, staff_site.url)


def test_retention_screen_and_legal_hold(new_page, request_log, axe_source, staff_site):
    """Issue 14 point 5: the retention screen, empty and with a held request, and the hold
    form in its error state, for a reviewer; the retention screen for an admin."""
    page = new_page()
    sign_in(page, staff_site, staff_site.hold_reviewer, axe_source, request_log)
    reference = staff_site.unheld_reference
    hold = f"/staff/cases/{reference}/hold?back=retention"
    open_page(page, staff_site.url + hold)
    check(page, hold, axe_source, request_log, staff_site.url)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"{hold} (errors)", axe_source, request_log, staff_site.url)
    page.check("input[name=hold-reason][value=legal_claim]")
    page.fill("textarea[name=hold-note]", "Claim letter received 1 December")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/retention$"))
    check(page, "/staff/retention (held)", axe_source, request_log, staff_site.url)
    assert reference in page.inner_text("#held-cases")
    assert "Next run" in page.inner_text("#planned-deletions")  # the demo's old requests

    admin = new_page()
    sign_in(admin, staff_site, staff_site.hold_admin, axe_source, request_log)
    admin.click("text=Retention and legal hold")
    admin.wait_for_url(re.compile(r"/staff/retention$"))
    check(admin, "/staff/retention (admin)", axe_source, request_log, staff_site.url)
    admin.click(f"#held-cases button:has-text('{reference}')")
    admin.wait_for_url(re.compile(r"/staff/retention$"))
    assert f"The hold on {reference} is released" in admin.inner_text("main")


def test_case_timeline_is_drawn_as_moj_frontends(new_page, request_log, axe_source, staff_site):
    """staff.css draws MOJ Frontend's timeline: a blue line down the events, a mark by
    each, and "what happened by whom" on one line in the council's Arial."""
    page = new_page()
    sign_in(page, staff_site, staff_site.timeline_reader, axe_source, request_log)
    open_page(page, staff_site.url + f"/staff/cases/{staff_site.case_references[0]}")
    drawn = page.evaluate(
        """() => {
        const timeline = document.querySelector(".moj-timeline");
        const item = timeline.querySelector(".moj-timeline__item");
        const title = item.querySelector(".moj-timeline__title").getBoundingClientRect();
        const byline = item.querySelector(".moj-timeline__byline").getBoundingClientRect();
        const line = getComputedStyle(timeline, "::before");
        const mark = getComputedStyle(item, "::before");
        return {
          line: [line.content, line.width, line.backgroundColor],
          mark: [mark.content, mark.width, mark.backgroundColor],
          oneLine: Math.abs(title.top - byline.top) < 2 && byline.left > title.right,
          font: getComputedStyle(item.querySelector(".moj-timeline__title")).fontFamily,
        };
    }"""
    )
    brand = "rgb(29, 112, 184)"
    assert drawn["line"] == ['""', "5px", brand]
    assert drawn["mark"] == ['""', "15px", brand]
    assert drawn["oneLine"]
    assert drawn["font"] == "arial, sans-serif"


def test_review_outcome_and_ico_forms_with_errors(new_page, request_log, axe_source, staff_site):
    """Issue 16 point 6: the review outcome and ICO case forms in their error state."""
    page = new_page()
    sign_in(page, staff_site, staff_site.accounts[Role.REVIEWER], axe_source, request_log)
    waiting = staff_site.review_references[0]
    path = f"/staff/cases/{waiting}/after-decision"
    open_page(page, staff_site.url + path)
    page.click("section[id^='review-'] form button[type=submit]")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"{path} (outcome errors)", axe_source, request_log, staff_site.url)
    assert "Select the outcome of the review" in page.inner_text(".govuk-error-summary")
    page.click("form#ico button[type=submit]")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"{path} (ICO errors)", axe_source, request_log, staff_site.url)
    assert "Enter the ICO's reference" in page.inner_text(".govuk-error-summary")


def test_assigning_cases_from_the_queue_by_keyboard(new_page, request_log, axe_source, staff_site):
    """Issue 19 point 2: tick two cases, choose who gets them and confirm, by keyboard
    alone; the check page, its error state and the queue afterwards pass axe."""
    page = new_page()
    account = staff_site.assigner
    sign_in(page, staff_site, account, axe_source, request_log)
    open_page(page, staff_site.url + "/staff/queue")
    check(page, "/staff/queue", axe_source, request_log, staff_site.url)

    page.focus("#assign-to")  # nothing ticked, nobody chosen: the error state
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "Select at least one case to assign" in page.inner_text(".govuk-error-summary")
    check(page, "/staff/queue/assign (errors)", axe_source, request_log, staff_site.url)

    open_page(page, staff_site.url + "/staff/queue")
    boxes = page.locator("input[name=case]")
    chosen = [boxes.nth(i).get_attribute("value") for i in range(2)]
    boxes.nth(0).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the next focusable thing is the row's reference link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == chosen[1]
    page.keyboard.press("Space")
    page.focus("#assign-to")
    while page.evaluate("document.activeElement.selectedOptions[0].text") != account.name:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/queue/assign$"))
    heading = page.inner_text("h1")
    assert heading == f"Assign 2 cases to {account.name}?"
    assert [page.inner_text(f"td >> text={ref}") for ref in chosen] == chosen
    check(page, "/staff/queue/assign", axe_source, request_log, staff_site.url)

    page.focus("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/queue$"))
    assert f"2 cases assigned to {account.name}" in page.inner_text(".govuk-notification-banner")
    check(page, "/staff/queue (after assigning)", axe_source, request_log, staff_site.url)


def test_linked_and_duplicate_cases(new_page, request_log, axe_source, staff_site):
    """Issue 19 point 1: a case with a link and a possible duplicate, and its link and
    merge forms in their error states, pass axe."""
    page = new_page()
    sign_in(page, staff_site, staff_site.link_worker, axe_source, request_log)
    path = f"/staff/cases/{staff_site.linked_reference}"
    open_page(page, staff_site.url + path)
    assert page.locator("#related-cases tbody tr").count() >= 2
    assert page.locator("#linked-cases li").count() == 1
    check(page, path, axe_source, request_log, staff_site.url)
    for action in ("link_case", "merge_case"):
        open_page(page, staff_site.url + path)
        page.click(f"#action-{action} summary")
        page.click(f"#action-{action} button[type=submit]")
        page.wait_for_selector(".govuk-error-summary")
        check(page, f"{path} ({action} errors)", axe_source, request_log, staff_site.url)


def test_a_department_contacts_request_and_its_forms_with_errors(
    new_page, request_log, axe_source, staff_site
):
    """Issue 19 point 4: a department contact's request page, its upload form sent empty
    and with a file of the wrong type, then answered "none held", and their list after."""
    page = new_page()
    sign_in(page, staff_site, staff_site.answering_contact, axe_source, request_log)
    path = f"/staff/department-requests/{staff_site.answering_request_id}"
    page.click(f"a[href='{path}']")
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    page.click("button:has-text('Upload the record')")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"{path} (upload errors)", axe_source, request_log, staff_site.url)
    assert "Say what the record is" in page.inner_text(".govuk-error-summary")
    page.fill("input[name=title]", "Incident log")
    page.set_input_files(
        "input[name=document]",
        files=[
            {
                "name": "log.zip",
                "mimeType": "application/zip",
                "buffer": b"PK\x03\x04\x00\x00 not a record",
            }
        ],
    )
    page.click("button:has-text('Upload the record')")
    page.wait_for_selector(".govuk-error-summary")
    check(page, f"{path} (wrong file)", axe_source, request_log, staff_site.url)
    assert (
        "The file must be a PDF, JPEG or PNG, an email saved as a file (.eml), a text file or "
        "a Word document (.docx)"
    ) in page.inner_text(".govuk-error-summary")
    page.fill("textarea[name=note]", "Searched Niche by name and date of birth")
    page.click("button:has-text('Answer: none held')")
    page.wait_for_url(re.compile(r"/staff/department-requests$"))
    check(page, "/staff/department-requests (answered)", axe_source, request_log, staff_site.url)
    assert "You have answered every request." in page.inner_text("#requests-summary")
