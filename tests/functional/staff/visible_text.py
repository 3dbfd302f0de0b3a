"""What a caseworker reads on a staff page: the text of an element, in reading order, tags
stripped and entities unescaped, without scripts, hidden inputs or `hidden` elements.

By default text only screen readers get (govuk-visually-hidden) and the contents of a
closed <details> are left out, as a sighted reader does not see them; `everything=True`
keeps both, for checks that nothing anywhere on the page shows a stored value.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Text runs on across inline elements ("Mother</span>)" reads "Mother)"); other elements
# start and end on a line of their own.
INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "em",
        "i",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    }
)
NEVER_SHOWN = frozenset({"script", "style", "template", "head"})
TEXT_INPUTS = frozenset({"text", "email", "tel", "search", "url", "number", ""})


@dataclass
class _Open:
    tag: str
    shown: bool  # whether text inside it is read
    closed_details: bool = False


class _Reader(HTMLParser):
    def __init__(self, root_id: str | None, everything: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.root_id = root_id
        self.everything = everything
        self.words: list[str] = []
        self.stack: list[_Open] = []
        # 0: the root not met yet; n > 0: it is open at stack depth n; -1: it has closed.
        self.inside_root = 0

    def _reading(self) -> bool:
        in_root = self.root_id is None or self.inside_root > 0
        return in_root and all(item.shown for item in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        parent_details = next(
            (item for item in reversed(self.stack) if item.tag == "details"), None
        )
        shown = not (
            tag in NEVER_SHOWN
            or "hidden" in attributes
            or (not self.everything and "govuk-visually-hidden" in classes)
        )
        # Inside a closed <details>, only its <summary> is on screen.
        if (
            not self.everything
            and parent_details is not None
            and parent_details.closed_details
            and self.stack[-1] is parent_details
            and tag != "summary"
        ):
            shown = False
        if self.root_id is not None and attributes.get("id") == self.root_id:
            self.inside_root = len(self.stack) + 1
        if tag == "input" and self._reading() and shown:
            if (attributes.get("type") or "").lower() in TEXT_INPUTS and attributes.get("value"):
                self.words.append(attributes["value"] or "")
        if tag not in INLINE:
            self.words.append(" ")
        if tag in VOID:
            return
        self.stack.append(
            _Open(tag, shown, closed_details=tag == "details" and "open" not in attributes)
        )

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self.words.append(" ")
        if tag in VOID:
            return
        while self.stack:
            item = self.stack.pop()
            if self.inside_root and len(self.stack) + 1 == self.inside_root:
                self.inside_root = -1 if self.root_id else 0  # read the root once
            if item.tag == tag:
                break

    def handle_data(self, data):
        if self._reading():
            self.words.append(data)


def visible_text(html: str, *, within: str | None = None, everything: bool = False) -> str:
    """The text of the element with id `within` (the whole page when None)."""
    reader = _Reader(root_id=within, everything=everything)
    reader.feed(html)
    reader.close()
    if within is not None:
        assert reader.inside_root != 0, f"no element with id {within!r} on the page"
    return " ".join("".join(reader.words).split())
