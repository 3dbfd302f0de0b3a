"""The council's messages to residents, emailed by the worker over real SMTP in the case's
language: each kind is made by the real casework function, then the outbox is worked.

Other tests share the database and the outbox, so every assertion looks at this test's
own address.
"""

from __future__ import annotations

import uuid
from datetime import date
from email.message import EmailMessage

import pytest

from portal.cases import closing
from portal.cases.casework_models import DecisionOutcome, RefusalGround, SearchOutcome
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.scenario_requests import access_details, objection_details, person
from portal.cases.scenario_steps import REVIEWER, Search, noon
from portal.cases.scenarios import Scenarios
from tests.conftest import building, translated
from tests.functional.jobs.test_email_delivery import work_until_idle

RECEIVED = noon(date(2026, 3, 2))


def zofia(address: str, language: str) -> dict:
    """The submission's changes: Zofia Wójcik, at her own address, in her language."""
    return {"subject": person(full_name="Zofia Wójcik", email=address), "language": language}


def identity_request(scenarios: Scenarios, address: str, language: str) -> None:
    case = scenarios.filed(received=RECEIVED, **zofia(address, language))
    needed = "A utility bill from the last three months"
    scenarios.request_identity(case, what=needed, at=noon(date(2026, 3, 3)))


def clarification_request(scenarios: Scenarios, address: str, language: str) -> None:
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, **zofia(address, language))
    question = "Which years do you want records for?"
    scenarios.ask(case, question=question, at=noon(date(2026, 3, 9)))


def extension_notice(scenarios: Scenarios, address: str, language: str) -> None:
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, **zofia(address, language))
    reason = "Six departments hold records about your family"
    scenarios.extend(case, reason=reason, at=noon(date(2026, 3, 12)))


def refusal(scenarios: Scenarios, address: str, language: str) -> None:
    case = scenarios.filed(received=RECEIVED, **zofia(address, language))
    reasons = "A copy of the same records was sent three weeks ago"
    scenarios.refuse(case, reasons=reasons, at=noon(date(2026, 3, 4)))


def approved(scenarios: Scenarios, address: str, language: str, delivery: str) -> Case:
    """An access request searched (nothing held) and approved on 5 March."""
    details = access_details(delivery)
    changes = zofia(address, language)
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, details=details, **changes)
    searched = noon(date(2026, 3, 5))
    scenarios.search(case, searches=[Search("Early Help", SearchOutcome.NONE_HELD)], at=searched)
    scenarios.submit(case, summary="Nothing held", at=searched)
    scenarios.approve(case, at=searched)
    return case


def response_ready(scenarios: Scenarios, address: str, language: str) -> None:
    case = approved(scenarios, address, language, "post")
    scenarios.complete(case, at=noon(date(2026, 3, 6)))


def response_ready_to_download(scenarios: Scenarios, address: str, language: str) -> None:
    """Approved for a secure download: the worker makes the pack, releases it and emails."""
    approved(scenarios, address, language, "download")


def decision_ready(scenarios: Scenarios, address: str, language: str) -> None:
    changes = zofia(address, language)
    case = scenarios.case_in(
        CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=RECEIVED, **changes
    )
    scenarios.assess(
        case,
        grounds_raised="The police link puts her at risk",
        compelling_grounds="A child protection plan needs the programme link",
    )
    reasons = "Your safety outweighs the benefit of sharing with the police"
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police"], reasons=reasons)
    scenarios.approve_decision(case, at=noon(date(2026, 3, 20)))


def correction_decision(scenarios: Scenarios, address: str, language: str) -> None:
    """C14: a correction request, corrected, the schools and health services told, and the
    requester asked to be told who was (Art 19)."""
    changes = zofia(address, language)
    case = scenarios.case_in(
        CaseState.IN_PROGRESS, CaseKind.CORRECTION, received=RECEIVED, **changes
    )
    scenarios.propose_rights(case, at=noon(date(2026, 3, 16)))
    scenarios.approve_rights(case, at=noon(date(2026, 3, 20)))


def review_outcome(scenarios: Scenarios, address: str, language: str) -> None:
    """A refusal reviewed at the requester's request: the decision stands."""
    case = scenarios.filed(received=RECEIVED, **zofia(address, language))
    scenarios.refuse(case, reasons="A copy of the same records was sent three weeks ago", at=4)
    review = scenarios.ask_review(case, at=noon(date(2026, 3, 10)))
    scenarios.decide_review(case, review, at=noon(date(2026, 3, 24)))


