"""The emails residents get, one per job kind, in the language of their request.

Each email is built from a fresh read of the case, so it says what is true when it is sent.
It names the resident and gives the reference, dates and the council's contacts: never
the resident's files or any other personal detail.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from flask import Flask, current_app, g, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.bidi import isolate_text, long_date_text, ltr_text
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import CaseMessage, DecisionOutcome, MessageKind
from portal.cases.models import Case, CaseKind
from portal.extensions import db
from portal.i18n import DEFAULT_LOCALE
from portal.jobs import mail
from portal.jobs.models import Job

# The tracking code's lifetime, as the resident is told it (service.CODE_LIFETIME).
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


def received_title(kind: CaseKind, reference: str, about: AboutWhom) -> str:
    """The acknowledgement's title: the email's subject and the letter's heading."""
    if kind == CaseKind.OBJECTION:
        return _("We have received your objection (%(reference)s)", reference=reference)
    return about.words(
        _l("We have received your request for your information (%(reference)s)"),
        _l("We have received your request for your child's information (%(reference)s)"),
        _l("We have received your request for information about %(name)s (%(reference)s)"),
        name=isolate_text(about.name),
        reference=reference,
    )


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


# The council's messages to the requester (casework): one title per kind, for the email's
# subject and the tracking page.
def message_title(kind: str, about: AboutWhom | None = None) -> str:
    if about is not None and not about.myself and kind == MessageKind.RESPONSE_READY:
        return _("The information you asked for is ready")
    titles = {
        MessageKind.IDENTITY_REQUEST: _("We need more proof of identity"),
        MessageKind.CLARIFICATION_REQUEST: _("We need to know more about your request"),
        MessageKind.EXTENSION_NOTICE: _("We need more time to reply"),
        MessageKind.REFUSAL: _("We have refused your request"),
        MessageKind.RESPONSE_READY: _("Your information is ready"),
        MessageKind.DECISION_READY: _("Our decision on your objection"),
    }
    return titles.get(MessageKind(kind), "")


def message_summary(message: CaseMessage, about: AboutWhom | None = None) -> str:
    """What the message means, in a sentence or two (dates in the current locale), about
    the requester's own information unless `about` says it is someone else's."""
    params = message.params or {}
    kind = MessageKind(message.kind)
    their = _their_summary(kind, params) if about is not None and not about.myself else None
    if their is not None:
        return their
    if kind == MessageKind.IDENTITY_REQUEST:
        return _(
            "We need more proof of who you are, or that you may act for someone, before we can start work on your request. The month we have to reply starts on the day we receive it."  # noqa: E501
        )
    if kind == MessageKind.CLARIFICATION_REQUEST:
        return _(
            "We need you to tell us more about what your request covers. The time limit is paused from %(date)s until the day we get your answer.",  # noqa: E501
            date=_long_date(params.get("asked_on")),
        )
    if kind == MessageKind.EXTENSION_NOTICE:
        return _(
            "We need more time, because your request is complex or you have sent us several. We will now reply by %(due_date)s instead of %(previous_due_date)s.",  # noqa: E501
            due_date=_long_date(params.get("due_on")),
            previous_due_date=_long_date(params.get("previous_due_on")),
        )
    if kind == MessageKind.REFUSAL:
        return _("We have decided not to deal with your request. Our reasons are below.")
    if kind == MessageKind.RESPONSE_READY:
        delivery = params.get("delivery")
        if delivery == "post":
            return _("We have finished your request. We have sent your information to you by post.")
        if delivery == "hub":
            return _(
                "We have finished your request. You can collect your information at an Early Help Hub."  # noqa: E501
            )
        return _("We have finished your request. Your information is ready.")
    outcome = params.get("outcome")
    if outcome == DecisionOutcome.UPHELD:
        return _(
            "We agree with your objection. We have stopped using your information in the ways you objected to."  # noqa: E501
        )
    if outcome == DecisionOutcome.PARTLY_UPHELD:
        return _(
            "We agree with part of your objection. We have stopped some of the uses you objected to and will carry on with others, for the reasons below."  # noqa: E501
        )
    return _(
        "We do not agree with your objection. We will carry on using your information, for the reasons below."  # noqa: E501
    )


