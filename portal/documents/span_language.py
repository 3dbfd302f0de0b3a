"""Tagged PDFs say which language each part is in, not only the document's.

PDF/UA-1 (ISO 14289-1, 7.2) asks for every change of natural language to be marked, so a
screen reader switches voice: English words in a Polish letter (a postal address, a name
the council profile gives only in English, what staff wrote) must be read as English.
The HTML marks them with a lang attribute; WeasyPrint 70 writes only the document's
language (/Lang in the catalogue), so its tag builder is wrapped here to copy an element's
lang attribute onto the structure elements made for it (/Lang on the StructElem).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags

_LANG_ATTRIBUTES = ("lang", "{http://www.w3.org/XML/1998/namespace}lang")
_DOCUMENT_TAGS = frozenset({"html", "body"})  # their language is the catalogue's /Lang


def _declared_language(box: Any) -> str | None:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in _DOCUMENT_TAGS:
        return None
    attributes = getattr(element, "attrib", {})
    for name in _LANG_ATTRIBUTES:
        value = attributes.get(name)
        if value and value.strip():
            return value.strip()
    return None


def install() -> None:
    """Wrap WeasyPrint's structure builder once (it recurses through the module's own
    name, so every element built goes through the wrapper)."""
    original = tags._build_box_tree
    if getattr(original, "marks_languages", False):
        return

    def build_marking_languages(box: Any, *args: Any) -> Iterator[Any]:
        language = _declared_language(box)
        for element in original(box, *args):
            if language and "Lang" not in element:
                element["Lang"] = pydyf.String(language)
            yield element

    build_marking_languages.marks_languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_marking_languages
