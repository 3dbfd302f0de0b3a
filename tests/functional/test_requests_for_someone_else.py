"""Requests made for someone else (C11; DESIGN.md section 3: every letter addresses the
requester and names the subject). A mother asks in Polish for her child's information,
and a solicitor asks in English for a client's: each through the real journey, then the
pack and every letter as the requester reads them (the PDF's text), and the email.

Nothing they get may speak of the information as the requester's own: no "about you"
(or its Polish words), but "your child, Zofia Kowalska" or "Jan Nowak"."""

from __future__ import annotations

import html
import re
import secrets

import pytest
from sqlalchemy import select

from portal.cases import (
    clock,
    closing,
    deadlines,
    disclosure,
    identity,
    internal_reviews,
    objections,
)
from portal.cases.casework_models import DecisionOutcome, DisclosureKind, ExemptionCode
from portal.cases.casework_models import SearchOutcome as Found
from portal.cases.models import Case
from portal.cases.override_tests import OverrideTest
from portal.documents import letters, packs
from portal.documents.letters import LetterKind
from portal.extensions import db
from portal.jobs.emails import build_email
from tests.conftest import get_page, translated
from tests.journeys import answer, complete_access_journey, complete_objection_journey, start
from tests.unit.documents.conftest import flat, page_texts

CHILD, MOTHER = "Zofia Kowalska", "Anna Kowalska"
CLIENT, SOLICITOR = "Jan Nowak", "Priya Shah"
WORKER, REVIEWER = "staff:1", "staff:2"


def person(acting_for: str, subject: str, requester: str, relationship: str, language: str):
    """The journey's answers about who asks for whom (each run with its own email)."""
    authority = (
        {"authority": {"authority": "solicitor_or_advocate"}}
        if acting_for == "someone_else"
        else {}
    )
    return {
        "who": {"acting_for": acting_for},
        "you": {"requester_name": requester, "relationship": relationship},
        **authority,
        "name": {"full_name": subject, "other_names": ""},
        "date-of-birth": {
            "date_of_birth-day": "3",
            "date_of_birth-month": "6",
            "date_of_birth-year": "2015",
        },
        "address": {"address": "12 Westgate\nWakefield", "postcode": "WF1 2EB"},
        "contact": {
            "email": f"asker.{secrets.token_hex(4)}@example.com",
            "postal_address": "12 Westgate\nWakefield",
            "phone": "",
            "letters_language": language,
        },
    }


def visible(page) -> str:
    return html.unescape(page.text())


def reading(pdf: bytes) -> str:
    """A document's words in reading order, as a screen reader meets them."""
    return flat(" ".join(page_texts(pdf, layout=False)))


def sent_reference(client, locale: str, path: str) -> str:
    page = visible(get_page(client, f"/{locale}/{path}/sent"))
    found = re.search(r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}", page)
    assert found, page
    return found.group(0)


def pl(message: str, **values: str) -> str:
    return translated("pl", message) % values if values else translated("pl", message)


def today():
    return clock.london_today()


def case_of(reference: str) -> Case:
    return db.session.scalars(select(Case).where(Case.reference == reference)).one()