def _their_summary(kind: MessageKind, params: Mapping[str, Any]) -> str | None:
    """A response or decision about someone else's information (a child's, or a person
    the requester acts for), where it reads differently."""
    if kind == MessageKind.RESPONSE_READY:
        delivery = params.get("delivery")
        if delivery == "post":
            return _("We have finished your request. We have sent the information to you by post.")
        if delivery == "hub":
            return _(
                "We have finished your request. You can collect the information at an Early Help Hub."  # noqa: E501
            )
        return _("We have finished your request. The information is ready.")
    if kind != MessageKind.DECISION_READY:
        return None
    outcome = params.get("outcome")
    if outcome == DecisionOutcome.UPHELD:
        return _(
            "We agree with your objection. We have stopped using their information in the ways you objected to."  # noqa: E501
        )
    if outcome == DecisionOutcome.NOT_UPHELD:
        return _(
            "We do not agree with your objection. We will carry on using their information, for the reasons below."  # noqa: E501
        )
    return None


# The words staff wrote for each kind of message, shown as written.
STAFF_TEXT_PARAMS = {
    MessageKind.IDENTITY_REQUEST: "what_is_needed",
    MessageKind.CLARIFICATION_REQUEST: "question",
    MessageKind.EXTENSION_NOTICE: "reason",
    MessageKind.REFUSAL: "reasons",
    MessageKind.DECISION_READY: "reasons",
}


def message_staff_text(message: CaseMessage) -> str:
    """What staff wrote in the message (the question, the reasons), or ''."""
    key = STAFF_TEXT_PARAMS.get(MessageKind(message.kind))
    value = (message.params or {}).get(key) if key else None
    return value.strip() if isinstance(value, str) else ""


def _long_date(value: object) -> str:
    """A date for a sentence that emails, letters and the tracking page all print: isolated
    (portal.bidi) in a right-to-left language."""
    try:
        return long_date_text(date.fromisoformat(str(value)))
    except ValueError:
        return ""


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
        message_id=_message_id(job, app.config["MAIL_SENDER"]),
    )
    try:
        mail.send(message, app.config, job_id=job.id)
    except smtplib.SMTPRecipientsRefused as refused:
        if all(code >= 500 for code, _reply in refused.recipients.values()):
            raise Undeliverable("the mail server refused the address") from None
        raise
    return None


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
        "tracking_url": f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/{facts.language}/track",
        "code": str(payload.get("code", "")),
        "code_minutes": CODE_MINUTES,
    }
    template = email_kind.template
    message = _case_message(payload) if kind == "email.case_message" else None
    if message is not None:
        template = template.format(kind=MessageKind(message.kind).value)
        context["rights"] = list((message.params or {}).get("rights") or [])
        context["delivery"] = str((message.params or {}).get("delivery") or "")
        context["available_days"] = app.config.get("RESPONSE_AVAILABLE_DAYS", 90)
    # A fresh app context, so nothing this email sets (locale, translations) reaches the next.
    with (
        app.app_context(),
        app.test_request_context(f"/{facts.language}/", base_url=app.config["PUBLIC_BASE_URL"]),
    ):
        g.locale = facts.language
        with force_locale(babel_locale(facts.language)):
            due_date = format_date(facts.due_on, "long") if facts.due_on else ""
            subject = email_kind.subject(facts, payload)
            if message is not None:
                context["summary"] = message_summary(message, facts.about)
                context["staff_text"] = message_staff_text(message)
            body = render_template(template, due_date=due_date, **context)
    return Email(to=to, subject=subject, body=body, language=facts.language)


def babel_locale(language: str) -> str:
    """British English dates for English emails, as on English pages."""
    return "en_GB" if language == DEFAULT_LOCALE else language


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


def _message_id(job: Job, sender: str) -> str:
    """The same for every try of a job, so a mail system can drop a repeated delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    created = job.created_at
    if created.tzinfo is None:  # SQLite returns naive UTC datetimes
        created = created.replace(tzinfo=UTC)
    return f"<job-{job.id}.{int(created.timestamp())}@{domain}>"
