"""The case queue and the dashboard, through the staff pages."""

from __future__ import annotations

import html
import re
import secrets
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import clock
from portal.cases import queue as case_queue
from portal.cases.clock import london_today
from portal.cases.models import Case, CaseKind, CaseState, Channel, Person
from portal.cases.scenario_requests import person
from portal.cases.scenarios import received_for
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page
from tests.functional.staff.conftest import make_account
from tests.visible import element_text

REFERENCE_LINK = re.compile(r'href="/staff/cases/(TF-[0-9A-Z]{4}-[0-9A-Z]{4})"')
NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')


def arrival_for(due: date, *, later: bool) -> datetime:
    """When a case due on `due` arrived. No case is due on a weekend or bank holiday: then
    it is due on the working day before (or, if `later`, after). Never after now: a case
    due more than a month from now arrived today."""
    step = timedelta(days=1 if later else -1)
    while True:
        try:
            return min(received_for(due), utc_now())
        except ValueError:
            due += step


def make_cases(
    app,
    count: int,
    *,
    surname: str,
    due_offsets: list[int] | None = None,
    state: CaseState = CaseState.IN_PROGRESS,
    assignee: str | None = None,
    **fields,
) -> list[tuple[str, date | None, int]]:
    """Open cases for a made-up surname, by the scenario builder, due about `due_offsets`
    days from today (by default a spread, every tenth waiting for proof of identity, so
    with no due date); returns (reference, due_on, id) for each."""
    made = []
    today = london_today()
    with building(app) as scenarios:
        for index in range(count):
            if due_offsets:
                offset: int | None = due_offsets[index % len(due_offsets)]
            else:
                offset = None if index % 10 == 9 else index % 9 - 3
            subject = person(full_name=f"Tester {surname}")
            if offset is None:
                waiting = CaseState.AWAITING_IDENTITY
                case = scenarios.case_in(waiting, received=utc_now(), subject=subject, **fields)
            else:
                due = today + timedelta(days=offset)
                received = arrival_for(due, later=offset >= 0)
                case = scenarios.case_in(state, received=received, subject=subject, **fields)
            if assignee:
                scenarios.assign(case, assignee)
            made.append((case.reference, case.due_on, case.id))
    return made


def references_on(page) -> list[str]:
    return REFERENCE_LINK.findall(page.html)


@pytest.fixture()
def caseworker(app, signed_in):
    client = app.test_client()
    account = signed_in(client, Role.CASEWORKER)
    return client, account


def test_every_case_once_in_due_order_across_pages(app, caseworker):
    client, _ = caseworker
    surname = "Pager" + secrets.token_hex(4)
    made = make_cases(app, 57, surname=surname)
    expected = [
        reference
        for reference, _, _ in sorted(made, key=lambda m: (m[1] is None, m[1] or date.max, m[2]))
    ]
    url, seen, pages = f"/staff/queue?q={surname}", [], 0
    while url:
        page = get_page(client, url, lang="en")
        seen += references_on(page)
        pages += 1
        match = NEXT_LINK.search(page.html)
        url = html.unescape(match.group(1)) if match else ""
        assert "offset" not in url
    assert pages == 2
    assert seen == expected


def test_search_by_reference_and_name(app, caseworker):
    client, _ = caseworker
    surname = "Searchable" + secrets.token_hex(4)
    (reference, _, _), (other, _, _) = make_cases(app, 2, surname=surname)
    typed = reference.lower().replace("-", " ")
    page = get_page(client, f"/staff/queue?q={typed}", lang="en")
    assert references_on(page) == [reference]
    page = get_page(client, f"/staff/queue?q={surname.upper()}", lang="en")
    assert sorted(references_on(page)) == sorted([reference, other])
    assert f"Tester {surname}" in page.text()


def test_a_surname_shaped_like_a_reference_is_found(app, caseworker):
    """Eight letters without a U also read as a reference (Smithson is TF-SM1T-HS0N)."""
    client, _ = caseworker
    made = {reference for reference, _, _ in make_cases(app, 2, surname="Smithson")}
    for typed in ("Smithson", "smithson", "SMITHSON"):
        page = get_page(client, f"/staff/queue?q={typed}", lang="en")
        assert set(references_on(page)) == made, typed
        rows = element_text(page.html, within="main-content")
        assert rows.count("Tester Smithson") == 2
    reference = sorted(made)[0]
    page = get_page(client, f"/staff/queue?q={reference.replace('-', '')}", lang="en")
    assert references_on(page) == [reference]


