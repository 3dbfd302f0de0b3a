"""The access response pack (rule C7): a cover letter, the list of the items with what was
removed and why (C8), the items, and how the council uses information, as one tagged PDF
(PDF/UA-1) in the requester's language and print size.

Typed records are rendered as text (escaped, never as HTML). Uploaded images are checked
and encoded again (pixels only: no location or other metadata) and drawn with their title
as alternative text. Each page of an uploaded PDF gets a page of its own at the end of the
pack, laid out by WeasyPrint with the same footer as every other page ("Page x of y", the
reference, who the pack was disclosed to) and a bookmark; the document's page is drawn
onto it afterwards, scaled into the margins, and tagged as a figure. Only the pages'
drawing is taken from an uploaded PDF, never its links, scripts, forms or attachments.

WeasyPrint lays the pack out once: the pages left for uploaded PDFs are counted in, so
"Page x of y" is right everywhere without a second layout. The page cap is checked before
anything costly (from what the pack must at least hold) and again after layout.

Nothing is fetched beyond the portal's static files and this pack's own images, which the
fetcher serves from memory; anything else a document names is refused.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from flask import current_app, render_template
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from weasyprint.urls import URLFetcherResponse

from portal.bidi import isolate_text
from portal.cases import clock, disclosure
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import (
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    SearchOutcome,
)
from portal.cases.models import Case
from portal.cases.record_redactions import AcceptedRedaction, accepted_redactions
from portal.documents import people, upload_reading
from portal.documents.fetcher import RefusedResource, StaticOnlyFetcher
from portal.documents.letters import (
    RenderedDocument,
    document_filename,
    in_language,
    letter_language,
    margin_css,
    recipient_address,
    reference_unbroken,
    wants_large_print,
)
from portal.documents.ocr import Readings
from portal.documents.pack_drawing import Placement, draw_documents
from portal.documents.page_reading import RedactionError
from portal.documents.pdf import STATIC_ROOT, document_pdf, render_document
from portal.documents.people import exemption_explanation
from portal.documents.released_records import released_record
from portal.documents.uploaded_pages import prepare_pages
from portal.documents.written_records import written_as_pdf, written_kind
from portal.evidence.inspection import (
    JPEG,
    PDF,
    PNG,
    EvidenceRejected,
    detect_media_type,
    inspect_upload,
)
from portal.extensions import DbSession
from portal.i18n import LANGUAGES
from portal.instants import utc_now
from portal.notices import current_release

__all__ = [
    "PAGE_CAP",
    "PackTooLong",
    "RenderedDocument",
    "UnusableItem",
    "build_response_pack",
    "exemption_explanation",
]

PAGE_CAP = 500
PACK_SCHEME = "pack:"
# The fewest pages the rendered part can take besides the items (each starts a page):
# the cover letter, the list of the items, and the privacy notice.
FIXED_PAGES = 3


class PackTooLong(Exception):
    """The pack would have more pages than the cap: it is not made at all."""

    def __init__(self, pages: int, cap: int) -> None:
        super().__init__(f"The pack would be {pages} pages; the limit is {cap}")
        self.pages = pages
        self.cap = cap


class UnusableItem(Exception):
    """An uploaded item cannot go into a pack as it is: staff must replace it (a file that
    is not a PDF, PNG or JPEG; a PDF that is damaged or needs a password; an image that is
    damaged or too large). Trying again will not help."""

    def __init__(self, number: int, title: str, reason: str) -> None:
        super().__init__(f"Item {number} ({title}) cannot go in the pack: {reason}")
        self.number = number
        self.reason = reason


class PackFetcher(StaticOnlyFetcher):
    """The static files, plus this pack's own images (named pack:<n>), from memory."""

    def __init__(self, images: Mapping[str, tuple[bytes, str]]) -> None:
        super().__init__(STATIC_ROOT)
        self.images = images

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith(PACK_SCHEME):
            found = self.images.get(url)
            if found is None:
                raise RefusedResource(f"Refused to fetch {url!r}: not an image of this pack")
            body, media_type = found
            return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})
        return super().fetch(url, headers)


@dataclass
class _Record:
    """One disclosure item on its way into the pack."""

    number: int
    item: DisclosureItem
    media_type: str = ""  # from the content, for uploaded items
    content: bytes = field(default=b"", repr=False)
    document: pikepdf.Pdf | None = None  # an uploaded PDF, opened
    # Accepted redactions: the record goes in as its released copy, with them burned in.
    redactions: Sequence[AcceptedRedaction] = ()

    @property
    def pages(self) -> int:
        """Pages of an uploaded PDF (0 for anything else)."""
        return len(self.document.pages) if self.document is not None else 0

    @property
    def anchors(self) -> list[str]:
        """The ids of the pages left for an uploaded PDF's pages."""
        return [f"item-{self.number}-page-{page}" for page in range(1, self.pages + 1)]


