"""Teams of staff (issue 19 point 2): an administrator makes a team and ticks who is in
it; the queue then shows a team's cases, and the dashboard who is in which team."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from portal.accounts.models import Role, StaffUser, Team
from portal.cases.models import AuditEvent
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import make_account
from tests.functional.staff.test_queue import make_cases, references_on
from tests.visible import element_text, read_html

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page) -> str:
    match = CSRF.search(page.html)
    assert match, "no form token"
    return match.group(1)


def make_team(client, name: str):
    page = get_page(client, "/staff/admin/teams", lang="en")
    return client.post("/staff/admin/teams", data={"csrf_token": token(page), "name": name})


def test_an_administrator_makes_a_team_and_chooses_who_is_in_it(app, signed_in):
    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    first = make_account(app, Role.CASEWORKER, name="Ola " + secrets.token_hex(3))
    second = make_account(app, Role.REVIEWER, name="Reza " + secrets.token_hex(3))
    name = "Records team " + secrets.token_hex(3)
    made = make_team(admin, name)
    assert made.status_code == 303
    team_page = get_page(admin, made.location, lang="en")
    assert f"Team {name} made: now choose who is in it" in element_text(team_page.html)
    assert read_html(team_page.html).h1 == name
    saved = admin.post(
        made.location,
        data={"csrf_token": token(team_page), "member": [str(first.id), str(second.id)]},
    )
    assert saved.status_code == 303
    again = get_page(admin, made.location, lang="en")
    assert f"{name}: 2 joined, 0 left" in element_text(again.html)
    for member in (first, second):
        assert re.search(rf'value="{member.id}"[^>]*checked', again.html)
    listing = get_page(admin, "/staff/admin/teams", lang="en")
    assert f"{name} 2" in element_text(listing.html)
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == name))
        assert {
            u.id for u in db.session.scalars(select(StaffUser).where(StaffUser.team_id == team.id))
        } == {
            first.id,
            second.id,
        }
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("team_%"))
        ).all()
        assert "team_created" in actions and "team_members_changed" in actions


def test_a_team_needs_a_new_name(app, signed_in):
    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    blank = make_team(admin, "   ")
    assert blank.status_code == 400
    assert "Enter a name for the team" in element_text(blank.get_data(as_text=True))
    name = "Twice " + secrets.token_hex(3)
    assert make_team(admin, name).status_code == 303
    again = make_team(admin, name.upper())
    assert again.status_code == 400
    assert f"There is already a team called {name.upper()}" in element_text(
        again.get_data(as_text=True)
    )


def test_the_queue_shows_a_teams_cases_and_the_dashboard_its_members(app, signed_in):
    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    in_team = make_account(app, Role.CASEWORKER, name="Tia " + secrets.token_hex(3))
    outside = make_account(app, Role.CASEWORKER, name="Otto " + secrets.token_hex(3))
    name = "Queue team " + secrets.token_hex(3)
    location = make_team(admin, name).location
    page = get_page(admin, location, lang="en")
    admin.post(location, data={"csrf_token": token(page), "member": [str(in_team.id)]})
    team_id = location.rsplit("/", 1)[1]

    surname = "Teamed" + secrets.token_hex(4)
    [(theirs, _, _)] = make_cases(app, 1, surname=surname, assignee=f"staff:{in_team.id}")
    [(others, _, _)] = make_cases(app, 1, surname=surname, assignee=f"staff:{outside.id}")
    caseworker = app.test_client()
    signed_in(caseworker, Role.CASEWORKER)
    queue = get_page(caseworker, f"/staff/queue?q={surname}", lang="en")
    assert set(references_on(queue)) == {theirs, others}
    assert name in element_text(queue.html)  # offered as a filter
    filtered = get_page(caseworker, f"/staff/queue?q={surname}&team={team_id}", lang="en")
    assert references_on(filtered) == [theirs]
    assert f"Remove this filter {name}" in element_text(filtered.html, everything=True)

    home = get_page(caseworker, "/staff/", lang="en")
    assert f"{in_team.name} {name} 1" in element_text(home.html, "workload-by-person")


def test_only_administrators_manage_teams(app, signed_in):
    caseworker = app.test_client()
    signed_in(caseworker, Role.CASEWORKER)
    assert caseworker.get("/staff/admin/teams").status_code == 403
