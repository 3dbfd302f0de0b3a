"""In Chromium, a caseworker's "view" link shows a resident's photo in the browser, and the
"download" link saves it: a view that downloaded instead was a first-use complaint."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.accounts.models import Role
from portal.cases.models import EvidencePurpose
from portal.cases.requests import Evidence
from portal.instants import utc_now
from tests.conftest import building
from tests.functional.staff.conftest import SESSION_COOKIE, make_account, sign_in
from tests.journeys import png_bytes


@pytest.fixture()
def case_with_photo(app) -> tuple[str, int]:
    photo = Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", png_bytes())
    with building(app) as scenarios:
        case = scenarios.filed(received=utc_now(), evidence=(photo,))
        return case.reference, case.files[0].id


def signed_in_page(app, new_page, live_server):
    """A browser page with a caseworker's session, signed in the real way."""
    client = app.test_client()
    response = sign_in(client, make_account(app, Role.CASEWORKER))
    assert response.status_code == 303
    page = new_page()
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie.value, "url": live_server}])
    return page


def test_the_view_link_shows_the_photo_and_the_download_link_saves_it(
    app, new_page, live_server, case_with_photo
):
    reference, file_id = case_with_photo
    page = signed_in_page(app, new_page, live_server)
    downloads: list[str] = []
    page.on("download", lambda download: downloads.append(download.suggested_filename))
    page.goto(f"{live_server}/staff/cases/{reference}")
    item = page.locator("#evidence + p + ul li").first
    assert item.inner_text().startswith("Photo ID, PNG image")

    with page.expect_navigation():
        item.get_by_role("link", name="view").click()
    assert urlsplit(page.url).path == f"/staff/cases/{reference}/evidence/{file_id}"
    assert page.evaluate("document.contentType") == "image/png"
    # Chromium's own image page: the photo itself, at its size (60 by 40).
    assert page.evaluate("[document.images.length, document.images[0].naturalWidth]") == [1, 60]
    assert downloads == []

    page.go_back()
    with page.expect_download() as saved:
        page.locator("#evidence + p + ul li").first.get_by_role("link", name="download").click()
    assert saved.value.suggested_filename == f"{reference}-evidence-{file_id}.png"
