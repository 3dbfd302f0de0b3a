"""The legal facts in a council profile (portal.council_law): a missing or malformed value
stops the portal at start-up with a message naming it, never a notice that says nothing."""

from __future__ import annotations

import re

import pytest

from portal.council import load_council
from tests.conftest import ROOT, make_app

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"
WAKEFIELD = ROOT / "portal" / "councils" / "wakefield.toml"


def profile_with(tmp_path, replace: tuple[str, str], source=OTHERTOWN):
    old, new = replace
    text = source.read_text()
    assert old in text, old
    path = tmp_path / "profile.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_wakefield_names_the_acts_conditions_department_and_no_transfers():
    council = load_council(WAKEFIELD)
    citations = [statute.citation for statute in council.lawful_basis.statutes]
    # legislation.gov.uk: Children Act 1989 s.17 (services for children in need), Children
    # Act 2004 s.10 (co-operation to improve well-being), s.11 (safeguarding and promoting
    # welfare); DPA 2018 Sch 1 Part 2 paras 6 (statutory and government purposes) and 18
    # (safeguarding of children and of individuals at risk).
    assert citations == [
        "Children Act 1989, section 17",
        "Children Act 2004, section 10",
        "Children Act 2004, section 11",
    ]
    assert council.lawful_basis.schedule_1_paragraphs == (6, 18)
    # Supporting Families moved to the Department for Education on 1 April 2024 (Hansard,
    # HC written statement, 26 March 2024).
    assert "Department for Education" in council.national_study.department.english
    roles = [processor.name.english for processor in council.national_study.processors]
    assert roles[0] == "The Office for National Statistics (ONS)"
    assert council.transfers.outside_uk is False


def unconfirmed(text: str, *keys: str) -> str:
    """The profile without the [confirmation] lines of the sections a test removes (a line
    naming a value the profile lacks is an error of its own)."""
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not any(line.startswith(f'"{key}" = ') for key in keys)
    )


def test_a_profile_without_the_law_names_the_missing_section(tmp_path):
    text = unconfirmed(OTHERTOWN.read_text(), "lawful_basis", "national_study", "transfers")
    path = tmp_path / "profile.toml"
    path.write_text(text[: text.index("[lawful_basis]")] + text[text.index("[[hubs]]") :])
    with pytest.raises(ValueError, match="lacks 'lawful_basis'"):
        load_council(path)


def test_transfers_default_to_not_sent_outside_the_uk(tmp_path):
    text = unconfirmed(OTHERTOWN.read_text(), "transfers")
    start = text.index("[transfers]")
    end = text.index("[[hubs]]")
    path = tmp_path / "profile.toml"
    path.write_text(text[:start] + text[end:])
    assert load_council(path).transfers.outside_uk is False


BROKEN = [
    (("[lawful_basis]\n", "[lawful_basis]\nx = 1\n[typo]\n"), "[lawful_basis] lacks 'schedule_1"),
    (
        ('citation = "Children Act 1989', 'cite = "Children Act 1989'),
        "[lawful_basis] lacks 'citation'",
    ),
    (("department = {", "departments = {"), "[national_study] lacks 'department'"),
    (("schedule_1_paragraphs = [18]", "schedule_1_paragraphs = [7]"), "schedule_1_paragraphs"),
    (("schedule_1_paragraphs = [18]", 'schedule_1_paragraphs = ["18"]'), "schedule_1_paragraphs"),
    (("schedule_1_paragraphs = [18]", "schedule_1_paragraphs = []"), "schedule_1_paragraphs"),
    (('citation = "Children Act 2004, section 11"', 'citation = ""'), "citation must be text"),
    (("outside_uk = true", 'outside_uk = "no"'), "outside_uk must be true or false"),
    (("details = {", "detail = {"), "transfers.details must say where"),
]


@pytest.mark.parametrize(("replace", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_a_missing_or_malformed_legal_value_is_named(tmp_path, replace, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        load_council(profile_with(tmp_path, replace))


def test_the_portal_does_not_start_with_a_malformed_value(tmp_path, database_url):
    broken = profile_with(tmp_path, ("schedule_1_paragraphs = [18]", "schedule_1_paragraphs = [9]"))
    with pytest.raises(ValueError, match=r"Schedule 1 Part 2 .*some of \[6, 18\]"):
        make_app(database_url, tmp_path / "instance", COUNCIL_PROFILE=str(broken))
