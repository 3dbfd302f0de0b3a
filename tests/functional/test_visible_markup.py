"""No resident ever sees markup: every page of both journeys (error states included), the
tracking pages, every email and every letter, in every shipped language.

"Sees" is read as a person reads it (tests/visible.py): a page's text nodes with entities
decoded once and what a screen reader speaks; an email's decoded subject and body; the
text PDFium extracts from a letter. A `<br>` or an `&lt;` there was escaped once too often:
the confirmation panel once read "Your reference number<br><strong dir="ltr">TF-…".
"""

from __future__ import annotations

import re

import pytest

from portal.cases.casework_models import MessageKind
from portal.documents.letters import LetterKind
from portal.i18n import LANGUAGES
from portal.jobs.emails import EMAIL_KINDS
from tests.conftest import translated
from tests.functional.test_tracking import ask_for_code, enter_code, latest_code
from tests.journeys import ShownPage, csrf_token, journey_pages, submit
from tests.resident_messages import resident_cases, resident_emails, resident_letters
from tests.visible import leaked_markup, markup_shown_on, visible_text

LOCALES = tuple(LANGUAGES)
WHO = ("myself", "my_child", "someone_else")
REFERENCE = re.compile(r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}")


def markup_on(pages: list[ShownPage]) -> dict[str, list[str]]:
    return {page.label: found for page in pages if (found := markup_shown_on(page.html))}


# The detector ------------------------------------------------------------------------

# The confirmation panel as sent.html once drew it: a translation (Markup) joined to a
# string of HTML, which Markup escapes.
OLD_PANEL = (
    '{% from "govuk_frontend_jinja/components/panel/macro.html" import govukPanel %}'
    '{{ govukPanel({"titleText": _("Request sent"), "html": _("Your reference number")'
    ' ~ "<br><strong dir=\\"ltr\\">" ~ reference ~ "</strong>"}) }}'
)


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_the_detector_sees_the_old_confirmation_panel(app, locale):
    with app.test_request_context(f"/{locale}/get-a-copy/sent"):
        from flask import g

        g.locale = locale
        html = app.jinja_env.from_string(OLD_PANEL).render(reference="TF-7K3Q-9PMH")
    shown = visible_text(html)
    assert f'{translated(locale, "Your reference number")}<br><strong dir="ltr">' in shown
    assert markup_shown_on(html) == ["<br>", "<strong ", "</strong>"]


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>Twój numer referencyjny&lt;br&gt;TF-7K3Q-9PMH</p>", ["<br>"]),
        (
            "<p>&lt;strong dir=&quot;ltr&quot;&gt;TF-7K3Q-9PMH&lt;/strong&gt;</p>",
            ["<strong ", "</strong>"],
        ),
        ("<p>Tom &amp;amp; Jerry</p>", ["&amp;"]),
        ("<p>Ion&amp;#39;s request</p>", ["&#39;"]),
        ("<p>&amp;lt;br&amp;gt;</p>", ["&lt;", "&gt;"]),
        ('<p><img alt="&amp;lt;b&amp;gt;Map" src="x.png"></p>', ["&lt;", "&gt;"]),
        ("<p>a line<br>another</p>", []),
        ("<p>Fish &amp; chips, 3 &lt; 4 and 5 &gt; 2, Ion&#39;s</p>", []),
        ("<p>Tom & Jerry; AT&T</p>", []),
        ("<script>var tag = '<br>';</script><p>clean</p>", []),
    ],
)
def test_the_detector_finds_escaped_markup_and_only_that(html, found):
    assert markup_shown_on(html) == found


def test_the_detector_reads_plain_text_too():
    assert leaked_markup("Dear Anna,\n\nYour reference number<br>TF-7K3Q-9PMH") == ["<br>"]
    assert leaked_markup("Bună ziua,\n\nNumărul de referință &amp; data") == ["&amp;"]
    assert leaked_markup("Tom & Jerry <anna@example.com> 3 < 4") == []


# Pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("acting_for", WHO)
@pytest.mark.parametrize("path", ["get-a-copy", "object"])
@pytest.mark.parametrize("locale", LOCALES)
def test_no_journey_page_shows_markup(app, locale, path, acting_for):
    client = app.test_client()
    pages = journey_pages(client, locale, path, acting_for)
    expired = client.get(f"/{locale}/{path}/session-ended")
    pages.append(ShownPage("session ended", expired.status_code, expired.get_data(as_text=True)))
    assert {page.label for page in pages} >= {"start", "who", "check", "sent", "who refused 1"}
    assert not markup_on(pages)
    # The confirmation reads as words then the reference, nothing in between.
    sent = visible_text(pages[-2].html)
    said = re.escape(translated(locale, "Your reference number"))
    assert re.search(rf"{said} {REFERENCE.pattern}", sent), sent[:400]


def tracking_pages(app, locale: str) -> list[ShownPage]:
    """The tracking pages: asking for a code (and its errors), the code page (and a wrong
    code), the status page of a case with each council message, and adding evidence and
    withdrawing (and their errors)."""
    pages: list[ShownPage] = []

    def keep(label: str, response, status: int = 200) -> None:
        assert response.status_code == status, f"{label}: {response.status_code}"
        pages.append(ShownPage(label, status, response.get_data(as_text=True)))

    client = app.test_client()
    keep("start", client.get(f"/{locale}/track"))
    keep("start refused", submit(client, f"/{locale}/track", {}), 400)
    keep("start mistyped", ask_for_code(client, "TF-7K3Q-9PXM", "anna@example.com", locale), 400)
    keep("session ended", client.get(f"/{locale}/track/session-ended"))
    for case in resident_cases(app, locale):
        client = app.test_client()
        assert ask_for_code(client, case.reference, case.email, locale).status_code == 303
        keep(f"{case.scenario} code", client.get(f"/{locale}/track/code"))
        code = latest_code(app, case.case_id)
        wrong = "000000" if code != "000000" else "111111"
        keep(f"{case.scenario} wrong code", enter_code(client, wrong, locale), 400)
        assert enter_code(client, code, locale).status_code == 303
        keep(f"{case.scenario} status", client.get(f"/{locale}/track/status"))
        if case.scenario == "identity_request":  # open: evidence and withdrawal offered
            for page in ("evidence", "withdraw"):
                url = f"/{locale}/track/{page}"
                form = client.get(url)
                keep(page, form)
                token = csrf_token(form.get_data(as_text=True))
                keep(f"{page} refused", client.post(url, data={"csrf_token": token}), 400)
    return pages


@pytest.mark.parametrize("locale", LOCALES)
def test_no_tracking_page_shows_markup(app, locale):
    pages = tracking_pages(app, locale)
    statuses = [page for page in pages if page.label.endswith(" status")]
    assert len(statuses) == len(resident_cases(app, locale))
    assert not markup_on(pages)


# Emails and letters ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_no_email_shows_markup(app, locale):
    emails = resident_emails(app, locale)
    kinds = {email.label.split(":")[0] for email in emails}
    assert kinds == set(EMAIL_KINDS)
    messages = {email.label.split(":")[1] for email in emails if ":" in email.label}
    assert messages == {kind.value for kind in MessageKind}
    found = {
        email.label: leaked_markup(email.email.subject) + leaked_markup(email.email.body)
        for email in emails
    }
    assert not {label: markup for label, markup in found.items() if markup}


@pytest.mark.parametrize("locale", LOCALES)
def test_no_letter_shows_markup(app, locale):
    shown = resident_letters(app, locale)
    assert {letter.label for letter in shown} == {
        *(f"letter:{kind.value}" for kind in LetterKind),
        "response pack",
    }
    for letter in shown:
        assert REFERENCE.search(letter.text), f"{letter.label}: no text extracted"
    found = {letter.label: leaked_markup(letter.text) for letter in shown}
    assert not {label: markup for label, markup in found.items() if markup}
