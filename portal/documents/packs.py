"""The access response pack (rule C7): a cover letter, the disclosure schedule, the records,
and how the council uses the information, as one tagged PDF in the resident's language.

Typed records are rendered as text (escaped, never as HTML). Uploaded images are drawn on
their own pages with their title as alternative text; uploaded PDFs are appended, in order,
after the rendered part, each with a bookmark and the same footer as every other page:
"Page x of y", the case reference and who the pack was disclosed to.

Nothing here reaches beyond the portal's static files: the fetcher serves the stylesheet
and fonts, and the images of this pack from memory, and refuses anything else.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pikepdf
from flask import current_app, g, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse

from portal.cases import casework, clock
from portal.cases.casework_models import (
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    ExemptionCode,
    SearchOutcome,
)
from portal.cases.models import Case
from portal.documents.fetcher import RefusedResource, StaticOnlyFetcher
from portal.documents.pdf import STATIC_ROOT
from portal.extensions import DbSession
from portal.i18n import LANGUAGES
from portal.jobs.emails import babel_locale
from portal.notices import current_release

PAGE_CAP = 500
IMAGE_TYPES = {"image/png", "image/jpeg"}
PACK_SCHEME = "pack:"


class PackTooLong(Exception):
    """The pack would have more pages than the cap: it is not made at all."""

    def __init__(self, pages: int, cap: int) -> None:
        super().__init__(f"The pack would be {pages} pages; the limit is {cap}")
        self.pages = pages
        self.cap = cap


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    title: str
    language: str
    filename: str  # generated, never from what anyone typed


def exemption_explanation(code: str) -> str:
    """C8 in plain words for the resident, in the current language."""
    explanations = {
        ExemptionCode.THIRD_PARTY: _(
            "Some information is about other people. We removed it to protect their privacy."
        ),
        ExemptionCode.CRIME_PREVENTION: _(
            "Some information was removed because sharing it could get in the way of preventing or solving crime."  # noqa: E501
        ),
        ExemptionCode.SOCIAL_WORK_SERIOUS_HARM: _(
            "Some social care information was removed because sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.HEALTH_SERIOUS_HARM: _(
            "Some health information was removed because a health professional told us sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.EDUCATION_SERIOUS_HARM: _(
            "Some school information was removed because sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.CHILD_ABUSE_DATA: _(
            "Some information was removed because sharing it would not be in the child's best interests."  # noqa: E501
        ),
        ExemptionCode.RESEARCH_STATISTICS: _(
            "Some information is used only for research and statistics, not to make decisions about you."  # noqa: E501
        ),
        ExemptionCode.LEGAL_PROFESSIONAL_PRIVILEGE: _(
            "Some information is confidential legal advice, which the law lets us keep back."
        ),
        ExemptionCode.MANAGEMENT_FORECASTING: _(
            "Some information is about the council's plans, which the law lets us keep back while sharing it could harm them."  # noqa: E501
        ),
    }
    return explanations.get(
        ExemptionCode(code), casework.EXEMPTIONS[ExemptionCode(code)].resident_explanation
    )


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


@dataclass(frozen=True)
class _Record:
    number: int
    item: DisclosureItem
    image_url: str | None = None
    appended: bool = False


def build_response_pack(
    session: DbSession,
    case: Case,
    *,
    cipher: Any,
    page_cap: int = PAGE_CAP,
    large_print: bool | None = None,
) -> RenderedDocument:
    """The pack, rendered in the case's language; raises PackTooLong over the cap."""
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
    images: dict[str, tuple[bytes, str]] = {}
    appendices: list[tuple[_Record, pikepdf.Pdf]] = []
    records: list[_Record] = []
    for number, item in enumerate(items, start=1):
        if item.kind != DisclosureKind.UPLOADED:
            records.append(_Record(number, item))
            continue
        content = casework.decrypt_disclosure_item(case, item, cipher=cipher)
        if item.media_type in IMAGE_TYPES:
            url = f"{PACK_SCHEME}{number}"
            images[url] = (content, item.media_type)
            records.append(_Record(number, item, image_url=url))
        else:
            record = _Record(number, item, appended=True)
            records.append(record)
            appendices.append((record, pikepdf.open(io.BytesIO(content))))
    appended_pages = sum(len(pdf.pages) for _record, pdf in appendices)
    if appended_pages > page_cap:
        raise PackTooLong(appended_pages, page_cap)

    language = case.language if case.language in LANGUAGES else "en"
    if large_print is None:
        large_print = "large_print" in _formats(case)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Links in the notice point at the portal in the pack's language, as in the emails.
    page = app.test_request_context(f"/{language}/", base_url=app.config["PUBLIC_BASE_URL"])
    with page, force_locale(babel_locale(language)), _locale_in_urls(language):
        context = _context(case, searches, records, language, large_print)
        title = context["title"]
        footer = _footer_css(case, context["disclosed_to"], total=None)
        html = render_template("documents/response_pack.html", footer_css=footer, **context)
        fetcher = PackFetcher(images)
        document = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).render()
        rendered_pages = len(document.pages)
        total = rendered_pages + appended_pages
        if total > page_cap:
            raise PackTooLong(total, page_cap)
        if appendices:
            # The footer counts every page of the pack, appended ones included.
            footer = _footer_css(case, context["disclosed_to"], total=total)
            html = render_template("documents/response_pack.html", footer_css=footer, **context)
            document = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).render()
            stamps = _stamps(case, context["disclosed_to"], rendered_pages, appended_pages, total)
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
        if pdf is None:  # only when given a target to write to, which we never do
            raise RuntimeError("WeasyPrint returned no PDF")
        if appendices:
            pdf = _append(pdf, appendices, stamps, context["headings"])
    filename = f"{case.reference}-your-information.pdf"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in filename)
    return RenderedDocument(pdf, total, title, language, safe)


