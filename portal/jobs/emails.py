"""The emails residents get, one per job kind, in the language of their request.

Each email is built from a fresh read of the case, so it says what is true when it is sent.
It names the resident and gives the reference, dates and the council's contacts: never
the resident's files or any other personal detail.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from flask import Flask, current_app, g, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from portal.bidi import ltr_text
from portal.cases import tracking
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.message_words import (
    message_staff_text,
    message_summary,
    message_title,
    received_title,
    restriction_sentences,
)
from portal.cases.models import Case, CaseKind
from portal.extensions import db
from portal.i18n import DEFAULT_LOCALE, babel_locale_for
from portal.instants import aware
from portal.jobs import mail
from portal.outbox import Job

# The tracking code's lifetime, as the resident is told it (tracking.CODE_LIFETIME).
CODE_MINUTES = 10

NO_ADDRESS_NOTE = "no email address; letter needed"


class Undeliverable(Exception):
    """Trying again will not help (no such case, an address the mail server refuses)."""


@dataclass(frozen=True)
class Email:
    to: Address
    subject: str
    body: str
    language: str


@dataclass(frozen=True)
class CaseFacts:
    """What an email may say about a case, read in the worker's own transaction."""

    reference: str
    kind: CaseKind
    language: str
    due_on: date | None
    name: str
    email: str
    about: AboutWhom  # who the request is about


def _request_received_subject(facts: CaseFacts, payload: Mapping[str, Any]) -> str:
    return received_title(facts.kind, ltr_text(facts.reference), facts.about)


def _evidence_received_subject(facts: CaseFacts, payload: Mapping[str, Any]) -> str:
    return _("We have received your documents (%(reference)s)", reference=ltr_text(facts.reference))


def _request_withdrawn_subject(facts: CaseFacts, payload: Mapping[str, Any]) -> str:
    return _("Your request has been withdrawn (%(reference)s)", reference=ltr_text(facts.reference))


def _tracking_code_subject(facts: CaseFacts, payload: Mapping[str, Any]) -> str:
    # The code itself stays out of the subject, which phones show on a locked screen.
    return _("Your code to follow your request")


def _case_message_subject(facts: CaseFacts, payload: Mapping[str, Any]) -> str:
    message = _case_message(payload)
    return f"{message_title(message.kind, facts.about)} ({ltr_text(facts.reference)})"


@dataclass(frozen=True)
class EmailKind:
    template: str
    subject: Callable[[CaseFacts, Mapping[str, Any]], str]


EMAIL_KINDS: dict[str, EmailKind] = {
    "email.request_received": EmailKind("emails/request_received.txt", _request_received_subject),
    "email.evidence_received": EmailKind(
        "emails/evidence_received.txt", _evidence_received_subject
    ),
    "email.request_withdrawn": EmailKind(
        "emails/request_withdrawn.txt", _request_withdrawn_subject
    ),
    "email.tracking_code": EmailKind("emails/tracking_code.txt", _tracking_code_subject),
    # The template is chosen by the message's kind: emails/<kind>.txt.
    "email.case_message": EmailKind("emails/{kind}.txt", _case_message_subject),
}