def letters_and_pack(app, reference: str) -> dict[str, bytes]:
    """Every letter an access request can get, and its pack: the case taken from receipt
    to a refusal by the real casework steps, each letter made when its step is taken."""
    made: dict[str, bytes] = {}

    def letter(case: Case, kind: LetterKind) -> None:
        made[kind.value] = letters.render_letter(db.session, case, kind).pdf

    with app.app_context(), app.test_request_context():
        case = case_of(reference)
        letter(case, LetterKind.ACKNOWLEDGEMENT)
        identity.request_identity(
            db.session, case, what_is_needed="A birth certificate", actor=WORKER
        )
        letter(case, LetterKind.IDENTITY_REQUEST)
        identity.accept_identity(db.session, case, evidence_arrived_on=today(), actor=WORKER)
        deadlines.ask_clarification(db.session, case, question="Which years?", actor=WORKER)
        letter(case, LetterKind.CLARIFICATION_REQUEST)
        deadlines.record_clarification_answer(
            db.session, case, answer="Since 2020", answered_on=today(), actor=WORKER
        )
        deadlines.extend(db.session, case, reason="Six services hold records", actor=WORKER)
        letter(case, LetterKind.EXTENSION_NOTICE)
        for key, name, outcome in (
            ("childrens_social_care", "Children's social care", Found.RECORDS_FOUND),
            ("housing", "Housing", Found.NONE_HELD),
        ):
            disclosure.record_search(
                db.session,
                case,
                department=name,
                department_key=key,
                searched_on=today(),
                outcome=outcome,
                actor=WORKER,
            )
        disclosure.add_disclosure_item(
            db.session,
            case,
            source_department="Children's social care",
            source_department_key="childrens_social_care",
            title="Visit notes",
            kind=DisclosureKind.TYPED,
            content="Visited the family at home.",
            item_date=None,
            exemptions=[ExemptionCode.SOCIAL_WORK_SERIOUS_HARM],
            redaction_note="A paragraph about a risk to a sibling",
            actor=WORKER,
        )
        made["pack"] = packs.build_response_pack(
            db.session, case, cipher=app.extensions["evidence_cipher"]
        ).pdf
        closing.refuse(
            db.session, case, actor=REVIEWER, actor_role="reviewer", reasons="A test refusal."
        )
        letter(case, LetterKind.REFUSAL)
        # Issue 16 point 6: the mother asks for a review of the refusal; its outcome.
        review = internal_reviews.ask_for_review(
            db.session, case, disagreement="The refusal", reasons="My first request"
        )
        internal_reviews.record_outcome(
            db.session,
            case,
            review,
            outcome="not_upheld",
            reasons="The refusal stands.",
            reviewer="staff:3",
        )
        letter(case, LetterKind.REVIEW_OUTCOME)
    return made


def footers(pdf: bytes, locale: str) -> list[str]:
    """Each page's words in reading order, less its "Page x of y" (the footer's boxes sit
    side by side, so a long "Disclosed to" line that wraps is read around it)."""
    page_of = re.escape(translated(locale, "Page %(page)s of %(pages)s"))
    page_of = page_of.replace(re.escape("%(page)s"), r"\d+").replace(re.escape("%(pages)s"), r"\d+")
    return [flat(re.sub(page_of, " ", page)) for page in page_texts(pdf, layout=False)]


def cover(text: str, notice_heading: str) -> str:
    """A pack's own words, before the privacy notice it carries (which speaks to every
    resident as "you")."""
    assert notice_heading in text
    return text.split(notice_heading)[0]


# A parent asks for their child's information, in Polish ---------------------------------

# What a request for oneself says, which a request for a child must not.
ABOUT_YOU = (
    "A copy of the information we hold about you",
    "we found information about you.",
    "we hold no information about you.",
    "We found no information about you in these records.",
    "Data protection law gives you these rights. Using them is free.",
    "If information we hold about you is wrong or incomplete, you can ask us to correct it.",
    "We do not make decisions about you by automated means alone.",
    "How we use your information, who we share it with, how long we keep it, and your rights.",
    "We search our records for information about you and prepare a copy for you.",
    "Some social care information was removed because sharing it could cause serious harm to you or to someone else.",  # noqa: E501
    "If you are unhappy with how we have used your information, please complain to us first: contact the %(team)s (details below). We will acknowledge your complaint within 30 days and tell you the outcome without undue delay.",  # noqa: E501
)


def said_about_you(text: str, locale: str) -> list[str]:
    """The words for oneself found in a text (each message's fixed parts, in `locale`)."""
    found = []
    for message in ABOUT_YOU:
        parts = re.split(r"%\(\w+\)s", translated(locale, message))
        if all(part.strip() in text for part in parts if part.strip()):
            found.append(message)
    return found