def test_filters_by_kind_channel_hub_assignee_state_and_due(app, caseworker):
    client, account = caseworker
    surname = "Filter" + secrets.token_hex(4)
    [plain] = make_cases(app, 1, surname=surname, due_offsets=[-2])
    [objection] = make_cases(
        app,
        1,
        surname=surname,
        kind=CaseKind.OBJECTION,
        channel=Channel.PHONE,
        hub_source="castleford-airedale",
        assignee=f"staff:{account.id}",
        due_offsets=[40],
    )
    [received] = make_cases(app, 1, surname=surname, state=CaseState.RECEIVED, due_offsets=[40])

    def shown(query: str) -> set[str]:
        page = get_page(client, f"/staff/queue?q={surname}&{query}", lang="en")
        return set(references_on(page))

    everything = {plain[0], objection[0], received[0]}
    assert shown("") == everything
    assert shown("kind=objection") == {objection[0]}
    assert shown("channel=phone") == {objection[0]}
    assert shown("hub=castleford-airedale") == {objection[0]}
    assert shown(f"assignee=staff:{account.id}") == {objection[0]}
    assert shown("assignee=unassigned") == {plain[0], received[0]}
    assert shown("state=received") == {received[0]}
    assert shown("due=overdue") == {plain[0]}
    assert shown("state=completed") == set()
    # Unknown values are ignored, never an error.
    assert shown("kind=bogus&state=nope&due=x&assignee=staff:0&hub=nowhere&after=zz") == everything


def test_the_filter_panel_names_new_staff_and_shows_what_is_chosen(app, caseworker):
    """The panel is drawn once for each set of filters and kept: a member of staff who
    joins later is still offered, and each page ticks its own filters."""
    client, _ = caseworker

    get_page(client, "/staff/queue", lang="en")
    newcomer = make_account(app, Role.CASEWORKER, name="Newly " + secrets.token_hex(4))
    page = get_page(client, "/staff/queue", lang="en")
    assert newcomer.name in page.text()
    assert f'value="staff:{newcomer.id}" checked' not in page.html
    page = get_page(client, f"/staff/queue?assignee=staff:{newcomer.id}", lang="en")
    assert f'value="staff:{newcomer.id}" checked' in page.html
    page = get_page(client, "/staff/queue", lang="en")
    assert f'value="staff:{newcomer.id}" checked' not in page.html


def test_overdue_cases_say_how_late_in_working_days(app, caseworker):
    client, _ = caseworker
    surname = "Late" + secrets.token_hex(4)
    [(reference, due_on, _)] = make_cases(app, 1, surname=surname, due_offsets=[-14])
    page = get_page(client, f"/staff/queue?q={reference}", lang="en")
    assert due_on is not None
    late = -clock.working_days_between(london_today(), due_on)
    assert f"{late} working days overdue" in page.text()


def test_queue_is_for_case_staff_only(app, signed_in):
    reviewer = app.test_client()
    signed_in(reviewer, Role.REVIEWER)
    get_page(reviewer, "/staff/queue", lang="en")
    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    assert admin.get("/staff/queue").status_code == 403
    page = get_page(admin, "/staff/", lang="en")
    assert "Overdue" not in page.text()


