"""A request to correct (C14), as the resident and staff read it: the start page in every
language, the questions in Polish to the confirmation, staff deciding with a reviewer, and
the decision letter in Polish, read from the PDF.

Sources (legislation.gov.uk): UK GDPR Art 16: the person may have inaccurate data
rectified and incomplete data completed, "including by means of providing a supplementary
statement"; Art 19: the controller "shall communicate any rectification ... to each
recipient ... unless this proves impossible or involves disproportionate effort", and
"shall inform the data subject about those recipients if the data subject requests it".
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.models import Case, CaseKind, CaseState, EvidencePurpose
from portal.cases.rights_models import RightsDecision
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.instants import utc_now
from tests.conftest import get_page, translated
from tests.functional.staff.test_case_page import act, date_parts, state_of, today, url
from tests.functional.staff.test_what_they_asked_for import sent_reference
from tests.journeys import PERSON, answer, png_bytes, start, submit
from tests.visible import element_text, pdf_text

WRONG = "Mój syn ma w aktach datę urodzenia 3 maja 2015."
SHOULD_SAY = "Urodził się 5 marca 2015."
HONEST = (
    "We check the information against our records and any evidence you send. If it is wrong, "
    "we correct it. If we do not agree that it is wrong, we tell you why, and we can add your "
    "own statement to the record so that anyone who reads it also reads what you say. A senior "
    "officer checks every decision."
)


def offered_languages(app) -> list[str]:
    return list(app.extensions["council"].languages)


def test_the_start_page_answers_in_every_offered_language_with_a_start_button(app, client):
    locales = offered_languages(app)
    assert set(locales) >= {"en", "pl", "ro", "ur", "lt", "lv", "ckb"} & set(LANGUAGES)
    for locale in locales:
        page = get_page(client, f"/{locale}/correct")
        text = element_text(page.html, "main-content")
        assert translated(locale, "Ask us to correct information we hold about you") in text
        assert translated(locale, HONEST) in text
        assert f'href="/{locale}/correct/begin"' in page.html
        begun = client.get(f"/{locale}/correct/begin")
        assert begun.status_code == 303
        assert begun.location.endswith(f"/{locale}/correct/who")


def test_the_notice_links_to_the_correction_journey(client):
    page = get_page(client, "/pl/")
    rights = element_text(page.html)
    assert translated("pl", "Ask us to correct your information") in rights
    assert 'href="/pl/correct"' in page.html


def _walk_to_check(client, locale: str) -> None:
    start(client, locale, "correct")
    for step, data in PERSON.items():
        answer(client, locale, "correct", step, data)
    answer(client, locale, "correct", "wrong", {"wrong": WRONG})
    answer(client, locale, "correct", "should-say", {"should_say": SHOULD_SAY})
    answer(
        client,
        locale,
        "correct",
        "evidence",
        {},
        files={"more_evidence": (io.BytesIO(png_bytes()), "akt-urodzenia.png")},
    )
    answer(client, locale, "correct", "recipients", {"tell_me": "yes"})
    answer(client, locale, "correct", "identity", {"how": "hub"})
    answer(client, locale, "correct", "declaration", {"confirm": "y"})


def test_a_polish_resident_asks_and_staff_decide_and_the_letter_says_who_was_told(app, client):
    _walk_to_check(client, "pl")
    check = element_text(get_page(client, "/pl/correct/check").html, "main-content")
    assert f"{translated('pl', 'What information is wrong?')} {WRONG}" in check
    assert f"{translated('pl', 'What should it say?')} {SHOULD_SAY}" in check
    assert "akt-urodzenia.png" in check
    sent = submit(client, "/pl/correct/check", {})
    assert sent.status_code == 303
    confirmation = element_text(get_page(client, "/pl/correct/sent").html, "main-content")
    assert translated("pl", "We check the information you say is wrong against our records.") in (
        confirmation
    )
    reference = sent_reference(client, "pl", "correct")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.kind == CaseKind.CORRECTION
        assert [f.purpose for f in case.files] == [EvidencePurpose.MORE_EVIDENCE]

    worker, reviewer = app.test_client(), app.test_client()
    _signed_in(app, worker, Role.CASEWORKER, "Casey Worker")
    _signed_in(app, reviewer, Role.REVIEWER, "Robin Reviewer")
    asked = element_text(worker.get(url(reference)).get_data(as_text=True), "asked-for-section")
    assert f"What they say is wrong {WRONG}" in asked
    assert "Tell them who was told (Art 19) Yes" in asked
    act(worker, reference, "accept-identity", date_parts("accept-evidence_arrived_on", today()))
    act(
        worker,
        reference,
        "correction",
        {
            "correction-outcome": "corrected",
            "correction-reasons": "The birth certificate shows 5 March 2015.",
            "correction-record_now_says": "Date of birth: 5 March 2015",
            "correction-recipients_told": ["schools", "health"],
        },
    )
    assert state_of(app, reference) == CaseState.IN_REVIEW
    # Nobody approves their own draft: the caseworker is not offered it, nor allowed it.
    act(worker, reference, "correction/approve", {}, status=403)
    shown = element_text(reviewer.get(url(reference)).get_data(as_text=True), "work-section")
    assert (
        "Correction decision 1: Corrected Proposed by Casey Worker; waiting for the reviewer "
        "Reasons: The birth certificate shows 5 March 2015. The record now says: Date of "
        "birth: 5 March 2015 Told (Art 19): schools and colleges; health services, including "
        "the NHS"
    ) in shown
    act(reviewer, reference, "correction/approve", {})
    assert state_of(app, reference) == CaseState.READY

    with app.app_context():
        message = db.session.scalar(
            select(CaseMessage).where(
                CaseMessage.kind == MessageKind.CORRECTION_DECISION,
                CaseMessage.case_id
                == db.session.scalar(select(Case.id).where(Case.reference == reference)),
            )
        )
        assert message.params["recipients_told"] == ["schools", "health"]
    letter = reviewer.get(f"/staff/cases/{reference}/letters/correction_decision.pdf")
    assert letter.status_code == 200
    text = " ".join(pdf_text(letter.data).split())
    for words in (
        "Our decision on your request to correct information",
        "We have corrected the information you told us was wrong.",
        "What the record says now",
        "Who we told",
        "You asked us to tell you who we told about this decision. We told:",
        "Schools and colleges",
        "Health services, including the NHS",
    ):
        assert " ".join(translated("pl", words).split()) in text, words
    assert "Date of birth: 5 March 2015" in text


def _signed_in(app, client, role: Role, name: str) -> None:
    from tests.functional.staff.conftest import make_account, sign_in

    assert sign_in(client, make_account(app, role, name=name)).status_code == 303


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("wrong", {"wrong": ""}, "Tell us what information is wrong"),
        ("wrong", {"wrong": "x" * 5001}, "What is wrong must be 5000 characters or fewer"),
        ("wrong", {"wrong": "  \n\t\u0000  "}, "Tell us what information is wrong"),
        ("should-say", {"should_say": ""}, "Tell us what the information should say"),
        (
            "should-say",
            {"should_say": "<script>alert(1)</script>" * 300},
            "What it should say must be 5000 characters or fewer",
        ),
        ("recipients", {"tell_me": "maybe"}, "Select one of the options shown"),
        ("recipients", {}, "Select yes if you want us to tell you who we told"),
    ],
)
def test_hostile_or_missing_answers_are_refused_in_the_residents_language(
    app, client, step, data, message
):
    with app.app_context():
        before = db.session.query(Case).count()
    start(client, "ro", "correct")
    for earlier, answers in PERSON.items():
        answer(client, "ro", "correct", earlier, answers)
    if step != "wrong":
        answer(client, "ro", "correct", "wrong", {"wrong": WRONG})
    if step == "recipients":
        answer(client, "ro", "correct", "should-say", {"should_say": SHOULD_SAY})
        answer(client, "ro", "correct", "evidence", {})
    refused = submit(client, f"/ro/correct/{step}", data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert translated("ro", message) in element_text(page)
    assert "<script>alert" not in page
    with app.app_context():
        assert db.session.query(Case).count() == before


def test_evidence_of_the_wrong_type_is_refused_and_the_journey_goes_on_without_it(app, client):
    start(client, "pl", "correct")
    for step, data in PERSON.items():
        answer(client, "pl", "correct", step, data)
    answer(client, "pl", "correct", "wrong", {"wrong": WRONG})
    answer(client, "pl", "correct", "should-say", {"should_say": SHOULD_SAY})
    refused = submit(
        client,
        "/pl/correct/evidence",
        {},
        files={"more_evidence": (io.BytesIO(b"MZ\x90\x00 not a picture"), "evil.exe")},
    )
    assert refused.status_code == 400
    assert translated("pl", "The file %(name)s must be a PDF, JPG or PNG") % {
        "name": "evil.exe"
    } in element_text(refused.get_data(as_text=True))
    # Evidence is optional: the page goes on without a file.
    answer(client, "pl", "correct", "evidence", {})


def test_a_decision_without_reasons_or_its_text_is_refused_and_nothing_changes(app):
    from tests.functional.staff.conftest import make_account, sign_in

    worker = app.test_client()
    assert sign_in(worker, make_account(app, Role.CASEWORKER)).status_code == 303
    from tests.conftest import building

    with building(app) as scenarios:
        case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.CORRECTION, received=utc_now())
        reference = case.reference
    act(worker, reference, "correction", {"correction-outcome": "corrected"}, status=400)
    response = act(
        worker,
        reference,
        "correction",
        {"correction-outcome": "statement_added", "correction-reasons": "We disagree"},
        status=400,
    )
    assert "Give the supplementary statement added to the record" in element_text(
        response.get_data(as_text=True)
    )
    assert state_of(app, reference) == CaseState.IN_PROGRESS
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        assert not db.session.scalars(
            select(RightsDecision).where(RightsDecision.case_id == case_id)
        ).all()


def test_the_tracking_page_gives_the_decision_in_the_residents_language(app):
    """The decided request as its requester follows it, in Sorani (right to left)."""
    from datetime import date

    from portal.cases.scenario_requests import person
    from portal.cases.scenario_steps import noon
    from tests.conftest import building
    from tests.functional.test_tracking import Filed, sign_in, unique_email

    email = unique_email()
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            CaseKind.CORRECTION,
            received=noon(date(2026, 3, 2)),
            subject=person(email=email),
            language="ckb",
        )
        scenarios.propose_rights(case)
        scenarios.approve_rights(case, at=noon(date(2026, 3, 20)))
        filed = Filed(case.id, case.reference, email)
    client = app.test_client()
    sign_in(app, client, filed, locale="ckb")
    text = element_text(get_page(client, "/ckb/track/status").html)
    for words in (
        "Request to correct information",
        "A senior officer has approved our decision on your request. We are sending it to you "
        "now, and you can read it in our message below.",
        "Our decision on your request to correct information",
        "We have corrected the information you told us was wrong.",
        "We made our decision on your request to correct information",
    ):
        assert translated("ckb", words) in text, words


def test_a_file_removed_from_the_evidence_page_returns_there(app, client):
    start(client, "en", "correct")
    for step, data in PERSON.items():
        answer(client, "en", "correct", step, data)
    answer(client, "en", "correct", "wrong", {"wrong": WRONG})
    answer(client, "en", "correct", "should-say", {"should_say": SHOULD_SAY})
    answer(
        client,
        "en",
        "correct",
        "evidence",
        {},
        files={"more_evidence": (io.BytesIO(png_bytes()), "certificate.png")},
    )
    page = get_page(client, "/en/correct/evidence")
    assert "certificate.png" in element_text(page.html, "main-content")
    action = re.search(r'formaction="(/en/correct/remove-file/\d+\?step=evidence)"', page.html)
    assert action, "no Remove button on the evidence page"
    removed = submit(
        client, "/en/correct/evidence", {}, action=action.group(1).replace("&amp;", "&")
    )
    assert removed.status_code == 303
    assert removed.location.endswith("/en/correct/evidence")
    assert "certificate.png" not in element_text(get_page(client, "/en/correct/evidence").html)
