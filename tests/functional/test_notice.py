"""The privacy notice keeps every fact of the council's earlier notice, under current law."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notices import RELEASES, NoticeVersion, current_release
from tests.conftest import get_page

SECTIONS = [
    ("who-we-are", "Who we are"),
    ("the-programme", "The programme and which families it supports"),
    ("what-we-collect", "What information we collect"),
    ("why-and-lawful-basis", "Why we use it, and our lawful basis"),
    ("who-we-share-with", "Who we share it with"),
    ("national-impact-study", "The National Impact Study"),
    ("local-research", "Local research"),
    ("outside-the-uk", "Sending information outside the UK"),
    ("how-long-we-keep-it", "How long we keep it"),
    ("your-rights", "Your rights"),
    ("how-to-complain", "How to complain"),
    ("contact-us", "Contact us and your Early Help Hub"),
]

# Facts from shared/seed/think-family-privacy-notice.txt, as the new notice words them.
SEED_FACTS = [
    "Department for Communities and Local Government (DCLG)",
    "Troubled Families",
    "Lead Worker",
    "Team around the Family",
    "two or more of these difficulties",
    "crime or antisocial behaviour",
    "children who are not going to school regularly",
    "children who need help",
    "rent arrears",
    "aged 16 to 18 who are not in education, training or work",
    "domestic violence and abuse",
    "parents and children with a range of health problems",
    "reference numbers from the police, schools and the National Health Service",
    "National Insurance numbers",
    "substance misuse or health services",
    "housing or financial help",
    "school attendance or behaviour",
    "This list does not include everything",
    "families who were assessed but did not take part",
    "probation services",
    "Department for Work and Pensions (DWP)",
    "Office for National Statistics (ONS)",
    "trusted third party",
    "National Institute of Economic and Social Research (NIESR)",
    "Ministry of Justice",
    "the data is used only for research",
    "anonymised",
    "cannot be used to make decisions about individual people",
    "no person or family can be identified from any published report",
    "not shared with, or made available to, the council",
    "destroyed after 5 years",
    "evaluate how successful and effective the programme is locally",
    "whether or not a family has been asked to join the programme",
    "Early Help Hub",
    "Information Governance Team",
    "01924 306112",
]

CURRENT_LAW = [
    "UK General Data Protection Regulation (UK GDPR)",
    "Data Protection Act 2018",
    "Data (Use and Access) Act 2025",
    "Article 6(1)(e)",
    "Articles 9(2)(g) and 10",
    "Schedule 1 to the Data Protection Act 2018",
    "Article 9(2)(j)",
    "Articles 84B and 84C",
    "profiling (UK GDPR Article 4(4))",
    "Children Act 1989, section 17",
    "Children Act 2004, section 10",
    "paragraph 18: safeguarding children and people at risk",
    "It is now run by the Department for Education (DfE)",
    "Information Commissioner's Office (ICO)",
    "0303 123 1113",
    "right to go to court",
]

RIGHTS = [
    "To be told",
    "To get a copy of your information",
    "To have it corrected",
    "To have it deleted",
    "To limit how we use it",
    "To object",
    "About automated decisions",
    "To move your data",
]


@pytest.fixture(scope="module")
def notice(app):
    return get_page(app.test_client(), "/en/")


def test_notice_has_a_contents_list_linking_every_section(notice):
    for anchor, heading in SECTIONS:
        assert f'href="#{anchor}"' in notice.html
        assert re.search(
            rf'<h2 class="govuk-heading-l" id="{anchor}">{re.escape(heading)}</h2>', notice.html
        )


def test_notice_starts_with_an_at_a_glance_summary(notice):
    assert notice.html.index("At a glance") < notice.html.index('id="who-we-are"')


@pytest.mark.parametrize("fact", SEED_FACTS)
def test_notice_keeps_every_fact_of_the_seed(notice, fact):
    assert fact.replace("'", "&#39;") in notice.html or fact in notice.text()


@pytest.mark.parametrize("phrase", CURRENT_LAW)
def test_notice_is_written_under_current_law(notice, phrase):
    assert phrase in notice.text().replace("&#39;", "'")


def test_repealed_act_is_named_only_as_replaced(notice):
    text = notice.text()
    assert text.count("Data Protection Act 1998") == 1
    assert "no longer applies" in text


@pytest.mark.parametrize("right", RIGHTS)
def test_notice_lists_every_right(notice, right):
    assert f'<dt class="govuk-heading-s">{right}</dt>' in notice.html


def test_rights_lead_to_the_journeys_and_the_phone_and_email_route(notice):
    assert "coming soon" not in notice.text().lower()
    assert 'href="/en/get-a-copy"' in notice.html
    assert 'href="/en/object"' in notice.html
    assert 'href="tel:01924306112"' in notice.html
    assert 'href="mailto:dataprotection@wakefield.gov.uk"' in notice.html


def test_notice_shows_its_version_and_last_updated_date(notice):
    release = current_release()
    assert f"Version {release.version}. Last updated 6 December 2026." in notice.text()


def test_notice_date_is_written_in_the_readers_language(client):
    page = get_page(client, "/pl/")
    assert "6 grudnia 2026" in page.text()


def test_every_release_is_recorded_in_the_database(app):
    with app.app_context():
        rows = db.session.scalars(select(NoticeVersion).order_by(NoticeVersion.id)).all()
    assert [(r.version, r.published_on) for r in rows] == [
        (r.version, r.published_on) for r in RELEASES
    ]


def test_notice_offers_the_pdf_and_easy_read(notice):
    assert 'href="/en/privacy-notice.pdf"' in notice.html
    assert 'href="/en/easy-read"' in notice.html


def test_easy_read_is_english_and_other_locales_are_sent_to_it(client):
    page = get_page(client, "/en/easy-read")
    assert "<img" in page.html and ".svg" in page.html
    response = client.get("/pl/easy-read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/easy-read"


@pytest.mark.parametrize("locale", ["pl", "ro", "ur", "lt", "lv", "ckb"])
def test_translated_notice_is_translated(client, locale):
    from tests.conftest import translated

    page = get_page(client, f"/{locale}/")
    assert translated(locale, "How we use your family's information") in page.title
    assert translated(locale, "The National Impact Study") in page.html
    assert "The National Impact Study" not in page.html


def test_easy_read_uses_short_sentences_one_idea_per_line_with_pictures(client):
    page = get_page(client, "/en/easy-read")
    items = re.findall(r'<div class="portal-easy-read__item">(.*?)</div>\s*</div>', page.html, re.S)
    assert len(items) >= 30
    pictures = set(
        re.findall(r'src="/static/dist/images/easy-read/([a-z-]+)\.[0-9a-f]{12}\.svg', page.html)
    )
    assert len(pictures) >= 12
    lines = re.findall(r"<p[^>]*>(.*?)</p>", "".join(items), re.S)
    for line in lines:
        words = re.sub(r"<[^>]+>", " ", line).split()
        sentences = [s for s in re.split(r"[.?!](?:\s|$)", " ".join(words)) if s.strip()]
        assert len(sentences) <= 2, f"more than one idea: {line}"
        # addresses and opening hours come from the profile and may be longer
        if "portal-address" not in line and "@" not in line:
            assert all(len(s.split()) <= 16 for s in sentences), line


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_the_notice_says_a_decision_can_be_reviewed_and_where_to_ask(client, locale):
    """Issue 16 point 6: an internal review of any decision, within the council's review
    period (the profile's 20 working days), asked for from the tracking page."""
    from babel.support import Translations

    from tests.visible import element_text

    page = get_page(client, f"/{locale}/")
    shown = " ".join(element_text(page.html, "internal-review").split())
    lead = "You can ask us to look at our decision again (an internal review). Someone who did "
    end = "not make the decision will review it, and we will tell you the outcome within "
    catalogue = Translations.load("translations", [locale])
    sentence = catalogue.ngettext(
        lead + end + "%(num)d working day.", lead + end + "%(num)d working days.", 20
    )
    assert sentence % {"num": 20} in shown, shown
    assert f'href="/{locale}/track"' in page.html