def build_response_pack(
    session: DbSession,
    case: Case,
    *,
    cipher: Any,
    page_cap: int = PAGE_CAP,
    large_print: bool | None = None,
) -> RenderedDocument:
    """C7-C8: the access response pack, in the requester's language (letters.letter_language)
    and print size (large_print defaults to what they asked for).

    Raises PackTooLong, before rendering when the items alone exceed page_cap and after
    layout otherwise; UnusableItem when an uploaded item cannot be used.
    """
    items = list(
        session.scalars(
            select(DisclosureItem)
            .where(DisclosureItem.case_id == case.id)
            .order_by(DisclosureItem.id)
        )
    )
    searches = list(
        session.scalars(
            select(DepartmentSearch)
            .where(DepartmentSearch.case_id == case.id)
            .order_by(DepartmentSearch.searched_on, DepartmentSearch.id)
        )
    )
    records: list[_Record] = []
    try:
        for number, item in enumerate(items, start=1):
            redactions = (
                accepted_redactions(session, item) if item.kind == DisclosureKind.UPLOADED else []
            )
            # The pages read at upload are not read by OCR again for the released copy.
            known = (
                upload_reading.known_readings(session, case, item, cipher=cipher)
                if redactions
                else {}
            )
            records.append(_opened(case, number, item, cipher, redactions, known))
        return _build(case, searches, records, page_cap=page_cap, large_print=large_print)
    finally:
        for record in records:
            if record.document is not None:
                record.document.close()


def _build(
    case: Case,
    searches: Sequence[DepartmentSearch],
    records: Sequence[_Record],
    *,
    page_cap: int,
    large_print: bool | None,
) -> RenderedDocument:
    least = FIXED_PAGES + len(records) + sum(record.pages for record in records)
    if least > page_cap:
        raise PackTooLong(least, page_cap)
    images = _images(records)

    language = letter_language(case)
    if large_print is None:
        large_print = wants_large_print(case)
    requester = case.requester
    with in_language(language):
        context = _context(case, searches, records, language, large_print, requester.full_name)
        html = render_template("documents/letters/pack.html", **context)
        document = render_document(html, fetcher=PackFetcher(images))
        total = len(document.pages)
        if total > page_cap:
            raise PackTooLong(total, page_cap)
        pdf = document_pdf(document)
        # Where each uploaded PDF's pages go, and how a screen reader announces them.
        page_of_anchor = {
            anchor: index for index, page in enumerate(document.pages) for anchor in page.anchors
        }
        placements = [
            Placement(
                source=record.document.pages[index],
                picture=prepared.picture,
                page_index=page_of_anchor[anchor],
                alt=_place_alt(
                    context["headings"][record.number], index + 1, record.pages, prepared.words
                ),
            )
            for record in records
            if record.document is not None
            for (index, anchor), prepared in zip(
                enumerate(record.anchors),
                prepare_pages(record.content, record.document, range(record.pages)),
                strict=True,
            )
        ]
    if placements:
        pdf = draw_documents(pdf, placements, large_print=large_print)
    return RenderedDocument(
        pdf=pdf,
        pages=total,
        title=context["title"],
        language=language,
        filename=document_filename(case.reference, "your-information"),
    )


def _opened(
    case: Case,
    number: int,
    item: DisclosureItem,
    cipher: Any,
    redactions: Sequence[AcceptedRedaction] = (),
    known: Readings | None = None,
) -> _Record:
    """Decrypt an uploaded item and tell its type from its content; open a PDF (cheap: its
    pages are counted, not drawn). A record with redactions is replaced by its released
    copy (released_records): every page rebuilt, the redactions burned in."""
    record = _Record(number, item, redactions=redactions)
    if item.kind != DisclosureKind.UPLOADED:
        return record
    content = disclosure.decrypt_disclosure_item(case, item, cipher=cipher)
    if redactions:
        try:
            content = released_record(content, redactions, disclosure.exemption_reference, known)
        except RedactionError as error:
            raise UnusableItem(number, item.title, str(error)) from None
    record.media_type = detect_media_type(content) or ""
    if not record.media_type and written_kind(content):  # an email, text or Word document
        try:
            content = written_as_pdf(content)
        except RedactionError as error:
            raise UnusableItem(number, item.title, str(error)) from None
        record.media_type = PDF
    record.content = content
    if record.media_type == PDF:
        try:
            record.document = pikepdf.open(io.BytesIO(content))
        except pikepdf.PasswordError:
            raise UnusableItem(number, item.title, "the PDF needs a password") from None
        except pikepdf.PdfError as error:
            raise UnusableItem(number, item.title, f"the PDF is damaged ({error})") from None
        if not record.document.pages:
            raise UnusableItem(number, item.title, "the PDF has no pages")
    elif record.media_type not in (PNG, JPEG):
        raise UnusableItem(
            number, item.title, "only PDF, PNG, JPEG, email, text and Word files can be used"
        )
    return record


