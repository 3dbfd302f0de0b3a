"""What a person sees, read the way they read it, and markup that leaked into it.

A string being somewhere in the HTML is not what a resident reads: `&lt;br&gt;` in the source
is `<br>` on the screen. These helpers give the text a person meets: for HTML the text
nodes with the tags stripped and entities decoded once (html.parser, never a regex over
the source; script and style skipped), plus the attributes a screen reader speaks; for an
email its decoded subject and plain-text body; for a PDF the text PDFium extracts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

import pypdfium2

NOT_SHOWN = frozenset({"script", "style", "template"})
# What a screen reader speaks besides the text: a name, a description, an image's text.
SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")

# Markup a person should never see: a tag (`<br>`, `<strong dir="ltr">`, `</p>`), or an
# entity left undecoded (`&lt;`, `&amp;`, `&#39;`): escaped twice on its way to the page.
LEAKED_MARKUP = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)"
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"
)


@dataclass
class HtmlPage:
    """The parts of a page a person meets, in source order."""

    texts: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    title: str = ""
    headings: list[str] = field(default_factory=list)  # every <h1>, as shown

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    @property
    def h1(self) -> str:
        return self.headings[0] if self.headings else ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded once, as a browser does
        self.page = HtmlPage()
        self._hidden_depth = 0
        self._in_title = False
        self._h1_depth = 0
        self._h1: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in NOT_SHOWN:
            self._hidden_depth += 1
            return
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.page.spoken.append(value)
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._h1_depth += 1
            self._h1 = [] if self._h1_depth == 1 else self._h1

    def handle_endtag(self, tag):
        if tag in NOT_SHOWN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if not self._h1_depth:
                self.page.headings.append(" ".join("".join(self._h1).split()))

    def handle_data(self, data):
        if self._hidden_depth:
            return
        self.page.texts.append(data)
        if self._in_title:
            self.page.title += data
        if self._h1_depth:
            self._h1.append(data)


def read_html(html: str) -> HtmlPage:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.page.title = " ".join(reader.page.title.split())
    return reader.page


def visible_text(html: str) -> str:
    """The text nodes of a page, tags stripped and entities decoded once."""
    return read_html(html).text


def leaked_markup(text: str) -> list[str]:
    """Every piece of markup shown as text (empty when the text is clean)."""
    return [match.group(0) for match in LEAKED_MARKUP.finditer(text)]


def markup_shown_on(html: str) -> list[str]:
    """Markup a person would see or hear on this page: in its text or its spoken attributes."""
    page = read_html(html)
    return leaked_markup(page.text) + [
        found for value in page.spoken for found in leaked_markup(value)
    ]


# One element of a page, as a sighted reader meets it ------------------------------------

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Text runs on across inline elements ("Mother</span>)" reads "Mother)"); other elements
# start and end on a line of their own.
_INLINE = frozenset(
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
_NEVER_SHOWN = frozenset({"script", "style", "template", "head"})
_TEXT_INPUTS = frozenset({"text", "email", "tel", "search", "url", "number", ""})


@dataclass
class _Open:
    tag: str
    shown: bool  # whether text inside it is read
    closed_details: bool = False


class _ElementReader(HTMLParser):
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
            tag in _NEVER_SHOWN
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
            if (attributes.get("type") or "").lower() in _TEXT_INPUTS and attributes.get("value"):
                self.words.append(attributes["value"] or "")
        if tag not in _INLINE:
            self.words.append(" ")
        if tag in _VOID:
            return
        self.stack.append(
            _Open(tag, shown, closed_details=tag == "details" and "open" not in attributes)
        )

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.words.append(" ")
        if tag in _VOID:
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


def element_text(html: str, within: str | None = None, *, everything: bool = False) -> str:
    """What a sighted reader reads of the element with id `within` (the whole page when
    None), in reading order: text runs on across inline elements ("Mother</span>)" reads
    "Mother)"); hidden inputs, `hidden` elements, and by default text only screen readers
    get (govuk-visually-hidden) and the inside of a closed <details> but its <summary>,
    are left out. `everything=True` keeps those two, for checks that nothing anywhere on
    a page shows what it should not."""
    reader = _ElementReader(root_id=within, everything=everything)
    reader.feed(html)
    reader.close()
    if within is not None:
        assert reader.inside_root != 0, f"no element with id {within!r} on the page"
    return " ".join("".join(reader.words).split())


@dataclass(frozen=True)
class ReadEmail:
    subject: str
    body: str


def read_email(message: EmailMessage) -> ReadEmail:
    """An email as a mail client shows it: sent as bytes, parsed back, subject and body decoded."""
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_content()
    return ReadEmail(subject=str(parsed["Subject"]), body=body.replace("\r\n", "\n"))


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as PDFium extracts it (what copy and paste or a screen
    reader gets)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()
