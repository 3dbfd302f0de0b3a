"""No resident reads a repealed provision cited as law (issue 13, acceptance a).

The Data Protection Act 1998 was repealed in 2018: it may be named only to say it no longer
applies. UK GDPR Article 89 was replaced by Articles 84A-84D (Data (Use and Access) Act
2025 s.86-87, in force 5 February 2026; legislation.gov.uk/eur/2016/679/chapter/8A), and
Article 9(2)(j) now refers to Article 84B: no text may cite Article 89. Checked in every
catalogue entry (msgid and msgstr), every template a resident meets, and the rendered
notice, Easy Read and access pack as a person reads them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from portal.cases.models import CaseState
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import Search
from tests.conftest import ROOT, building, get_page, translated
from tests.functional.test_response_pack import all_text, build
from tests.visible import visible_text

LOCALES = ("pl", "ro", "ur", "lt", "lv")

# "Article 89" as each shipped language writes it.
ARTICLE_89 = re.compile(
    r"\bArt(?:icle|\.)?s?\s*89\b"  # English: Article 89, Art 89, Art. 89
    r"|\bart(?:yku\w*|\.)\s*89\b"  # Polish: art. 89, artykuł 89
    r"|\barticol\w*\s+89\b"  # Romanian: articolul 89
    r"|\b89\s+straipsn\w*"  # Lithuanian: 89 straipsnis
    r"|\b89\.\s*pant\w*"  # Latvian: 89. pants
    r"|آرٹیکل\s*89\b",  # Urdu
    re.IGNORECASE,
)
ALLOWED_1998 = (
    "This notice explains how we use information for the programme under the UK General Data "
    "Protection Regulation (UK GDPR) and the Data Protection Act 2018, as amended by the Data "
    "(Use and Access) Act 2025. It replaces our earlier notice, which was written for the Data "
    "Protection Act 1998. That Act no longer applies."
)
EASY_READ_1998 = "Our old notice talked about a law from 1998. That law no longer applies."


def repealed(text: str) -> list[str]:
    """The repealed provisions a text cites."""
    found = [match.group(0) for match in ARTICLE_89.finditer(text)]
    return found + (["1998"] if "1998" in text else [])


@pytest.mark.parametrize(
    "text",
    [
        "the safeguards in Article 89",
        "Art. 89(1)",
        "z zabezpieczeniami określonymi w art. 89.",
        "cu garanțiile prevăzute la articolul 89.",
        "taikant 89 straipsnyje numatytas apsaugos priemones",
        "ievērojot 89. pantā paredzētās garantijas",
        "آرٹیکل 89 کے حفاظتی اقدامات",
        "the Data Protection Act 1998",
    ],
)
def test_the_check_finds_a_repealed_provision_in_every_language(text):
    assert repealed(text)


def test_a_bare_89_is_found_in_a_language_the_pattern_does_not_know():
    assert BARE_89.search("ماددەی 89")
    assert not BARE_89.search("1989") and not BARE_89.search("01924 306112")


def test_the_check_leaves_current_law_alone():
    assert not repealed("UK GDPR Articles 84B and 84C; Article 9(2)(j); Schedule 1 paragraph 4")


# A bare 89 in a translation whose English has none: Article 89 in a language the pattern
# above does not know (a catalogue added later is scanned too).
BARE_89 = re.compile(r"(?<![\d.,])89(?!\d)")


def catalogues():
    yield "messages.pot", ROOT / "translations" / "messages.pot"
    for path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        yield path.parent.parent.name, path


@pytest.mark.parametrize(("name", "path"), list(catalogues()), ids=lambda value: str(value))
def test_no_catalogue_entry_cites_repealed_law(name, path):
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    checked = 0
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strings):
            checked += 1
            found = repealed(text)
            if found == ["1998"] and message.id == ALLOWED_1998:
                continue  # names the 1998 Act only to say it no longer applies
            assert not found, f"{name}: {found} in {text!r}"
            if not any(BARE_89.search(english) for english in ids):
                assert not BARE_89.search(text), f"{name}: 89 in {text!r}"
    assert checked > 500


def templates():
    return sorted((ROOT / "portal" / "templates").rglob("*.html")) + sorted(
        (ROOT / "portal" / "templates").rglob("*.txt")
    )


def test_no_template_cites_repealed_law():
    assert any("emails" in path.parts for path in templates())
    assert any("documents" in path.parts for path in templates())
    for path in templates():
        # Comments are for developers (they may say what a provision replaced).
        source = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)
        for number, line in enumerate(source.splitlines(), start=1):
            found = repealed(line)
            if found == ["1998"] and "no longer applies" in line:
                continue
            assert not found, f"{path.relative_to(ROOT)}:{number}: {found}"


def without(text: str, allowed: str) -> str:
    return text.replace(" ".join(allowed.split()), "")


@pytest.mark.parametrize("locale", ("en", *LOCALES))
def test_the_rendered_notice_cites_only_current_law(client, locale):
    text = visible_text(get_page(client, f"/{locale}/", lang=locale).html)
    allowed = translated(locale, ALLOWED_1998)
    assert " ".join(allowed.split()) in text
    assert not repealed(without(text, allowed))
    assert re.search(r"84\.?B", text)  # Latvian writes 84.B


def test_the_easy_read_cites_only_current_law(client):
    text = visible_text(get_page(client, "/en/easy-read").html)
    assert EASY_READ_1998 in text
    assert not repealed(without(text, EASY_READ_1998))


@pytest.mark.parametrize("locale", ("en", "pl"))
def test_the_access_pack_cites_only_current_law(app, locale):
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            received=datetime(2026, 10, 5, 10, tzinfo=UTC),
            subject=person(full_name="Ana Popescu", email=f"ana.law.{locale}@example.com"),
            language=locale,
        )
        scenarios.search(case, searches=[Search("Early Help")])
        case_id = case.id
    text = all_text(build(app, case_id).pdf)
    allowed = translated(locale, ALLOWED_1998)
    assert " ".join(allowed.split()) in text
    assert not repealed(without(text, allowed))
    assert re.search(r"84\.?B", text)  # Latvian writes 84.B
