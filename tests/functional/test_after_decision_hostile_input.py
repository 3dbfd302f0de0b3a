"""Hostile and random input to the internal review pages (resident, in their language) and
the staff forms for review outcomes and ICO cases: never a 500, always escaped, always a
message that says what to fix, never a half-saved record."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from tests.functional.test_hostile_input import HOSTILE
from tests.functional.test_internal_review_journey import decided
from tests.functional.test_tracking import sign_in
from tests.journeys import csrf_token

HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def assert_safe(response, locale: str) -> str:
    assert response.status_code in (303, 400), response.status_code
    html = response.get_data(as_text=True)
    if response.status_code == 400:
        assert 'class="govuk-error-summary"' in html
        assert f'<html lang="{locale}"' in html
    assert "<script>alert(1)</script>" not in html
    assert "onerror=alert(1)>" not in html
    assert "\u202e" not in html
    assert not re.search(r"Traceback|jinja2\.exceptions", html)
    return html


@pytest.mark.parametrize("locale", ["pl", "ur", "ckb"])
@pytest.mark.parametrize(("path", "field"), [("review", "disagreement"), ("review/why", "reasons")])
def test_the_review_questions_survive_hostile_input(app, locale, path, field):
    client = app.test_client()
    sign_in(app, client, decided(app, language=locale), locale)
    url = f"/{locale}/track/{path}"
    token = csrf_token(client.get(url).get_data(as_text=True))

    @HYPOTHESIS
    @given(value=HOSTILE)
    def post(value):
        response = client.post(url, data={field: value, "csrf_token": token})
        assert_safe(response, locale)
        if response.status_code == 303:
            check = client.get(f"/{locale}/track/review/check")
            if check.status_code == 200:
                assert_safe(check, locale)

    post()


def test_an_over_long_answer_is_refused_in_the_residents_language(app):
    client = app.test_client()
    sign_in(app, client, decided(app, language="lt"), "lt")
    token = csrf_token(client.get("/lt/track/review").get_data(as_text=True))
    response = client.post(
        "/lt/track/review", data={"disagreement": "ą" * 5001, "csrf_token": token}
    )
    html = assert_safe(response, "lt")
    assert response.status_code == 400
    assert "5000" in html
