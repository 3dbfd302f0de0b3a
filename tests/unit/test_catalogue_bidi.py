"""Examples written into the right-to-left translations read in order.

A hint or an error message may give an example ("like 01924 306112", "for example
943 476 5919"). In Urdu text such a number, bare, is shown backwards, so the translation
isolates it (LRI ... PDI around it in the .po file). A date example ("27 3 1990") is the
exception: the day, month and year boxes are laid out right to left too, so the example
keeps the page's order, its day on the right as the day box is.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES, TRANSLATIONS_DIR
from tests.visual_order import as_shown, reads_in_order, visual_positions

RIGHT_TO_LEFT = [code for code, language in LANGUAGES.items() if language.direction == "rtl"]
ISOLATES = re.compile("[\u2066-\u2069]")
VALUE = re.compile(
    r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}"  # a reference
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an email address
    r"|\b[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\b"  # a postcode
    r"|[A-Z]*(?: ?\d+)+(?: [A-Z]\b)?"  # a phone, NHS or National Insurance number
)
DATE_EXAMPLE = re.compile(r"^(?P<day>\d{1,2}) \d{1,2} (?P<year>\d{4})$")


def translations(code: str) -> list[tuple[str, str]]:
    with open(TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    found = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(str(message.id), line) for text in strings for line in text.split("\n")]
    return found


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_values_in_right_to_left_translations_are_shown_in_order(code):
    problems = []
    checked = 0
    for msgid, line in translations(code):
        for match in VALUE.finditer(ISOLATES.sub(" ", line)):
            value = match.group(0).strip()
            if not any(ch.isdigit() for ch in value) and "@" not in value:
                continue
            checked += 1
            start = match.start() + match.group(0).index(value)
            date = DATE_EXAMPLE.match(value)
            if date:
                positions = visual_positions(line, rtl=True)
                day, year = (positions[start + date.start(part)] for part in ("day", "year"))
                if day < year:
                    problems.append(f"{msgid!r}: date example {value!r} forced left to right")
            elif not reads_in_order(line, start, start + len(value), rtl=True):
                problems.append(f"{msgid!r}: {value!r} shows as {as_shown(line, rtl=True)!r}")
    assert checked, "no example found to check"
    assert not problems, "\n".join(problems)
