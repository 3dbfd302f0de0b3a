"""Marking the council profile's values confirmed or for demonstration (issue 13 point 13)."""

from __future__ import annotations

import tomllib

import pytest

from portal.council_confirmation import profile_values

PROFILE = """
[confirmation]
"council.name" = "confirmed: the council's notice"
"hubs" = "demonstration: made up for the demo"
"hubs.north.phone" = "confirmed: A. Name, Early Help, 2027-01-15"

[council]
name = "Sometown Council"
website = "https://sometown.example"

[languages]
shipped = ["en", "pl"]

[[hubs]]
slug = "north"
phone = "01632 960000"
address = ["North Hub", "High Street", "ST1 1AA"]
name = { en = "North Hub", pl = "Ośrodek Północ" }
"""


def marks(text: str) -> dict[str, str]:
    return {value.path: value.mark for value in profile_values(tomllib.loads(text))}


def test_each_value_gets_the_mark_of_the_longest_path_that_covers_it():
    assert marks(PROFILE) == {
        "council.name": "confirmed: the council's notice",
        "council.website": "demonstration: not marked",
        "hubs.north.phone": "confirmed: A. Name, Early Help, 2027-01-15",
        "hubs.north.address": "demonstration: made up for the demo",
        "hubs.north.name": "demonstration: made up for the demo",
    }


def test_a_value_nobody_marked_counts_as_demonstration():
    added = PROFILE + '\n[national_study]\ndepartment = "Department for Education"\n'
    (value,) = [v for v in profile_values(tomllib.loads(added)) if v.path.startswith("national")]
    assert value.path == "national_study.department"
    assert not value.confirmed


def test_a_value_in_several_languages_is_one_value_shown_in_english():
    (name,) = [v for v in profile_values(tomllib.loads(PROFILE)) if v.path == "hubs.north.name"]
    assert name.value == "North Hub"


def test_a_mark_must_say_confirmed_or_demonstration():
    typo = PROFILE.replace('"confirmed: the council', '"confimed: the council')
    with pytest.raises(ValueError, match=r"'council\.name' must start with"):
        profile_values(tomllib.loads(typo))


def test_a_mark_for_a_value_the_profile_lacks_is_an_error():
    misspelt = PROFILE.replace('"council.name" =', '"council.nmae" =')
    with pytest.raises(ValueError, match=r"council\.nmae"):
        profile_values(tomllib.loads(misspelt))
