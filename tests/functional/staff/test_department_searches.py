"""Staff record a department search (and a disclosure item's source) by picking one of the
council profile's departments, so letters name it in the requester's language; a
department the profile does not list is typed, and shown to residents as typed."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.casework_models import DepartmentSearch, DisclosureItem
from portal.cases.models import Case, CaseState
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building
from tests.functional.staff.test_case_page import act, date_parts, text_of, today, url


def visible(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def recorded(app, reference: str) -> list[tuple[str, str | None]]:
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        searches = db.session.scalars(
            select(DepartmentSearch)
            .where(DepartmentSearch.case_id == case.id)
            .order_by(DepartmentSearch.id)
        )
        return [(search.department, search.department_key) for search in searches]


def test_a_search_names_one_of_the_profiles_departments_or_another_typed(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        reference = scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now()).reference
    page = visible(client.get(url(reference)).get_data(as_text=True))
    council = app.extensions["council"]
    for department in council.departments:
        assert department.name.english in page
    assert "Another department" in page

    searched = {"search-outcome": "records_found", **date_parts("search-searched_on", today())}
    act(client, reference, "searches", {"search-department": "childrens_social_care", **searched})
    refused = act(
        client, reference, "searches", {"search-department": "other", **searched}, status=400
    )
    assert "Type the name of the other department" in visible(refused.get_data(as_text=True))
    act(
        client,
        reference,
        "searches",
        {"search-department": "other", "search-other_department": "Legal services", **searched},
    )

    assert recorded(app, reference) == [
        ("Children's social care", "childrens_social_care"),
        ("Legal services", None),
    ]
    text = html.unescape(text_of(client, reference))
    assert "Children's social care" in text
    assert "Legal services" in text


def test_a_disclosure_items_source_is_a_department_of_the_profile(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        reference = scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now()).reference
    act(
        client,
        reference,
        "items",
        {
            "item-source_department": "youth_justice",
            "item-title": "Panel notes",
            "item-kind": "typed",
            "item-text": "Attended the panel.",
        },
    )
    with app.app_context():
        item = db.session.scalars(
            select(DisclosureItem).join(Case).where(Case.reference == reference)
        ).one()
        assert (item.source_department, item.source_department_key) == (
            "Youth justice",
            "youth_justice",
        )
