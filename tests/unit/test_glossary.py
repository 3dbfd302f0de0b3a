"""Legal terms keep one agreed rendering per language (translations/GLOSSARY.md).

The glossary's table gives, for each English legal term, a pattern that finds it in a msgid
and, per language, one or more patterns (stems for languages that decline nouns) of which a
msgstr must contain one wherever its msgid contains the English term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "translations"
GLOSSARY = TRANSLATIONS / "GLOSSARY.md"
CODE_SPAN = re.compile(r"`([^`]+)`")
CELL_BORDER = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Term:
    english: re.Pattern[str]
    renderings: dict[str, tuple[re.Pattern[str], ...]]

    @property
    def name(self) -> str:
        return self.english.pattern


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|") for cell in CELL_BORDER.split(line.strip())[1:-1]]


def read_glossary(text: str) -> list[Term]:
    """The rows of the table whose first header cell is "English term".

    A language column is headed by its locale code (any words after it, such as "draft", are
    notes). In each cell the text in backticks is a regular expression: English ones match
    case-sensitively (so "ICO" does not match "ico.org.uk"), the renderings ignore case (a
    rendering may open a sentence).
    """
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("|") and _cells(line)[0].lower() == "english term":
            codes = [cell.split()[0] for cell in _cells(line)[1:]]
            break
    else:
        raise ValueError("GLOSSARY.md has no table headed 'English term'")
    next(lines)  # the |---| row
    terms = []
    for line in lines:
        if not line.startswith("|"):
            break
        english, *renderings = _cells(line)
        if len(renderings) != len(codes):
            raise ValueError(f"glossary row has {len(renderings)} renderings: {line}")
        spans = CODE_SPAN.findall(english)
        if len(spans) != 1:
            raise ValueError(f"glossary row needs one English pattern in backticks: {line}")
        terms.append(
            Term(
                english=re.compile(spans[0]),
                renderings={
                    code: tuple(re.compile(p, re.IGNORECASE) for p in CODE_SPAN.findall(cell))
                    for code, cell in zip(codes, renderings, strict=True)
                },
            )
        )
    return terms


def glossary_languages(text: str) -> list[str]:
    return sorted({code for term in read_glossary(text) for code in term.renderings})


def disagreements(terms: list[Term], code: str, catalogue: Catalog) -> list[str]:
    """Entries whose msgid has a glossary term but whose msgstr lacks its rendering."""
    problems = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for term in terms:
            if not any(term.english.search(source) for source in sources):
                continue
            patterns = term.renderings[code]
            for string in strings:
                if string and not any(pattern.search(string) for pattern in patterns):
                    wanted = " or ".join(p.pattern for p in patterns)
                    problems.append(f"{term.name!r} -> {wanted!r} missing in: {string[:160]}")
    return problems


def read_catalogue(path: Path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


GLOSSARY_TEXT = GLOSSARY.read_text(encoding="utf-8")
TERMS = read_glossary(GLOSSARY_TEXT)


@pytest.mark.parametrize("code", glossary_languages(GLOSSARY_TEXT))
def test_each_catalogue_uses_the_agreed_legal_terms(code):
    po_file = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    if code not in LANGUAGES and not po_file.exists():
        pytest.skip(f"{code} is in the glossary but not yet shipped")
    problems = disagreements(TERMS, code, read_catalogue(po_file))
    assert not problems, f"{code}: legal terms differ from translations/GLOSSARY.md:\n" + "\n".join(
        problems
    )


def test_every_shipped_language_has_a_glossary_column():
    columns = set(glossary_languages(GLOSSARY_TEXT))
    assert {code for code in LANGUAGES if code != "en"} <= columns


def test_every_cell_has_a_rendering():
    empty = [
        (t.name, code) for t in TERMS for code, patterns in t.renderings.items() if not patterns
    ]
    assert not empty


def test_every_glossary_term_occurs_in_the_messages():
    """A term no msgid contains would make its row check nothing."""
    template = read_catalogue(TRANSLATIONS / "messages.pot")
    sources = [
        source
        for message in template
        if message.id
        for source in (message.id if isinstance(message.id, tuple) else (message.id,))
    ]
    unused = [t.name for t in TERMS if not any(t.english.search(s) for s in sources)]
    assert not unused, f"glossary terms in no msgid: {unused}"


SMALL_GLOSSARY = """
| English term | pl | ur |
|---|---|---|
| `held back by law` | prawo pozwala nam zatrzymać: `pozwala\\w* nam` `pozwalają` | `روک` |
| `legal claims` | `roszcze\\w*` | `قانونی دعو` |
"""


def test_the_check_finds_a_wrong_rendering():
    terms = read_glossary(SMALL_GLOSSARY)
    catalogue = Catalog(locale="pl")
    catalogue.add(
        "Some information may be held back by law.",
        "Prawo może wymagać, abyśmy niektórych informacji nie przekazali.",
    )
    catalogue.add("We need it for legal claims.", "Potrzebujemy ich do obrony roszczeń.")
    catalogue.add("Nothing legal here.", "Nic prawnego.")

    problems = disagreements(terms, "pl", catalogue)

    assert len(problems) == 1
    assert "held back by law" in problems[0] and "Prawo może wymagać" in problems[0]


def test_the_check_accepts_the_agreed_rendering_in_any_case_and_plural_form():
    terms = read_glossary(SMALL_GLOSSARY)
    catalogue = Catalog(locale="pl")
    catalogue.add(
        "Some information may be held back by law.",
        "Przepisy pozwalają nam zatrzymać niektóre informacje.",
    )
    catalogue.add(
        ("%(n)s legal claims", "%(n)s legal claims"),
        ("%(n)s roszczenie", "%(n)s roszczenia", "%(n)s roszczeń"),
    )

    assert disagreements(terms, "pl", catalogue) == []


def test_the_check_finds_one_wrong_plural_form():
    terms = read_glossary(SMALL_GLOSSARY)
    catalogue = Catalog(locale="pl")
    catalogue.add(
        ("%(n)s legal claims", "%(n)s legal claims"),
        ("%(n)s roszczenie", "%(n)s żądania", "%(n)s roszczeń"),
    )

    assert len(disagreements(terms, "pl", catalogue)) == 1


@pytest.mark.parametrize(
    ("code", "msgid", "wrong"),
    [
        # Issue 13 point 12: "the law may require" where the English says the law permits.
        (
            "pl",
            "Some information may be held back by law, for example to protect other people.",
            "Prawo może wymagać, abyśmy niektórych informacji nie przekazali.",
        ),
        # ... and "important" for "substantial" (UK GDPR Article 9(2)(g)).
        (
            "ur",
            "we rely on reasons of substantial public interest",
            "ہماری بنیاد اہم عوامی مفاد کی وجوہات ہیں",
        ),
    ],
)
def test_the_glossary_catches_the_renderings_the_issue_reported(code, msgid, wrong):
    catalogue = Catalog(locale=code)
    catalogue.add(msgid, wrong)

    assert disagreements(TERMS, code, catalogue)
