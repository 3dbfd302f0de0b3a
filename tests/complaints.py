"""Helpers that walk the complaint journey (C13, DPA 2018 s.164A) as a browser would."""

from __future__ import annotations

from datetime import date

from portal.cases.models import Case, CaseKind
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios
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


# One complaint per council message of a complaint (C13), made by the casework functions,
# for the every-email and every-letter tests (tests/resident_messages.py).
COMPLAINT_RECEIVED = noon(date(2026, 6, 22))  # s.164A is in force from 19 June 2026


def _complaint(scenarios: Scenarios, address: str, language: str) -> Case:
    return scenarios.filed(
        received=COMPLAINT_RECEIVED,
        kind=CaseKind.COMPLAINT,
        subject=person(full_name="Zofia Wójcik", email=address),
        language=language,
    )


def complaint_acknowledgement(scenarios: Scenarios, address: str, language: str) -> None:
    _complaint(scenarios, address, language)


def complaint_progress(scenarios: Scenarios, address: str, language: str) -> None:
    case = _complaint(scenarios, address, language)
    scenarios.report_progress(case, update="We have asked the post room.", at=3)


def complaint_outcome(scenarios: Scenarios, address: str, language: str) -> None:
    case = _complaint(scenarios, address, language)
    scenarios.propose_outcome(case, outcome="We apologise for the mistake.", at=8)
    scenarios.approve_outcome(case, at=10)
