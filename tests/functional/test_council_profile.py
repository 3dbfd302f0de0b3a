"""Every page takes the council's names and contacts from the profile, none from the code."""

from __future__ import annotations

import pytest

from portal.council import load_council
from portal.i18n import LANGUAGES
from tests.conftest import ROOT, get_page, make_app

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"
# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)


@pytest.fixture(scope="module")
def othertown_client(database_url, tmp_path_factory):
    app = make_app(
        database_url, tmp_path_factory.mktemp("othertown"), COUNCIL_PROFILE=str(OTHERTOWN)
    )
    return app.test_client()


def public_pages(locale: str) -> list[str]:
    return [f"/{locale}/", f"/{locale}/accessibility", f"/{locale}/cookies"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_uses_the_second_profile(othertown_client, locale):
    council = load_council(OTHERTOWN)
    for url in [*public_pages(locale), f"/{locale}/missing-page", "/en/easy-read"]:
        status = 404 if "missing" in url else 200
        page = get_page(othertown_client, url, status=status, lang=url.split("/")[1])
        text = page.html
        assert council.name in page.title, url
        assert council.information_governance.phone in text, url
        for leftover in ("Wakefield", "01924 306112", "wakefield.gov.uk", "WF1"):
            assert leftover not in text, f"{url} still says {leftover!r}"


def test_notice_lists_the_profiles_hubs_contacts_and_retention(othertown_client):
    council = load_council(OTHERTOWN)
    text = get_page(othertown_client, "/en/").text()
    hub = council.hubs[0]
    for fact in (
        hub.name.english,
        hub.contact.phone,
        hub.contact.email,
        hub.contact.opening_hours.english,
        council.information_governance.name.english,
        council.information_governance.email,
        council.data_protection_officer.email,
        "Programme records: 7 years after",
        council.ico_registration,
    ):
        assert fact in text


def test_default_profile_is_wakefield_with_the_notice_phone_number(client):
    text = get_page(client, "/en/").text()
    assert "Wakefield Council" in text
    assert "01924 306112" in text


def test_a_profile_missing_a_field_names_it(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(OTHERTOWN.read_text().replace("[retention]", "[retention_typo]"))
    with pytest.raises(ValueError, match="retention"):
        load_council(broken)