def test_a_parents_journey_talks_about_their_child_and_names_her(client):
    answers = person("my_child", CHILD, MOTHER, "matka", "pl")
    start(client, "pl", "get-a-copy")
    pages = {}
    for step, data in answers.items():
        if step in ("name", "date-of-birth", "address"):
            pages[step] = get_page(client, f"/pl/get-a-copy/{step}")
        answer(client, "pl", "get-a-copy", step, data)
    answer(client, "pl", "get-a-copy", "identifiers", {"ni_number": "", "nhs_number": ""})
    what = get_page(client, "/pl/get-a-copy/what")

    for step, question in (
        ("name", "What is your child's name?"),
        ("date-of-birth", "What is your child's date of birth?"),
        ("address", "What is your child's address?"),
    ):
        assert pl(question) in visible(pages[step]), step
        assert pages[step].title.startswith(pl(question)), step
        assert pl("Get a copy of the information we hold about your child") in pages[step].title
    text = visible(what)
    assert pl("You are asking for your child, %(name)s.", name=CHILD) in text
    everything = "Everything the council holds about your child, %(name)s, for the programme"
    assert pl(everything, name=CHILD) in text
    assert pl("Everything the council holds about me for the programme") not in text

    answer(client, "pl", "get-a-copy", "what", {"scope": "everything"})
    answer(client, "pl", "get-a-copy", "delivery", {"delivery": "post"})
    answer(client, "pl", "get-a-copy", "identity", {"how": "hub"})
    answer(client, "pl", "get-a-copy", "declaration", {"confirm": "y"})
    check = visible(get_page(client, "/pl/get-a-copy/check"))
    # The answers about the child, then about the mother, then the request.
    child_part = check.index(pl("About your child, %(name)s", name=CHILD))
    mother_part = check.index(pl("About you"))
    assert child_part < check.index(CHILD) < mother_part < check.index(MOTHER)
    assert pl(everything, name=CHILD) in check

    client.post("/pl/get-a-copy/check", data={"csrf_token": _token(client, "check")})
    sent = visible(get_page(client, "/pl/get-a-copy/sent"))
    assert pl("You are asking for your child, %(name)s.", name=CHILD) in sent
    assert pl("We send you a copy of your child's information, with an explanation.") in sent
    assert pl("We send you a copy of your information, with an explanation.") not in sent


def _token(client, step: str) -> str:
    from tests.journeys import csrf_token

    return csrf_token(client.get(f"/pl/get-a-copy/{step}").get_data(as_text=True))


@pytest.fixture()
def childs_request(app, client):
    """(reference, every letter and the pack) of a Polish request for a child."""
    complete_access_journey(client, "pl", person=person("my_child", CHILD, MOTHER, "matka", "pl"))
    reference = sent_reference(client, "pl", "get-a-copy")
    return reference, letters_and_pack(app, reference)


def test_every_letter_and_the_pack_for_a_childs_request_name_the_child(app, childs_request):
    reference, documents = childs_request
    # An access request has no decision letters (an objection's, or on a request to
    # correct, restrict or delete).
    assert set(documents) == {*(kind.value for kind in LetterKind), "pack"} - {
        LetterKind.OBJECTION_DECISION.value,
        *(kind.value for kind in LetterKind if kind.value.startswith("complaint_")),
        LetterKind.CORRECTION_DECISION.value,
        LetterKind.RESTRICTION_DECISION.value,
        LetterKind.DELETION_DECISION.value,
        LetterKind.RESTRICTION_LIFTING.value,
    }
    for kind, pdf in documents.items():
        text = reading(pdf)
        if kind == "pack":
            text = cover(text, pl("How we use your family's information"))
        assert MOTHER in text, kind  # addressed to the mother
        assert f"{pl('The person it is about:')} {CHILD}" in text, kind
        assert said_about_you(text, "pl") == [], kind
        assert "na Twój temat" not in text, kind  # "about you"
        assert "o Tobie" not in text, kind

    acknowledgement = reading(documents["acknowledgement"])
    assert (
        pl(
            "We have received your request for a copy of the information we hold about your child, %(name)s, in the Supporting Families programme (a subject access request).",  # noqa: E501
            name=CHILD,
        )
        in acknowledgement
    )
    pack = reading(documents["pack"])
    assert pl("A copy of the information we hold about your child, %(name)s", name=CHILD) in pack
    assert pl("we found information about them.") in pack
    # The departments searched are named in Polish (the council profile's words).
    assert "Opieka społeczna nad dziećmi" in pack
    assert "Mieszkalnictwo" in pack
    assert "Children's social care" not in pack
    footer = pl("Disclosed to %(requester)s, about %(subject)s", requester=MOTHER, subject=CHILD)
    for number, page in enumerate(footers(documents["pack"], "pl"), start=1):
        assert footer in page, number

    with app.app_context():
        email = build_email(app, "email.request_received", {"case_id": case_of(reference).id})
    assert email.subject == pl(
        "We have received your request for your child's information (%(reference)s)",
        reference=reference,
    )
    assert CHILD in email.body
    assert said_about_you(flat(email.body), "pl") == []


