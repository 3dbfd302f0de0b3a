"""The demonstration's linked and duplicate requests (issue 19 point 1), for portal.demo:
a parent's request about themselves, then one for their child (the same email and
address), linked as family; and the parent asking again, a possible duplicate that each
page shows with why, left for staff to link or merge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from portal.cases import case_links
from portal.cases.link_models import LinkKind
from portal.cases.requests import PersonDetails
from portal.cases.scenario_requests import on_behalf_of, submission
from portal.cases.scenarios import Scenarios

NOTE = "Parent and child: one family plan, so search for both together."


def linked_family(
    scenarios: Scenarios,
    parent: PersonDetails,
    child: PersonDetails,
    common: dict[str, Any],
    received_at: Callable[[int], datetime],
    now: datetime,
) -> None:
    """`common`: the submissions' language and notice version; `received_at(days)`: when a
    request that many days old arrived."""
    about_child = PersonDetails(
        full_name=child.full_name,
        date_of_birth=child.date_of_birth,
        address=parent.address,
        postcode=parent.postcode,
    )
    first, second, _again = (
        scenarios.filed(submission(**people, **common), received=received_at(age))
        for people, age in (
            ({"subject": parent}, 17),
            (on_behalf_of(about_child, requester=parent), 10),
            ({"subject": parent}, 2),
        )
    )
    scenarios.in_progress(first, searched=True)
    scenarios.in_progress(second)
    case_links.link(
        scenarios.session,
        second,
        other_reference=first.reference,
        kind=LinkKind.FAMILY_MEMBER,
        note=NOTE,
        actor=scenarios.worker(),
        now=now - timedelta(days=8),
    )
