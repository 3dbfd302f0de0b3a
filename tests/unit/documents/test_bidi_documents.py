"""Numbers and codes keep their order in Urdu and Sorani letters and packs, read from where the PDF
draws each character (pypdfium2's character boxes).

Bare in a right-to-left sentence a phone number is drawn backwards ("306112 01924"), and a
full stop after English words that staff wrote lands at the wrong end. Here every line of
every page is read left to right as drawn (characters sorted by their x position) and each
phone number, reference, email address and postcode must be there as written, never with
its parts swapped; what staff wrote must end with its own full stop on the right.
"""

from __future__ import annotations

import itertools
import re

import pypdfium2 as pdfium
import pytest

from portal.cases import deadlines
from portal.cases.casework_models import SearchOutcome
from portal.cases.models import CaseState
from portal.cases.scenario_steps import CASEWORKER, Search
from portal.documents import letters, packs
from portal.documents.letters import LetterKind
from portal.documents.pdf import render_pdf
from tests.unit.documents.conftest import RECEIVED

PHONE = "01924 306112"  # the Information Governance team (portal/councils/wakefield.toml)
EMAIL = "dataprotection@wakefield.gov.uk"
ICO_HELPLINE = "0303 123 1113"
ICO_POSTCODE = "SK9 5AF"
QUESTION = "Which years do you mean?"
NOT_SEARCHED = "You asked us not to search it."


def drawn_lines(pdf: bytes) -> list[str]:
    """Every line of every page as drawn, left to right, without spaces: a character's
    place is the centre of its box, a line the characters at the same height."""
    lines: list[str] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            text = page.get_textpage()
            boxes = []
            for index in range(text.count_chars()):
                character = text.get_text_range(index, 1)
                if not character or character.isspace():
                    continue
                left, bottom, right, top = text.get_charbox(index, loose=True)
                boxes.append(((top + bottom) / 2, (left + right) / 2, character))
            boxes.sort(key=lambda box: -box[0])
            line: list[tuple[float, float, str]] = []
            for box in boxes:
                if line and abs(line[0][0] - box[0]) > 3:  # points: a new line
                    lines.append("".join(c for _y, _x, c in sorted(line, key=lambda b: b[1])))
                    line = []
                line.append(box)
            if line:
                lines.append("".join(c for _y, _x, c in sorted(line, key=lambda b: b[1])))
    finally:
        document.close()
    return lines


def order_problems(lines: list[str], values: list[str]) -> list[str]:
    """Each value must be drawn as written at least once, and never with its space-separated
    parts in another order."""
    problems = []
    for value in values:
        parts = value.split(" ")
        written = "".join(parts)
        swapped = {"".join(order) for order in itertools.permutations(parts)} - {written}
        if not any(written in line for line in lines):
            problems.append(f"{value!r} is not drawn as written anywhere")
        for line in lines:
            for wrong in swapped:
                if wrong in line:
                    problems.append(f"{value!r} is drawn as {wrong!r} in {line!r}")
    return problems


def staff_text_problems(lines: list[str], written: str) -> list[str]:
    """What staff wrote is drawn left to right with its closing punctuation on the right."""
    words = re.sub(r"\s", "", written)
    found = [line for line in lines if words[:-1] in line]
    if not found:
        return [f"{written!r} is not drawn"]
    return [f"{written!r} is drawn as {line!r}" for line in found if words not in line]


@pytest.fixture()
def urdu_case(scenarios):
    return scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, language="ur")


@pytest.fixture(params=["ur", "ckb"])
def right_to_left_case(request, scenarios):
    """A case whose letters are in Urdu, then in Sorani Kurdish."""
    return scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, language=request.param)


@pytest.mark.parametrize("kind", [LetterKind.ACKNOWLEDGEMENT, LetterKind.CLARIFICATION_REQUEST])
def test_a_right_to_left_letter_draws_phone_numbers_and_references_in_order(
    session, right_to_left_case, kind
):
    case = right_to_left_case
    if kind == LetterKind.CLARIFICATION_REQUEST:
        deadlines.ask_clarification(
            session, case, question=QUESTION, actor=CASEWORKER, now=RECEIVED
        )
    letter = letters.render_letter(session, case, kind)
    assert letter.language == case.language
    lines = drawn_lines(letter.pdf)
    problems = order_problems(lines, [PHONE, case.reference, EMAIL])
    # The sentence that tells a resident without email to phone (it was drawn backwards):
    # the line with the number and many more words than a "Phone:" label (the team's name
    # is in Urdu or Sorani now, from the council profile).
    sentence = [line for line in lines if len(line) > 30 and all(p in line for p in PHONE.split())]
    assert sentence, "the 'Call the team on ...' sentence is not in the letter"
    if kind == LetterKind.CLARIFICATION_REQUEST:
        problems += staff_text_problems(lines, QUESTION)
    assert not problems, "\n".join(problems)


