"""Letters to the requester (portal.documents.letters), read back from the PDF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from flask_babel import gettext
from sqlalchemy import select

from portal.cases import closing, deadlines, identity
from portal.cases.casework_models import CaseMessage, DecisionOutcome, MessageKind
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.documents import letters
from portal.documents.letters import LetterKind, LetterUnavailable
from portal.documents.pdf import render_pdf
from tests.conftest import building
from tests.unit.documents.conftest import (
    HOSTILE,
    RECEIVED,
    HtmlRoot,
    all_text,
    assert_tagged,
    flat,
    font_names,
    has_page_numbers,
    median_word_height,
    open_pdf,
    outline_titles,
    page_texts,
)

ASKED_FOR_POLICE_AND_SCHOOLS = {
    "what": {"scope": "agencies", "agencies": ["police", "schools"]},
    "delivery": {"delivery": "post"},
    "postal_address": "Flat 2\n14 Northgate\nWakefield",
}
OBJECTED = {"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}}


def assert_every_page_has_the_footer(document: letters.RenderedDocument, reference: str) -> None:
    pages = page_texts(document.pdf)
    assert len(pages) == document.pages >= 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {document.pages}" in flat(text), number
        assert reference in text, number


@pytest.fixture(scope="module")
def acknowledgement(app):
    with building(app) as scenarios:
        case = scenarios.filed(received=RECEIVED, details=ASKED_FOR_POLICE_AND_SCHOOLS)
        letter = letters.render_letter(scenarios.session, case, LetterKind.ACKNOWLEDGEMENT)
        return case.reference, letter


def test_the_acknowledgement_says_what_we_received_the_reference_and_the_date(acknowledgement):
    reference, letter = acknowledgement
    text = all_text(letter.pdf)
    for words in (
        "Dear Anna Kowalska,",
        "We received it on 5 October 2026.",
        "Information from particular organisations: Police, Schools and colleges",
        f"Your reference is {reference}.",
        "We will reply by 5 November 2026.",
        "We count the month from 5 October 2026.",
        "When the last day is a weekend or a bank holiday",
        "If we need more proof, the date will change.",
        "http://portal.test/en/track",
        "Call the Information Governance Team on 01924 306112",
    ):
        assert words in text, words
    # The address block, for a window envelope: the name, then each line as given.
    first_page = [line.split("   ")[0].strip() for line in page_texts(letter.pdf)[0].splitlines()]
    first_page = [line for line in first_page if line]
    address = ["Anna Kowalska", "Flat 2", "14 Northgate", "Wakefield", "WF1 2EB"]
    start = first_page.index("Anna Kowalska")
    assert first_page[start : start + len(address)] == address
    assert_every_page_has_the_footer(letter, reference)
    assert letter.filename == f"{reference}-acknowledgement.pdf"
    assert letter.language == "en"


def test_a_letter_is_tagged_pdf_ua_with_its_language_title_and_bookmarks(acknowledgement):
    reference, letter = acknowledgement
    title = f"We have received your request for your information ({reference})"
    assert letter.title == title
    assert_tagged(letter.pdf, language="en", title=title)
    titles = outline_titles(letter.pdf)
    assert titles[0] == title
    assert {"What we received", "When we will reply", "How to follow your request"} <= set(titles)


def test_the_due_date_explains_a_pause_and_an_extension(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 10, 12))
    )
    clarification = letters.render_letter(session, case, LetterKind.CLARIFICATION_REQUEST)
    deadlines.record_clarification_answer(
        session,
        case,
        answer="2020 to 2024",
        answered_on=date(2026, 10, 14),
        actor=CASEWORKER,
        now=noon(date(2026, 10, 14)),
    )
    extension = deadlines.extend(
        session,
        case,
        reason="Six services hold records",
        actor=CASEWORKER,
        now=noon(date(2026, 10, 15)),
    )
    notice = letters.render_letter(session, case, LetterKind.EXTENSION_NOTICE, message=extension)
    acknowledgement = letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT)

    asked = all_text(clarification.pdf)
    assert (
        "The time limit is paused from 12 October 2026 until the day we get your answer." in asked
    )
    assert "The council wrote: Which years?" in asked
    assert "Please contact us with your answer" in asked
    told = all_text(notice.pdf)
    assert "We will now reply by 8 January 2027 instead of 9 November 2026." in told, told
    assert "Six services hold records" in told
    explained = all_text(acknowledgement.pdf)
    assert "We will reply by 8 January 2027." in explained
    assert "The date is 3 days later because we waited for your answer to a question." in explained
    assert "We have extended the time limit by two months" in explained
    assert notice.filename == f"{case.reference}-extension-notice.pdf"
    assert_every_page_has_the_footer(notice, case.reference)


def test_staff_text_is_shown_as_written_and_nothing_is_fetched(session, scenarios, fetch_spy):
    case = scenarios.filed(received=RECEIVED)
    identity.request_identity(
        session,
        case,
        what_is_needed=f"A bank statement from the last 3 months\nand {HOSTILE}",
        actor=CASEWORKER,
        now=RECEIVED,
    )
    letter = letters.render_letter(session, case, LetterKind.IDENTITY_REQUEST)
    pages = page_texts(letter.pdf)
    lines = [line.strip() for line in pages[0].splitlines()]
    assert "A bank statement from the last 3 months" in lines  # its own line, as typed
    text = all_text(letter.pdf)
    unbroken = "".join(text.split())  # long words may wrap anywhere
    assert "".join(HOSTILE.split()) in unbroken
    assert fetch_spy.asked == [fetch_spy.base_url + "documents/letter.css"]
    with open_pdf(letter.pdf) as pdf:
        assert not pdf.attachments
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    # The summary the email gives, and how to send the proof.
    assert "We need more proof of who you are" in text
    assert "Take your photo ID and proof of address to an Early Help Hub" in text
    assert letter.filename == f"{case.reference}-identity-request.pdf"


def test_a_document_naming_server_files_or_the_network_gets_nothing(fetch_spy):
    """The template level: whatever HTML reaches render_pdf, only static files are read."""
    html = f"""<!DOCTYPE html><html lang="en"><head><title>Hostile</title>
      <link rel="stylesheet" href="documents/letter.css">
      <link rel="attachment" href="http://127.0.0.1:1/x">
      <style>body {{ background: url(http://127.0.0.1:1/bg) }}</style></head>
      <body><p>{HOSTILE}</p><a rel="attachment" href="file:///etc/hostname">h</a></body></html>"""
    pdf = render_pdf(html)
    assert fetch_spy.served == [fetch_spy.base_url + "documents/letter.css"]
    refused = set(fetch_spy.asked) - set(fetch_spy.served)
    assert any(url.startswith("file:///etc/") for url in refused), fetch_spy.asked
    assert any(url.startswith("http://127.0.0.1:1/") for url in refused), fetch_spy.asked
    with open_pdf(pdf) as document:
        assert not document.attachments
        assert "/EmbeddedFiles" not in document.Root.get("/Names", {})
    assert b"root:x:0:0" not in pdf


def test_a_refusal_gives_the_reasons_and_every_right_to_challenge_it(session, scenarios):
    case = scenarios.filed(received=RECEIVED)
    closing.refuse(
        session,
        case,
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="This is the ninth identical request this month.",
        now=RECEIVED,
    )
    letter = letters.render_letter(session, case, LetterKind.REFUSAL)
    text = all_text(letter.pdf)
    for words in (
        "We have decided not to deal with your request.",
        "This is the ninth identical request this month.",
        "please complain to us first",
        "Information Commissioner's Office (ICO)",
        "ico.org.uk/make-a-complaint",
        "0303 123 1113",
        "You also have the right to go to court.",
    ):
        assert words in text, words
    assert letter.title == f"We have refused your request ({case.reference})"


def decided(scenarios, outcome: DecisionOutcome, upheld: list[str], **assessment) -> Case:
    """An objection to the programme and the police link, decided and approved on 20 October."""
    case = scenarios.case_in(
        CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=RECEIVED, details=OBJECTED
    )
    scenarios.assess(case, grounds_raised="Worried about the police knowing", **assessment)
    reasons = "We still need to plan support\nfor your children."
    scenarios.propose(case, outcome, upheld, reasons=reasons)
    scenarios.approve_decision(case, at=noon(date(2026, 10, 20)))
    return case


def test_a_partly_upheld_objection_says_what_stopped_from_when_and_what_continues_and_why(
    session, scenarios
):
    case = decided(
        scenarios,
        DecisionOutcome.PARTLY_UPHELD,
        ["sharing:police"],
        compelling_grounds="Child protection plan in place",
        legal_claims=True,
    )
    letter = letters.render_letter(session, case, LetterKind.OBJECTION_DECISION)
    text = all_text(letter.pdf)
    for words in (
        "We agree with part of your objection.",
        "We still need to plan support for your children.",
        "What we have stopped",
        "We stopped these uses of your information on 20 October 2026:",
        "Sharing your information with: Police",
        "What we will carry on doing, and why",
        "Linking your information for the Think Family programme",
        "outweigh your interests, rights and freedoms",
        "We need the information to make, use or defend legal claims.",
        "Information Commissioner's Office (ICO)",
        "You also have the right to go to court.",
    ):
        assert words in text, words
    assert letter.filename == f"{case.reference}-objection-decision.pdf"
    assert letter.title == f"Our decision on your objection ({case.reference})"
    assert_every_page_has_the_footer(letter, case.reference)


def test_an_upheld_objection_continues_nothing(session, scenarios):
    case = decided(scenarios, DecisionOutcome.UPHELD, [])
    text = all_text(letters.render_letter(session, case, LetterKind.OBJECTION_DECISION).pdf)
    assert "We agree with your objection." in text
    assert "Linking your information for the Think Family programme" in text
    assert "Sharing your information with: Police" in text
    assert "What we will carry on doing" not in text


def test_an_objection_acknowledgement_lists_what_was_objected_to(session, scenarios):
    case = scenarios.filed(received=RECEIVED, kind=CaseKind.OBJECTION, details=OBJECTED)
    text = all_text(letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT).pdf)
    assert f"We have received your objection ({case.reference})" in text
    assert "Linking my information for the whole programme" in text
    assert "Sharing with particular organisations: Police" in text


@pytest.mark.parametrize("reference", ["TF-AZYD-EMVW", "TF-WMWM-MWMW"])
def test_a_reference_is_never_split_across_two_lines(session, scenarios, monkeypatch, reference):
    # The widest references once wrapped the heading after "TF-AZYD-", leaving a resident
    # half a reference on each line.
    monkeypatch.setattr("portal.cases.intake.new_reference", lambda: reference)
    case = scenarios.filed(received=RECEIVED, kind=CaseKind.OBJECTION, details=OBJECTED)
    assert case.reference == reference
    pdf = letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT).pdf
    lines = [line for page in page_texts(pdf) for line in page.splitlines()]
    pieces = [line for line in lines if re.search(r"\bTF-", line)]
    assert len(pieces) >= 4  # the head, the heading, the reference section, each footer
    assert all(reference in line for line in pieces), pieces
    assert f"We have received your objection ({reference})" in all_text(pdf)


def test_before_identity_is_accepted_no_date_is_promised(session, scenarios):
    case = scenarios.filed(received=RECEIVED)
    identity.request_identity(
        session, case, what_is_needed="Proof of address", actor=CASEWORKER, now=RECEIVED
    )
    text = all_text(letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT).pdf)
    assert "We will tell you the date we will reply by once we have confirmed who you are." in text
    assert "We will reply by" not in text


@pytest.mark.parametrize(
    ("language", "direction"), [("pl", "ltr"), ("ur", "rtl"), ("lv", "ltr"), ("ckb", "rtl")]
)
def test_a_letter_is_in_the_requesters_language(session, scenarios, language, direction):
    case = scenarios.filed(received=RECEIVED, language=language)
    html = letters.letter_html(session, case, LetterKind.ACKNOWLEDGEMENT)
    root = HtmlRoot(html)
    assert root.attrs["lang"] == language
    assert root.attrs["dir"] == direction
    assert case.reference in root.title
    letter = letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT)
    assert letter.language == language
    with open_pdf(letter.pdf) as pdf:
        assert str(pdf.Root.Lang) == language
    assert_every_page_has_the_footer_numbers_only(letter, case.reference)
    if direction == "rtl":  # Urdu and Sorani: Naskh, which has Sorani's letters and extracts
        fonts = font_names(letter.pdf)
        assert any("NotoNaskhArabic" in name.replace("-", "") for name in fonts), fonts
        assert not any("Nastaliq" in name for name in fonts), fonts
    # The words themselves, read back from the PDF in reading order.
    text = flat(" ".join(page_texts(letter.pdf, layout=False)))
    for words in LETTER_WORDS[language]:
        assert words in text, words


# What a Polish, an Urdu, a Latvian and a Sorani acknowledgement must say, as the shipped
# catalogues word it (Sorani: with its own letters, read back in reading order).
LETTER_WORDS = {
    "pl": ("Zachowaj ten list.", "Z poważaniem", "Co otrzymaliśmy"),
    "ur": ("یہ خط سنبھال کر رکھیں\u06d4", "مخلص،", "ہمیں کیا موصول ہوا"),  # \u06d4: Urdu full stop
    "lv": ("Saglabājiet šo vēstuli.", "Ar cieņu", "Ko saņēmām"),
    # pdftotext moves a full stop at a Sorani sentence's end across the space (Urdu has its
    # own full stop, U+06D4, which it leaves), so these end without one.
    "ckb": (
        "ئەم نامەیە هەڵبگرە",
        "ژمارەی ئاماژەکەت پێویستە بۆ بەدواداچوونی داواکارییەکەت",
        "لەگەڵ ڕێزدا،",
        "چیمان وەرگرت",
        "دواتر چی ڕوو دەدات",
    ),
}


def assert_every_page_has_the_footer_numbers_only(letter, reference: str) -> None:
    """Before translation the words may be English or not: the numbers are always there."""
    pages = page_texts(letter.pdf)
    assert len(pages) == letter.pages
    for number, text in enumerate(pages, start=1):
        assert reference in text
        assert has_page_numbers(text, number, letter.pages), number


def test_the_letters_language_the_requester_chose_wins(session, scenarios):
    case = scenarios.filed(received=RECEIVED, details={"letters_language": "pl"}, language="en")
    assert HtmlRoot(letters.letter_html(session, case, "acknowledgement")).attrs["lang"] == "pl"


def test_rendering_a_letter_leaves_the_callers_language_alone(app, session, scenarios):
    case = scenarios.filed(received=RECEIVED, language="pl")
    with app.test_request_context("/en/"):
        g.locale = "en"
        letters.letter_html(session, case, LetterKind.ACKNOWLEDGEMENT)
        assert g.locale == "en"
        assert gettext("Your reference number") == "Your reference number"


def test_large_print_when_the_requester_asked_for_it(session, scenarios):
    details = {"delivery": {"delivery": "post", "formats": ["large_print"]}}
    case = scenarios.filed(received=RECEIVED, details=details)
    assert (
        "large-print"
        in HtmlRoot(letters.letter_html(session, case, "acknowledgement")).attrs["class"].split()
    )
    large = letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT)
    standard = letters.render_letter(session, case, LetterKind.ACKNOWLEDGEMENT, large_print=False)
    # 16pt against 11pt body type: the words are at least a third taller.
    assert median_word_height(large.pdf) >= 1.35 * median_word_height(standard.pdf)
    assert large.pages > standard.pages
    assert_every_page_has_the_footer(large, case.reference)


def test_a_letter_needs_its_message(session, scenarios):
    case = scenarios.filed(received=RECEIVED)
    with pytest.raises(LetterUnavailable):
        letters.render_letter(session, case, LetterKind.REFUSAL)
    other = scenarios.filed(received=RECEIVED)
    message = identity.request_identity(
        session, other, what_is_needed="Photo ID", actor=CASEWORKER, now=RECEIVED
    )
    with pytest.raises(LetterUnavailable):
        letters.letter_html(session, case, LetterKind.IDENTITY_REQUEST, message=message)
    with pytest.raises(LetterUnavailable):
        letters.letter_html(session, other, LetterKind.REFUSAL, message=message)
    with pytest.raises(ValueError, match="not a valid LetterKind"):
        letters.letter_html(session, other, "response_ready")


def test_the_letter_for_a_message_is_the_latest_of_its_kind(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    for day, question in ((12, "Which years?"), (20, "Which school?")):
        deadlines.ask_clarification(
            session, case, question=question, actor=CASEWORKER, now=noon(date(2026, 10, day))
        )
        deadlines.record_clarification_answer(
            session,
            case,
            answer="An answer",
            answered_on=date(2026, 10, day),
            actor=CASEWORKER,
            now=noon(date(2026, 10, day)),
        )
    asked = session.scalars(
        select(CaseMessage)
        .where(
            CaseMessage.case_id == case.id, CaseMessage.kind == MessageKind.CLARIFICATION_REQUEST
        )
        .order_by(CaseMessage.id)  # PostgreSQL gives an updated row back in any order
    ).all()
    assert len(asked) == 2
    text = all_text(letters.render_letter(session, case, LetterKind.CLARIFICATION_REQUEST).pdf)
    assert "Which school?" in text
    assert "Which years?" not in text
    first = letters.letter_html(session, case, "clarification_request", message=asked[0])
    assert "Which years?" in first


@pytest.mark.parametrize(
    "text",
    ['Anna "; } @page { content: "x', "back\\slash", "</style><script>x</script>", "ضیاء"],
)
def test_css_strings_hold_any_text_safely(text):
    literal = letters.css_string(text)
    inside = literal[1:-1]
    assert literal[0] == literal[-1] == '"'
    assert not set(inside) & set("\"'<>;{}&")
    # Each escape is a backslash, hex digits and the one space that ends it (CSS drops it).
    decoded = re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), inside)
    assert decoded == text


def test_file_names_come_from_the_reference_only():
    assert letters.document_filename("TF-7K3Q-9PMH", "refusal") == "TF-7K3Q-9PMH-refusal.pdf"
    assert letters.document_filename('../x"y', "refusal") == "XY-refusal.pdf"
