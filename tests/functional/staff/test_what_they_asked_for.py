"""A caseworker reads what the resident asked for first, in plain English, with the
resident's own words as they wrote them: requests walked through the real journeys, then
read off the staff case page as a person sees it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.cases import clock
from tests.conftest import get_page
from tests.journeys import complete_access_journey, complete_objection_journey
from tests.visible import element_text

REFERENCE = re.compile(r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}")

# A mother asks, in Polish, for what the council holds about her daughter.
CHILD = {
    "who": {"acting_for": "my_child"},
    "you": {"requester_name": "Anna Kowalska", "relationship": "matka"},
    "name": {"full_name": "Zofia Kowalska", "other_names": "Zosia Nowak"},
    "date-of-birth": {
        "date_of_birth-day": "2",
        "date_of_birth-month": "6",
        "date_of_birth-year": "2014",
    },
    "address": {
        "address": "12 Westgate\nWakefield",
        "postcode": "wf1 2eb",
        "previous_addresses": "ul. Długa 5\n31-147 Kraków",
    },
    "contact": {
        "email": "anna@example.com",
        "postal_address": "",
        "phone": "",
        "letters_language": "pl",
    },
}
CHILD_ANSWERS = {
    "identifiers": {
        "ni_number": "",
        "nhs_number": "9434765919",
        "other_references": "Szkoła: SP-4411 <b>pilne</b>",
    },
    "what": {
        "scope": "agencies",
        "agencies": ["schools", "health"],
        "date_from-day": "1",
        "date_from-month": "9",
        "date_from-year": "2020",
    },
    "delivery": {"delivery": "post", "formats": ["large_print", "other"], "other_format": "A4"},
}

# A father objects, in Urdu, to three uses of his information.
URDU_REASONS = "میرے بچوں کی حفاظت کے لیے: میرا سابقہ ساتھی پولیس میں کام کرتا ہے۔"  # noqa: RUF001
FATHER = {
    "who": {"acting_for": "myself"},
    "name": {"full_name": "Imran Akhtar", "other_names": ""},
    "date-of-birth": {
        "date_of_birth-day": "9",
        "date_of_birth-month": "11",
        "date_of_birth-year": "1983",
    },
    "address": {"address": "3 Ropergate\nPontefract", "postcode": "WF8 1LE"},
    "contact": {
        "email": "imran@example.com",
        "postal_address": "",
        "phone": "",
        "letters_language": "ur",
    },
}
OBJECTION_ANSWERS = {
    "processing": {
        "processing": ["programme", "sharing", "local_research"],
        "agencies": ["police", "dwp"],
    },
    "reasons": {"reasons": URDU_REASONS},
    "restrict": {"restrict": "no"},
}

# Stored values a caseworker should never have to read.
RAW_VALUES = (
    "my_child",
    "myself",
    "someone_else",
    "in_person",
    "sharing:",
    "local_research",
    "national_study",
    "large_print",
    "letters_language",
    "social_care",
    "records_found",
    "photo_id",
    "proof_of_address",
    "image/png",
)


def sent_reference(client, locale: str, path: str) -> str:
    sent = client.get(f"/{locale}/{path}/sent")
    assert sent.status_code == 200
    match = REFERENCE.search(sent.get_data(as_text=True))
    assert match, "the confirmation page shows no reference"
    return match.group(0)


@pytest.fixture()
def caseworker(app, signed_in):
    client = app.test_client()
    signed_in(client, Role.CASEWORKER)
    return client


def test_a_polish_request_for_a_child_reads_in_plain_english(app, caseworker):
    resident = app.test_client()
    response = complete_access_journey(resident, "pl", person=CHILD, answers=CHILD_ANSWERS)
    assert response.status_code == 303
    reference = sent_reference(resident, "pl", "get-a-copy")

    page = get_page(caseworker, f"/staff/cases/{reference}", lang="en")
    assert element_text(page.html, within="asked-for-section") == (
        "What they asked for "
        "Who is asking A parent or carer, for their child (relationship they gave: matka) "
        "Their authority Parental responsibility "
        "Information wanted Only information from these organisations: "
        "schools and colleges; health services, including the NHS "
        "Time period From 1 September 2020 onwards "
        "Reference numbers NHS number: 943 476 5919 Other: Szkoła: SP-4411 <b>pilne</b> "
        "Other names used Zosia Nowak "
        "Previous addresses ul. Długa 5 31-147 Kraków "
        "How they want it By post Format needed: Large print Format needed: A4 "
        "Letters and emails in Polish"
    )
    section = page.html.split('id="asked-for-section"', 1)[1].split("</section>", 1)[0]
    # The resident's words, escaped, in the language they wrote them in.
    assert '<span class="portal-own-words" lang="pl" dir="ltr">matka</span>' in section
    assert "Szkoła: SP-4411 &lt;b&gt;pilne&lt;/b&gt;</span>" in section
    assert "<b>pilne" not in section
    assert '<span class="portal-own-words" lang="pl" dir="ltr">ul. Długa 5<br>31-147' in section

    everything = element_text(page.html, everything=True)
    shown = [raw for raw in RAW_VALUES if raw in everything]
    assert not shown, f"stored values shown to the caseworker: {shown}"
    assert "Received" in everything and "(Online)" in everything


def test_an_urdu_objection_shows_each_use_and_the_reasons_as_written(app, caseworker):
    resident = app.test_client()
    complete_objection_journey(resident, "ur", person=FATHER, answers=OBJECTION_ANSWERS)
    reference = sent_reference(resident, "ur", "object")

    page = get_page(caseworker, f"/staff/cases/{reference}", lang="en")
    assert element_text(page.html, within="asked-for-section") == (
        "What they asked for "
        "Who is asking The person the request is about, for themselves "
        "What they object to "
        "Linking their information for the Think Family programme "
        "Sharing their information with the police "
        "Sharing their information with the Department for Work and Pensions (DWP) "
        "Using their information for local research on the programme "
        f"Their reasons {URDU_REASONS} "
        "Stop these uses while we decide No: the uses carry on until we decide "
        "Letters and emails in Urdu"
    )
    section = page.html.split('id="asked-for-section"', 1)[1].split("</section>", 1)[0]
    assert f'<span class="portal-own-words" lang="ur" dir="rtl">{URDU_REASONS}</span>' in section
    everything = element_text(page.html, everything=True)
    shown = [raw for raw in RAW_VALUES if raw in everything]
    assert not shown, f"stored values shown to the caseworker: {shown}"


def test_a_request_logged_by_phone_reads_the_same_way(app, caseworker):
    from tests.functional.staff.test_case_page import date_parts, intake_form

    received = clock.london_today() - timedelta(days=2)
    data = {
        **intake_form(caseworker),
        "kind": "objection",
        "channel": "in_person",
        "hub": "castleford-airedale",
        **date_parts("received_on", received),
        "received_time": "11:40",
        "full_name": "Ona Petraitienė",
        "language": "lt",
        "acting_for": "someone_else",
        "authority": "solicitor_or_advocate",
        "requester_name": "Jonas Petraitis",
        "relationship": "Advocate",
        "requester_address": "4 Station Road\nCastleford",
        "requester_postcode": "WF10 1AA",
        "processing": ["programme", "national_study"],
        "reasons": "She was never told her records were linked.",
        "restrict": "y",  # C12: she asked for the uses to stop while we decide
    }
    response = caseworker.post("/staff/cases/log-request", data=data)
    assert response.status_code == 303
    reference = response.location.rsplit("/", 1)[1]

    page = get_page(caseworker, f"/staff/cases/{reference}", lang="en")
    assert element_text(page.html, within="asked-for-section") == (
        "What they asked for "
        "Who is asking Someone else with the person's authority "
        "(relationship they gave: Advocate) "
        "Their authority Solicitor or advocate with the person's written authority "
        "What they object to "
        "Linking their information for the Think Family programme "
        "Sending their information to the National Impact Study (ONS and NIESR) "
        "Their reasons She was never told her records were linked. "
        f"Stop these uses while we decide Yes: restricted pending decision from "
        f"{received:%-d %B %Y} (see the restriction register) "
        "Letters and emails in Lithuanian"
    )
    assert element_text(page.html, within="restrictions") == (
        "Linking their information for the Think Family programme: Restricted pending "
        f"decision (from {received:%-d %B %Y}) "
        "Sending their information to the National Impact Study (ONS and NIESR): Restricted "
        f"pending decision (from {received:%-d %B %Y})"
    )
    # Staff keyed these words in: they are not marked as Lithuanian.
    assert 'lang="lt"' not in page.html.split('id="asked-for-section"', 1)[1]
    summary = element_text(page.html, within="summary-list")
    assert f"Received {received:%-d %B %Y} (In person at a hub)" in summary
    everything = element_text(page.html, everything=True)
    shown = [raw for raw in RAW_VALUES if raw in everything]
    assert not shown, f"stored values shown to the caseworker: {shown}"


# A mother objects, in Sorani, to the same uses.
SORANI_REASONS = "بۆ پاراستنی منداڵەکانم: هاوسەرە پێشووەکەم لە پۆلیس کار دەکات."
MOTHER = {
    **FATHER,
    "name": {"full_name": "Shilan Karim", "other_names": ""},
    "contact": {**FATHER["contact"], "email": "shilan@example.com", "letters_language": "ckb"},
}


def test_a_sorani_objection_shows_the_reasons_as_written_right_to_left(app, caseworker):
    resident = app.test_client()
    answers = {**OBJECTION_ANSWERS, "reasons": {"reasons": SORANI_REASONS}}
    complete_objection_journey(resident, "ckb", person=MOTHER, answers=answers)
    reference = sent_reference(resident, "ckb", "object")

    page = get_page(caseworker, f"/staff/cases/{reference}", lang="en")
    text = element_text(page.html, within="asked-for-section")
    assert f"Their reasons {SORANI_REASONS} " in text
    assert text.endswith("Letters and emails in Sorani Kurdish")
    section = page.html.split('id="asked-for-section"', 1)[1].split("</section>", 1)[0]
    assert f'<span class="portal-own-words" lang="ckb" dir="rtl">{SORANI_REASONS}</span>' in section
