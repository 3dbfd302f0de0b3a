"""The retention schedule in the council profile (issue 14 point 1): one source for the
README's table, the notice and the deletion; its periods, its checks, and its marks."""

from __future__ import annotations

import re
import tomllib
from datetime import date

import pytest

from portal.config import DEFAULT_PROFILE
from portal.council import load_council
from portal.council_confirmation import profile_values
from portal.council_retention import Period, markdown_table, parse_period
from tests.conftest import ROOT, make_app

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"
README_TABLE = re.compile(
    r"<!-- retention-table:[^>]*-->\n(?P<table>.*?)\n<!-- /retention-table -->", re.S
)


def test_the_readme_table_is_the_profiles_schedule():
    schedule = load_council(DEFAULT_PROFILE).retention.schedule
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = README_TABLE.search(readme)
    assert found, "README.md lacks the retention table between its markers"
    assert found["table"] == markdown_table(schedule), (
        "README's 'What we keep and for how long' differs from the profile: paste the output "
        "of `flask --app portal retention table`"
    )


def test_the_table_command_prints_the_readme_table(tmp_path, database_url):
    app = make_app(database_url, tmp_path)
    result = app.test_cli_runner().invoke(args=["retention", "table"])
    assert result.exit_code == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert result.output.strip() == README_TABLE.search(readme)["table"]  # type: ignore[index]


def test_wakefield_keeps_the_case_record_two_years_and_evidence_not_past_closure():
    schedule = load_council(DEFAULT_PROFILE).retention.schedule
    rows = {part: period.describe() for part, _words, period in schedule.rows()}
    assert rows == {
        "case_record": "2 years",
        "identity_evidence": "0 days",
        "tracking_codes": "0 days",
        "jobs_and_emails": "30 days",
        "messages": "2 years",
        "response_packs": "2 years",
        "disclosure": "2 years",
        "staff_accounts": "1 year",
    }
    assert "| Copies of identity and authority evidence" in markdown_table(schedule)
    assert "| deleted when the request closes |" in markdown_table(schedule)


def test_othertown_has_its_own_schedule():
    schedule = load_council(OTHERTOWN).retention.schedule
    assert schedule.case_record == Period(3, "years")
    assert schedule.jobs_and_emails == Period(14, "days")
    assert schedule.staff_accounts == Period(6, "months")


@pytest.mark.parametrize(
    ("period", "closed", "ends"),
    [
        (Period(2, "years"), date(2024, 2, 29), date(2026, 2, 28)),
        (Period(1, "months"), date(2025, 1, 31), date(2025, 2, 28)),
        (Period(30, "days"), date(2025, 12, 15), date(2026, 1, 14)),
        (Period(0, "days"), date(2025, 12, 15), date(2025, 12, 15)),
    ],
)
def test_a_period_ends_on_the_same_day_of_the_month(period, closed, ends):
    assert period.after(closed) == ends


@pytest.mark.parametrize("text", ["2 weeks", "two years", "", "-1 days", 30])
def test_a_period_must_be_days_months_or_years(text):
    with pytest.raises(ValueError, match=re.escape('"30 days", "6 months" or "2 years"')):
        parse_period(text, "retention.after_closure.messages")


def test_no_part_may_outlive_the_case_record(tmp_path):
    profile = tmp_path / "council.toml"
    text = DEFAULT_PROFILE.read_text(encoding="utf-8")
    profile.write_text(text.replace('disclosure = "2 years"', 'disclosure = "3 years"'))
    with pytest.raises(ValueError, match=r"disclosure \(3 years\) is longer than the case record"):
        load_council(profile)


def test_a_missing_period_is_named(tmp_path):
    profile = tmp_path / "council.toml"
    text = DEFAULT_PROFILE.read_text(encoding="utf-8")
    profile.write_text(text.replace('staff_accounts_after_disablement = "1 year"\n', ""))
    with pytest.raises(ValueError, match="staff_accounts_after_disablement"):
        load_council(profile)


def test_the_new_periods_are_for_demonstration_in_wakefield_and_confirmed_in_othertown():
    for path, confirmed in ((DEFAULT_PROFILE, False), (OTHERTOWN, True)):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        schedule = [v for v in profile_values(raw) if v.path.startswith("retention.")]
        new = [v for v in schedule if "after_closure" in v.path or "staff_accounts" in v.path]
        assert len(new) == 7
        assert all(value.confirmed == confirmed for value in new), path
