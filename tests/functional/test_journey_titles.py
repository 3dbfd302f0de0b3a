"""Each journey page's <title> starts with the heading the page shows, in every language and
for every answer to "who is the request about": a screen reader announces the title
first, and a tab shows it, so "What is your name?" on the page must not be "What is their
name?" in the title. A page with errors says "Error:" first (GOV.UK)."""

from __future__ import annotations

import pytest

from portal.i18n import LANGUAGES
from tests.conftest import translated
from tests.journeys import journey_pages
from tests.visible import read_html

WHO = ("myself", "my_child", "someone_else")


@pytest.mark.parametrize("acting_for", WHO)
@pytest.mark.parametrize("path", ["get-a-copy", "object"])
@pytest.mark.parametrize("locale", tuple(LANGUAGES))
def test_every_page_title_starts_with_its_heading(app, locale, path, acting_for):
    error_prefix = translated(locale, "Error:") + " "
    pages = journey_pages(app.test_client(), locale, path, acting_for, refusals=1)
    problems = []
    for shown in pages:
        page = read_html(shown.html)
        title = page.title
        if len(page.headings) != 1:
            problems.append(f"{shown.label}: {len(page.headings)} headings {page.headings}")
            continue
        has_errors = 'class="govuk-error-summary"' in shown.html
        if has_errors != title.startswith(error_prefix):
            problems.append(f"{shown.label}: errors shown {has_errors}, title {title!r}")
        title = title.removeprefix(error_prefix)
        if not (title + " ").startswith(page.h1 + " "):
            problems.append(f"{shown.label}: title {title!r} but heading {page.h1!r}")
    assert not problems, "\n".join(problems)
    steps = {page.label for page in pages if " refused" not in page.label}
    assert {"name", "date-of-birth", "address"} <= steps
    assert ("you" in steps) == (acting_for != "myself")


def test_asking_about_yourself_reads_your_not_their(app):
    pages = {
        page.label: read_html(page.html)
        for page in journey_pages(app.test_client(), "en", "get-a-copy", "myself", refusals=0)
    }
    assert pages["name"].h1 == "What is your name?"
    assert pages["date-of-birth"].h1 == "What is your date of birth?"
    assert pages["address"].title.startswith("What is your address? \u2013 ")
    others = {
        page.label: read_html(page.html)
        for page in journey_pages(app.test_client(), "en", "object", "someone_else", refusals=0)
    }
    assert others["date-of-birth"].h1 == "What is their date of birth?"
    assert others["date-of-birth"].title.startswith("What is their date of birth? \u2013 ")
    child = {
        page.label: read_html(page.html)
        for page in journey_pages(app.test_client(), "en", "object", "my_child", refusals=0)
    }
    assert child["date-of-birth"].h1 == "What is your child's date of birth?"
