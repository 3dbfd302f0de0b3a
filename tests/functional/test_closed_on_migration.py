"""Migrations 0023 and 0024 on cases that closed before them: each case gets the London date
it closed on (a case completed at 00:10 BST on 1 July counts in July, not June), and the
trend's monthly counts are the ones the portal would have kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.cases import reports
from portal.cases.models import Case, CaseState
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import make_app, own_database

JULY = date(2026, 7, 1)


def test_closed_cases_get_their_london_closing_date_and_monthly_counts(database_url, tmp_path):
    with own_database(database_url, tmp_path, "closed_on") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
            july = scenarios.case_in(CaseState.READY, received=noon(date(2026, 6, 2)))
            scenarios.complete(july, at=datetime(2026, 6, 30, 23, 10, tzinfo=UTC))
            june = scenarios.case_in(CaseState.READY, received=noon(date(2026, 6, 3)))
            scenarios.complete(june, at=datetime(2026, 6, 30, 22, 50, tzinfo=UTC))
            winter = scenarios.filed(received=noon(date(2026, 1, 5)))
            scenarios.refuse(
                winter, reasons="Repeated", at=datetime(2026, 1, 31, 23, 50, tzinfo=UTC)
            )
            scenarios.filed(received=noon(date(2026, 7, 6)))
            counted = reports.trend(db.session, JULY)
            ids = (july.id, june.id, winter.id)
            db.session.remove()
            downgrade(revision="0022_report_indexes")  # closed_on and the counts go
            upgrade()

            closed_on = dict(db.session.execute(select(Case.id, Case.closed_on)).all())
            assert [closed_on[i] for i in ids] == [JULY, date(2026, 6, 30), date(2026, 1, 31)]
            assert reports.trend(db.session, JULY) == counted
            points = {p.month: (p.received, p.completed) for p in counted}
            assert points[date(2026, 6, 1)] == (2, 1)
            assert points[JULY] == (1, 1)
            assert reports.monthly_report(db.session, JULY).total.completed == 1
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()
