"""The objection journey as a resident reads it, in English and in Urdu (right to left):
the right to object said as the law says it (C9), and the question whether the uses
objected to stop while the council decides (C12), through to the register staff read.

Sources (legislation.gov.uk): UK GDPR Art 21(1): the council "shall no longer process the
personal data unless [it] demonstrates compelling legitimate grounds for the processing
which override the interests, rights and freedoms of the data subject or for the
establishment, exercise or defence of legal claims"; Art 21(6): research continues only
if "necessary for the performance of a task carried out for reasons of public interest";
Art 18(1)(d): restriction while "pending the verification whether the legitimate grounds
of the controller override those of the data subject".
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.casework_models import DecisionOutcome, RestrictionEntry, RestrictionStatus
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_requests import objection_details, person
from portal.cases.scenario_steps import noon
from portal.extensions import db
from tests.conftest import building, get_page, translated
from tests.functional.staff.conftest import make_account
from tests.functional.staff.conftest import sign_in as staff_sign_in
from tests.functional.staff.test_what_they_asked_for import sent_reference
from tests.functional.test_tracking import Filed, sign_in, unique_email
from tests.journeys import PERSON, answer, start, submit
from tests.visible import element_text

RIGHT_TO_OBJECT = (
    "We must stop using your information in the way you object to, unless we can show "
    "compelling legitimate reasons to carry on that override your interests, rights and "
    "freedoms, or we need the information to make, use or defend legal claims. For research, "
    "we stop unless the research is needed for a task we carry out in the public interest. A "
    "senior officer checks every decision."
)
QUESTION = "While we decide, should we stop the uses you object to?"
HINT = (
    "Deciding can take up to a month, or longer if your objection is complex. If you choose "
    "yes, we stop these uses from the day we receive your objection until we tell you our "
    "decision. If we then decide to carry on with any of them, we will tell you before we "
    "start again."
)
YES = "Yes, stop them until you decide"
NO = "No, carry on until you decide"
MISSING = "Select yes if we should stop these uses while we decide"


@pytest.mark.parametrize("locale", ["en", "pl", "ro", "ur", "lt", "lv"])
def test_the_start_page_states_the_right_to_object_as_the_law_does(client, locale):
    text = element_text(get_page(client, f"/{locale}/object").html)
    assert translated(locale, RIGHT_TO_OBJECT) in text
    assert "the law needs us to keep using it" not in text
    assert (
        translated(
            locale,
            "While we decide, you can ask us to stop the uses you object to. We will ask you about "
            "this before you send your objection.",
        )
        in text
    )


def _to_restrict_question(client, locale: str) -> str:
    start(client, locale, "object")
    for step, data in PERSON.items():
        answer(client, locale, "object", step, data)
    answer(
        client,
        locale,
        "object",
        "processing",
        {"processing": ["programme", "sharing"], "agencies": ["police"]},
    )
    response = answer(
        client, locale, "object", "reasons", {"reasons": "My ex-partner works for the police."}
    )
    return response.location


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_a_resident_asks_for_the_uses_to_stop_while_we_decide(app, client, locale):
    url = _to_restrict_question(client, locale)
    assert url.endswith(f"/{locale}/object/restrict")
    page = get_page(client, url)
    question = element_text(page.html, "main-content")
    assert translated(locale, QUESTION) in question
    assert translated(locale, HINT) in question
    assert translated(locale, YES) in question and translated(locale, NO) in question

    refused = submit(client, url, {})
    assert refused.status_code == 400
    assert translated(locale, MISSING) in element_text(refused.get_data(as_text=True))

    answer(client, locale, "object", "restrict", {"restrict": "yes"})
    answer(client, locale, "object", "identity", {"how": "hub"})
    answer(client, locale, "object", "declaration", {"confirm": "y"})
    check = element_text(get_page(client, f"/{locale}/object/check").html, "main-content")
    assert f"{translated(locale, QUESTION)} {translated(locale, YES)}" in check

    sent = submit(client, f"/{locale}/object/check", {})
    assert sent.status_code == 303
    reference = sent_reference(client, locale, "object")
    with app.app_context():
        entries = db.session.scalars(
            select(RestrictionEntry).where(RestrictionEntry.reference == reference)
        ).all()
        assert {(e.processing, e.status) for e in entries} == {
            ("programme", RestrictionStatus.PENDING_DECISION),
            ("sharing:police", RestrictionStatus.PENDING_DECISION),
        }

    staff = app.test_client()
    assert staff_sign_in(staff, make_account(app, Role.CASEWORKER)).status_code == 303
    case_page = get_page(staff, f"/staff/cases/{reference}", lang="en")
    assert "Stop these uses while we decide Yes: restricted pending decision from" in (
        element_text(case_page.html, "asked-for-section")
    )
    assert "Sharing their information with the police: Restricted pending decision" in (
        element_text(case_page.html, "restrictions")
    )
    register = element_text(get_page(staff, "/staff/restrictions", lang="en").html)
    assert f"Restricted pending decision {reference}" in register


def test_choosing_no_restricts_nothing_and_check_answers_says_so(app, client):
    url = _to_restrict_question(client, "en")
    answer(client, "en", "object", "restrict", {"restrict": "no"})
    answer(client, "en", "object", "identity", {"how": "hub"})
    answer(client, "en", "object", "declaration", {"confirm": "y"})
    check = element_text(get_page(client, "/en/object/check").html, "main-content")
    assert f"{QUESTION} {NO}" in check
    assert url.endswith("/restrict")
    submit(client, "/en/object/check", {})
    reference = sent_reference(client, "en", "object")
    with app.app_context():
        assert not db.session.scalars(
            select(RestrictionEntry).where(RestrictionEntry.reference == reference)
        ).all()


def test_the_tracking_page_says_what_the_decision_did_to_the_restriction(app):
    """C12: the resident reads, with the decision, which uses stay stopped and when the
    others start again (Art 18(3): told before the restriction is lifted)."""
    email = unique_email()
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            CaseKind.OBJECTION,
            received=noon(date(2026, 3, 2)),
            subject=person(email=email),
            details=objection_details(restrict=True),
        )
        scenarios.assess(case, compelling_grounds="A child protection plan needs the link")
        scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police"])
        scenarios.approve_decision(case, at=noon(date(2026, 3, 20)))
        filed = Filed(case.id, case.reference, email)
    for locale in ("en", "ur"):
        client = app.test_client()
        sign_in(app, client, filed, locale=locale)
        text = element_text(get_page(client, f"/{locale}/track/status").html)
        assert (
            translated(
                locale,
                "You asked us to stop the uses you objected to while we decided. The ones we have "
                "agreed to stop stay stopped.",
            )
            in text
        )
        lifted = translated(
            locale,
            "We stopped the uses you objected to while we decided. We will start again on "
            "%(date)s with the ones we are carrying on with.",
        )
        assert lifted.split("%(date)s")[0].strip() in text
        if locale == "en":
            assert "We will start again on 21 March 2026 with the ones" in text
