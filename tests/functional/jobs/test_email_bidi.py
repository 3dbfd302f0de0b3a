"""Numbers and codes in the emails keep their order in Urdu and Sorani Kurdish, and nothing
changes in the left-to-right languages.

An email client shows an Urdu or a Sorani email right to left. A phone number, reference,
email or web address, postcode or code printed bare in it reads backwards ("306112 01924"),
and what staff wrote in English gets its full stop at the wrong end. Every email kind, made
by the real service and casework functions and read back as a mail client shows it
(tests/resident_messages.py), is checked line by line: each such value must sit inside
Unicode isolates (LRI or FSI ... PDI), and the Unicode Bidirectional Algorithm (GNU
FriBidi, tests/visual_order.py) must show it in order in a right-to-left paragraph. An
Urdu or Sorani date keeps its language's order: its day right of its year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from portal.cases.casework_models import MessageKind
from portal.i18n import LANGUAGES
from portal.jobs.emails import EMAIL_KINDS
from tests.resident_messages import ShownEmail, resident_emails
from tests.visual_order import as_shown, reads_in_order, visual_positions

RIGHT_TO_LEFT = ("ur", "ckb")
ISOLATES = re.compile("[\u2066-\u2069]")
OPENING, CLOSING = "\u2066\u2067\u2068", "\u2069"

# What reads left to right wherever it appears.
LEFT_TO_RIGHT = {
    "reference": r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}",
    "email address": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "web address": r"https?://\S+|\bico\.org\.uk/\S+",
    "postcode": r"\b[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\b",
    "number in groups": r"\d+(?: \d+)+",
    "code": r"(?<!\d )(?<!\d)\d{6}(?! ?\d)",  # alone, not the end of a phone number
}
# A long date in each right-to-left language: the day, the month's name, the year. Urdu
# (Babel's "d MMMM، y"): "15 مارچ، 2026"; Sorani ("d'ی' MMMM y"): "15ی ئازاری 2026",
# "5ی تشرینی یەکەمی 2026".
LONG_DATE = {
    "ur": re.compile(r"(?P<day>\d{1,2}) [^\s\d،]+، (?P<year>\d{4})"),
    "ckb": re.compile(r"(?P<day>\d{1,2})ی [^\s\d،]+(?: [^\s\d،]+)? (?P<year>\d{4})"),
}
# What staff wrote in each kind of message (tests/functional/jobs/test_case_messages.py).
STAFF_WROTE = (
    "A utility bill from the last three months",
    "Which years do you want records for?",
    "Six departments hold records about your family",
    "A copy of the same records was sent three weeks ago",
    "Your safety outweighs the benefit of sharing with the police",
)


def lines_of(shown: ShownEmail) -> list[str]:
    return [shown.email.subject, *shown.email.body.split("\n")]


@pytest.fixture(scope="module")
def emails_by_language(app) -> dict[str, list[ShownEmail]]:
    return {language: resident_emails(app, language) for language in LANGUAGES}


def isolate_depths(line: str) -> list[int]:
    """For each character, how many isolates it is inside."""
    depths, depth = [], 0
    for character in line:
        if character == CLOSING:
            depth = max(depth - 1, 0)
        depths.append(depth)
        if character in OPENING:
            depth += 1
    return depths


def values_in(line: str) -> Iterator[tuple[str, re.Match[str]]]:
    for kind, pattern in LEFT_TO_RIGHT.items():
        for match in re.finditer(pattern, ISOLATES.sub(" ", line)):
            yield kind, match


def test_every_kind_of_email_is_checked(emails_by_language):
    wanted = {kind for kind in EMAIL_KINDS if kind != "email.case_message"}
    wanted |= {f"email.case_message:{kind.value}" for kind in MessageKind}
    for language, shown in emails_by_language.items():
        assert {email.label for email in shown} == wanted, language


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_right_to_left_emails_isolate_every_value_and_show_it_in_order(
    emails_by_language, language
):
    problems = []
    found = set()
    for shown in emails_by_language[language]:
        for line in lines_of(shown):
            depths = isolate_depths(line)
            for kind, match in values_in(line):
                found.add(kind)
                start, end = match.span()
                value = match.group(0)
                if not all(depths[start:end]):
                    problems.append(f"{shown.label}: {kind} {value!r} is not isolated in {line!r}")
                elif not reads_in_order(line, start, end, rtl=True):
                    problems.append(
                        f"{shown.label}: {kind} {value!r} is shown as {as_shown(line, rtl=True)!r}"
                    )
            for match in LONG_DATE[language].finditer(line):
                found.add("date")
                start, end = match.span()
                positions = visual_positions(line, rtl=True)
                day, year = (positions[match.start(part)] for part in ("day", "year"))
                if not all(depths[start:end]):
                    problems.append(f"{shown.label}: date {match.group(0)!r} is not isolated")
                elif day < year:
                    problems.append(f"{shown.label}: date {match.group(0)!r} reads left to right")
            for written in STAFF_WROTE:
                if written in line:
                    found.add("staff text")
                    # Staff text fills its line, isolated, so its own punctuation stays put.
                    if line != f"\u2068{written}\u2069":
                        problems.append(f"{shown.label}: staff text not isolated: {line!r}")
                    elif not reads_in_order(line, 1, len(line) - 1, rtl=True):
                        problems.append(f"{shown.label}: {as_shown(line, rtl=True)!r}")
    assert not problems, "\n".join(problems)
    # Every kind of value was there to check.
    assert found == {*LEFT_TO_RIGHT, "date", "staff text"} - {"postcode"}, found


def test_a_bare_phone_number_in_an_urdu_line_is_shown_backwards():
    """What the check above guards against, and that the isolates cure it."""
    bare = "فون: 01924 306112"
    isolated = "فون: \u206601924 306112\u2069"
    assert as_shown(bare, rtl=True).startswith("306112 01924")
    assert not reads_in_order(bare, 5, len(bare), rtl=True)
    assert reads_in_order(isolated, 6, len(isolated) - 1, rtl=True)
    english = "A council tax bill, please."
    assert as_shown(english, rtl=True) == ".A council tax bill, please"
    assert as_shown(f"\u2068{english}\u2069", rtl=True)[1:-1] == english


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code not in RIGHT_TO_LEFT])
def test_left_to_right_emails_are_sent_without_isolates(emails_by_language, language):
    for shown in emails_by_language[language]:
        for line in lines_of(shown):
            assert not ISOLATES.search(line), (shown.label, line)
    english_values = [
        match.group(0)
        for shown in emails_by_language[language]
        for line in lines_of(shown)
        for _kind, match in values_in(line)
    ]
    assert english_values, "no values found to check"
