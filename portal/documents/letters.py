"""Letters to the requester as tagged PDFs, in the language and print size they asked for.

One letter per step a requester must hear about on paper: the acknowledgement of their
request, and one for each council message (messages.message_text_keys) that a postal
requester would otherwise miss. The words are the ones the emails and the tracking page
already use (portal.cases.message_words), so a letter and an email never say different things and
few new strings need translating.

What staff wrote (a question, reasons) is shown as written, escaped, with its line breaks.
Rendering needs an app context; it runs in a fresh one, so the language it sets never
leaks into the caller's request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from flask import current_app, g, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from portal.bidi import long_date_text
from portal.cases import clock, deadlines, objections
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import (
    CaseMessage,
    DecisionStatus,
    MessageKind,
    ObjectionAssessment,
    ObjectionDecision,
    RestrictionEntry,
)
from portal.cases.message_words import (
    message_staff_text,
    message_summary,
    message_title,
    received_title,
    restriction_sentences,
)
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.use_words import processing_words
from portal.documents.correction_words import correction_words
from portal.documents.decision_words import ContinuingUse, continuing_use
from portal.documents.pdf import document_pdf, render_document
from portal.documents.people import DecisionFacts, continuing_because, what_was_asked
from portal.documents.rights_letter_words import rights_words
from portal.extensions import DbSession
from portal.i18n import DEFAULT_LOCALE, LANGUAGES, babel_locale_for
from portal.instants import aware, utc_now


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    IDENTITY_REQUEST = "identity_request"
    CLARIFICATION_REQUEST = "clarification_request"
    EXTENSION_NOTICE = "extension_notice"
    REFUSAL = "refusal"
    OBJECTION_DECISION = "objection_decision"
    # C13: a complaint's acknowledgement, updates and outcome (DPA 2018 s.164A(3)-(5)).
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement"
    COMPLAINT_PROGRESS = "complaint_progress"
    COMPLAINT_OUTCOME = "complaint_outcome"
    CORRECTION_DECISION = "correction_decision"
    RESTRICTION_DECISION = "restriction_decision"  # C14, Art 18
    DELETION_DECISION = "deletion_decision"  # C15, Art 17
    RESTRICTION_LIFTING = "restriction_lifting"  # C14, Art 18(3): told before it is lifted
    REVIEW_OUTCOME = "review_outcome"


# The council message each letter puts on paper (the acknowledgement has none).
MESSAGE_KINDS: Mapping[LetterKind, MessageKind] = MappingProxyType(
    {
        LetterKind.IDENTITY_REQUEST: MessageKind.IDENTITY_REQUEST,
        LetterKind.CLARIFICATION_REQUEST: MessageKind.CLARIFICATION_REQUEST,
        LetterKind.EXTENSION_NOTICE: MessageKind.EXTENSION_NOTICE,
        LetterKind.REFUSAL: MessageKind.REFUSAL,
        LetterKind.OBJECTION_DECISION: MessageKind.DECISION_READY,
        LetterKind.COMPLAINT_ACKNOWLEDGEMENT: MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
        LetterKind.COMPLAINT_PROGRESS: MessageKind.COMPLAINT_PROGRESS,
        LetterKind.COMPLAINT_OUTCOME: MessageKind.COMPLAINT_OUTCOME,
        LetterKind.CORRECTION_DECISION: MessageKind.CORRECTION_DECISION,
        LetterKind.RESTRICTION_DECISION: MessageKind.RESTRICTION_DECISION,
        LetterKind.DELETION_DECISION: MessageKind.DELETION_DECISION,
        LetterKind.RESTRICTION_LIFTING: MessageKind.RESTRICTION_LIFTING,
        LetterKind.REVIEW_OUTCOME: MessageKind.REVIEW_OUTCOME,
    }
)

LARGE_PRINT = "large_print"  # DeliveryForm's format choice


class LetterUnavailable(ValueError):
    """The letter cannot be written: its message is missing or belongs elsewhere."""


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    title: str  # as in the PDF's metadata
    language: str  # a shipped locale code: en, pl, ro, ur, lt
    filename: str  # generated from the reference and the kind, never from what anyone typed


# Rendering in the requester's language ------------------------------------------------


def letter_language(case: Case) -> str:
    """The language to write in: the one the requester chose for letters, else the one
    they made the request in, if the council offers it; else English."""
    offered = current_app.extensions["council"].languages
    details = case.details or {}
    for code in (details.get("letters_language"), case.language):
        if isinstance(code, str) and code in offered and code in LANGUAGES:
            return code
    return DEFAULT_LOCALE


def wants_large_print(case: Case) -> bool:
    """Whether the requester asked for large print (the delivery question's formats)."""
    delivery = (case.details or {}).get("delivery")
    formats = delivery.get("formats") if isinstance(delivery, dict) else None
    return isinstance(formats, list) and LARGE_PRINT in formats


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """A fresh app and request context in `language`: translations, dates and links to
    the portal's pages (url_for, absolute_link) all in that language."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with (
        app.app_context(),
        app.test_request_context(f"/{language}/", base_url=app.config["PUBLIC_BASE_URL"]),
    ):
        g.locale = language
        with force_locale(babel_locale_for(language)):
            yield


def css_string(text: str) -> str:
    """A CSS string literal that can hold any text safely: everything but letters, digits
    and spaces is written as a hex escape, so no quote, backslash or `</style>` survives."""
    # A hex escape ends at the one space after it, which CSS drops: a space that follows
    # in the text is kept.
    escaped = "".join(
        ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def page_of_css() -> str:
    """'Page x of y' as CSS content in the current language, the numbers as counters."""
    marker = "\x00"
    words = _("Page %(page)s of %(pages)s", page=f"{marker}P{marker}", pages=f"{marker}N{marker}")
    parts = []
    for piece in words.split(marker):
        if piece == "P":
            parts.append("counter(page)")
        elif piece == "N":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


# The margins (top, right, bottom, left, in mm) of a page left for a page of an uploaded
# PDF: wide, and deep enough at the bottom for the footer.
APPENDED_MARGINS_MM = (10, 10, 24, 10)
LARGE_PRINT_FOOTER_MM = 34


def appended_margins_mm(*, large_print: bool) -> tuple[float, float, float, float]:
    top, right, bottom, left = APPENDED_MARGINS_MM
    return (top, right, LARGE_PRINT_FOOTER_MM if large_print else bottom, left)


def margin_css(
    reference: str,
    *,
    disclosed: str | None = None,
    large_print: bool = False,
) -> Markup:
    """The running footer of every page: the reference, 'Page x of y' and, on a pack, the
    words saying who it was disclosed to (people.pack_footer); larger in large print.
    Built only from css_string, counters and numbers, so it is safe inside <style>."""
    size = "font-size: 14pt; " if large_print else ""
    boxes = [f"@bottom-left {{ {size}content: {css_string(reference)}; }}"]
    if disclosed is not None:
        boxes.append(f"@bottom-center {{ {size}content: {css_string(disclosed)}; }}")
    page_of = page_of_css()
    boxes.append(f"@bottom-right {{ {size}content: {page_of}; }}")
    footer = f"margin-bottom: {LARGE_PRINT_FOOTER_MM}mm; " if large_print else ""
    appended = " ".join(f"{mm:g}mm" for mm in appended_margins_mm(large_print=large_print))
    rules = f"@page {{ {footer}{' '.join(boxes)} }} @page appended {{ margin: {appended}; }}"
    return Markup(rules)  # noqa: S704  (every string in it went through css_string)


def reference_unbroken(text: str, reference: str) -> Markup:
    """Text with the reference kept on one line: a line break after one of its hyphens would
    leave a resident copying half a reference (the letter's heading sometimes wrapped there)."""
    whole = Markup('<span class="letter-reference" dir="ltr">%s</span>') % reference
    return Markup.escape(text).replace(Markup.escape(reference), whole)


def document_filename(reference: str, name: str) -> str:
    """A file name made of the reference and a fixed word: safe in any header or path."""
    safe_reference = re.sub(r"[^A-Z0-9-]", "", reference.upper()) or "document"
    return f"{safe_reference}-{name}.pdf"


def letter_date(moment: datetime | None = None) -> date:
    return clock.received_on(moment or utc_now())


# What a letter says ---------------------------------------------------------------------


def recipient_address(case: Case) -> list[str]:
    """The lines of the address we write to: the one given for replies, else the
    requester's own, with the postcode."""
    details = case.details or {}
    given = details.get("postal_address")
    requester = case.requester
    text = given if isinstance(given, str) and given.strip() else requester.address
    lines = [line.strip(" ,") for line in re.split(r"[\r\n]+", text or "") if line.strip(" ,")]
    postcode = requester.postcode.strip()
    if postcode and not any(postcode.replace(" ", "") in line.replace(" ", "") for line in lines):
        lines.append(postcode)
    return lines


def tracking_link(language: str) -> str:
    """The address where a requester follows their request (as in the emails)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/{language}/track"


def due_date_lines(case: Case) -> list[str]:
    """C1-C4 in the requester's words: the date we reply by and how it is worked out."""
    explanation = deadlines.explain_case_due_date(case)
    if explanation is None or case.due_on is None:
        return [_("We will tell you the date we will reply by once we have confirmed who you are.")]
    lines = [
        _("We will reply by %(due_date)s.", due_date=long_date_text(case.due_on)),
        _(
            "The law gives us one month. When the last day is a weekend or a bank holiday, we have until the next working day."  # noqa: E501
        ),
        _("We count the month from %(date)s.", date=long_date_text(explanation.start)),
    ]
    if explanation.pause_days:
        lines.append(
            ngettext(
                "The date is %(num)d day later because we waited for your answer to a question.",
                "The date is %(num)d days later because we waited for your answer to a question.",
                explanation.pause_days,
            )
        )
    if case.extended:
        lines.append(
            _(
                "We have extended the time limit by two months, because the request is complex or you have sent us several. We have written to tell you why."  # noqa: E501
            )
        )
    if case.state == CaseState.RECEIVED:
        lines.append(
            _(
                "This date is right if the proof of identity you sent is enough. If we need more proof, the date will change."  # noqa: E501
            )
        )
    return lines


def _decision_facts(session: DbSession, case: Case, message: CaseMessage) -> DecisionFacts:
    params = message.params or {}
    decision = session.scalar(
        select(ObjectionDecision)
        .where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.APPROVED,
        )
        .order_by(ObjectionDecision.id.desc())
        .limit(1)
    )
    stopped_on = clock.received_on(aware(message.created_at))
    assessment = None
    if decision is not None:
        first = session.scalar(
            select(RestrictionEntry.from_date)
            .where(RestrictionEntry.decision_id == decision.id)
            .order_by(RestrictionEntry.from_date)
            .limit(1)
        )
        stopped_on = first or stopped_on
        assessment = session.get(ObjectionAssessment, decision.assessment_id)
    return DecisionFacts(
        outcome=str(params.get("outcome", "")),
        stopped=[str(p) for p in params.get("upheld_processing") or []],
        stopped_on=stopped_on,
        continuing=[str(p) for p in params.get("continuing_processing") or []],
        compelling_grounds=bool(assessment and assessment.compelling_grounds.strip()),
        legal_claims=bool(assessment and assessment.legal_claims),
        tests={
            str(p): objections.override_test(assessment, str(p))
            for p in params.get("continuing_processing") or []
        },
        restriction_confirmed=[str(p) for p in params.get("restriction_confirmed") or []],
        restriction_lifted=[str(p) for p in params.get("restriction_lifted") or []],
    )


def _continuing_uses(facts: DecisionFacts, about: AboutWhom) -> list[ContinuingUse]:
    """C9: each use that carries on with the test recorded for it; none when the
    assessment was made before per-use tests (continuing_because says why then)."""
    return [
        continuing_use(processing_words(p, about), p, facts.tests[p], about)
        for p in facts.continuing
        if p in facts.tests and not facts.tests[p].empty
    ]


def _message_for(
    session: DbSession, case: Case, kind: LetterKind, message: CaseMessage | None
) -> CaseMessage:
    wanted = MESSAGE_KINDS[kind]
    if message is None:
        message = session.scalar(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id, CaseMessage.kind == wanted)
            .order_by(CaseMessage.id.desc())
            .limit(1)
        )
        if message is None:
            raise LetterUnavailable(f"Case {case.reference} has no {wanted} message to send")
    if message.case_id != case.id or message.kind != wanted:
        raise LetterUnavailable(f"That message is not a {wanted} message of {case.reference}")
    return message


