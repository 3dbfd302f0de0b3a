"""Issue 17 point 1: pages that are the same for every visitor come from the page cache
(portal/page_cache.py). What a visitor must notice is that nothing changed: each language
gets its own page, every response has its own nonce and CSRF token, and a visitor's own
answers never reach another visitor."""

from __future__ import annotations

import re

import pytest

from portal.cases.references import new_reference
from tests.conftest import get_page
from tests.journeys import PERSON, answer, csrf_token, start
from tests.visible import visible_text

NONCE = re.compile(r'<script[^>]*nonce="([^"]+)"')
REFERENCE_VALUE = re.compile(r'<input[^>]*name="reference"[^>]*value="([^"]*)"')
CACHED = [
    "/{locale}/hubs",
    "/{locale}/hubs/castleford-airedale",
    "/{locale}/hubs/links",
    "/{locale}/get-a-copy",
    "/{locale}/get-a-copy/who",
    "/{locale}/track",
    "/{locale}/early-help-check",
    "/{locale}/accessibility",
    "/{locale}/cookies",
]


@pytest.mark.parametrize("path", CACHED)
def test_a_cached_page_is_drawn_in_each_visitors_language(app, path):
    client = app.test_client(use_cookies=False)
    english = get_page(client, path.format(locale="en"), lang="en")
    urdu = get_page(client, path.format(locale="ur"), lang="ur")
    again = get_page(client, path.format(locale="en"), lang="en")
    assert 'dir="rtl"' in urdu.html and 'dir="ltr"' in english.html
    assert visible_text(urdu.html) != visible_text(english.html)
    assert visible_text(again.html) == visible_text(english.html)


def test_every_response_has_its_own_nonce_and_csrf_token(app):
    first, second = app.test_client(), app.test_client()
    pages = [c.get("/en/track") for c in (first, second, first)]
    nonces = [NONCE.search(page.get_data(as_text=True))[1] for page in pages]
    assert len(set(nonces)) == 3
    for page, nonce in zip(pages, nonces, strict=True):
        assert f"'nonce-{nonce}'" in page.headers["Content-Security-Policy"]
    tokens = [csrf_token(page.get_data(as_text=True)) for page in pages]
    assert tokens[0] != tokens[1]  # two visitors, two tokens (one visitor's may repeat)


def test_a_token_from_a_cached_form_works_for_its_visitor_and_no_other(app):
    anna, stranger = app.test_client(), app.test_client()
    stranger.get("/en/get-a-copy/who")  # the page is now in the cache
    page = anna.get("/en/get-a-copy/who")
    token = csrf_token(page.get_data(as_text=True))
    stranger_post = stranger.post(
        "/en/get-a-copy/who", data={"csrf_token": token, "acting_for": "myself"}
    )
    assert stranger_post.status_code == 400  # someone else's token is refused
    posted = anna.post("/en/get-a-copy/who", data={"csrf_token": token, "acting_for": "myself"})
    assert posted.status_code == 303


def test_a_visitors_answers_are_shown_to_them_and_to_nobody_else(app):
    anna = app.test_client()
    start(anna, "en", "get-a-copy")
    answer(anna, "en", "get-a-copy", "who", PERSON["who"])
    mine = anna.get("/en/get-a-copy/who").get_data(as_text=True)
    assert re.search(r'value="myself"\s+checked', mine)
    for _ in range(2):
        blank = app.test_client().get("/en/get-a-copy/who").get_data(as_text=True)
        assert "checked" not in blank


def typed_reference(html: str) -> str:
    match = REFERENCE_VALUE.search(html)
    assert match, "no reference box"
    return match[1]


def test_a_reference_typed_on_the_tracking_page_comes_back_only_to_who_typed_it(app):
    anna, reference = app.test_client(), new_reference()
    page = anna.get("/en/track").get_data(as_text=True)
    posted = anna.post(
        "/en/track",
        data={"csrf_token": csrf_token(page), "reference": reference, "email": "anna@example.com"},
    )
    assert posted.status_code == 303
    assert typed_reference(anna.get("/en/track").get_data(as_text=True)) == reference
    assert typed_reference(app.test_client().get("/en/track").get_data(as_text=True)) == ""


def test_the_early_help_check_shows_the_answers_in_its_link(app):
    client = app.test_client(use_cookies=False)
    chosen = client.get("/en/early-help-check/result?criteria=crime&criteria=school")
    other = client.get("/en/early-help-check/result?criteria=health")
    assert visible_text(chosen.get_data(as_text=True)) != visible_text(other.get_data(as_text=True))
    assert "Crime" in visible_text(chosen.get_data(as_text=True))
    assert "Crime" not in visible_text(other.get_data(as_text=True))
