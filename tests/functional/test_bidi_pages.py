"""The tracking page in Urdu and Sorani Kurdish: dates take their own direction and what
staff wrote is marked as English, left to right (tests/browser/test_bidi.py measures the
order on screen)."""

from __future__ import annotations

import re

import pytest

from portal.cases.models import Case
from tests.conftest import building, get_page
from tests.functional.test_tracking import file_request, sign_in

# Babel's long dates. Urdu, d MMMM، y: "15 مارچ، 2026". Sorani, d'ی' MMMM y: "15ی ئازاری
# 2026", "5ی تشرینی یەکەمی 2026".
LONG_DATE = {
    "ur": re.compile(r"\d{1,2} [^\s\d،<>]+، \d{4}"),
    "ckb": re.compile(r"\d{1,2}ی [^\s\d،<>]+(?: [^\s\d،<>]+)? \d{4}"),
}
WRITTEN = "Six departments hold records."


@pytest.mark.parametrize("locale", ["ur", "ckb"])
def test_status_page_isolates_dates_and_marks_staff_text_as_english(app, client, locale):
    filed = file_request(app, language=locale)
    with building(app) as scenarios:
        case = scenarios.session.get(Case, filed.id)
        scenarios.start(case)
        scenarios.ask(case, question="Which years?")
        scenarios.answer(case, answer="All")
        scenarios.extend(case, reason=WRITTEN)
    sign_in(app, client, filed, locale=locale)
    html = get_page(client, f"/{locale}/track/status").html

    dates = list(LONG_DATE[locale].finditer(html))
    # received, reply by, two message dates, three in the messages' words, the timeline
    assert len(dates) >= 8, [d.group(0) for d in dates]
    for match in dates:
        before, after = html[: match.start()], html[match.end() :]
        in_bdi = before.endswith("<bdi>") and after.startswith("</bdi>")
        in_fsi = before.endswith("\u2068") and after.startswith("\u2069")
        assert in_bdi or in_fsi, html[match.start() - 60 : match.end() + 10]
    assert re.search(rf'<div [^>]*lang="en" dir="ltr">{re.escape(WRITTEN)}</div>', html)