def _images(records: Sequence[_Record]) -> dict[str, tuple[bytes, str]]:
    """The pack's images by the address the HTML names them with, checked and encoded
    again (portal.evidence.inspection): pixels only, turned the right way up."""
    images: dict[str, tuple[bytes, str]] = {}
    for record in records:
        if record.media_type not in (PNG, JPEG):
            continue
        try:
            clean = inspect_upload(record.content, f"item{record.number}")
        except EvidenceRejected as rejected:
            raise UnusableItem(record.number, record.item.title, str(rejected)) from None
        images[_image_url(record)] = (clean.content, clean.media_type)
    return images


def _image_url(record: _Record) -> str:
    return f"{PACK_SCHEME}{record.number}"


def _context(
    case: Case,
    searches: Sequence[DepartmentSearch],
    records: Sequence[_Record],
    language: str,
    large_print: bool,
    disclosed_to: str,
) -> dict[str, Any]:
    council = current_app.extensions["council"]
    about = AboutWhom.of_case(case)
    outcomes, footer = people.search_outcomes(about), people.pack_footer(disclosed_to, about)
    headings = {
        record.number: _(
            "Item %(number)s: %(title)s",
            number=record.number,
            title=isolate_text(record.item.title),
        )
        for record in records
    }
    rows = [
        {
            "number": record.number,
            "item": record.item,
            "heading": headings[record.number],
            "source": council.department_name(
                record.item.source_department_key, record.item.source_department
            ),
            "form": _form_words(record),
            "image_url": _image_url(record) if record.media_type in (PNG, JPEG) else None,
            "pages": record.pages,
            "anchors": record.anchors,
            "date": format_date(record.item.item_date, "long") if record.item.item_date else "",
            "exemptions": [
                people.exemption_words(code, about)
                for code in dict.fromkeys(
                    [*record.item.exemptions, *(str(r.code) for r in record.redactions)]
                )
            ],
            "redactions": _redaction_lines(record.redactions),
        }
        for record in records
    ]
    return {
        "council": council,
        "contact": council.information_governance,
        "release": current_release(),
        "locale": language,
        "language": LANGUAGES[language],
        "large_print": large_print,
        "title": people.pack_title(case.reference, about),
        "about": about,
        "no_information": people.no_information(about),
        "reference": reference_unbroken(case.reference, case.reference),
        "written_on": format_date(clock.received_on(utc_now()), "long"),
        "name": disclosed_to,
        "address": recipient_address(case),
        "page_css": margin_css(case.reference, disclosed=footer, large_print=large_print),
        "received_on": format_date(case.received_on, "long"),
        "searches": [
            {
                "department": council.department_name(search.department_key, search.department),
                "text": outcomes.get(SearchOutcome(search.outcome))
                or _(
                    "we did not search, because: %(reason)s",
                    reason=isolate_text(search.reason_not_searched),
                ),
            }
            for search in searches
        ],
        "found_any": any(search.outcome == SearchOutcome.RECORDS_FOUND for search in searches),
        "records": rows,
        "documents": [row for row in rows if row["pages"]],
        "headings": headings,
    }


def _redaction_lines(redactions: Sequence[AcceptedRedaction]) -> list[str]:
    """The schedule's line for each page with redactions: how many places, and the mark
    each carries on the page (the exemption's reference, explained beside it)."""
    places: dict[tuple[int, str], int] = {}
    for redaction in redactions:
        key = (redaction.page, disclosure.exemption_reference(str(redaction.code)))
        places[key] = places.get(key, 0) + 1
    return [
        ngettext(
            "Page %(page)s: %(num)s place removed, marked “%(mark)s”.",
            "Page %(page)s: %(num)s places removed, marked “%(mark)s”.",
            count,
            page=page + 1,
            mark=isolate_text(mark),
        )
        for (page, mark), count in sorted(places.items())
    ]


def _form_words(record: _Record) -> str:
    if record.document is not None:
        return _("Document")
    if record.media_type in (PNG, JPEG):
        return _("Image")
    return _("Typed copy")


def _place_alt(heading: str, page: int, pages: int, words: str) -> str:
    """What a screen reader says for an uploaded page: which item and page it is, then the
    words on it (the page itself is drawn as a picture, so its text is read from here)."""
    alt = f"{heading}. {_('Page %(page)s of %(pages)s', page=page, pages=pages)}"
    if words:
        alt += ". " + _("The page reads: %(words)s", words=words)
    return alt
