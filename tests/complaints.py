"""Helpers that walk the complaint journey (C13, DPA 2018 s.164A) as a browser would."""

from __future__ import annotations

from tests.journeys import answer, start, submit

COMPLAINANT = {
    "who": {"acting_for": "myself"},
    "name": {"full_name": "Anna Kowalska", "other_names": ""},
    "contact": {
        "email": "anna@example.com",
        "postal_address": "",
        "phone": "07700 900123",
        "letters_language": "pl",
    },
}

COMPLAINT_ANSWERS = {
    "complaint": {"complaint": "Mój list został wysłany pod stary adres."},
    "earlier": {"reference": ""},
    "outcome": {"outcome_wanted": "Przeprosiny i poprawienie adresu."},
}


def complete_complaint_journey(
    client, locale: str = "en", *, person=COMPLAINANT, answers=None, send: bool = True
):
    """The whole complaint journey; `answers` replaces any of COMPLAINT_ANSWERS' steps."""
    start(client, locale, "complain")
    for step, data in {**person, **COMPLAINT_ANSWERS, **(answers or {})}.items():
        answer(client, locale, "complain", step, data)
    if not send:
        return None
    return submit(client, f"/{locale}/complain/check", {})
