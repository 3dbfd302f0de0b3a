"""Hostile and random input to every step of both journeys: never a 500, always escaped,
always a message the resident can act on, in their language."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.public.journey_steps import ACCESS, OBJECTION
from tests.journeys import PERSON, answer, csrf_token, start

HOSTILE = st.one_of(
    st.text(max_size=50),
    # very long values, made by repetition so that generating them stays cheap
    st.builds(
        lambda chunk, times: chunk * times,
        st.sampled_from(["a", "ą", "ش", "<b>", "\u202e", " ", "9"]),
        st.integers(min_value=2_000, max_value=12_000),
    ),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "\u202eevil\u202c",
            "\x00\x01\x02\x1b[31m",
            "Robert'); DROP TABLE cases;--",
            "{{ 7*7 }}",
            "%(council)s %s %d",
            "31",
            "02",
            "-1",
            "99999999999999999999",
            "😀" * 300,
            " ",
        ]
    ),
)

FIELDS = {
    "who": ["acting_for"],
    "you": ["requester_name", "relationship"],
    "authority": ["authority"],
    "name": ["full_name", "other_names"],
    "date-of-birth": ["date_of_birth-day", "date_of_birth-month", "date_of_birth-year"],
    "address": ["address", "postcode", "previous_addresses"],
    "contact": ["email", "postal_address", "phone", "letters_language"],
    "identifiers": ["ni_number", "nhs_number", "other_references"],
    "what": [
        "scope",
        "agencies",
        "date_from-day",
        "date_from-month",
        "date_from-year",
        "date_to-day",
        "date_to-month",
        "date_to-year",
    ],
    "delivery": ["delivery", "formats", "other_format", "collect_hub"],
    "processing": ["processing", "agencies"],
    "reasons": ["reasons"],
    "restrict": ["restrict"],
    "identity": ["how"],
    "declaration": ["confirm"],
}


def _client_at(app, journey, step, locale):
    """A client whose journey has answered everything before `step`."""
    client = app.test_client()
    start(client, locale, journey.path)
    acting_for = {"you": "my_child", "authority": "someone_else"}.get(step)
    who = {"acting_for": acting_for} if acting_for else PERSON["who"]
    for earlier in journey.steps:
        if earlier.slug == step:
            break
        if earlier.slug == "who":
            answer(client, locale, journey.path, "who", who)
        elif earlier.slug == "you" and step == "authority":
            you = {"requester_name": "Maria Popescu", "relationship": "Attorney"}
            answer(client, locale, journey.path, "you", you)
        elif earlier.slug in ("you", "authority"):
            continue
        elif earlier.slug in PERSON:
            answer(client, locale, journey.path, earlier.slug, PERSON[earlier.slug])
        else:
            defaults = {
                "identifiers": {},
                "what": {"scope": "everything"},
                "delivery": {"delivery": "post"},
                "processing": {"processing": ["local_research"]},
                "reasons": {"reasons": "Because."},
                "restrict": {"restrict": "no"},
                "identity": {"how": "hub"},
            }
            answer(client, locale, journey.path, earlier.slug, defaults[earlier.slug])
    return client


CASES = [
    (journey, step.slug, locale)
    for journey in (ACCESS, OBJECTION)
    for step in journey.steps
    for locale in ("pl", "ur", "ckb")
    if not (
        journey is OBJECTION
        and step.slug in ("who", "you", "name", "date-of-birth", "address", "contact")
    )
]


@pytest.mark.parametrize(("journey", "step", "locale"), CASES, ids=lambda v: getattr(v, "path", v))
def test_every_step_survives_hostile_input(app, journey, step, locale):
    client = _client_at(app, journey, step, locale)
    url = f"/{locale}/{journey.path}/{step}"
    token = csrf_token(client.get(url).get_data(as_text=True))

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(values=st.lists(HOSTILE, min_size=len(FIELDS[step]), max_size=len(FIELDS[step])))
    def post(values):
        data = dict(zip(FIELDS[step], values, strict=True))
        data["csrf_token"] = token
        response = client.post(url, data=data)
        assert response.status_code in (303, 400), response.status_code
        html = response.get_data(as_text=True)
        if response.status_code == 400:
            assert 'class="govuk-error-summary"' in html
            assert f'<html lang="{locale}"' in html
        assert "<script>alert(1)</script>" not in html
        assert "onerror=alert(1)>" not in html
        assert "\u202e" not in html
        assert not re.search(r"Traceback|jinja2\.exceptions", html)

    post()
