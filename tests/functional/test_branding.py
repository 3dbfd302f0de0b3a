"""Council branding: no crown, no GDS Transport, MOJ Frontend on staff pages only.

The weight, compression and caching of what pages load: tests/functional/test_static_assets.py."""

from __future__ import annotations

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


def _is_staff_css(url: str) -> bool:
    return "/build/staff." in url and url.endswith(".css")


def test_moj_frontend_styles_load_on_staff_pages_only(client):
    """MOJ Frontend's patterns (staff.css) add nothing to what a resident downloads."""
    for url in ("/en/", "/en/get-a-copy", "/pl/track"):
        assert not [u for u in _assets_of(get_page(client, url).html) if _is_staff_css(u)], url
    staff_assets = _assets_of(get_page(client, "/staff/sign-in", lang="en").html)
    [staff_css] = [u for u in staff_assets if _is_staff_css(u)]
    response = client.get(staff_css)
    assert response.status_code == 200
    assert b".moj-timeline__item" in response.data
    response.close()
