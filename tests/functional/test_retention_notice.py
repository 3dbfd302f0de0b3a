"""The notice and the Easy Read quote the retention schedule the daily deletion applies
(issue 14 point 1): the same periods, from the council profile, in each language."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, get_page, make_app
from tests.visible import visible_text

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"


def notice(client, locale: str = "en") -> str:
    return visible_text(get_page(client, f"/{locale}/", lang=locale).html)


def test_the_notice_says_how_long_each_part_of_a_request_is_kept(client):
    text = notice(client)
    for sentence in (
        "Records of requests and objections you make to us: 2 years after we close them.",
        "Copies of documents you send to prove who you are, or that you may act for someone: "
        "deleted when we close your request. We keep only a note of who checked them, when, "
        "and what kind of document it was.",
        "Codes we email you to follow your request: deleted when we close it.",
        "Emails we send you about your request: 30 days after we close it.",
        "Messages we send you about your request: 2 years after we close it.",
        "The response we send you, with the copy of your information: 2 years after we close "
        "your request.",
        "The records we find for your request, and what we remove from them: 2 years after we "
        "close your request.",
        "unless we must keep it for longer while a complaint to the Information Commissioner's "
        "Office (ICO), a legal claim or an internal review about it is still open.",
    ):
        assert sentence in text


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [
        (
            "pl",
            "E-maile, które wysyłamy do Ciebie w sprawie wniosku: przechowujemy je przez 30 dni",
        ),
        (
            "ro",
            "E-mailurile pe care vi le trimitem despre cererea dumneavoastră: le păstrăm 30 de "
            "zile",
        ),
        (
            "lt",
            "El. laiškai, kuriuos jums siunčiame dėl prašymo: saugojimo terminas \u2013 30 dienų",
        ),
        (
            "lv",
            "E-pasta vēstules, ko jums sūtām par pieprasījumu: glabāšanas termiņš \u2013 30 dienu",
        ),
        ("ur", "درخواست بند کرنے کے بعد 30 دن تک رکھی جاتی ہیں"),
        # CLDR has no unit words for Central Kurdish: the portal's own (council_retention).
        ("ckb", "ئەو ئیمەیڵانەی دەربارەی داواکارییەکەت بۆت دەنێرین: 30 ڕۆژ دوای داخستنی"),
    ],
)
def test_each_language_gives_the_same_periods(client, locale, sentence):
    assert sentence in notice(client, locale)


def test_the_periods_come_from_the_profile(database_url, tmp_path):
    app = make_app(database_url, tmp_path, COUNCIL_PROFILE=str(OTHERTOWN))
    client = app.test_client()
    text = notice(client)
    assert "Emails we send you about your request: 14 days after we close it." in text
    assert "Messages we send you about your request: 6 months after we close it." in text
    assert "your information: 1 year after we close your request." in text
    assert "Copies of documents you send to prove who you are" in text
    polish = notice(client, "pl")
    assert "przechowujemy je przez 6 miesięcy od zamknięcia wniosku" in polish
    easy_read = visible_text(get_page(client, "/en/easy-read").html)
    assert "We delete the emails we send you 14 days after we finish." in easy_read


def test_the_easy_read_says_the_copies_go_when_we_finish(client):
    text = visible_text(get_page(client, "/en/easy-read").html)
    assert "a copy of your passport to show who you are." in text
    assert "We delete the copy when we finish." in text
    assert "We delete the emails we send you 30 days after we finish." in text
