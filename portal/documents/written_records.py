"""Records that arrive as writing rather than as pages (issue 18 point 1, its stretch): an
email saved as a file (.eml, RFC 5322), plain text, and a Word document (.docx).

The file staff upload is what is kept, encrypted, as any record. Whenever it is read (to
search it, to redact it, to put it in a pack) it is set as A4 pages by WeasyPrint, the
same way each time, so the places found on a page are the places burned in: an email as
its headers (from, to, copy, date, subject) above its text, a list of its attachments
(each to be uploaded as a record of its own); plain text as written; a Word document as
mammoth reads it (headings, paragraphs, lists, tables and pictures, without its styles).
Nothing is fetched from anywhere while pages are set (WeasyPrint may read data: URLs
only): a picture must be in the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

import mammoth
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from portal.documents.page_reading import RedactionError

__all__ = ["EMAIL", "TEXT", "WORD", "written_as_pdf", "written_kind"]

EMAIL = "message/rfc822"
TEXT = "text/plain"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ZIP = b"PK\x03\x04"
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]", re.MULTILINE)
_EMAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:")
_SHOWN_HEADERS = (("From", "From"), ("To", "To"), ("Cc", "Copy to"), ("Date", "Date"))
MAX_TEXT_BYTES = 5 * 1024 * 1024

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>
@page {{ size: A4; margin: 20mm; }}
body {{ font: 11pt/1.45 sans-serif; color: #0b0c0c; }}
h1 {{ font-size: 14pt; margin: 0 0 6mm; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: 1mm 4mm; margin: 0 0 6mm; }}
dt {{ font-weight: bold; }} dd {{ margin: 0; }}
.text {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #b1b4b6; padding: 1mm 2mm; }}
img {{ max-width: 100%; }}
</style></head><body>{body}</body></html>"""


def written_kind(content: bytes) -> str | None:
    """EMAIL, WORD or TEXT when the record is one, from what it holds; None otherwise."""
    if content.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return WORD if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if len(content) > MAX_TEXT_BYTES or b"\x00" in content[:4096] or _text(content) is None:
        return None
    # An email starts with its header lines, up to the first blank line, among them at
    # least two of From, To, Subject and Date.
    block = content[:8192].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = {line.split(b":", 1)[0].lower() + b":" for line in _HEADER.findall(block)}
    if _HEADER.match(block) and len(names & set(_EMAIL_HEADERS)) >= 2:
        return EMAIL
    return TEXT


def written_as_pdf(content: bytes) -> bytes:
    """The record set as A4 pages; RedactionError when it is not a written record."""
    kind = written_kind(content)
    if kind == EMAIL:
        title, body = _email(content)
    elif kind == WORD:
        title, body = "Word document", _word(content)
    elif kind == TEXT:
        title, body = "Text", Markup('<div class="text">{}</div>').format(_text(content) or "")
    else:
        raise RedactionError("only PDF, PNG, JPEG, email, text and Word records can be used")
    page = _PAGE.format(title=escape(title), body=body)
    return HTML(string=page, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


def _text(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _email(content: bytes) -> tuple[str, Markup]:
    message = message_from_bytes(content, _class=EmailMessage, policy=policy.default)
    subject = str(message.get("Subject", "") or "(no subject)")
    rows = [
        Markup("<dt>{}</dt><dd>{}</dd>").format(label, str(message[name]))
        for name, label in _SHOWN_HEADERS
        if message.get(name)
    ]
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            text = _html_as_text(text)
    attached = [part.get_filename() or "unnamed file" for part in message.iter_attachments()]
    parts = [
        Markup("<h1>{}</h1>").format(subject),
        Markup("<dl>{}</dl>").format(Markup("").join(rows)),
        Markup('<div class="text">{}</div>').format(text.strip()),
    ]
    if attached:
        names = Markup("").join(Markup("<li>{}</li>").format(name) for name in attached)
        parts.append(
            Markup(
                "<h2>Attachments (each to be added as a record of its own)</h2><ul>{}</ul>"
            ).format(names)
        )
    return subject, Markup("").join(parts)


def _word(content: bytes) -> Markup:
    try:
        converted = mammoth.convert_to_html(io.BytesIO(content))
    except Exception as error:
        raise RedactionError(f"the Word document cannot be read ({error})") from None
    return Markup(converted.value)  # noqa: S704 (mammoth writes its own markup from the file)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html_as_text(html: str) -> str:
    """An HTML email's words, without its markup (its pictures and links are not fetched)."""
    reader = _TextOnly()
    reader.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(reader.parts))
