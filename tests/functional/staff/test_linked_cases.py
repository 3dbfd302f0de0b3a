"""Linked and duplicate requests on the staff case page (issue 19 point 1): possible
duplicates shown with why, links made and removed from either request through the real
forms (CSRF on), and a duplicate merged into its original, as staff read the pages."""

from __future__ import annotations

import secrets
from datetime import date

from portal.accounts.models import Role
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building
from tests.functional.staff.conftest import events_since, last_event_id
from tests.functional.staff.test_case_page import act, url
from tests.visible import element_text


def family(app, *states: CaseState) -> list[str]:
    """Requests from one family of its own (names and email unique to the test): Anna
    asking about herself, then her son at her address with her email, then a stranger."""
    tag = secrets.token_hex(3)
    email = f"anna.{tag}@example.com"
    anna = person(full_name=f"Anna Kowalska {tag}", email=email, postcode="WF1 2EB")
    son = person(full_name=f"Jan Kowalski {tag}", date_of_birth=date(2010, 4, 1), email=email)
    stranger = person(
        full_name=f"Ewa Nowak {tag}",
        date_of_birth=date(1970, 1, 1),
        email=f"ewa.{tag}@example.org",
        address=f"{tag} Elsewhere Road",
        postcode="LS1 1AA",
    )
    people = [anna, anna, son, stranger]
    states = states or (CaseState.RECEIVED,) * len(people)
    with building(app) as scenarios:
        return [
            scenarios.case_in(state, received=utc_now(), subject=who).reference
            for who, state in zip(people, states, strict=False)
        ]


def page_text(client, reference: str, within: str) -> str:
    return element_text(client.get(url(reference)).get_data(as_text=True), within)


def test_possible_duplicates_and_related_requests_are_shown_with_why(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    first, again, son, stranger = family(app)
    html = client.get(url(first)).get_data(as_text=True)
    table = element_text(html, "related-cases")
    # Newest first: the son's request, then Anna's second.
    assert table.index(son) < table.index(again)
    assert element_text(html, f"related-{son}").endswith("Received Same email; Same address")
    assert element_text(html, f"related-{again}").endswith(
        "Received Same data subject; Same email; Same address"
    )
    assert stranger not in table
    assert first not in table
    assert "No other request shares" in page_text(client, stranger, "related-section")


def test_links_show_on_both_requests_and_are_audited(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    first, _again, son, _stranger = family(app)
    since = last_event_id(app)
    act(
        client,
        first,
        "links",
        {"link-reference": son.lower(), "link-kind": "family_member", "link-note": "Her son"},
    )
    assert "Family member" in page_text(client, first, "linked-cases")
    on_son = page_text(client, son, "linked-cases")
    assert first in on_son and "Family member" in on_son and "Her son" in on_son
    assert f"{son} Linked" in page_text(client, first, "related-cases")  # an MOJ badge
    made = [e for e in events_since(app, since) if e.action == "case_linked"]
    assert len(made) == 2

    html = client.get(url(son)).get_data(as_text=True)
    marker = f"/staff/cases/{son}/links/"
    link_id = html.split(marker, 1)[1].split("/", 1)[0]
    act(client, son, f"links/{link_id}/remove", {})
    assert "Not linked to any other request" in page_text(client, first, "related-section")
    assert "Not linked to any other request" in page_text(client, son, "related-section")
    removed = [e for e in events_since(app, since) if e.action == "case_unlinked"]
    assert len(removed) == 2


def test_linking_to_an_unknown_reference_says_what_to_fix(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    first, *_ = family(app)
    response = act(
        client,
        first,
        "links",
        {"link-reference": "TF-0000-0000", "link-kind": "related"},
        status=400,
    )
    shown = element_text(response.get_data(as_text=True))
    assert "There is a problem There is no request with the reference TF-0000-0000" in shown


def test_a_duplicate_merged_closes_and_the_original_links_to_it(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    original, duplicate, _son, _stranger = family(app)
    act(client, duplicate, "merge", {"merge-reference": original, "merge-confirm": "y"})
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=duplicate).one()
        assert case.state == CaseState.WITHDRAWN and case.merged_into_id is not None
    assert f"Merged into {original}" in page_text(client, duplicate, "merged-into")
    assert duplicate in page_text(client, original, "merged-here")


def test_merging_a_closed_request_is_refused_with_a_clear_message(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    original, closed, *_ = family(
        app, CaseState.RECEIVED, CaseState.COMPLETED, CaseState.RECEIVED, CaseState.RECEIVED
    )
    page = client.get(url(closed)).get_data(as_text=True)
    assert "Merge this duplicate into its original" not in element_text(page, everything=True)
    since = last_event_id(app)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        url(closed, "merge"),
        data={"csrf_token": token, "merge-reference": original, "merge-confirm": "y"},
    )
    assert response.status_code == 400
    assert f"{closed} is closed: only an open request can be merged into another" in (
        element_text(response.get_data(as_text=True))
    )
    assert events_since(app, since) == []
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=closed).one()
        assert case.state == CaseState.COMPLETED and case.merged_into_id is None