def test_a_right_to_left_pack_draws_numbers_references_and_staff_words_in_order(
    session, scenarios, cipher, right_to_left_case
):
    case = right_to_left_case
    searches = [
        Search("Early Help", SearchOutcome.NONE_HELD),
        Search("Youth Justice", SearchOutcome.NOT_SEARCHED, reason=NOT_SEARCHED),
    ]
    scenarios.search(case, searches=searches)
    pack = packs.build_response_pack(session, case, cipher=cipher)
    assert pack.language == case.language
    lines = drawn_lines(pack.pdf)
    problems = order_problems(lines, [PHONE, case.reference, EMAIL, ICO_HELPLINE])
    problems += order_problems(lines, [ICO_POSTCODE])
    problems += staff_text_problems(lines, NOT_SEARCHED)
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_phone_number_drawn_backwards():
    """A bare number in an Urdu sentence, laid out by WeasyPrint, is caught."""
    call = "ٹیم کو {} پر فون کریں\u06d4"  # "Call the team on {}."
    html = (
        '<!DOCTYPE html><html lang="ur" dir="rtl"><head><title>t</title></head><body>'
        f"<p>{call.format(PHONE)}</p><p>{call.format(f'<bdi dir=ltr>{PHONE}</bdi>')}</p>"
        f"<p>{QUESTION}</p></body></html>"
    )
    lines = drawn_lines(render_pdf(html))
    assert order_problems(lines, [PHONE]) == [
        f"{PHONE!r} is drawn as '30611201924' in {lines[0]!r}"
    ]
    assert staff_text_problems(lines, QUESTION) == [f"{QUESTION!r} is drawn as {lines[2]!r}"]


URDU_DATE = re.compile(r"\d{1,2} [^\s\d،<>]+، \d{4}")  # Babel's Urdu long date: d MMMM، y


def test_urdu_dates_in_letters_are_isolated_in_their_own_direction(session, urdu_case):
    """An Urdu date reads right to left, so it takes its own direction (<bdi> or FSI),
    never a forced left-to-right one."""
    deadlines.extend(session, urdu_case, reason="Six departments", actor=CASEWORKER, now=RECEIVED)
    problems, found = [], 0
    for kind in (LetterKind.ACKNOWLEDGEMENT, LetterKind.EXTENSION_NOTICE):
        html = letters.letter_html(session, urdu_case, kind)
        for match in URDU_DATE.finditer(html):
            found += 1
            before, after = html[: match.start()], html[match.end() :]
            in_bdi = before.endswith("<bdi>") and after.startswith("</bdi>")
            in_fsi = before.endswith("\u2068") and after.startswith("\u2069")
            if not (in_bdi or in_fsi):
                problems.append(f"{kind}: {html[match.start() - 40 : match.end() + 10]!r}")
    assert found >= 4, found  # the letter's date, received, reply-by, counted-from, extended
    assert not problems, "\n".join(problems)


# Babel's Sorani long date, d'ی' MMMM y: "15ی ئازاری 2026", "5ی تشرینی یەکەمی 2026".
SORANI_DATE = re.compile(r"\d{1,2}ی [^\s\d<>]+(?: [^\s\d<>]+)? \d{4}")


def test_sorani_dates_in_letters_are_isolated_in_their_own_direction(session, scenarios):
    """A Sorani date reads right to left, so, as in Urdu, it takes its own direction
    (<bdi> or FSI), never a forced left-to-right one."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, language="ckb")
    deadlines.extend(session, case, reason="Six departments", actor=CASEWORKER, now=RECEIVED)
    problems, found = [], 0
    for kind in (LetterKind.ACKNOWLEDGEMENT, LetterKind.EXTENSION_NOTICE):
        html = letters.letter_html(session, case, kind)
        for match in SORANI_DATE.finditer(html):
            found += 1
            before, after = html[: match.start()], html[match.end() :]
            in_bdi = before.endswith("<bdi>") and after.startswith("</bdi>")
            in_fsi = before.endswith("\u2068") and after.startswith("\u2069")
            if not (in_bdi or in_fsi):
                problems.append(f"{kind}: {html[match.start() - 40 : match.end() + 10]!r}")
    assert found >= 4, found
    assert not problems, "\n".join(problems)
