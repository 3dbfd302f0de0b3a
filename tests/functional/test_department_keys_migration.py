"""Migration 0011: searches and disclosure items recorded with a typed department name get
the council profile's key when the name is one of its departments; others keep the name."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.cases.casework_models import (
    DepartmentSearch,
    DisclosureItem,
    SearchOutcome,
)
from portal.cases.models import CaseState
from portal.cases.scenario_steps import Search
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import make_app, own_database

RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)
TYPED_NAMES = {
    "Children\u2019s Social Care": "childrens_social_care",
    "education  Welfare": "education",
    "Housing Services": "housing",
    "Think Family data team": "think_family_data",
    "Legal services": None,  # not a department of the profile: kept as typed
}


def test_typed_department_names_get_the_profiles_keys(database_url, tmp_path):
    with own_database(database_url, tmp_path, "department_keys") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
            case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
            # Recorded as before keys existed: a name only.
            typed = [Search(name, SearchOutcome.NONE_HELD) for name in TYPED_NAMES]
            scenarios.search(case, searches=typed)
            scenarios.add_item(
                case, department="Early Help", title="Family plan", content="Agreed at the hub."
            )
            db.session.remove()
            downgrade(revision="0010_letter_postings")  # the columns go, the rows stay
            upgrade()

            searches = db.session.scalars(select(DepartmentSearch).order_by(DepartmentSearch.id))
            assert {s.department: s.department_key for s in searches} == TYPED_NAMES
            item = db.session.scalars(select(DisclosureItem)).one()
            assert (item.source_department, item.source_department_key) == (
                "Early Help",
                "early_help",
            )
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()
