"""Production does not start while the council profile has values for demonstration.

Issue 13 point 13: the Data Protection Officer's and Information Governance's email and
postal addresses, the hubs and two retention periods in wakefield.toml are not in the
council's notice (shared/seed/think-family-privacy-notice.txt); residents must not read
them as facts until the council confirms them.
"""

from __future__ import annotations

import base64
import tomllib

import pytest

from portal import create_app
from portal.config import DEFAULT_PROFILE
from portal.council_confirmation import profile_values
from tests.conftest import ROOT, make_app

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"

# What the council's notice states, which wakefield.toml marks confirmed.
STATED_IN_THE_NOTICE = {
    "council.name": "Wakefield Council",
    "council.short_name": "Wakefield Council",
    "council.website": "https://www.wakefield.gov.uk",
    "council.hubs_page": "https://www.wakefield.gov.uk",
    "information_governance.name": "Information Governance Team",
    "information_governance.phone": "01924 306112",
    "retention.impact_study_years": "5",  # "The data is destroyed after five years."
}


@pytest.fixture
def production(monkeypatch, database_url, tmp_path):
    """The environment a production server has, so create_app() reads it as production."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    monkeypatch.setenv("EVIDENCE_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DELETION_LEDGER", str(tmp_path / "deletion-ledger.jsonl"))
    return monkeypatch


def test_wakefield_confirms_exactly_what_the_councils_notice_states():
    raw = tomllib.loads(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    confirmed = {v.path: v.value for v in profile_values(raw) if v.confirmed}
    assert confirmed == STATED_IN_THE_NOTICE


def test_production_refuses_to_start_and_names_each_value_for_demonstration(production):
    production.setenv("COUNCIL_PROFILE", str(DEFAULT_PROFILE))

    with pytest.raises(RuntimeError) as refused:
        create_app()

    message = str(refused.value)
    for named in (
        "information_governance.email = 'dataprotection@wakefield.gov.uk'",
        "information_governance.address = 'Information Governance Team, Wakefield Council",
        "data_protection_officer.email = 'dpo@wakefield.gov.uk'",
        "data_protection_officer.address = ",
        "hubs.castleford-airedale.address = 'Castleford Library and Museum",
        "hubs.south-east.opening_hours = ",
        "retention.programme_records_years = '6'",
        "retention.request_records_years = '2'",
    ):
        assert named in message
    assert "information_governance.phone" not in message
    assert "retention.impact_study_years" not in message
    assert "[confirmation]" in message


def test_a_value_the_council_confirms_is_no_longer_named(production, tmp_path):
    profile = tmp_path / "wakefield.toml"
    profile.write_text(
        DEFAULT_PROFILE.read_text(encoding="utf-8").replace(
            "[council]\n",
            '"data_protection_officer.email" = "confirmed: A. Name, 2027-01-15"\n\n[council]\n',
            1,
        ),
        encoding="utf-8",
    )
    production.setenv("COUNCIL_PROFILE", str(profile))

    with pytest.raises(RuntimeError) as refused:
        create_app()

    assert "data_protection_officer.email" not in str(refused.value)
    assert "data_protection_officer.address" in str(refused.value)


def test_production_starts_when_every_value_is_confirmed(production):
    production.setenv("COUNCIL_PROFILE", str(OTHERTOWN))

    app = create_app()

    assert app.config["PORTAL_ENV"] == "production"
    assert app.extensions["council"].name == "Othertown Borough Council"


def test_the_embedded_mode_and_the_tests_start_with_values_for_demonstration(
    database_url, tmp_path
):
    app = make_app(database_url, tmp_path)

    assert app.extensions["council"].demonstration
