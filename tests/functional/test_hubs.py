"""Early Help Hubs: directory, hub pages, links for hub workers."""

from __future__ import annotations

import pytest

from portal.config import DEFAULT_PROFILE
from portal.council import load_council
from portal.i18n import LANGUAGES
from tests.conftest import get_page, translated

COUNCIL = load_council(DEFAULT_PROFILE)
# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)


@pytest.mark.parametrize("locale", LOCALES)
def test_directory_lists_every_hub(client, locale):
    page = get_page(client, f"/{locale}/hubs")
    for hub in COUNCIL.hubs:
        assert f'href="/{locale}/hubs/{hub.slug}"' in page.html
        assert hub.name.text_for(locale) in page.html
        assert hub.contact.phone in page.html


@pytest.mark.parametrize("hub", COUNCIL.hubs, ids=lambda hub: hub.slug)
def test_hub_page_gives_contacts_hours_map_and_rights(client, hub):
    page = get_page(client, f"/pl/hubs/{hub.slug}")
    text = page.text()
    assert hub.name.text_for("pl") in page.title
    for fact in (hub.contact.phone, hub.contact.email):
        assert fact in text
    # The profile gives the hub's name, area and hours in Polish: the page shows those.
    for fact in (hub.name, hub.contact.opening_hours, hub.area):
        assert fact.given_in("pl") in text
        assert fact.english not in text
    assert ", ".join(hub.contact.address) in text
    # a plain link to a map, nothing embedded from another site
    assert 'href="https://www.openstreetmap.org/search?query=' in page.html
    assert "<iframe" not in page.html
    assert translated("pl", "What the hub can help with") in text
    assert 'href="/pl/"' in page.html
    assert 'href="/pl/get-a-copy"' in page.html
    assert 'href="/pl/object"' in page.html


@pytest.mark.parametrize("locale", LOCALES)
def test_unknown_hub_is_a_404_in_the_visitors_language(client, locale):
    page = get_page(client, f"/{locale}/hubs/no-such-hub", status=404)
    assert page.title.startswith(translated(locale, "Page not found"))


def test_malformed_hub_slug_is_a_404(client):
    get_page(client, "/en/hubs/..%2F..%2Fetc", status=404)
    get_page(client, "/en/hubs/%3Cscript%3E", status=404)


def test_links_page_lists_every_hub_in_every_language(client):
    page = get_page(client, "/en/hubs/links")
    for hub in COUNCIL.hubs:
        for locale in LOCALES:
            assert f"http://portal.test/{locale}/hubs/{hub.slug}/start" in page.html
            assert f'href="/{locale}/hubs/{hub.slug}/poster.pdf"' in page.html


def test_reserved_and_malformed_slugs_are_refused_in_a_profile(tmp_path):
    text = DEFAULT_PROFILE.read_text()
    for bad in ("links", "Bad Slug", "-x"):
        broken = tmp_path / "broken.toml"
        broken.write_text(text.replace('slug = "south-east"', f'slug = "{bad}"'))
        with pytest.raises(ValueError, match="slug"):
            load_council(broken)
