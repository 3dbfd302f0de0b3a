"""Legal hold on the staff side (issue 14 point 5): a reviewer or an admin puts a request on
hold with a reason and a note and releases it; the retention screen lists what is held,
why, by whom and since when. What a person sees is read as visible text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.accounts.models import Role
from portal.cases import clock, holds, retention
from portal.cases.models import Case, CaseState
from portal.cases.scenario_steps import noon
from portal.extensions import db
from tests.conftest import building, get_page
from tests.functional.staff.conftest import events_since, last_event_id, update_user
from tests.journeys import csrf_token
from tests.visible import element_text, visible_text

RECEIVED = datetime(2026, 6, 1, 11, tzinfo=UTC)


def closed_case(app) -> str:
    with building(app) as scenarios:
        return scenarios.case_in(CaseState.COMPLETED, received=RECEIVED).reference


def hold_url(reference: str, back: str = "") -> str:
    return f"/staff/cases/{reference}/hold" + (f"?back={back}" if back else "")


def post_hold(client, reference: str, data: dict, *, back: str = ""):
    page = client.get(hold_url(reference, back))
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    form = {"csrf_token": token, **data, **({"back": back} if back else {})}
    return client.post(hold_url(reference), data=form)


def release(client, reference: str, *, from_url: str, back: str = ""):
    token = csrf_token(client.get(from_url).get_data(as_text=True))
    form = {"csrf_token": token, **({"back": back} if back else {})}
    return client.post(f"/staff/cases/{reference}/release", data=form)


def held(app, reference: str) -> bool:
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        return holds.is_held(case)


def test_a_reviewer_holds_a_closed_case_from_its_page_and_releases_it(app, client, signed_in):
    reviewer = signed_in(client, Role.REVIEWER, name="Rowan Reviewer")
    reference = closed_case(app)
    case_page = get_page(client, f"/staff/cases/{reference}", lang="en")
    hold_section = element_text(case_page.html, "legal-hold-section")
    assert "Not on hold" in hold_section
    assert "Put this request on hold" in hold_section

    form = element_text(client.get(hold_url(reference)).get_data(as_text=True), "hold-status")
    for reason in holds.HOLD_REASON_LABELS.values():
        assert reason in form
    before = last_event_id(app)
    response = post_hold(
        client, reference, {"hold-reason": "ico_complaint", "hold-note": "ICO case IC-98765"}
    )
    assert response.status_code == 303
    assert response.location == f"/staff/cases/{reference}"

    page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert f"{reference} is on hold" in page.text()
    hold_section = element_text(page.html, "legal-hold-section")
    assert "A complaint to the Information Commissioner's Office (ICO)" in hold_section
    assert "ICO case IC-98765" in hold_section
    assert "Rowan Reviewer" in hold_section
    assert "Release the hold" in hold_section
    [event] = events_since(app, before, "case_held")
    assert event.actor == f"staff:{reviewer.id}"

    response = release(client, reference, from_url=f"/staff/cases/{reference}")
    assert response.status_code == 303
    assert not held(app, reference)
    page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert f"The hold on {reference} is released" in page.text()
    assert "Not on hold" in element_text(page.html, "legal-hold-section")
    assert events_since(app, before, "hold_released")


def test_a_hold_without_a_reason_or_note_shows_gov_uk_errors(app, client, signed_in):
    signed_in(client, Role.REVIEWER)
    reference = closed_case(app)
    response = post_hold(client, reference, {"hold-note": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: Legal hold" in html
    summary = element_text(html, within=None)
    assert "There is a problem" in summary
    assert "Select why the request is being held" in summary
    assert "Write what the hold is for, such as the ICO's case reference" in summary
    assert 'href="#hold-reason"' in html and 'href="#hold-note"' in html
    response = post_hold(client, reference, {"hold-reason": "boredom", "hold-note": "x"})
    assert response.status_code == 400
    assert "Select one of the options shown" in element_text(response.get_data(as_text=True))
    assert not held(app, reference)


def test_holding_a_held_case_twice_is_an_error_not_a_500(app, client, signed_in):
    signed_in(client, Role.REVIEWER)
    reference = closed_case(app)
    data = {"hold-reason": "legal_claim", "hold-note": "Claim letter of 3 May"}
    page = client.get(hold_url(reference))
    token = csrf_token(page.get_data(as_text=True))
    assert client.post(hold_url(reference), data={"csrf_token": token, **data}).status_code == 303
    again = client.post(hold_url(reference), data={"csrf_token": token, **data})
    assert again.status_code == 400
    assert "This request is already on hold" in element_text(again.get_data(as_text=True))
    release(client, reference, from_url=hold_url(reference))
    twice = release(client, reference, from_url=hold_url(reference))
    assert twice.status_code == 400
    assert "This request is not on hold" in element_text(twice.get_data(as_text=True))


def test_an_admin_holds_and_releases_from_the_retention_screen(app, client, signed_in):
    signed_in(client, Role.ADMIN, name="Ash Admin")
    reference = closed_case(app)
    home = get_page(client, "/staff/", lang="en")
    assert "Retention and legal hold" in element_text(home.html, "retention-link")

    response = post_hold(
        client,
        reference,
        {"hold-reason": "internal_review", "hold-note": "Review asked for on 2 Dec"},
        back="retention",
    )
    assert response.status_code == 303
    assert response.location == "/staff/retention"
    page = get_page(client, "/staff/retention", lang="en")
    table = element_text(page.html, "held-cases")
    row = table[table.index(reference) :]
    assert row.startswith(
        f"{reference} An internal review Review asked for on 2 Dec Ash Admin "
        f"{datetime.now(UTC).strftime('%-d %B %Y')} Release"
    )
    # An admin does not open case pages: the reference is not a link for them.
    assert f'href="/staff/cases/{reference}"' not in page.html

    response = release(client, reference, from_url="/staff/retention", back="retention")
    assert response.location == "/staff/retention"
    assert not held(app, reference)
    assert reference not in element_text(
        get_page(client, "/staff/retention", lang="en").html, "held-cases"
    )


def test_a_caseworker_sees_the_hold_but_cannot_hold(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    reference = closed_case(app)
    page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert "Put this request on hold" not in element_text(page.html, "legal-hold-section")
    assert client.get(hold_url(reference)).status_code == 403
    assert client.get("/staff/retention").status_code == 403


def test_an_unknown_reference_is_not_found(app, client, signed_in):
    signed_in(client, Role.REVIEWER)
    assert client.get(hold_url("TF-0000-0000")).status_code == 404


def _rows(html: str, table_id: str) -> list[str]:
    """Each body row of a table, as read."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody") :]
    return [visible_text("<tr" + row) for row in body.split("<tr")[1:]]