def send_case_email(job: Job) -> str | None:
    """Job handler for every email kind: build the email and send it.

    Returns a note for the job when there is nothing to send (postal-only requesters get
    letters, which are a separate job); raises Undeliverable when retrying cannot help.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    email = build_email(app, job.kind, job.payload)
    if email is None:
        return NO_ADDRESS_NOTE
    message = mail.build_message(
        sender=app.config["MAIL_SENDER"],
        to=email.to,
        reply_to=app.extensions["council"].information_governance.email,
        subject=email.subject,
        body=email.body,
        language=email.language,
        message_id=message_id_of(job, app.config["MAIL_SENDER"]),
    )
    try:
        mail.send(message, app.config, job_id=job.id)
    except smtplib.SMTPRecipientsRefused as refused:
        if all(code >= 500 for code, _reply in refused.recipients.values()):
            raise Undeliverable("the mail server refused the address") from None
        raise
    return None


def _tracking_code(app: Flask, payload: Mapping[str, Any]) -> str:
    """The one-time code, which the outbox keeps only sealed (portal.cases.tracking)."""
    sealed = payload.get("code")
    if not isinstance(sealed, str) or not sealed:
        return ""
    try:
        return tracking.open_sealed_code(app.config["SECRET_KEY"], payload["case_id"], sealed)
    except (ValueError, TypeError):
        raise Undeliverable("the tracking code in the job cannot be opened") from None


def build_email(app: Flask, kind: str, payload: Mapping[str, Any]) -> Email | None:
    """The email for a job, in the case's language; None when the requester gave no address."""
    email_kind = EMAIL_KINDS.get(kind)
    if email_kind is None:
        raise Undeliverable(f"no email is defined for job kind {kind!r}")
    facts = _case_facts(app, payload)
    if not facts.email:
        return None
    try:
        to = Address(display_name=facts.name, addr_spec=facts.email)
    except (ValueError, IndexError):
        raise Undeliverable("the requester's email address cannot be used") from None
    council = app.extensions["council"]
    context = {
        "council": council,
        "contact": council.information_governance,
        "name": facts.name,
        "about": facts.about,
        "reference": facts.reference,
        "objection": facts.kind == CaseKind.OBJECTION,
        "correction_request": facts.kind == CaseKind.CORRECTION,
        "restriction_request": facts.kind == CaseKind.RESTRICTION,
        "deletion_request": facts.kind == CaseKind.DELETION,
        "tracking_url": f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/{facts.language}/track",
        "code": _tracking_code(app, payload),
        "code_minutes": CODE_MINUTES,
    }
    template = email_kind.template
    message = _case_message(payload) if kind == "email.case_message" else None
    if message is not None:
        template = template.format(kind=MessageKind(message.kind).value)
        context["rights"] = list((message.params or {}).get("rights") or [])
        context["delivery"] = str((message.params or {}).get("delivery") or "")
        context["deleted"] = str((message.params or {}).get("deleted") or "")  # C15
        context["available_days"] = app.config.get("RESPONSE_AVAILABLE_DAYS", 90)
    # A fresh app context, so nothing this email sets (locale, translations) reaches the next.
    with (
        app.app_context(),
        app.test_request_context(f"/{facts.language}/", base_url=app.config["PUBLIC_BASE_URL"]),
    ):
        g.locale = facts.language
        with force_locale(babel_locale_for(facts.language)):
            due_date = format_date(facts.due_on, "long") if facts.due_on else ""
            subject = email_kind.subject(facts, payload)
            if message is not None:
                context["summary"] = message_summary(message, facts.about)
                context["staff_text"] = message_staff_text(message)
                context["restriction"] = restriction_sentences(message.params or {})
            body = render_template(template, due_date=due_date, **context)
    return Email(to=to, subject=subject, body=body, language=facts.language)


def _case_facts(app: Flask, payload: Mapping[str, Any]) -> CaseFacts:
    case_id = payload.get("case_id")
    if not isinstance(case_id, int):
        raise Undeliverable("the job names no case")
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise Undeliverable(f"case {case_id} does not exist")
    offered = app.extensions["council"].languages
    return CaseFacts(
        reference=case.reference,
        kind=CaseKind(case.kind),
        language=case.language if case.language in offered else DEFAULT_LOCALE,
        due_on=case.due_on,
        name=case.requester.full_name,
        email=case.requester.email.strip(),
        about=AboutWhom.of_case(case),
    )


def _case_message(payload: Mapping[str, Any]) -> CaseMessage:
    message_id = payload.get("message_id")
    if not isinstance(message_id, int):
        raise Undeliverable("the job names no message")
    message = db.session.get(CaseMessage, message_id, populate_existing=True)
    if message is None or message.case_id != payload.get("case_id"):
        raise Undeliverable(f"message {message_id} does not exist for this case")
    return message


def message_id_of(job: Job, sender: str) -> str:
    """The same for every try of a job, so a mail system can drop a repeated delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    created = aware(job.created_at)
    return f"<job-{job.id}.{int(created.timestamp())}@{domain}>"