@contextmanager
def _locale_in_urls(language: str) -> Iterator[None]:
    """url_for() of a resident page gives this language's address while the pack renders."""
    had, previous = "locale" in g, g.get("locale")
    g.locale = language
    try:
        yield
    finally:
        if had:
            g.locale = previous
        else:
            g.pop("locale", None)


def _formats(case: Case) -> list[str]:
    delivery = (case.details or {}).get("delivery") or {}
    formats = delivery.get("formats") if isinstance(delivery, dict) else None
    return [str(f) for f in formats] if isinstance(formats, list) else []


def _context(
    case: Case,
    searches: list[DepartmentSearch],
    records: list[_Record],
    language: str,
    large_print: bool,
) -> dict[str, Any]:
    council = current_app.extensions["council"]
    outcomes = {
        SearchOutcome.RECORDS_FOUND: _("we found information about you."),
        SearchOutcome.NONE_HELD: _("we hold no information about you."),
    }
    found_any = any(s.outcome == SearchOutcome.RECORDS_FOUND for s in searches)
    return {
        "case": case,
        "council": council,
        "contact": council.information_governance,
        "release": current_release(),
        "language": LANGUAGES[language],
        "locale": language,
        "large_print": large_print,
        "title": _("Your information: reference %(reference)s", reference=case.reference),
        "disclosed_to": case.requester.full_name,
        "received": format_date(case.received_on, "long"),
        "today": format_date(clock.received_on(datetime.now(UTC)), "long"),
        "searches": [
            {
                "department": s.department,
                "text": outcomes.get(SearchOutcome(s.outcome))
                or _("we did not search, because: %(reason)s", reason=s.reason_not_searched),
            }
            for s in searches
        ],
        "found_any": found_any,
        "records": [
            {
                "number": r.number,
                "item": r.item,
                "image_url": r.image_url,
                "appended": r.appended,
                "date": format_date(r.item.item_date, "long") if r.item.item_date else "",
                "exemptions": [exemption_explanation(code) for code in r.item.exemptions],
            }
            for r in records
        ],
        "headings": {
            r.number: _("Item %(number)s: %(title)s", number=r.number, title=r.item.title)
            for r in records
        },
    }


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_of(page: str, pages: str) -> str:
    """'Page x of y' in the current language, as CSS content with the two numbers
    (counters or literals) in place."""
    marker = "\x00"
    words = _("Page %(page)s of %(pages)s", page=marker + "P" + marker, pages=marker + "N" + marker)
    parts = []
    for piece in words.split(marker):
        if piece == "P":
            parts.append(page)
        elif piece == "N":
            parts.append(pages)
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def _footer_css(case: Case, disclosed_to: str, *, total: int | None) -> str:
    pages = "counter(pages)" if total is None else _css_string(str(total))
    return (
        "@page { "
        f"@bottom-left {{ content: {_css_string(case.reference)}; }} "
        f"@bottom-center {{ content: {_css_string(_('Disclosed to %(name)s', name=disclosed_to))}; }} "  # noqa: E501
        f"@bottom-right {{ content: {_page_of('counter(page)', pages)}; }} "
        "}"
    )


def _stamps(case: Case, disclosed_to: str, first: int, count: int, total: int) -> pikepdf.Pdf:
    """Blank pages carrying only the footer, for the appended documents' pages."""
    rules = []
    for index in range(count):
        number = first + index + 1
        rules.append(
            f"@page p{number} {{ "
            f"@bottom-left {{ content: {_css_string(case.reference)}; }} "
            f"@bottom-center {{ content: {_css_string(_('Disclosed to %(name)s', name=disclosed_to))}; }} "  # noqa: E501
            f"@bottom-right {{ content: {_page_of(_css_string(str(number)), _css_string(str(total)))}; }} "  # noqa: E501
            "}"
        )
    pages = "".join(
        f'<div style="page: p{first + i + 1}; break-after: page">&nbsp;</div>' for i in range(count)
    )
    html = render_template("documents/stamps.html", rules="\n".join(rules), pages=pages)
    fetcher = StaticOnlyFetcher(STATIC_ROOT)
    pdf = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).write_pdf()
    if pdf is None:
        raise RuntimeError("WeasyPrint returned no PDF")
    return pikepdf.open(io.BytesIO(pdf))


def _append(
    pdf: bytes,
    appendices: list[tuple[_Record, pikepdf.Pdf]],
    stamps: pikepdf.Pdf,
    headings: Mapping[int, str],
) -> bytes:
    """The uploaded PDFs after the rendered pages, each stamped and bookmarked; the
    rendered part's tags, language and title stay as they are."""
    pack = pikepdf.open(io.BytesIO(pdf))
    stamp_index = 0
    with pack.open_outline() as outline:
        for record, appendix in appendices:
            first = len(pack.pages)
            for page in appendix.pages:
                pack.pages.append(page)
                pack.pages[-1].add_overlay(stamps.pages[stamp_index], rect=None)
                stamp_index += 1
            outline.root.append(pikepdf.OutlineItem(headings[record.number], first))
    out = io.BytesIO()
    pack.save(out)
    return out.getvalue()
