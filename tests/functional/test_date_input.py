"""The date of birth question as a resident meets it: one example in the hint and the
errors, and errors that say which part to fix, following the GOV.UK date input pattern
(https://design-system.service.gov.uk/components/date-input/#error-messages): "Year must
include 4 numbers", "[the date] must include a month", only the wrong input highlighted."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from portal.i18n import LANGUAGES
from tests.conftest import translated
from tests.journeys import PERSON, answer, start, submit
from tests.visible import read_html

EXAMPLE = "27 3 2007"
DATE_LIKE = re.compile(r"(?<!\d)\d{1,2} \d{1,2} \d{4}(?!\d)")


class _Inputs(HTMLParser):
    """The class of each input, by id, and the targets of the error summary's links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.classes: dict[str, list[str]] = {}
        self.summary_links: list[str] = []
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "govuk-error-summary" in (attributes.get("class") or "").split():
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if tag == "input" and attributes.get("id"):
            self.classes[attributes["id"]] = (attributes.get("class") or "").split()
        if self._in_summary and tag == "a":
            self.summary_links.append(attributes.get("href") or "")

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def date_of_birth_page(app, locale: str, day: str, month: str, year: str):
    client = app.test_client()
    start(client, locale, "get-a-copy")
    answer(client, locale, "get-a-copy", "who", {"acting_for": "myself"})
    answer(client, locale, "get-a-copy", "name", PERSON["name"])
    data = {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}
    response = submit(client, f"/{locale}/get-a-copy/date-of-birth", data)
    assert response.status_code == 400
    return response.get_data(as_text=True)


def highlighted(html: str) -> list[str]:
    inputs = _Inputs(html)
    return [
        part
        for part in ("day", "month", "year")
        if "govuk-input--error" in inputs.classes[f"date_of_birth-{part}"]
    ]


@pytest.mark.parametrize("locale", tuple(LANGUAGES))
def test_a_two_digit_year_is_told_to_have_4_numbers(app, locale):
    html = date_of_birth_page(app, locale, "14", "2", "90")
    text = read_html(html).text
    assert text.count(translated(locale, "Year must include 4 numbers")) == 2  # summary, field
    assert highlighted(html) == ["year"]
    assert _Inputs(html).summary_links == ["#date_of_birth-year"]


@pytest.mark.parametrize("locale", tuple(LANGUAGES))
def test_the_hint_and_the_error_give_the_same_example(app, locale):
    html = date_of_birth_page(app, locale, "31", "2", "1990")
    text = read_html(html).text
    hint = translated(locale, "For example, %(example)s") % {"example": EXAMPLE}
    error = translated(locale, "Enter a real date, for example %(example)s") % {"example": EXAMPLE}
    assert hint in text
    assert error in text
    assert set(DATE_LIKE.findall(text)) == {EXAMPLE}
    assert highlighted(html) == ["day", "month", "year"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "2", "1990", "The date must include a day", ["day"]),
        ("14", "", "1990", "The date must include a month", ["month"]),
        ("", "", "1990", "The date must include a day and month", ["day", "month"]),
        ("14", "13", "1990", "Enter a real date, for example 27 3 2007", ["month"]),
        ("x", "2", "1990", "Enter a real date, for example 27 3 2007", ["day"]),
        ("1", "1", "2999", "The date of birth must be in the past", ["day", "month", "year"]),
    ],
)
def test_only_the_part_to_fix_is_highlighted(app, day, month, year, message, parts):
    html = date_of_birth_page(app, "en", day, month, year)
    assert message in read_html(html).text
    assert highlighted(html) == parts
    assert _Inputs(html).summary_links == [f"#date_of_birth-{parts[0]}"]


@pytest.mark.parametrize(("locale", "digits"), [("ckb", "٠١٢٣٤٥٦٧٨٩"), ("ur", "۰۱۲۳۴۵۶۷۸۹")])
def test_a_date_typed_on_a_sorani_or_urdu_keyboard_is_read_as_that_date(app, locale, digits):
    """Phones set to Sorani type Arabic-Indic digits (١٤), phones set to Urdu their own
    (۱۴): the date is the same date, not "Enter a real date"."""

    def typed(number: str) -> str:
        return "".join(digits[int(digit)] for digit in number)

    client = app.test_client()
    start(client, locale, "get-a-copy")
    answer(client, locale, "get-a-copy", "who", {"acting_for": "myself"})
    answer(client, locale, "get-a-copy", "name", PERSON["name"])
    answer(
        client,
        locale,
        "get-a-copy",
        "date-of-birth",
        {
            "date_of_birth-day": typed("14"),
            "date_of_birth-month": typed("2"),
            "date_of_birth-year": typed("1990"),
        },
    )
    html = client.get(f"/{locale}/get-a-copy/date-of-birth").get_data(as_text=True)
    shown = {
        part: re.search(rf'id="date_of_birth-{part}"[^>]*value="([^"]*)"', html)
        for part in ("day", "month", "year")
    }
    assert {part: match and match.group(1) for part, match in shown.items()} == {
        "day": "14",
        "month": "2",
        "year": "1990",
    }
