"""Every staff route is in the permission table, and the table is what happens: walk the
URL map, and ask each route as an anonymous visitor and as every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from werkzeug.routing import Rule

from portal.accounts.models import Role
from portal.staff.permissions import (
    ENDPOINT_ACTIONS,
    PERMISSIONS,
    PUBLIC_STAFF_ENDPOINTS,
)
from tests.conftest import get_page
from tests.functional.staff.conftest import any_token, events_since, last_event_id, update_user

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def staff_rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")]


def protected_requests(app, target_id: int) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) for every protected staff route and method. Arguments get
    sample values: the checks run before any view looks them up."""
    for rule in staff_rules(app):
        if rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        url = rule.rule
        for match in ARGUMENT.finditer(rule.rule):
            sample = str(target_id) if match["converter"] == "int" else "sample"
            url = url.replace(match.group(0), sample)
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            yield rule.endpoint, method, url


def ask(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": any_token(client)})


def test_every_staff_route_is_in_the_permission_table(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    missing = endpoints - set(PERMISSIONS) - PUBLIC_STAFF_ENDPOINTS
    assert not missing, f"staff routes missing from the permission table: {sorted(missing)}"
    assert not set(PERMISSIONS) & PUBLIC_STAFF_ENDPOINTS
    stale = (set(PERMISSIONS) | PUBLIC_STAFF_ENDPOINTS) - endpoints
    assert not stale, f"the permission table names routes that do not exist: {sorted(stale)}"


def test_each_view_declares_the_action_the_table_gives_it(app):
    for rule in staff_rules(app):
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "staff_action", "nothing")
        expected = (
            None if rule.endpoint in PUBLIC_STAFF_ENDPOINTS else ENDPOINT_ACTIONS[rule.endpoint]
        )
        assert declared == expected, f"{rule.endpoint} declares {declared}, the table {expected}"


def test_no_staff_route_answers_an_anonymous_visitor(app, staff_account):
    target = staff_account()
    client = app.test_client()
    problems = []
    for endpoint, method, url in protected_requests(app, target.id):
        response = ask(client, method, url)
        if response.status_code != 303 or not response.location.startswith("/staff/sign-in"):
            problems.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert not problems, "reachable without signing in:\n" + "\n".join(problems)


@pytest.fixture()
def role_clients(app, signed_in):
    """A signed-in client per role, signed in again after a route signs it out."""
    clients: dict[Role, object] = {}

    def client_for(role: Role):
        if role not in clients:
            client = app.test_client()
            signed_in(client, role)
            clients[role] = client
        return clients[role]

    def forget(role: Role) -> None:
        clients.pop(role, None)

    return client_for, forget


def test_every_role_gets_exactly_what_the_table_allows(app, staff_account, role_clients):
    client_for, forget = role_clients
    target = staff_account()  # disabled, re-roled and so on by the allowed requests
    problems = []
    for endpoint, method, url in protected_requests(app, target.id):
        allowed = PERMISSIONS[endpoint]
        for role in sorted(set(Role) - allowed):
            client = client_for(role)
            before = last_event_id(app)
            response = ask(client, method, url)
            if response.status_code != 403:
                problems.append(f"{role} {method} {url}: {response.status_code}, not 403")
                continue
            denied = events_since(app, before, "permission_denied")
            if [event.details.get("endpoint") for event in denied] != [endpoint]:
                problems.append(f"{role} {method} {url}: refusal not in the audit trail")
        role = sorted(allowed)[0]
        response = ask(client_for(role), method, url)
        if response.status_code in (401, 403) or (response.location or "").startswith(
            "/staff/sign-in"
        ):
            problems.append(f"{role} {method} {url}: {response.status_code}, but allowed")
        if endpoint == "staff.sign_out":
            forget(role)
    assert not problems, "\n".join(problems)


def test_a_refusal_is_a_page_and_an_audit_event(app, client, signed_in):
    account = signed_in(client, Role.CASEWORKER)
    before = last_event_id(app)
    page = get_page(client, "/staff/admin/staff", status=403, lang="en")
    assert "You cannot see this page" in page.text()
    [event] = events_since(app, before, "permission_denied")
    assert event.actor == f"staff:{account.id}"
    assert event.details["endpoint"] == "staff.admin_staff"
    assert event.details["user_id"] == account.id
    assert event.details["role"] == "caseworker"


def test_a_disabled_account_cannot_use_a_session_it_still_has(app, client, signed_in):
    account = signed_in(client, Role.ADMIN)
    update_user(app, account.id, disabled_at=datetime.now(UTC))  # not through the screen
    assert client.get("/staff/admin/staff").status_code == 303


def test_sign_in_pages_work_for_anyone(app):
    client = app.test_client()
    get_page(client, "/staff/sign-in", lang="en")
    get_page(client, "/staff/session-ended", lang="en")
    get_page(client, "/staff/signed-out", lang="en")
