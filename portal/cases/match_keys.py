"""What makes two people in two requests look like the same person or household (issue 19
point 1: possible duplicates and related cases shown to staff on every intake).

Pure functions of text: each returns one short key, or None when the detail is missing,
so nobody matches on an empty email or an unknown date of birth. The model keeps the keys
in indexed columns of `people` (portal.cases.models), set whenever a person is saved, and
portal.cases.case_links looks other requests up by them.

* email: the address lower-cased and trimmed ("Anna@Example.com " is "anna@example.com").
* name and date of birth: the name folded as staff search folds it (accents and case off,
  spaces as one: "Żółć" is "zolc"), then the date: "anna kowalska|1988-02-14".
* household: the postcode without its spaces, then the first line of the address folded
  and without punctuation: "wf12eb|12 westgate". A flat's other lines do not matter;
  a different house number on the same street is a different household.
"""

from __future__ import annotations

import re
from datetime import date

from portal.cases.person_search import fold

KEY_LENGTH = 320  # as Person.email
_NOT_WORD = re.compile(r"[^\w ]+")
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"[\n,]")
_HOUSE_NUMBER = re.compile(r"\d+ ?[a-z]?")


def email_key(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    return value[:KEY_LENGTH] or None


def name_key(full_name: str | None, date_of_birth: date | None) -> str | None:
    name = fold(full_name or "")
    if not name or date_of_birth is None:
        return None
    return f"{name}|{date_of_birth.isoformat()}"[:KEY_LENGTH]


def first_line(address: str | None) -> str:
    """The first line of an address as written (up to its first comma or line break),
    folded and without punctuation; a house number written alone ("12, Westgate") joins
    the line after it."""
    parts = [
        _SPACES.sub(" ", _NOT_WORD.sub(" ", fold(p))).strip()
        for p in _LINE_BREAK.split(address or "")
    ]
    lines = [part for part in parts if part]
    if not lines:
        return ""
    if _HOUSE_NUMBER.fullmatch(lines[0]) and len(lines) > 1:
        return f"{lines[0]} {lines[1]}"
    return lines[0]


def household_key(address: str | None, postcode: str | None) -> str | None:
    code = "".join((postcode or "").split()).lower()
    line = first_line(address)
    if not code or not line:
        return None
    return f"{code}|{line}"[:KEY_LENGTH]
