"""Migration 0027 on events and completions recorded before it: the counts and medians it
fills in are the ones the portal would have kept as they happened, and its downgrade takes
them away."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.cases import reports
from portal.cases.scenarios import Scenarios
from portal.extensions import db
from tests.conftest import make_app, own_database
from tests.unit.cases.month_events import MARCH, events_in_march


def test_the_event_counts_are_filled_in_from_the_events(database_url, tmp_path):
    with own_database(database_url, tmp_path, "month_events") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            events_in_march(Scenarios(db.session, cipher=app.extensions["evidence_cipher"]))
            months = (MARCH, date(2026, 2, 1), date(2026, 1, 1))
            kept = [reports.monthly_report(db.session, month) for month in months]
            assert kept[0].total.ico_recorded == 2
            assert kept[1].total.median_days is not None
            db.session.remove()
            downgrade(revision="0026_case_month_groups")
            columns = {c["name"] for c in inspect(db.engine).get_columns("case_month_groups")}
            assert "extended" not in columns and "received" in columns
            assert "case_month_medians" not in inspect(db.engine).get_table_names()
            upgrade()

            assert [reports.monthly_report(db.session, month) for month in months] == kept
            db.session.remove()
            downgrade(revision="base")
            db.engine.dispose()
