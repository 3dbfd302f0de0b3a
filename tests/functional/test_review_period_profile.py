"""The council's internal review period is a profile value (issue 16 point 6): read from
`[reviews] period_working_days`, 20 working days when left out, refused at start-up when it
is not a whole number of days from 1 to 60, and marked for demonstration in Wakefield's
profile until the council confirms its own period."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.council import load_council

WAKEFIELD = Path("portal/councils/wakefield.toml")
OTHERTOWN = Path("tests/fixtures/othertown.toml")


def with_reviews(tmp_path: Path, table: str) -> Path:
    text = OTHERTOWN.read_text(encoding="utf-8")
    start = text.index("[reviews]")
    end = text.index("[retention]")
    text = text[:start] + table + "\n" + text[end:]
    if not table:  # nothing left for the [confirmation] line to mark
        text = text.replace('"reviews" = "confirmed: a fictional council for the tests"\n', "")
    changed = tmp_path / "profile.toml"
    changed.write_text(text, encoding="utf-8")
    return changed


def test_each_profile_gives_its_own_review_period():
    assert load_council(WAKEFIELD).review_period_working_days == 20
    assert load_council(OTHERTOWN).review_period_working_days == 15


def test_a_profile_without_a_review_period_gets_20_working_days(tmp_path):
    assert load_council(with_reviews(tmp_path, "")).review_period_working_days == 20


@pytest.mark.parametrize("value", ["0", "61", '"20"', "true", "2.5"])
def test_a_review_period_that_is_not_a_number_of_days_stops_start_up(tmp_path, value):
    with pytest.raises(ValueError, match=r"reviews\.period_working_days"):
        load_council(with_reviews(tmp_path, f"[reviews]\nperiod_working_days = {value}\n"))


def test_wakefields_review_period_waits_for_the_council_to_confirm_it():
    waiting = {value.path: value for value in load_council(WAKEFIELD).demonstration}
    assert "reviews.period_working_days" in waiting
    assert waiting["reviews.period_working_days"].value == "20"