# Per kind: how to make it, then what the Polish email must say (subject, then body).
POLISH = {
    "identity_request": (
        identity_request,
        "Potrzebujemy dodatkowego dowodu tożsamości",
        [
            "Zanim zaczniemy pracę nad Twoim wnioskiem",
            "Urząd napisał:\n\nA utility bill from the last three months",
            "Śledź swój wniosek: http://portal.test/pl/track",
        ],
    ),
    "clarification_request": (
        clarification_request,
        "Potrzebujemy więcej informacji o Twoim wniosku",
        [
            "Termin jest wstrzymany od 9 marca 2026",
            "Urząd napisał:\n\nWhich years do you want records for?",
            "Odpowiedz na tego e-maila",
        ],
    ),
    "extension_notice": (
        extension_notice,
        "Potrzebujemy więcej czasu na odpowiedź",
        [
            "Odpowiemy do 2 czerwca 2026 zamiast do 2 kwietnia 2026",
            "Urząd napisał:\n\nSix departments hold records about your family",
        ],
    ),
    "refusal": (
        refusal,
        "Odmówiliśmy spełnienia Twojego wniosku",
        [
            "Zdecydowaliśmy, że nie rozpatrzymy Twojego wniosku",
            "Urząd napisał:\n\nA copy of the same records was sent three weeks ago",
            "(ICO)",
            "ico.org.uk/make-a-complaint",
            "Masz też prawo zwrócić się do sądu.",
        ],
    ),
    "response_ready": (
        response_ready,
        "Twoje informacje są gotowe",
        [
            "Wysłaliśmy Ci Twoje informacje pocztą.",
            "(ICO)",
            "ico.org.uk/make-a-complaint",
        ],
    ),
    "response_ready_to_download": (
        response_ready_to_download,
        "Twoje informacje są gotowe",
        [
            "Twoje informacje są gotowe.",
            "Aby je pobrać, wejdź na stronę http://portal.test/pl/track",
            "Możesz je pobierać przez 90 dni.",
        ],
    ),
    "decision_ready": (
        decision_ready,
        "Nasza decyzja w sprawie Twojego sprzeciwu",
        [
            "Częściowo zgadzamy się z Twoim sprzeciwem.",
            "Urząd napisał:\n\nYour safety outweighs the benefit of sharing with the police",
            "(ICO)",
            "Masz też prawo zwrócić się do sądu.",
        ],
    ),
}


def new_address() -> str:
    return f"resident-{uuid.uuid4().hex[:10]}@example.com"


def message_emails(smtp_app, smtp_server, make, language: str) -> list[EmailMessage]:
    """Makes the message on a new case, drains the outbox, and returns the emails that the
    message (not the confirmation) sent to the case's address."""
    address = new_address()
    smtp_server.start()
    work_until_idle(smtp_app)
    with building(smtp_app) as scenarios:
        make(scenarios, address, language)
    work_until_idle(smtp_app)
    confirmation_count = 1  # the request_received email, sent first
    received = smtp_server.to(address)
    assert len(received) == confirmation_count + 1
    return received[confirmation_count:]


@pytest.mark.parametrize("kind", sorted(POLISH))
def test_each_message_is_emailed_once_in_polish(smtp_app, smtp_server, kind):
    make, subject, expected = POLISH[kind]
    [email] = message_emails(smtp_app, smtp_server, make, "pl")
    assert email["Content-Language"] == "pl"
    assert email["Subject"].startswith(subject + " (TF-")
    body = email.get_content().replace("\r\n", "\n")
    assert body.startswith("Dzień dobry,\n")  # no name: Polish would decline it
    for words in expected:
        assert words in body
    assert "We " not in body  # nothing left in English but what staff wrote


def test_a_refusal_in_urdu_names_the_ico_and_the_courts(smtp_app, smtp_server):
    [email] = message_emails(smtp_app, smtp_server, refusal, "ur")
    assert email["Content-Language"] == "ur"
    assert email["Subject"].startswith("ہم نے آپ کی درخواست پر کارروائی سے انکار کر دیا ہے")
    body = email.get_content().replace("\r\n", "\n")
    # What staff wrote, in English, is isolated (FSI ... PDI) so its full stop stays at its end.
    assert "کونسل نے لکھا:\n\n\u2068A copy of the same records was sent three weeks ago" in body
    assert "ico.org.uk/make-a-complaint" in body
    assert "آپ کو عدالت سے رجوع کرنے کا حق بھی حاصل ہے" in body