def _heading(case: Case, message: CaseMessage | None, about: AboutWhom) -> str:
    if message is not None:
        return message_title(message.kind, about)
    return received_title(CaseKind(case.kind), case.reference, about)


def letter_html(
    session: DbSession,
    case: Case,
    kind: LetterKind | str,
    *,
    message: CaseMessage | None = None,
    large_print: bool | None = None,
) -> str:
    """The letter as HTML, in the requester's language (see letter_language).

    Message letters (every kind but the acknowledgement) say what `message` says, or what
    the latest message of their kind says. large_print defaults to what the requester
    asked for. Raises LetterUnavailable when there is no such message for this case.
    """
    html, _title_text, _language = _letter(session, case, LetterKind(kind), message, large_print)
    return html


def render_letter(
    session: DbSession,
    case: Case,
    kind: LetterKind | str,
    *,
    message: CaseMessage | None = None,
    large_print: bool | None = None,
) -> RenderedDocument:
    """The letter as a tagged PDF/UA-1 document (see letter_html)."""
    kind = LetterKind(kind)
    html, title, language = _letter(session, case, kind, message, large_print)
    document = render_document(html)
    return RenderedDocument(
        pdf=document_pdf(document),
        pages=len(document.pages),
        title=title,
        language=language,
        filename=document_filename(case.reference, kind.value.replace("_", "-")),
    )


