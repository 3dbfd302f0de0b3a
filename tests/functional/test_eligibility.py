"""'Could Early Help support your family?': advice that stores nothing and sets no cookie."""

from __future__ import annotations

import pytest

from tests.conftest import get_page, translated


def result(client, locale="en", **query):
    response_page = get_page(client, f"/{locale}/early-help-check/result", query_string=query)
    assert "Set-Cookie" not in response_page.response.headers
    return response_page


@pytest.mark.parametrize("locale", ["en", "pl", "ro", "ur", "lt", "lv", "ckb"])
def test_check_is_a_plain_form_of_the_six_criteria_that_says_it_stores_nothing(client, locale):
    page = get_page(client, f"/{locale}/early-help-check")
    assert page.html.count('type="checkbox"') == 6
    assert '<form method="get"' in page.html  # works without JavaScript, no session needed
    promise = (
        "We do not store your answers and this check sets no cookies. "
        "It works without JavaScript. Only you see the result."
    )
    assert translated(locale, promise) in page.html
    assert "Set-Cookie" not in page.response.headers


def test_two_or_more_difficulties_may_get_support(client):
    page = result(client, criteria=["crime", "health"])
    assert "Your family may be able to get support" in page.text()
    assert "Crime or antisocial behaviour" in page.text()


@pytest.mark.parametrize("criteria", [[], ["school"]])
def test_fewer_than_two_still_points_to_the_hubs(client, criteria):
    page = result(client, criteria=criteria)
    assert "The programme may not be right for your family now" in page.text()
    assert "Wakefield Central Early Help Hub" in page.text()


def test_the_nearest_hub_is_shown_with_its_contacts_and_all_hubs_are_offered(client):
    page = result(client, criteria=["crime", "school", "health"], area="castleford-airedale")
    text = page.text()
    nearest = text.index("Your nearest Early Help Hub")
    assert text.index("earlyhelp.castleford@wakefield.gov.uk") > nearest
    assert "All Early Help Hubs" in text
    for hub in ("Wakefield Central", "Pontefract and Knottingley", "South East"):
        assert hub in text


def test_tampered_values_are_ignored(client):
    page = result(client, criteria=["crime", "crime", "nonsense", "<b>"], area="../../etc")
    assert "The programme may not be right for your family now" in page.text()
    assert "Your nearest Early Help Hub" not in page.text()
    assert "&lt;b&gt;" not in page.html and "<b>" not in page.html.split("<main")[1]


def test_answers_can_be_changed(client):
    page = result(client, criteria=["crime", "health"], area="south-east")
    assert "criteria=crime&amp;criteria=health&amp;area=south-east" in page.html
    back = get_page(client, "/en/early-help-check?criteria=crime&criteria=health&area=south-east")
    assert back.html.count("checked") == 2
    assert 'value="south-east" selected' in back.html