def test_a_refusal_in_sorani_greets_by_name_and_names_the_ico_and_the_courts(smtp_app, smtp_server):
    [email] = message_emails(smtp_app, smtp_server, refusal, "ckb")
    assert email["Content-Language"] == "ckb"
    assert email["Subject"].startswith("داواکارییەکەتمان ڕەت کردەوە")
    body = email.get_content().replace("\r\n", "\n")
    # "بەڕێز" (dear) fits anyone, and the name after it stays as typed.
    assert body.startswith("بەڕێز Zofia Wójcik،\n")
    # What staff wrote, in English, is isolated (FSI ... PDI) so its full stop stays at its end.
    assert (
        "ئەنجومەن نووسیویەتی:\n\n\u2068A copy of the same records was sent three weeks ago" in body
    )
    assert "\u2066ico.org.uk/make-a-complaint\u2069" in body
    assert "هەروەها مافی ئەوەت هەیە پەنا بۆ دادگا ببەیت." in body


def decision_with_restriction(scenarios: Scenarios, address: str, language: str) -> None:
    """C12: restriction asked for with the objection; the police link upheld (kept
    stopped), the programme carrying on (started again the day after the decision)."""
    case = scenarios.case_in(
        CaseState.IN_PROGRESS,
        CaseKind.OBJECTION,
        received=RECEIVED,
        details=objection_details(restrict=True),
        **zofia(address, language),
    )
    scenarios.assess(
        case,
        grounds_raised="The police link puts her at risk",
        compelling_grounds="A child protection plan needs the programme link",
    )
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police"])
    scenarios.approve_decision(case, at=noon(date(2026, 3, 20)))


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_decision_email_says_what_happens_to_the_restriction(smtp_app, smtp_server, language):
    """C12: Art 18(3) (legislation.gov.uk): a person who obtained restriction "shall be
    informed by the controller before the restriction of processing is lifted"."""
    [email] = message_emails(smtp_app, smtp_server, decision_with_restriction, language)
    body = " ".join(email.get_content().split())
    kept = (
        "You asked us to stop the uses you objected to while we decided. The ones we have "
        "agreed to stop stay stopped."
    )
    assert translated(language, kept) in body
    lifted = translated(
        language,
        "We stopped the uses you objected to while we decided. We will start again on "
        "%(date)s with the ones we are carrying on with.",
    )
    before, after = lifted.split("%(date)s")
    assert before.strip() in body and after.strip() in body
    if language == "en":
        assert "We will start again on 21 March 2026 with the ones" in body


def test_a_review_outcome_is_emailed_in_polish_with_the_route_to_the_ico(smtp_app, smtp_server):
    """Issue 16 point 6: the outcome of an internal review, after the refusal it reviewed."""
    address = new_address()
    smtp_server.start()
    work_until_idle(smtp_app)
    with building(smtp_app) as scenarios:
        review_outcome(scenarios, address, "pl")
    work_until_idle(smtp_app)
    received = smtp_server.to(address)
    assert len(received) == 3  # the confirmation, the refusal, the review's outcome
    email = received[-1]
    assert email["Content-Language"] == "pl"
    assert email["Subject"].startswith("Wynik wewnętrznej kontroli (TF-")
    body = email.get_content().replace("\r\n", "\n")
    for words in (
        "Sprawdziliśmy ponownie naszą decyzję, tak jak prosiłeś(-aś) 10 marca 2026.",
        "Uważamy, że decyzja była słuszna",
        "Urząd napisał:\n\nThe school's records were searched; none about your son were found.",
        "Information Commissioner's Office (ICO)",
        "ico.org.uk/make-a-complaint",
        "Masz też prawo zwrócić się do sądu.",
    ):
        assert words in body
    assert "We " not in body


def art_12_5_refusal(scenarios: Scenarios, address: str, language: str) -> None:
    """C5: refused as manifestly unfounded (UK GDPR Art 12(5)), with reasons."""
    case = scenarios.filed(received=RECEIVED, **zofia(address, language))
    closing.refuse(
        scenarios.session,
        case,
        actor=REVIEWER,
        actor_role=closing.REVIEWER_ROLE,
        reasons="The request offers to withdraw in return for a payment",
        ground=RefusalGround.MANIFESTLY_UNFOUNDED,
        now=noon(date(2026, 3, 4)),
    )


@pytest.mark.parametrize(
    ("language", "ground", "court"),
    [
        (
            "en",
            "because we consider it manifestly unfounded (UK GDPR Article 12(5))",
            "right to go to court",
        ),
        (
            "lt",
            "akivaizdžiai nepagrįstas (UK GDPR 12 straipsnio 5 dalis)",
            "kreiptis į teismą",
        ),
    ],
)
def test_an_art_12_5_refusal_email_gives_the_ground_reasons_and_rights(
    smtp_app, smtp_server, language, ground, court
):
    [email] = message_emails(smtp_app, smtp_server, art_12_5_refusal, language)
    body = email.get_content().replace("\r\n", "\n")
    assert ground in body
    assert "The request offers to withdraw in return for a payment" in body
    assert "ico.org.uk/make-a-complaint" in body
    assert court in body
