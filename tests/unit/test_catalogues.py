"""The translation catalogues: current, complete, and placeholder-safe."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES, translation_review
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?[a-z][^>]*>")


def read_catalogue(path: Path):
    with open(path, "rb") as fh:
        return read_po(fh)


def test_messages_pot_is_current(tmp_path):
    """Fails when a string was added or changed without `make extract-translations`."""
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "--no-wrap",
            "--omit-header",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    committed = (TRANSLATIONS / "messages.pot").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, (
        "translations/messages.pot is stale: run `make update-translations`"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_shipped_language_translates_every_message(code):
    template = read_catalogue(TRANSLATIONS / "messages.pot")
    catalogue = read_catalogue(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in template:
        if not message.id:
            continue
        entry = catalogue.get(message.id)
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if entry is None:
            problems.append(f"missing: {key[:70]}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"fuzzy: {key[:70]}")
        if not all(strings):
            problems.append(f"untranslated: {key[:70]}")
        source = entry.id[-1] if isinstance(entry.id, tuple) else entry.id
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {key[:70]}")
            if string and sorted(TAG.findall(string)) != sorted(TAG.findall(source)):
                problems.append(f"HTML tags differ: {key[:70]}")
    extra = [m.id for m in catalogue if m.id and template.get(m.id) is None]
    problems += [f"obsolete: {str(i)[:70]}" for i in extra]
    assert not problems, f"{code}: " + "\n".join(problems)


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_records_whether_a_council_translator_checked_it(code):
    review = translation_review(code)
    assert review.statement
    assert review.checked == review.statement.lower().startswith("checked by")
