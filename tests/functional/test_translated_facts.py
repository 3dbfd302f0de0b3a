"""Facts from the council profile (team names, opening hours, department names) in the
reader's language; where the profile lacks that language, the English, marked as English
(lang="en") so a screen reader says it in English."""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime

import pytest

from portal.cases.casework_models import SearchOutcome
from portal.cases.models import CaseState
from portal.cases.scenario_requests import access_details, person
from portal.cases.scenario_steps import Search
from portal.cases.scenarios import Scenarios
from portal.config import DEFAULT_PROFILE
from portal.council import load_council
from portal.documents import letters, packs
from portal.documents.letters import LetterKind
from portal.extensions import db
from portal.jobs.emails import build_email
from tests.conftest import ROOT, get_page, make_app, translated
from tests.unit.documents.conftest import flat, page_texts

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"
WAKEFIELD_HOURS = load_council(DEFAULT_PROFILE).information_governance.opening_hours
OTHERTOWN_HOURS = load_council(OTHERTOWN).information_governance.opening_hours
RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)


def marked_english(html_text: str) -> list[str]:
    """The words inside elements marked lang="en"."""
    return [
        html.unescape(words)
        for words in re.findall(r'<span lang="en" dir="ltr">([^<]*)</span>', html_text)
    ]


def asking_for_post(language: str) -> dict:
    """A request's changes: in `language`, from its own address, for a copy by post."""
    email = f"r.{secrets.token_hex(4)}@example.com"
    return {"language": language, "subject": person(email=email), "details": access_details("post")}


@pytest.fixture()
def pack_html(monkeypatch):
    """The HTML every pack rendered in the test was laid out from."""
    seen: list[str] = []
    real = packs.render_document

    def spy(html_text, **options):
        seen.append(html_text)
        return real(html_text, **options)

    monkeypatch.setattr(packs, "render_document", spy)
    return seen


def test_a_polish_page_gives_the_profiles_names_and_hours_in_polish(client):
    text = html.unescape(get_page(client, "/pl/").text())
    # The Information Governance team and a hub, as the Wakefield profile words them.
    assert "Zespół ds. Zarządzania Informacją" in text
    assert WAKEFIELD_HOURS.given_in("pl") in text
    assert "Ośrodek wczesnej pomocy Wakefield Central" in text
    assert WAKEFIELD_HOURS.english not in text


def test_a_polish_pack_names_the_departments_and_hours_in_polish(app):
    with app.app_context(), app.test_request_context():
        scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
        case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, **asking_for_post("pl"))
        none_held = SearchOutcome.NONE_HELD
        searches = [
            Search("Children's social care", none_held, "childrens_social_care"),
            Search("Youth justice", none_held, "youth_justice"),
        ]
        scenarios.search(case, searches=searches)
        pack = packs.build_response_pack(db.session, case, cipher=scenarios.cipher)
        acknowledgement = letters.render_letter(db.session, case, LetterKind.ACKNOWLEDGEMENT)
        email = build_email(app, "email.request_received", {"case_id": case.id})
    assert WAKEFIELD_HOURS.given_in("pl") in email.body
    assert "Zespół ds. Zarządzania Informacją, Wakefield Council" in email.body
    text = flat(" ".join(page_texts(pack.pdf, layout=False)))
    hold_none = translated("pl", "we hold no information about you.")
    assert f"Opieka społeczna nad dziećmi: {hold_none}" in text
    assert f"Wymiar sprawiedliwości dla nieletnich: {hold_none}" in text
    assert "Children's social care" not in text
    assert "Youth justice" not in text
    for document in (pack, acknowledgement):
        words = flat(" ".join(page_texts(document.pdf, layout=False)))
        assert WAKEFIELD_HOURS.given_in("pl") in words
        assert WAKEFIELD_HOURS.english not in words


@pytest.fixture(scope="module")
def othertown(app, database_url, tmp_path_factory):
    """The portal with the second profile, which gives some facts in Polish only."""
    othertown = make_app(
        database_url, tmp_path_factory.mktemp("othertown-facts"), COUNCIL_PROFILE=str(OTHERTOWN)
    )
    yield othertown
    with othertown.app_context():  # its own connections, closed before it goes
        db.session.remove()
        db.engine.dispose()


def test_english_stands_in_marked_as_english_where_the_profile_lacks_the_language(othertown):
    client = othertown.test_client()
    lithuanian = get_page(client, "/lt/").html
    assert OTHERTOWN_HOURS.given_in("lt") is None
    assert OTHERTOWN_HOURS.english in marked_english(lithuanian)
    assert "Records and Privacy Office" in marked_english(lithuanian)  # the team's name
    polish = get_page(client, "/pl/").html
    assert OTHERTOWN_HOURS.given_in("pl") in html.unescape(polish)
    assert "Biuro Rejestrów i Prywatności" in html.unescape(polish)
    assert "Riverside i Docks" in html.unescape(polish)  # the hub's area
    for english in (
        OTHERTOWN_HOURS.english,
        "Records and Privacy Office",
        "Riverside and Docks",
    ):
        assert english not in marked_english(polish)
    assert "Riverside Family Hub" in marked_english(polish)  # the hub's name: English only


def test_a_letter_and_a_pack_mark_the_english_they_fall_back_to(othertown, pack_html):
    with othertown.app_context(), othertown.test_request_context():
        scenarios = Scenarios(db.session, cipher=othertown.extensions["evidence_cipher"])
        started = CaseState.IN_PROGRESS
        case = scenarios.case_in(started, received=RECEIVED, **asking_for_post("lt"))
        letter = letters.letter_html(db.session, case, LetterKind.ACKNOWLEDGEMENT)
        assert OTHERTOWN_HOURS.english in marked_english(letter)

        polish = scenarios.case_in(started, received=RECEIVED, **asking_for_post("pl"))
        none_held = SearchOutcome.NONE_HELD
        searches = [
            Search("Children's services", none_held, "childrens_social_care"),
            Search("Family Support Service", none_held, "family_support"),
            Search("Legal services", none_held, ""),  # not in the profile
        ]
        scenarios.search(polish, searches=searches)
        packs.build_response_pack(db.session, polish, cipher=scenarios.cipher)
    (rendered,) = pack_html
    english = marked_english(rendered)
    # Given in Polish: shown in Polish, unmarked. English only, or typed: marked English.
    assert "Usługi dla dzieci" in html.unescape(rendered)
    assert "Children's services" not in html.unescape(rendered)
    assert {"Family Support Service", "Legal services"} <= set(english)
    assert OTHERTOWN_HOURS.given_in("pl") in html.unescape(rendered)
    assert OTHERTOWN_HOURS.english not in english
