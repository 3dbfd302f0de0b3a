"""Issue 15 point 1: a visitor who has sent nothing leaves nothing in the database.

Form pages carry a CSRF token, but until the first POST that needs a session the token
lives in a signed cookie (portal/sessions.py), not in a web_sessions row.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, inspect, select, table

from portal.extensions import db
from portal.public.journey_steps import JOURNEYS
from portal.sessions import WebSession
from tests.browser.pages import public_pages
from tests.conftest import translated
from tests.journeys import PERSON, answer, csrf_token, start
from tests.visible import visible_text

# The public pages the browser sweeps use; "Start now" and each journey's first step, in
# every language; and the staff sign-in form, which anyone may fetch.
SWEPT = public_pages()
PAGES = (
    [page.path for page in SWEPT]
    + [
        f"/{locale}/{journey.path}/{step}"
        for locale in dict.fromkeys(page.locale for page in SWEPT)
        for journey in JOURNEYS.values()
        for step in ("begin", journey.steps[0].slug)
    ]
    + ["/staff/sign-in"]
)


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        return {
            name: db.session.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names
        }


def test_a_thousand_cookieless_gets_of_every_public_page_add_no_row(app):
    client = app.test_client(use_cookies=False)
    before = row_counts(app)
    pages = itertools.islice(itertools.cycle(PAGES), max(1000, len(PAGES)))
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 303, 404), f"{path}: {response.status_code}"
    assert row_counts(app) == before


def test_a_form_page_gives_a_signed_form_cookie_not_a_session_cookie(app):
    client = app.test_client()
    page = client.get("/en/track")
    assert "csrf_token" in page.get_data(as_text=True)
    cookies = {cookie.key for cookie in client._cookies.values()}
    assert cookies == {"portal_session_form"}


def test_the_first_post_that_stores_something_begins_the_session(app):
    client = app.test_client()
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(WebSession)).scalar_one()
    start(client, "en", "get-a-copy")
    assert client.get("/en/get-a-copy/who").status_code == 200
    with app.app_context():
        assert (
            db.session.execute(select(func.count()).select_from(WebSession)).scalar_one() == before
        )
    answer(client, "en", "get-a-copy", "who", PERSON["who"])
    with app.app_context():
        after = db.session.execute(select(func.count()).select_from(WebSession)).scalar_one()
    assert after == before + 1
    cookies = {cookie.key for cookie in client._cookies.values()}
    assert cookies == {"portal_session"}


@pytest.mark.parametrize("locale", ["en", "pl", "ckb"])
@pytest.mark.parametrize("path", ["/{locale}/track", "/{locale}/get-a-copy/who"])
@pytest.mark.parametrize("token", [None, "forged", "from-another-visitor"])
def test_a_post_without_a_good_token_is_refused_in_the_visitors_language(app, locale, path, token):
    url = path.format(locale=locale)
    client = app.test_client()
    assert client.get(url).status_code == 200  # this visitor has a form cookie of their own
    data = {"email": "someone@example.com", "acting_for": "myself"}
    if token == "forged":
        data["csrf_token"] = "ImFhYWEi.Z1z1z1.forgedsignature"
    elif token == "from-another-visitor":
        data["csrf_token"] = csrf_token(app.test_client().get(url).get_data(as_text=True))
    before = row_counts(app)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert translated(locale, "Sorry, we could not do that") in visible_text(
        response.get_data(as_text=True)
    )
    assert row_counts(app) == before


def test_a_forged_form_cookie_is_ignored(app):
    client = app.test_client()
    client.set_cookie("portal_session_form", "not.a.signed.value")
    page = client.get("/en/track")
    assert page.status_code == 200
    response = client.post(
        "/en/track", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert response.status_code != 500


@pytest.mark.parametrize("locale", ["en", "pl", "ckb"])
def test_the_cookies_page_names_the_form_cookie(client, locale):
    text = visible_text(client.get(f"/{locale}/cookies").get_data(as_text=True))
    assert "portal_session_form" in text
    assert (
        translated(
            locale,
            "Keeps a form secure until you send it. It holds only a security code, "
            "nothing you type. It is set when you open a form.",
        )
        in text
    )
