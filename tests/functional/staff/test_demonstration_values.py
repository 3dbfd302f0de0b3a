"""Staff are told which facts in the council profile are for demonstration (issue 13 point 13)."""

from __future__ import annotations

from tests.conftest import get_page
from tests.visible import element_text


def test_the_dashboard_warns_of_facts_for_demonstration(app, client, signed_in):
    signed_in(client)

    page = get_page(client, "/staff/", lang="en")

    demonstration = app.extensions["council"].demonstration
    warning = element_text(page.html, "demonstration-values")
    assert f"{len(demonstration)} facts in the council profile are for demonstration" in warning
    assert "Do not give them to families" in warning
    # Inside "Facts for demonstration only", once opened.
    listed = element_text(page.html, "demonstration-value-list", everything=True)
    assert "data_protection_officer.email: dpo@wakefield.gov.uk" in listed
    assert "information_governance.phone" not in listed