def figure(page, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">\s*([^<]*?)\s*<', page.html)
    assert match, element_id
    return match.group(1)


def test_dashboard_shows_the_workload(app, caseworker):
    client, _ = caseworker
    with app.app_context():
        before = case_queue.dashboard_figures(db.session, today=london_today())
    surname = "Dash" + secrets.token_hex(4)
    make_cases(app, 1, surname=surname, due_offsets=[-1])  # overdue
    make_cases(app, 1, surname=surname, due_offsets=[0])  # due today
    page = get_page(client, "/staff/", lang="en")
    with app.app_context():
        after = case_queue.dashboard_figures(db.session, today=london_today())
    assert after.overdue == before.overdue + 1
    assert after.due_soon == before.due_soon + 1
    assert figure(page, "figure-overdue") == str(after.overdue)
    assert figure(page, "figure-due-soon") == str(after.due_soon)
    on_time = figure(page, "figure-on-time")
    if after.on_time.percent is None:
        assert on_time == "No cases completed yet this month"
    else:
        assert on_time.startswith(f"{after.on_time.percent}%")
    assert f'data-state="in_progress">{after.open_by_state[CaseState.IN_PROGRESS]}<' in page.html
    assert 'href="/staff/queue?due=overdue"' in page.html


def test_dashboard_counts_a_case_completed_on_time(app, caseworker):
    client, _ = caseworker
    [(reference, _, case_id)] = make_cases(
        app, 1, surname="Done" + secrets.token_hex(4), due_offsets=[5], state=CaseState.READY
    )
    with building(app) as scenarios:
        case = scenarios.session.get(Case, case_id)
        assert case is not None
        scenarios.complete(case, at=utc_now())
        figures = case_queue.dashboard_figures(scenarios.session, today=london_today())
    assert figures.on_time.completed >= 1
    page = get_page(client, "/staff/", lang="en")
    assert figure(page, "figure-on-time").startswith(f"{figures.on_time.percent}%")
    assert reference


def test_each_row_reads_as_the_caseworker_sees_it_with_names_shown_as_typed(app, caseworker):
    """The rows are drawn in Python (queue_views.table_rows): a name holding markup shows
    as the characters typed, and each cell reads in order: reference and kind, name (and
    who asked, when someone asked for another), status, due date, assignee."""
    client, account = caseworker
    surname = "<b>Row" + secrets.token_hex(3) + "</b> & “Co”"
    [(reference, due_on, _)] = make_cases(
        app, 1, surname=surname, due_offsets=[-14], assignee=f"staff:{account.id}"
    )
    page = get_page(client, f"/staff/queue?q={reference}", lang="en")
    assert due_on is not None
    late = -clock.working_days_between(london_today(), due_on)
    row = re.search(
        rf'<tr class="govuk-table__row">(?:(?!</tr>).)*?>{reference}</a>.*?</tr>', page.html, re.S
    )
    assert row, "no row for the case"
    with app.app_context():
        received = db.session.scalar(select(Case.received_on).where(Case.reference == reference))
    assert element_text(row.group(0)) == (
        f"{reference} Access request Tester {surname} In progress "
        f"{received.strftime('%-d %b %Y')} {due_on.strftime('%-d %b %Y')} "
        f"{late} working days overdue {account.name}"
    )
    assert "<b>Row" not in page.html  # escaped, not drawn bold


def test_one_search_box_finds_a_case_by_any_detail_of_the_person(app, caseworker):
    """Issue 19 point 3, as the caseworker uses it: the box says what it finds, and a
    phone number typed as the resident said it finds their case."""
    client, _ = caseworker
    surname = "Żółć" + secrets.token_hex(3)
    [(reference, _, _)] = make_cases(app, 1, surname=surname, due_offsets=[3])
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        subject = db.session.get(Person, case.subject_id)
        subject.phone = "07700 9" + str(secrets.randbelow(10**5)).zfill(5)
        db.session.commit()
        spoken = "+44 " + subject.phone[1:]
    page = get_page(client, "/staff/queue", lang="en")
    assert "Search Reference, name, email, date of birth, postcode or phone number" in (
        element_text(page.html)
    )
    page = get_page(client, "/staff/queue?" + urlencode({"q": spoken}), lang="en")
    assert references_on(page) == [reference]
    page = get_page(
        client, "/staff/queue?" + urlencode({"q": "tester zolc" + surname[4:]}), lang="en"
    )
    assert references_on(page) == [reference]


def test_the_queue_sorts_by_the_day_received_from_its_headings(app, caseworker):
    """Issue 19 point 5: the Received and Due headings sort every page (MOJ's sortable
    table: aria-sort on the heading); the filters keep the sort, the sort keeps the
    filters."""
    client, _ = caseworker
    surname = "Sorted" + secrets.token_hex(4)
    made = make_cases(app, 3, surname=surname, due_offsets=[9, -4, 2])
    with app.app_context():
        received = dict(
            db.session.execute(
                select(Case.reference, Case.received_on).where(
                    Case.reference.in_([m[0] for m in made])
                )
            ).all()
        )
    page = get_page(client, f"/staff/queue?q={surname}", lang="en")
    assert "Showing open cases matching the filters, soonest due first." in page.text()
    headings = re.findall(
        r'<th[^>]*aria-sort="([a-z]+)"[^>]*><a[^>]*href="([^"]+)">(\w+)</a>', page.html
    )
    assert [(sort, text) for sort, _, text in headings] == [
        ("none", "Received"),
        ("ascending", "Due"),
    ]
    newest_url = html.unescape(headings[0][1])
    newest = get_page(client, newest_url, lang="en")
    assert "Showing open cases matching the filters, newest first." in newest.text()
    by_newest = sorted(received, key=lambda ref: (received[ref], ref), reverse=True)
    assert [r for r in references_on(newest)] == sorted(
        references_on(newest), key=lambda ref: received[ref], reverse=True
    )
    assert set(references_on(newest)) == set(by_newest)
    assert 'name="order" value="newest"' in newest.html  # applying filters keeps the sort
    again = re.findall(
        r'<th[^>]*aria-sort="([a-z]+)"[^>]*><a[^>]*href="([^"]+)">(\w+)</a>', newest.html
    )
    assert [(sort, text) for sort, _, text in again] == [
        ("descending", "Received"),
        ("none", "Due"),
    ]
    oldest = get_page(client, html.unescape(again[0][1]), lang="en")
    assert "oldest first." in oldest.text()
    assert references_on(oldest) == sorted(references_on(oldest), key=lambda ref: received[ref])
