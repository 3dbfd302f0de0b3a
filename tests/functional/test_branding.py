"""Council branding (no crown, no GDS Transport) and the weight of the notice page."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.conftest import ROOT, get_page

BUILD = ROOT / "portal" / "static" / "build"


@pytest.mark.parametrize("stylesheet", ["portal.css", "staff.css"])
def test_compiled_css_has_no_gds_transport_font(stylesheet):
    css = (BUILD / stylesheet).read_text()
    assert "GDS Transport" not in css
    assert "font-family:arial,sans-serif" in css.replace(" ", "").lower()
    assert "@font-face" not in css


def test_header_is_the_councils_without_a_crown(client):
    page = get_page(client, "/en/")
    assert "govuk-generic-header" in page.html
    assert 'class="govuk-generic-header__homepage-link"' in page.html
    for crown_marker in ("govuk-logo", "govuk-header__logotype", "crown", "GOV.UK", "govuk-crest"):
        assert crown_marker not in page.html, crown_marker
    assert "Open Government Licence" not in page.html
    assert "© Wakefield Council" in page.html


def _assets_of(html: str) -> list[str]:
    hrefs = re.findall(r'<link rel="stylesheet"[^>]*href="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    return hrefs + scripts


def test_notice_page_css_and_js_compress_to_at_most_40_kb(client):
    page = get_page(client, "/en/")
    urls = _assets_of(page.html)
    assert any("portal.css" in url for url in urls)
    assert any("portal.mjs" in url for url in urls)
    total = 0
    seen = set()
    queue = list(urls)
    while queue:
        url = queue.pop()
        path = url.split("?")[0]
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        assert response.status_code == 200, url
        total += len(gzip.compress(response.data, compresslevel=9))
        # follow the module's own imports, which the browser loads too
        for imported in re.findall(rb'from\s*"(\.\./[^"]+)"', response.data):
            queue.append("/static/" + imported.decode().removeprefix("../"))
        response.close()
    assert "/static/build/govuk-frontend.min.js" in seen
    assert total <= 40 * 1024, f"{total} bytes compressed"


def test_moj_frontend_styles_load_on_staff_pages_only(client):
    """MOJ Frontend's patterns (staff.css) add nothing to what a resident downloads."""
    for url in ("/en/", "/en/get-a-copy", "/pl/track"):
        assert not [u for u in _assets_of(get_page(client, url).html) if "staff.css" in u], url
    staff_assets = _assets_of(get_page(client, "/staff/sign-in", lang="en").html)
    [staff_css] = [u for u in staff_assets if "staff.css" in u]
    response = client.get(staff_css)
    assert response.status_code == 200
    assert b".moj-timeline__item" in response.data
    response.close()


def test_static_assets_are_cacheable_with_versioned_urls(client):
    page = get_page(client, "/en/")
    url = next(u for u in _assets_of(page.html) if "portal.css" in u)
    assert re.search(r"\?v=[0-9a-f]{12}$", url)
    response = client.get(url)
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()
