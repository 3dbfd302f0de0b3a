"""Requests to restrict (UK GDPR Art 18) and to delete (Art 17), made as the portal makes
them: the journeys walked as a browser would, and cases taken through the real service
functions to each council message (C14, C15)."""

from __future__ import annotations

from datetime import date

from portal.cases import lifting
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios
from tests.functional.jobs.test_case_messages import RECEIVED, zofia
from tests.journeys import PERSON, answer, start

# The journeys' own answers, in the requester's words (Polish and Romanian residents).
RESTRICT_WHY = "Dane o wykluczeniu syna ze szkoły są błędne. Nigdy nie został wykluczony."
RESTRICT_ANSWERS = {
    "processing": {"processing": ["sharing", "local_research"], "agencies": ["police"]},
    "grounds": {"ground": "accuracy"},
    "why": {"why": RESTRICT_WHY},
    "recipients": {"tell_me": "yes"},
}
DELETE_WHAT = "Notițele despre trimiterea din 2019, care a fost închisă."
DELETE_WHY = "Nu am mai primit sprijin din 2019."
DELETE_ANSWERS = {
    "delete-what": {"what": DELETE_WHAT},
    "grounds": {"ground": "not_needed"},
    "why": {"why": DELETE_WHY},
    "recipients": {"tell_me": "no"},
}


def walk(client, locale: str, path: str, answers: dict, *, person=PERSON) -> None:
    """From the start to check your answers: the person, the request's own questions, and
    proof of identity shown at a hub."""
    start(client, locale, path)
    for step, data in {**person, **answers}.items():
        answer(client, locale, path, step, data)
    answer(client, locale, path, "identity", {"how": "hub"})
    answer(client, locale, path, "declaration", {"confirm": "y"})


def restriction_decision(scenarios: Scenarios, address: str, language: str) -> Case:
    """C14: a request to restrict the local research use while the record's accuracy is
    checked: restricted, the schools and health services told."""
    case = scenarios.case_in(
        CaseState.IN_PROGRESS, CaseKind.RESTRICTION, received=RECEIVED, **zofia(address, language)
    )
    scenarios.propose_rights(case, at=noon(date(2026, 3, 16)))
    scenarios.approve_rights(case, at=noon(date(2026, 3, 20)))
    return case


def deletion_decision(scenarios: Scenarios, address: str, language: str) -> None:
    """C15: a request to delete notes the programme still needs: not deleted (Art 17(3)(b))."""
    case = scenarios.case_in(
        CaseState.IN_PROGRESS, CaseKind.DELETION, received=RECEIVED, **zofia(address, language)
    )
    scenarios.propose_rights(case, "not_deleted", at=noon(date(2026, 3, 16)))
    scenarios.approve_rights(case, at=noon(date(2026, 3, 20)))


LIFTING_REASONS = "The school has confirmed the record is accurate."


def restriction_lifting(scenarios: Scenarios, address: str, language: str) -> None:
    """C14, Art 18(3): the restriction approved above, then notice that the local research
    use starts again on 20 April 2026, given on 1 April."""
    case = restriction_decision(scenarios, address, language)
    lifting.give_notice_of_lifting(
        scenarios.session,
        case,
        processing=["local_research"],
        lift_on=date(2026, 4, 20),
        reasons=LIFTING_REASONS,
        actor=scenarios.reviewer,
        now=noon(date(2026, 4, 1)),
    )
