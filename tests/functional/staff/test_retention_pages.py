"""What staff see of the retention schedule on a case (issue 14 points 1, 2): once the
copies of identity evidence go, the fact stays on the case page; an erased case is gone."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from portal.cases import retention
from portal.cases.models import Case, CaseState, EvidencePurpose
from portal.cases.requests import Evidence
from portal.cases.scenario_requests import tiny_png
from portal.extensions import db
from tests.conftest import building, get_page
from tests.functional.staff.test_restrictions import upheld_objection
from tests.visible import element_text, visible_text

DELETED_AT = datetime(2025, 2, 20, 2, tzinfo=UTC)


def closed_case(app) -> str:
    evidence = (
        Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", tiny_png(50)),
        Evidence(EvidencePurpose.PROOF_OF_ADDRESS, "bill.png", "image/png", tiny_png(60)),
    )
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.COMPLETED, received=datetime(2025, 2, 3, 12, tzinfo=UTC), evidence=evidence
        )
        return case.reference


def erase(app, reference: str, rule: str) -> None:
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        retention.erase_case(db.session, case, rule=rule, now=DELETED_AT)
        db.session.commit()


def test_after_the_evidence_goes_staff_read_what_it_was_and_when(app, client, signed_in):
    reference = closed_case(app)
    erase(app, reference, "identity_evidence")
    signed_in(client)
    page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert element_text(page.html, "evidence-deleted") == (
        "The copies were deleted on 20 February 2025 under the retention schedule. They "
        "were: Photo ID, Proof of address. Who accepted them, and when, is in the timeline."
    )
    assert "Deleted under the retention schedule" in page.text()


def test_an_erased_case_is_not_found(app, client, signed_in):
    reference = closed_case(app)
    erase(app, reference, "case_record")
    signed_in(client)
    get_page(client, f"/staff/cases/{reference}", status=404, lang="en")


def test_the_register_keeps_an_erased_cases_restriction_without_a_link(app, client, signed_in):
    """Issue 14 point 4: the entry outlives its case; its reference no longer opens it."""
    name = f"Outlives Case {secrets.token_hex(3)}"
    reference = upheld_objection(app, name, ["national_study"])
    erase(app, reference, "case_record")
    signed_in(client)
    page = get_page(client, "/staff/restrictions", lang="en")
    row = page.html.split(f'<td class="govuk-table__cell">{name}</td>', 1)[1].split("</tr>")[0]
    assert "17 May 1990" in row
    assert "Sending their information to the National Impact Study" in row
    assert f'href="/staff/cases/{reference}"' not in row
    assert f"{reference} " in visible_text(row)
    assert "Case deleted under the retention schedule" in visible_text(row)