def test_the_retention_screen_lists_what_the_next_runs_delete_and_what_is_held(
    app, client, signed_in
):
    """What is due already (the next run), what falls due within 30 days (its date), and
    a held case, listed held and never deleted, with its reason."""
    signed_in(client, Role.REVIEWER)
    today = clock.london_today()
    with building(app) as scenarios:
        schedule = app.extensions["council"].retention.schedule
        long_ago = noon(today - timedelta(days=365 * 3))
        overdue = scenarios.case_in(CaseState.COMPLETED, received=long_ago)
        held_case = scenarios.case_in(CaseState.WITHDRAWN, received=long_ago)
        scenarios.hold(held_case, holds.HoldReason.ICO_COMPLAINT, "ICO case IC-55555")
        soon = today + timedelta(days=10)
        closing = scenarios.case_in(
            CaseState.COMPLETED, received=noon(soon.replace(year=soon.year - 2))
        )
        due_soon = schedule.case_record.after(retention.closed_on(closing))
        assert today < due_soon <= today + timedelta(days=30)
        overdue_on = schedule.case_record.after(retention.closed_on(overdue))
        references = overdue.reference, held_case.reference, closing.reference

    page = get_page(client, "/staff/retention", lang="en")
    rows = {
        reference: row
        for row in _rows(page.html, "planned-deletions")
        for reference in references
        if reference in row
    }
    record = "The case record: the request, the people in it"
    assert rows[references[0]].startswith(
        f"Next run due since {overdue_on.strftime('%-d %B %Y')} {references[0]} {record}"
    )
    closed = retention.closed_on(overdue)
    assert f"2 years after closure (closed {closed.day} {closed:%B %Y})" in rows[references[0]]
    assert rows[references[0]].endswith(f"Put on hold {references[0]}")
    assert rows[references[1]].endswith(
        "On hold A complaint to the Information Commissioner's Office (ICO): not deleted while held"
    )
    assert rows[references[2]].startswith(
        f"{due_soon.strftime('%-d %B %Y')} {references[2]} {record}"
    )
    [held_row] = [row for row in _rows(page.html, "held-cases") if references[1] in row]
    assert "ICO case IC-55555" in held_row


def test_a_deleted_case_cannot_be_held(app, client, signed_in):
    signed_in(client, Role.REVIEWER)
    with building(app) as scenarios:
        case = scenarios.case_in(CaseState.COMPLETED, received=RECEIVED)
        retention.erase_case(
            db.session, case, rule="case_record", now=datetime.now(UTC), in_ledger=False
        )
        db.session.commit()
        reference = case.reference
    assert client.get(hold_url(reference)).status_code == 404


def test_the_retention_screen_names_a_disabled_staff_account_due_to_go(
    app, client, signed_in, staff_account
):
    signed_in(client, Role.ADMIN)
    leaver = staff_account(Role.CASEWORKER, name="Lesley Leaver")
    update_user(app, leaver.id, disabled_at=datetime.now(UTC) - timedelta(days=800))
    page = get_page(client, "/staff/retention", lang="en")
    [row] = [row for row in _rows(page.html, "planned-deletions") if "Lesley Leaver" in row]
    assert row.startswith("Next run due since")
    assert "Staff account: Lesley Leaver Staff accounts (name and email)" in row
    assert "after disablement (disabled " in row
