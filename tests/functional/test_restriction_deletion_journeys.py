"""Requests to restrict (C14, UK GDPR Art 18) and to delete (C15, Art 17), as the resident
reads them: the start pages in every language, the questions in Polish (restrict) and
Romanian (delete) to the confirmation with the case's details as the decision engine reads
them, readable answers on the check page, hostile input refused in the resident's
language, and the letters read from the PDF.

Sources (legislation.gov.uk/eur/2016/679): Art 17(1)(a), (c), (d) and 17(3)(b) (erasure
does not apply where processing is necessary "for the performance of a task carried out in
the public interest"); Art 18(1)(a)-(d), 18(2) (storage only, but with consent, for legal
claims, to protect another person or for important public interest), 18(3) (told before
a restriction is lifted); Art 19 (recipients told; the person told who, if they ask).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.cases import lifting
from portal.cases.models import Case, CaseKind
from portal.cases.scenario_steps import noon
from portal.documents import letters
from portal.documents.letters import LetterKind
from portal.extensions import db
from tests.conftest import building, get_page, translated
from tests.functional.staff.test_what_they_asked_for import sent_reference
from tests.journeys import PERSON, answer, start, submit
from tests.rights_requests import (
    DELETE_ANSWERS,
    DELETE_WHAT,
    DELETE_WHY,
    LIFTING_REASONS,
    RESTRICT_ANSWERS,
    RESTRICT_WHY,
    deletion_decision,
    restriction_decision,
    restriction_lifting,
    walk,
)
from tests.visible import element_text, pdf_text

RESTRICT_HONEST = (
    "While its use is stopped, we keep the information but do not use it. We may only use it "
    "if you agree, to make, use or defend a legal claim, to protect the rights of another "
    "person, or for an important public interest of the United Kingdom."
)
DELETE_HONEST = (
    "The council uses this information to carry out a public task: supporting families. The "
    "law limits the right to have information deleted for a public task. While the programme "
    "still needs the information to support the family, we usually cannot delete it."
)
START_PAGES = {
    "restrict": ("Ask us to stop using information we hold about you", RESTRICT_HONEST),
    "delete": ("Ask us to delete information we hold about you", DELETE_HONEST),
}


def offered_languages(app) -> list[str]:
    return list(app.extensions["council"].languages)


@pytest.mark.parametrize("path", list(START_PAGES))
def test_the_start_page_answers_in_every_offered_language_with_a_start_button(app, client, path):
    name, honest = START_PAGES[path]
    for locale in offered_languages(app):
        page = get_page(client, f"/{locale}/{path}")
        text = element_text(page.html, "main-content")
        assert translated(locale, name) in text, locale
        assert translated(locale, honest) in text, locale
        assert f'href="/{locale}/{path}/begin"' in page.html
        begun = client.get(f"/{locale}/{path}/begin")
        assert begun.status_code == 303
        assert begun.location.endswith(f"/{locale}/{path}/who")


def test_the_deletion_start_page_says_what_can_be_asked_instead_and_when_it_is_deleted(client):
    page = get_page(client, "/en/delete")
    for journey in ("correct", "restrict", "object"):
        assert f'href="/en/{journey}"' in page.html
    assert 'href="/en/#how-long-we-keep-it"' in page.html or "#how-long-we-keep-it" in page.html
    text = element_text(page.html, "main-content")
    assert "We delete it at the end of the period in our retention schedule." in text


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_the_notice_links_to_both_journeys(client, locale):
    page = get_page(client, f"/{locale}/")
    text = element_text(page.html)
    assert translated(locale, "Ask us to stop using your information") in text
    assert translated(locale, "Ask us to delete your information") in text
    assert f'href="/{locale}/restrict"' in page.html
    assert f'href="/{locale}/delete"' in page.html


def _case(app, reference: str) -> tuple[str, dict]:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return case.kind, dict(case.details)


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_a_request_to_restrict_reaches_the_case_as_the_decision_engine_reads_it(
    app, client, locale
):
    walk(client, locale, "restrict", RESTRICT_ANSWERS)
    check = element_text(get_page(client, f"/{locale}/restrict/check").html, "main-content")
    t = functools_partial(translated, locale)
    for question, shown in (
        ("Which uses of the information should we stop?", "Sharing with particular organisations"),
        ("Which organisations should we stop sharing with?", "Police"),
        (
            "Why should we stop using the information?",
            "The information is wrong, and you should not use it while you check it",
        ),
        ("Do you want us to tell you which organisations we tell?", "Yes, tell me who you told"),
    ):
        assert f"{t(question)} {t(shown)}" in check, question
    assert f"{t('Tell us more about why')} {RESTRICT_WHY}" in check
    assert t("Local research") in check
    assert "local_research" not in check and "accuracy" not in check
    assert submit(client, f"/{locale}/restrict/check", {}).status_code == 303
    confirmation = element_text(get_page(client, f"/{locale}/restrict/sent").html, "main-content")
    assert t("We look at your reasons and decide whether to stop the uses you asked about.") in (
        confirmation
    )
    kind, details = _case(app, sent_reference(client, locale, "restrict"))
    assert kind == CaseKind.RESTRICTION
    assert details["processing"] == {
        "processing": ["sharing", "local_research"],
        "agencies": ["police"],
    }
    assert details["grounds"] == {"ground": "accuracy"}
    assert details["why"] == {"why": RESTRICT_WHY}
    assert details["recipients"] == {"tell_me": "yes"}


@pytest.mark.parametrize("locale", ["en", "ro"])
def test_a_request_to_delete_reaches_the_case_as_the_decision_engine_reads_it(app, client, locale):
    walk(client, locale, "delete", DELETE_ANSWERS)
    check = element_text(get_page(client, f"/{locale}/delete/check").html, "main-content")
    t = functools_partial(translated, locale)
    assert f"{t('What information do you want us to delete?')} {DELETE_WHAT}" in check
    assert (
        f"{t('Why should we delete it?')} "
        f"{t('You no longer need it for the reason you collected it')}"
    ) in check
    assert f"{t('Tell us more about why')} {DELETE_WHY}" in check
    assert (
        f"{t('Do you want us to tell you which organisations we tell?')} "
        f"{t('No, I do not need to know')}"
    ) in check
    assert "not_needed" not in check
    assert submit(client, f"/{locale}/delete/check", {}).status_code == 303
    confirmation = element_text(get_page(client, f"/{locale}/delete/sent").html, "main-content")
    assert t(
        "We look at your reasons and at whether the programme still needs the information."
    ) in (confirmation)
    kind, details = _case(app, sent_reference(client, locale, "delete"))
    assert kind == CaseKind.DELETION
    assert details["delete-what"] == {"what": DELETE_WHAT}
    assert details["grounds"] == {"ground": "not_needed"}
    assert details["why"] == {"why": DELETE_WHY}
    assert details["recipients"] == {"tell_me": "no"}


def functools_partial(function, locale):
    return lambda message: function(locale, message)


HOSTILE = [
    ("restrict", "processing", {}, "Select at least one use we should stop"),
    ("restrict", "processing", {"processing": ["nuclear"]}, "Select only the options shown"),
    ("restrict", "processing", {"processing": ["sharing"]}, "Select at least one organisation"),
    ("restrict", "grounds", {}, "Select why we should stop using the information"),
    ("restrict", "grounds", {"ground": "because"}, "Select one of the options shown"),
    (
        "restrict",
        "why",
        {"why": "  \n\t\u0000 "},
        "Tell us why we should stop using the information",
    ),
    ("restrict", "why", {"why": "x" * 5001}, "Your reasons must be 5000 characters or fewer"),
    ("restrict", "recipients", {}, "Select yes if you want us to tell you who we told"),
    ("delete", "delete-what", {"what": ""}, "Tell us what information you want us to delete"),
    (
        "delete",
        "delete-what",
        {"what": "<script>alert(1)</script>" * 300},
        "What you want deleted must be 5000 characters or fewer",
    ),
    ("delete", "grounds", {}, "Select why we should delete the information"),
    ("delete", "grounds", {"ground": "erase_all"}, "Select one of the options shown"),
    ("delete", "why", {"why": ""}, "Tell us why we should delete the information"),
    ("delete", "recipients", {"tell_me": "maybe"}, "Select one of the options shown"),
]


@pytest.mark.parametrize(("path", "step", "data", "message"), HOSTILE)
@pytest.mark.parametrize("locale", ["en", "ro"])
def test_hostile_or_missing_answers_are_refused_in_the_residents_language(
    app, client, locale, path, step, data, message
):
    with app.app_context():
        before = db.session.query(Case).count()
    answers = RESTRICT_ANSWERS if path == "restrict" else DELETE_ANSWERS
    start(client, locale, path)
    for earlier, given in {**PERSON, **answers}.items():
        if earlier == step:
            break
        answer(client, locale, path, earlier, given)
    refused = submit(client, f"/{locale}/{path}/{step}", data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert translated(locale, message) in element_text(page)
    assert "<script>alert" not in page
    with app.app_context():
        assert db.session.query(Case).count() == before


# Letters, read from the PDF (English; the other languages once translated) ------------


def _letter_text(app, make, kind: LetterKind) -> str:
    with building(app) as scenarios:
        make(scenarios, "zofia@example.com", "en")
        case = db.session.scalar(select(Case).order_by(Case.id.desc()))
        letter = letters.render_letter(db.session, case, kind)
        assert letter.language == "en"
        return " ".join(pdf_text(letter.pdf).split())


def test_the_restriction_decision_letter_names_the_uses_stopped_and_who_was_told(app):
    text = _letter_text(app, restriction_decision, LetterKind.RESTRICTION_DECISION)
    for words in (
        "Our decision on your request to stop using information",
        "We have agreed to stop using the information in these ways: Using your information "
        "for local research on the programme.",
        "The uses we have stopped",
        "We will write to you before we start using it in any of these ways again.",
        "Who we told",
        "Schools and colleges",
        "Health services, including the NHS",
        "Information Commissioner",
    ):
        assert words in text, words
    assert "local_research" not in text


def test_the_deletion_decision_letter_says_plainly_why_it_is_kept_and_what_can_be_asked(app):
    text = _letter_text(app, deletion_decision, LetterKind.DELETION_DECISION)
    for words in (
        "Our decision on your request to delete information",
        "We have decided not to delete the information, for the reasons below.",
        "The law lets us keep information that we still need for our public task of "
        "supporting families.",
        "You can still ask us to correct information that is wrong, to stop using it in some "
        "ways, or object to how we use it.",
        "The family is still supported, so the programme needs the notes",
        "Information Commissioner",
    ):
        assert words in text, words
    assert "not_deleted" not in text


def test_the_lifting_letter_gives_the_uses_the_day_and_the_councils_reasons(app):
    text = _letter_text(app, restriction_lifting, LetterKind.RESTRICTION_LIFTING)
    for words in (
        "We will start using some information again",
        "from 20 April 2026 we will use the information in these ways again: Using your "
        "information for local research on the programme.",
        "The uses that start again",
        "We will start again on 20 April 2026.",
        LIFTING_REASONS,
        "Information Commissioner",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("make", "received"),
    [
        (restriction_decision, "We have received your request to stop using information"),
        (deletion_decision, "We have received your request to delete information"),
    ],
)
def test_the_acknowledgement_says_what_was_asked(app, make, received):
    text = _letter_text(app, make, LetterKind.ACKNOWLEDGEMENT)
    assert received in text
    if make is restriction_decision:
        assert "What you asked us to stop: Using your information for local research" in text
    else:
        assert "What you asked us to delete: The notes about the 2019 referral" in text


# A parent's request for their child: the letters address the parent, name the child -----


def _childs_request(scenarios, address: str, language: str):
    from portal.cases.models import ActingFor, CaseState
    from portal.cases.scenario_requests import person
    from tests.functional.jobs.test_case_messages import RECEIVED

    return scenarios.case_in(
        CaseState.IN_PROGRESS,
        CaseKind.RESTRICTION,
        received=RECEIVED,
        acting_for=ActingFor.MY_CHILD,
        requester=person(full_name="Maria Popescu", email=address),
        subject=person(full_name="Zofia Wójcik", date_of_birth=date(2014, 5, 1), email=""),
        relationship_to_subject="mother",
        language=language,
    )


def test_a_parents_restriction_letters_name_the_child_and_speak_to_the_parent(app):
    def restricted_then_lifted(scenarios, address, language):
        case = _childs_request(scenarios, address, language)
        scenarios.judge_if_needed(case, at=noon(date(2026, 3, 12)))  # C11
        scenarios.propose_rights(case, at=noon(date(2026, 3, 16)))
        scenarios.approve_rights(case, at=noon(date(2026, 3, 20)))
        lifting.give_notice_of_lifting(
            scenarios.session,
            case,
            processing=["local_research"],
            lift_on=date(2026, 4, 20),
            reasons=LIFTING_REASONS,
            actor=scenarios.reviewer,
            now=noon(date(2026, 4, 1)),
        )

    for kind in (
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.RESTRICTION_DECISION,
        LetterKind.RESTRICTION_LIFTING,
    ):
        text = _letter_text(app, restricted_then_lifted, kind)
        assert "Maria Popescu" in text, kind
        assert "The person it is about: Zofia Wójcik" in text, kind
        if kind != LetterKind.ACKNOWLEDGEMENT:
            assert "Using their information for local research on the programme" in text, kind
        assert not re.findall(r"\byour information\b|\byour child\b", text), kind


# Posting a decision completes the case; the notice before lifting does not -------------


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (restriction_decision, LetterKind.RESTRICTION_DECISION),
        (deletion_decision, LetterKind.DELETION_DECISION),
    ],
)
def test_posting_the_decision_letter_completes_the_request(app, make, kind):
    from portal.cases.casework_models import CaseMessage
    from portal.cases.models import CaseState
    from portal.documents import postal

    with building(app) as scenarios:
        make(scenarios, "", "en")  # no email address: the decision goes by post
        case = db.session.scalar(select(Case).order_by(Case.id.desc()))
        assert case.state == CaseState.READY
        message = db.session.scalar(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id, CaseMessage.kind == postal.MESSAGE_KINDS[kind])
            .order_by(CaseMessage.id.desc())
        )
        postal.record_posting(
            db.session,
            case,
            document_kind=kind.value,
            message_id=message.id,
            sent_on=date(2026, 3, 21),
            actor=scenarios.reviewer,
            now=noon(date(2026, 3, 21)),
        )
        assert db.session.get(Case, case.id, populate_existing=True).state == CaseState.COMPLETED
    assert kind in postal.DECISION_LETTERS
    assert LetterKind.RESTRICTION_LIFTING not in postal.DECISION_LETTERS
    assert LetterKind.CORRECTION_DECISION in postal.DECISION_LETTERS


# Following the request: the notice before lifting, and the timeline ---------------------


def test_the_tracking_page_gives_the_notice_before_a_restriction_is_lifted(app):
    from tests.functional.test_tracking import Filed, sign_in, unique_email

    email = unique_email()
    with building(app) as scenarios:
        restriction_lifting(scenarios, email, "en")
        case = db.session.scalar(select(Case).order_by(Case.id.desc()))
        filed = Filed(case.id, case.reference, email)
    client = app.test_client()
    sign_in(app, client, filed, locale="en")
    text = element_text(get_page(client, "/en/track/status").html)
    for words in (
        "Request to stop using information",
        "We will start using some information again",
        "We are writing before we start again: from 20 April 2026 we will use the information "
        "in these ways again: Using your information for local research on the programme.",
        LIFTING_REASONS,
        "We told you that we will start using some information again",
        "We made our decision on your request to stop using information",
        "Our decision on your request to stop using information",
    ):
        assert words in text, words
    assert "restriction_lift_notified" not in text
    assert "We updated your request" not in text
