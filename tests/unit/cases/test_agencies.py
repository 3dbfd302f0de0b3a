"""Every organisation a resident can choose has a name staff read (never its key)."""

from __future__ import annotations

from portal.cases.agencies import AGENCY_NAMES, agency_name
from portal.forms.journeys import AGENCIES


def test_every_organisation_a_resident_can_choose_has_a_staff_name():
    assert set(AGENCY_NAMES) == {key for key, _label in AGENCIES}
    assert agency_name("dwp") == "the Department for Work and Pensions (DWP)"
    assert agency_name("youth_justice") == "youth justice"  # not in the list: still readable
