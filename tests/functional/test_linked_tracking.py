"""What a resident sees of linked and duplicate requests and of an Art 12(5) refusal (issue
19 point 1), in their language: the reference of a duplicate merged into its original still
works and leads to the original; a refusal as manifestly unfounded or excessive gives its
ground, the council's reasons, and the rights to complain to the ICO and to go to court
(UK GDPR Art 12(4)-(5): https://www.legislation.gov.uk/eur/2016/679/article/12)."""

from __future__ import annotations

import pytest

from portal.cases import case_links, closing
from portal.cases.casework_models import RefusalGround
from portal.cases.models import Case
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from portal.extensions import db
from tests.conftest import building, get_page
from tests.functional.test_tracking import file_request, sign_in
from tests.visible import element_text

BANNER = {
    "en": "Your request {old} asked for the same thing as this request, so we have joined "
    "them. This request, {new}, is the one we will reply to. Use {new} to follow it from "
    "now on.",
    "pl": "Twój wniosek {old} dotyczył tego samego co ten wniosek, więc je połączyliśmy. "
    "Odpowiemy na ten wniosek, {new}. Od teraz używaj numeru {new}, aby śledzić wniosek.",
}


def merge(app, duplicate_id: int, original_reference: str) -> None:
    with app.app_context():
        duplicate = db.session.get(Case, duplicate_id)
        case_links.merge(
            db.session, duplicate, original_reference=original_reference, actor=CASEWORKER
        )


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_a_merged_reference_leads_the_resident_to_the_original(app, client, locale):
    original = file_request(app, language=locale)
    duplicate = file_request(app, email=original.email, language=locale)
    merge(app, duplicate.id, original.reference)

    sign_in(app, client, duplicate, locale=locale)  # the old reference, its own code
    html = get_page(client, f"/{locale}/track/status", lang=locale).html
    banner = element_text(html, "merged-banner")
    expected = BANNER[locale].format(old=duplicate.reference, new=original.reference)
    assert expected in banner
    assert original.reference in element_text(html, "main-content")
    # Once: the page shows the original without the banner from then on.
    again = get_page(client, f"/{locale}/track/status", lang=locale).html
    assert 'id="merged-banner"' not in again
    assert original.reference in element_text(again, "main-content")


def test_a_reference_merged_into_someone_else_s_request_says_so_in_polish(app, client):
    original = file_request(app, language="pl")
    duplicate = file_request(app, language="pl")  # another address
    merge(app, duplicate.id, original.reference)

    sign_in(app, client, duplicate, locale="pl")
    text = element_text(get_page(client, "/pl/track/status", lang="pl").html, "main-content")
    assert duplicate.reference in text
    assert original.reference not in text
    assert "Połączony z innym wnioskiem" in text
    assert "połączyliśmy je i zamknęliśmy ten wniosek. Odpowiemy na tamten wniosek." in text


GROUND_SENTENCE = {
    "en": "We have decided not to deal with your request, because it repeats requests we "
    "have already dealt with, which makes it manifestly excessive (UK GDPR Article 12(5)).",
    "pl": "Zdecydowaliśmy, że nie rozpatrzymy Twojego wniosku, ponieważ powtarza on wnioski, "
    "które już rozpatrzyliśmy, co czyni go ewidentnie nadmiernym (UK GDPR art. 12 ust. 5).",
}
RIGHTS = {
    "en": ("ico.org.uk/make-a-complaint", "you have the right to go to court"),
    "pl": ("ico.org.uk/make-a-complaint", "zwrócić się do sądu"),
}


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_an_art_12_5_refusal_gives_its_ground_reasons_and_rights(app, client, locale):
    filed = file_request(app, language=locale)
    reasons = "This is the fifth request for the same records since January"
    with building(app) as scenarios:
        case = scenarios.session.get(Case, filed.id)
        closing.refuse(
            scenarios.session,
            case,
            actor=REVIEWER,
            actor_role=closing.REVIEWER_ROLE,
            reasons=reasons,
            ground=RefusalGround.REPETITIVE,
        )
    sign_in(app, client, filed, locale=locale)
    text = element_text(get_page(client, f"/{locale}/track/status", lang=locale).html)
    assert GROUND_SENTENCE[locale] in text
    assert reasons in text
    for right in RIGHTS[locale]:
        assert right in text
