"""Migration 0031 on people already on record: each is given the keys that possible
duplicates are found by (portal.cases.match_keys), so requests that arrived before it are
matched too; down and up again keeps the search index's triggers (SQLite) and the keys. The
lookups use their indexes on both engines."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal.cases import case_links
from portal.cases.case_links import MatchReason
from portal.cases.models import CaseState, Person
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import make_app, own_database

BEFORE = "0030_teams"


def test_people_on_record_are_matched_after_the_migration(database_url, tmp_path):
    with own_database(database_url, tmp_path, "case_links") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
            subject = person(full_name="Agnieszka Żółć", date_of_birth=date(1990, 2, 3))
            first = scenarios.case_in(
                CaseState.IN_PROGRESS, received=noon(date(2026, 3, 2)), subject=subject
            )
            again = scenarios.filed(
                received=noon(date(2026, 3, 9)),
                subject=person(full_name="AGNIESZKA ZOLC", date_of_birth=date(1990, 2, 3)),
            )
            first_id, again_id = first.id, again.id
            kept = db.session.scalar(select(Person.name_key).where(Person.id == first.subject_id))
            db.session.remove()
            downgrade(revision=BEFORE)  # the keys go, and the links and merges with them
            upgrade()

            first = db.session.get(type(first), first_id)
            assert (
                db.session.scalar(select(Person.name_key).where(Person.id == first.subject_id))
                == kept
                == "agnieszka zolc|1990-02-03"
            )
            related = {r.case.id: r.reasons for r in case_links.related_cases(db.session, first)}
            assert related == {
                again_id: (
                    MatchReason.SAME_SUBJECT,
                    MatchReason.SAME_EMAIL,
                    MatchReason.SAME_ADDRESS,
                )
            }
            _lookups_use_their_indexes()
            if db.session.connection().dialect.name == "sqlite":  # the search index's triggers
                triggers = db.session.scalars(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).all()
                assert {"people_search_insert", "people_search_update"} <= set(triggers)
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()


def _lookups_use_their_indexes() -> None:
    connection = db.session.connection()
    queries = {
        "ix_people_email_key": "SELECT id FROM people WHERE email_key IN ('a@example.com')",
        "ix_people_name_key": "SELECT id FROM people WHERE name_key IN ('a|1990-01-01')",
        "ix_people_household_key": "SELECT id FROM people WHERE household_key IN ('wf1|1 a')",
        "ix_cases_merged_into_id": "SELECT id FROM cases WHERE merged_into_id = 1",
        "ix_case_links_linked_case_id": "SELECT id FROM case_links WHERE linked_case_id = 1",
        "ix_case_links_pair": "SELECT id FROM case_links WHERE case_id = 1",
    }
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        explain = "EXPLAIN "
    else:
        explain = "EXPLAIN QUERY PLAN "
    for index, query in queries.items():
        plan = " ".join(str(row) for row in connection.execute(text(explain + query)))
        assert index in plan, (index, plan)
    db.session.rollback()