def _letter(
    session: DbSession,
    case: Case,
    kind: LetterKind,
    message: CaseMessage | None,
    large_print: bool | None,
) -> tuple[str, str, str]:
    """(html, title, language). Everything read from the database is read here, in the
    caller's session, before rendering switches to the requester's language."""
    if kind != LetterKind.ACKNOWLEDGEMENT:
        message = _message_for(session, case, kind, message)
    else:
        message = None
    language = letter_language(case)
    if large_print is None:
        large_print = wants_large_print(case)
    written_on = clock.received_on(aware(message.created_at)) if message else letter_date()
    decision = (
        _decision_facts(session, case, message)
        if kind == LetterKind.OBJECTION_DECISION and message is not None
        else None
    )
    files = len(case.files) if kind == LetterKind.ACKNOWLEDGEMENT else 0
    requester = case.requester
    about = AboutWhom.of_case(case)
    with in_language(language):
        council = current_app.extensions["council"]
        heading = _heading(case, message, about)
        title = heading if message is None else f"{heading} ({case.reference})"
        context: dict[str, Any] = {
            "council": council,
            "contact": council.information_governance,
            "locale": language,
            "language": LANGUAGES[language],
            "large_print": large_print,
            "title": title,
            "heading": reference_unbroken(heading, case.reference),
            "reference": reference_unbroken(case.reference, case.reference),
            "written_on": format_date(written_on, "long"),
            "name": requester.full_name,
            "about": about,
            "address": recipient_address(case),
            "objection": case.kind == CaseKind.OBJECTION,
            "correction_request": case.kind == CaseKind.CORRECTION,
            "restriction_request": case.kind == CaseKind.RESTRICTION,
            "deletion_request": case.kind == CaseKind.DELETION,
            "tracking_url": tracking_link(language),
            "has_email": bool(requester.email.strip()),
            "page_css": margin_css(case.reference, large_print=large_print),
            "summary": message_summary(message, about) if message is not None else "",
            "staff_text": message_staff_text(message) if message is not None else "",
            "rights": list((message.params or {}).get("rights") or []) if message else [],
            "decision": decision,
            "stopped": [processing_words(p, about) for p in decision.stopped] if decision else [],
            "stopped_on": format_date(decision.stopped_on, "long") if decision else "",
            "continuing": [processing_words(p, about) for p in decision.continuing]
            if decision
            else [],
            "because": continuing_because(decision, about) if decision else [],
            "continuing_uses": _continuing_uses(decision, about) if decision else [],
            "restriction": restriction_sentences(message.params or {}) if message else [],
            "restriction_kept": [processing_words(p, about) for p in decision.restriction_confirmed]
            if decision
            else [],
            "restriction_lifted": [processing_words(p, about) for p in decision.restriction_lifted]
            if decision
            else [],
            "asked_for": what_was_asked(case, about) if message is None else [],
            "received_on": format_date(case.received_on, "long"),
            "files": files,
            "due_lines": due_date_lines(case) if kind == LetterKind.ACKNOWLEDGEMENT else [],
            "correction": correction_words(message.params or {})
            if kind == LetterKind.CORRECTION_DECISION and message is not None
            else None,
            "rights_facts": rights_words(message.params or {}, about) if message else None,
        }
        html = render_template(f"documents/letters/{kind.value}.html", **context)
    return html, title, language
