"""The council's messages and steps on the tracking status page, in the resident's language:
each message with its title, date and what staff wrote; the timeline in plain words; staff
working steps never shown."""

from __future__ import annotations

from babel.dates import format_date

from portal.cases import clock
from portal.cases.models import Case
from portal.cases.scenario_steps import CASEWORKER
from tests.conftest import building, get_page
from tests.functional.test_tracking import file_request, sign_in


def test_messages_and_steps_show_on_the_status_page_in_polish(app, client):
    filed = file_request(app, language="pl")
    today = clock.london_today()
    with building(app) as scenarios:
        case = scenarios.session.get(Case, filed.id)
        scenarios.assign(case, CASEWORKER)
        scenarios.note(case, "Secret staff note")
        scenarios.request_identity(case, what="A recent council tax bill")
        scenarios.start(case)
        scenarios.ask(case, question="Which years do you mean?")
        scenarios.answer(case, answer="2020 to 2024")
        scenarios.extend(case, reason="Six departments hold records")
    sign_in(app, client, filed, locale="pl")
    page = get_page(client, "/pl/track/status")
    text = page.text()

    titles = [
        "Potrzebujemy więcej czasu na odpowiedź",
        "Potrzebujemy więcej informacji o Twoim wniosku",
        "Potrzebujemy dodatkowego dowodu tożsamości",
    ]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)  # newest first
    assert "Urząd napisał:" in text
    for written in (
        "A recent council tax bill",
        "Which years do you mean?",
        "Six departments hold records",
    ):
        assert written in text
    assert "Brak wiadomości" not in text
    assert format_date(today, "long", locale="pl") in text

    for step in (
        "Poprosiliśmy o dodatkowy dowód tożsamości",
        "Potwierdziliśmy Twoją tożsamość i rozpoczęliśmy pracę nad Twoim wnioskiem",
        "Zapytaliśmy Cię, czego dotyczy Twój wniosek",
        "Otrzymaliśmy Twoją odpowiedź",
        "Przedłużyliśmy termin o dwa miesiące",
        "Otrzymaliśmy Twój wniosek",
    ):
        assert step in text
    # Staff steps (assigning, the note) and the sign-in are not on the timeline.
    assert page.html.count('class="portal-timeline__item"') == 6
    assert "Zaktualizowaliśmy Twój wniosek" not in text
    assert "Secret staff note" not in text


def test_a_refusal_shows_its_reasons_and_the_step_in_urdu(app, client):
    filed = file_request(app, language="ur")
    with building(app) as scenarios:
        case = scenarios.session.get(Case, filed.id)
        scenarios.refuse(case, reasons="The same records were sent last month")
    sign_in(app, client, filed, locale="ur")
    text = get_page(client, "/ur/track/status").text()
    assert "ہم نے آپ کی درخواست پر کارروائی سے انکار کر دیا ہے" in text  # the message's title
    assert "ہم نے فیصلہ کیا ہے کہ ہم آپ کی درخواست پر کارروائی نہیں کریں گے" in text
    assert "کونسل نے لکھا:" in text
    assert "The same records were sent last month" in text
    # The timeline step, besides the title (which it begins).
    assert text.count("ہم نے آپ کی درخواست پر کارروائی سے انکار کر دیا") == 2
