"""render_pdf: HTML to a tagged PDF/UA-1 document, fetching only the portal's static files."""

from __future__ import annotations

from pathlib import Path

from flask import Response
from weasyprint import HTML
from weasyprint.document import Document

from portal.documents import span_language
from portal.documents.fetcher import StaticOnlyFetcher

STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"
PDF_VARIANT = "pdf/ua-1"


def render_document(
    html: str, *, static_root: Path = STATIC_ROOT, fetcher: StaticOnlyFetcher | None = None
) -> Document:
    """Lay out HTML once (the costly step), for its page count before writing the PDF.

    `fetcher` may serve more than the static files (a pack's own images, from memory); it
    must still refuse everything else.
    """
    fetcher = fetcher or StaticOnlyFetcher(static_root)
    span_language.install()  # English inside a Polish letter is tagged as English
    source = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher)
    return source.render(pdf_variant=PDF_VARIANT)


def document_pdf(document: Document) -> bytes:
    """Write a laid-out document as PDF/UA-1.

    PDF/UA-1 makes WeasyPrint tag the structure (/StructTreeRoot, /MarkInfo) and write
    the document's language and title into the catalogue, so screen readers can use it.
    """
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    if pdf is None:  # only when given a target to write to, which we never do
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def render_pdf(html: str, *, static_root: Path = STATIC_ROOT) -> bytes:
    """Render HTML (with <html lang> and <title> set) as PDF/UA-1."""
    return document_pdf(render_document(html, static_root=static_root))


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> Response:
    safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename)
    disposition = "inline" if inline else "attachment"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
