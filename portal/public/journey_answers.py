"""Who a journey's answers are about: the person details a request is filed with."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.cases.models import Authority, CaseKind
from portal.cases.references import parse_reference
from portal.cases.requests import PersonDetails


def complaint_details(answers: dict[str, Any]) -> dict[str, Any]:
    """C13: a complaint's answers as the case keeps them; the earlier request's reference
    in its canonical form (or '' when none was given)."""
    if "complaint" not in answers:
        return {}
    given = answers.get("earlier", {}).get("reference") or ""
    return {
        "complaint": answers["complaint"],
        "earlier": {"reference": parse_reference(given) or ""},
        "outcome": answers.get("outcome", {}),
    }


def sent_template(kind: str) -> str:
    """The confirmation page: a complaint's says what happens to a complaint."""
    if kind == CaseKind.COMPLAINT:
        return "public/journey/sent_complaint.html"
    return "public/journey/sent.html"


def person_from_answers(answers: dict[str, Any], *, subject: bool) -> PersonDetails:
    """The person the request is about (`subject`), or the person asking for them."""
    name = answers.get("name", {})
    dob = answers.get("date-of-birth", {}).get("date_of_birth")
    address = answers.get("address", {})
    contact = answers.get("contact", {})
    identifiers = answers.get("identifiers", {})
    if subject:
        myself = answers["who"]["acting_for"] == "myself"
        return PersonDetails(
            full_name=name.get("full_name", ""),
            other_names=name.get("other_names") or "",
            date_of_birth=date.fromisoformat(dob) if dob else None,
            address=address.get("address", ""),
            postcode=address.get("postcode", ""),
            previous_addresses=address.get("previous_addresses") or "",
            email=(contact.get("email") or "") if myself else "",
            phone=(contact.get("phone") or "") if myself else "",
            identifiers={
                key: value
                for key in ("ni_number", "nhs_number", "other_references")
                if (value := identifiers.get(key))
            },
        )
    you = answers.get("you", {})
    return PersonDetails(
        full_name=you.get("requester_name", ""),
        address=contact.get("postal_address") or "",
        email=contact.get("email") or "",
        phone=contact.get("phone") or "",
    )


def authority_answer(answers: dict[str, Any]) -> Authority | None:
    """C11: the authority someone acting for another adult said they have, if any."""
    given = (answers.get("authority") or {}).get("authority")
    try:
        return Authority(given) if given else None
    except ValueError:
        return None
