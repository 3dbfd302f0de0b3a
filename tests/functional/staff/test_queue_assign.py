"""Assigning cases from the queue, one or many at once (issue 19 point 2), as a caseworker
does it: tick the cases, choose who gets them, check, confirm, and see the queue again as
it was left, now showing who has them."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import closing
from portal.cases.models import AuditEvent, Case
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import make_account
from tests.functional.staff.test_queue import make_cases
from tests.visible import element_text

CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture()
def caseworker(app, signed_in):
    client = app.test_client()
    account = signed_in(client, Role.CASEWORKER, name="Casey Worker")
    return client, account


def token(page) -> str:
    match = CSRF.search(page.html)
    assert match, "no form token"
    return match.group(1) or match.group(2)


def hidden(page, name: str) -> list[str]:
    return re.findall(rf'type="hidden" name="{name}" value="([^"]*)"', page.html)


def test_several_cases_are_assigned_at_once_after_a_check(app, caseworker):
    client, _ = caseworker
    colleague = make_account(app, Role.CASEWORKER, name="Priya " + secrets.token_hex(3))
    surname = "Bulk" + secrets.token_hex(4)
    made = make_cases(app, 3, surname=surname, due_offsets=[2, 4, 6])
    queue_url = "/staff/queue?" + urlencode({"q": surname})
    queue = get_page(client, queue_url, lang="en")
    text = element_text(queue.html)
    assert "Assign the cases you selected to" in text and "Assign selected cases" in text
    chosen = [made[0][0], made[2][0]]
    for reference in chosen:  # each row has its own checkbox, labelled for screen readers
        assert f'id="select-{reference}"' in queue.html
        assert f"Select {reference}" in element_text(queue.html, everything=True)

    response = client.post(
        "/staff/queue/assign",
        data={
            "csrf_token": token(queue),
            "case": chosen,
            "assignee": f"staff:{colleague.id}",
            "back": queue_url,
        },
    )
    assert response.status_code == 200
    check = response.get_data(as_text=True)
    assert element_text(check).count("Unassigned") == 0
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", check, re.S)
    assert heading and element_text(heading.group(0)) == f"Assign 2 cases to {colleague.name}?"
    for reference in chosen:
        assert reference in element_text(check)
    assert made[1][0] not in check
    with app.app_context():  # nothing changes before the check is confirmed
        assert _assignees(chosen) == {reference: None for reference in chosen}

    confirm = client.post(
        "/staff/queue/assign/confirm",
        data={
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', check).group(1),
            "case": re.findall(r'type="hidden" name="case" value="([^"]+)"', check),
            "assignee": re.search(r'name="assignee" value="([^"]+)"', check).group(1),
            "back": re.search(r'name="back" value="([^"]+)"', check).group(1).replace("&amp;", "&"),
        },
    )
    assert confirm.status_code == 303
    assert confirm.location == queue_url
    after = get_page(client, queue_url, lang="en")
    assert f"2 cases assigned to {colleague.name}" in element_text(after.html)
    with app.app_context():
        assert _assignees(chosen) == {reference: f"staff:{colleague.id}" for reference in chosen}
        assert _assignees([made[1][0]]) == {made[1][0]: None}
        events = db.session.scalars(
            select(AuditEvent)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(Case.reference.in_(chosen), AuditEvent.action == "case_assigned")
        ).all()
        assert len(events) == 2


def test_nothing_ticked_or_nobody_chosen_says_what_to_do_and_changes_nothing(app, caseworker):
    client, _ = caseworker
    queue = get_page(client, "/staff/queue", lang="en")
    response = client.post("/staff/queue/assign", data={"csrf_token": token(queue), "assignee": ""})
    assert response.status_code == 400
    text = element_text(response.get_data(as_text=True))
    assert "There is a problem" in text
    assert "Select at least one case to assign" in text
    assert "Choose who to assign the cases to" in text
    assert "Error: Assign cases" in response.get_data(as_text=True)


def test_a_case_closed_since_it_was_chosen_is_named_not_assigned(app, caseworker):
    client, account = caseworker
    surname = "Closed" + secrets.token_hex(4)
    (first, _, _), (second, _, second_id) = make_cases(app, 2, surname=surname, due_offsets=[3])
    queue = get_page(client, "/staff/queue", lang="en")
    with app.app_context():
        case = db.session.get(Case, second_id)
        closing.record_withdrawal(db.session, case, how_received="phone", actor="test")
    response = client.post(
        "/staff/queue/assign/confirm",
        data={
            "csrf_token": token(queue),
            "case": [first, second],
            "assignee": f"staff:{account.id}",
            "back": "https://elsewhere.example/staff/queue",
        },
    )
    assert response.status_code == 303
    assert response.location == "/staff/queue"  # never off the portal
    after = get_page(client, "/staff/queue", lang="en")
    text = element_text(after.html)
    assert "1 case assigned to Casey Worker" in text
    assert f"Not assigned, as closed since you chose them: {second}" in text
    with app.app_context():
        assert _assignees([first, second]) == {first: f"staff:{account.id}", second: None}


def test_cases_can_be_taken_off_whoever_has_them(app, caseworker):
    client, account = caseworker
    surname = "Off" + secrets.token_hex(4)
    [(reference, _, _)] = make_cases(
        app, 1, surname=surname, due_offsets=[3], assignee=f"staff:{account.id}"
    )
    mine = get_page(client, f"/staff/queue?assignee=staff:{account.id}", lang="en")
    assert reference in mine.html
    response = client.post(
        "/staff/queue/assign",
        data={"csrf_token": token(mine), "case": [reference], "assignee": "nobody"},
    )
    assert "Take 1 case off whoever has them?" in element_text(response.get_data(as_text=True))
    client.post(
        "/staff/queue/assign/confirm",
        data={"csrf_token": token(mine), "case": [reference], "assignee": "nobody"},
    )
    with app.app_context():
        assert _assignees([reference]) == {reference: None}


def test_my_cases_lists_the_cases_i_hold(app, caseworker):
    client, account = caseworker
    surname = "Mine" + secrets.token_hex(4)
    [(held, _, _)] = make_cases(app, 1, surname=surname, assignee=f"staff:{account.id}")
    [(other, _, _)] = make_cases(app, 1, surname=surname)
    queue = get_page(client, "/staff/queue", lang="en")
    link = re.search(r'<a class="govuk-link" href="([^"]+)">My cases</a>', queue.html)
    assert link
    mine = get_page(client, link.group(1).replace("&amp;", "&"), lang="en")
    assert held in mine.html and other not in mine.html


def test_only_staff_who_work_on_cases_may_assign_them(app, signed_in):
    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    page = get_page(admin, "/staff/", lang="en")
    response = admin.post(
        "/staff/queue/assign", data={"csrf_token": token(page), "case": ["TF-0000-0000"]}
    )
    assert response.status_code == 403


def _assignees(references):
    from portal.cases.casework_models import CaseAssignment

    rows = db.session.execute(
        select(Case.reference, CaseAssignment.assignee)
        .outerjoin(CaseAssignment, CaseAssignment.case_id == Case.id)
        .where(Case.reference.in_(references))
    ).all()
    return dict(rows)


def test_the_dashboard_shows_each_persons_open_due_and_overdue_cases(app, caseworker):
    client, _ = caseworker
    colleague = make_account(app, Role.REVIEWER, name="Rowan " + secrets.token_hex(3))
    make_cases(
        app,
        3,
        surname="Load" + secrets.token_hex(4),
        due_offsets=[-10, 1, 40],
        assignee=f"staff:{colleague.id}",
    )
    page = get_page(client, "/staff/", lang="en")
    table = element_text(page.html, "workload-by-person")
    # The Team column shows once there are teams (tests/functional/staff/test_teams.py).
    assert re.match(
        r"Open cases by who has them Member of staff (Team )?Open "
        r"Due within 5 working days Overdue",
        table,
    )
    assert f"{colleague.name} 3 1 1" in table
    link = re.search(rf'href="([^"]+)">{colleague.name}</a>', page.html)
    assert link and link.group(1) == f"/staff/queue?assignee=staff:{colleague.id}"
