"""Which pages the browser tests sweep, read from the app's URL map.

Every GET route of the `public` blueprint whose only argument is the locale is swept in
every language the council offers, so a new public page is checked without anyone
remembering to add it here. A "not found" page is added for each language.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.conftest import make_app

# Routes that are not HTML pages, or that only redirect.
NOT_PAGES = {
    "public.notice_pdf",
    "public.hub_poster",
    "public.hub_start",
    # need a signed-in tracking session (swept by the tracking browser tests), or not HTML
    "public.track_code",
    "public.track_status",
    "public.track_evidence",
    "public.track_withdraw",
    "public.track_keep_alive",
    "public.track_response_download",
    # internal review pages: signed in, after a decision (browser/test_review_journey.py)
    "public.track_review_disagreement",
    "public.track_review_reasons",
    "public.track_review_check",
    "public.track_review_sent",
}
# Routes that exist in one language only; the others redirect to it.
ONLY_IN = {"public.easy_read": ("en",)}
NOT_FOUND_PATH = "no-such-page"


@dataclass(frozen=True)
class PublicPage:
    locale: str
    path: str
    endpoint: str
    status: int = 200

    @property
    def id(self) -> str:
        return self.path


@cache
def public_pages() -> tuple[PublicPage, ...]:
    # Only the URL map and the council profile are read: the database is never opened.
    app = make_app("sqlite://", Path(tempfile.gettempdir()))
    council = app.extensions["council"]
    # A page per hub has the same template for every hub: one hub stands for all.
    sample = {"slug": council.hubs[0].slug}
    endpoints = sorted(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("public.")
        and "GET" in (rule.methods or ())
        and rule.arguments <= {"locale", *sample}
        and rule.endpoint not in NOT_PAGES
        and not rule.rule.endswith(".pdf")
    )
    # Pages whose content depends on their query string, in their fullest form.
    with_query = {
        "public.eligibility_result": f"?criteria=crime&criteria=health&area={sample['slug']}"
    }
    pages = []
    for locale in council.languages:
        for rule, endpoint in endpoints:
            if locale in ONLY_IN.get(endpoint, (locale,)):
                path = rule.replace("<locale>", locale).replace("<slug>", sample["slug"])
                pages.append(PublicPage(locale, path, endpoint))
                if endpoint in with_query:
                    pages.append(PublicPage(locale, path + with_query[endpoint], endpoint))
        pages.append(PublicPage(locale, f"/{locale}/{NOT_FOUND_PATH}", "not_found", status=404))
    return tuple(pages)


def offered_locales() -> tuple[str, ...]:
    return tuple(dict.fromkeys(page.locale for page in public_pages()))


def open_public_page(page, live_server: str, public_page: PublicPage):
    """Load a swept page and check it answered with the expected status, without redirecting."""
    response = page.goto(live_server + public_page.path)
    assert response is not None, public_page.path
    assert response.status == public_page.status, f"{public_page.path}: HTTP {response.status}"
    assert page.url == live_server + public_page.path, f"{public_page.path} went to {page.url}"
    return response
