"""Migration 0029 on people already on record: each is given the folded text staff find
them by (portal.cases.person_search), so the queue's one box finds cases that arrived
before it, by any of their details."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.cases import queue as q
from portal.cases.models import CaseState, Person
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import make_app, own_database

BEFORE = "0028_case_month_events"


def test_people_on_record_are_found_by_every_detail_after_the_migration(database_url, tmp_path):
    with own_database(database_url, tmp_path, "people_search") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
            subject = person(
                full_name="Agnieszka Żółć",
                postcode="WF2 7QT",
                phone="07700 900461",
                date_of_birth=date(1990, 2, 3),
            )
            case = scenarios.case_in(
                CaseState.IN_PROGRESS, received=noon(date(2026, 3, 2)), subject=subject
            )
            kept = db.session.scalar(select(Person.search_text).where(Person.id == case.subject_id))
            db.session.remove()
            downgrade(revision=BEFORE)  # the column goes, and with it what was kept
            upgrade()

            again = db.session.scalar(
                select(Person.search_text).where(Person.id == case.subject_id)
            )
            assert again == kept
            assert "zolc" in again
            for typed in ("zolc", "wf2 7qt", "+44 7700 900461", "3/2/1990"):
                page = q.queue_page(
                    db.session, q.QueueFilters(search=typed), today=date(2026, 3, 16)
                )
                assert [row.case_id for row in page.rows] == [case.id], typed
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()