# Someone acts for another person with their written authority, in English ----------------


def speaks_to_them_as_the_subject(text: str) -> list[str]:
    """English words that would make the requester the person the information is about."""
    return re.findall(r"\babout you\b|\byour information\b|\byour child\b", text, re.IGNORECASE)


def test_a_request_with_written_authority_names_the_person_in_the_pack_and_letters(app, client):
    complete_access_journey(
        client, "en", person=person("someone_else", CLIENT, SOLICITOR, "solicitor", "en")
    )
    documents = letters_and_pack(app, sent_reference(client, "en", "get-a-copy"))
    for kind, pdf in documents.items():
        text = reading(pdf)
        if kind == "pack":
            text = cover(text, "How we use your family's information")
        assert SOLICITOR in text, kind
        assert f"The person it is about: {CLIENT}" in text, kind
        assert speaks_to_them_as_the_subject(text) == [], kind
    pack = reading(documents["pack"])
    assert f"A copy of the information we hold about {CLIENT}" in pack
    assert f"Data protection law gives these rights to {CLIENT}" in pack
    assert "Children's social care: we found information about them." in pack
    assert "serious harm to them or to someone else" in pack
    for number, page in enumerate(footers(documents["pack"], "en"), start=1):
        assert f"Disclosed to {SOLICITOR}, about {CLIENT}" in page, number


def test_an_objection_for_someone_else_names_them_in_its_letters(app, client):
    answers = person("someone_else", CLIENT, SOLICITOR, "solicitor", "en")
    start(client, "en", "object")
    for step, data in answers.items():
        answer(client, "en", "object", step, data)
    processing = visible(get_page(client, "/en/object/processing"))
    assert f"You are asking for {CLIENT}." in processing
    assert "Linking their information for the whole programme" in processing
    assert "my information" not in processing
    client.get("/en/object/begin")  # the helper walks the journey from where it was left
    complete_objection_journey(client, "en", person=answers)
    reference = sent_reference(client, "en", "object")

    with app.app_context(), app.test_request_context():
        case = case_of(reference)
        acknowledgement = reading(
            letters.render_letter(db.session, case, LetterKind.ACKNOWLEDGEMENT).pdf
        )
        identity.accept_identity(db.session, case, evidence_arrived_on=today(), actor=WORKER)
        objections.assess_objection(
            db.session,
            case,
            grounds_raised="Fears the police learning where he lives",
            processing_affected=["national_study", "sharing:police"],
            tests={
                "sharing:police": OverrideTest(
                    situation="He fears the police learning where he lives",
                    council_grounds="Needed to plan support",
                    why_overrides="The family's safety needs the police to know of the plan",
                )
            },
            actor=WORKER,
        )
        objections.propose_decision(
            db.session,
            case,
            outcome=DecisionOutcome.PARTLY_UPHELD,
            upheld_processing=["national_study"],
            reasons="We still share with the police to keep the family safe.",
            actor=WORKER,
        )
        objections.approve_decision(db.session, case, actor=REVIEWER)
        decision = reading(
            letters.render_letter(db.session, case, LetterKind.OBJECTION_DECISION).pdf
        )

    assert (
        f"We have received your objection to how we use information about {CLIENT} in the "
        "Supporting Families programme." in acknowledgement
    )
    for text in (acknowledgement, decision):
        assert f"The person it is about: {CLIENT}" in text
        assert speaks_to_them_as_the_subject(text) == []
    assert "We stopped these uses of their information on" in decision
    assert "Sending their information to the National Impact Study (ONS and NIESR)" in decision
    assert "Sharing their information with: Police" in decision
    assert "outweigh their interests, rights and freedoms" in decision
    # C9: the test, its parts introduced in the letter's words, quoted as the council wrote.
    assert "Their situation, as we understood it: (in the council's words, as written)" in (
        decision
    )
    assert "He fears the police learning where he lives" in decision
