"""The words of the council's messages to the requester, in the requester's language: the
acknowledgement's title, each message's title and summary, and what staff wrote in it.

Emails (portal.jobs.emails), letters (portal.documents.letters) and the tracking page all
print these, so they never say different things (DESIGN.md section 2: wording that emails
and letters share lives in the domain, so documents never import jobs). Call them where a
locale is set (a request, or flask_babel.force_locale). C1, C3-C5, C7, C9-C11.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.bidi import isolate_text, long_date_text
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import (
    CaseMessage,
    DecisionOutcome,
    MessageKind,
    RefusalGround,
)
from portal.cases.models import CaseKind
from portal.cases.rights_message_words import (
    deletion_summary,
    lifting_summary,
    restriction_summary,
)


def received_title(kind: CaseKind, reference: str, about: AboutWhom) -> str:
    """The acknowledgement's title: the email's subject and the letter's heading."""
    if kind == CaseKind.OBJECTION:
        return _("We have received your objection (%(reference)s)", reference=reference)
    if kind == CaseKind.COMPLAINT:
        return _("We have received your complaint (%(reference)s)", reference=reference)
    if kind == CaseKind.CORRECTION:
        return _(
            "We have received your request to correct information (%(reference)s)",
            reference=reference,
        )
    if kind == CaseKind.RESTRICTION:
        return _(
            "We have received your request to stop using information (%(reference)s)",
            reference=reference,
        )
    if kind == CaseKind.DELETION:
        return _(
            "We have received your request to delete information (%(reference)s)",
            reference=reference,
        )
    return about.words(
        _l("We have received your request for your information (%(reference)s)"),
        _l("We have received your request for your child's information (%(reference)s)"),
        _l("We have received your request for information about %(name)s (%(reference)s)"),
        name=isolate_text(about.name),
        reference=reference,
    )


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
        MessageKind.COMPLAINT_ACKNOWLEDGEMENT: _("We have received your complaint"),
        MessageKind.COMPLAINT_PROGRESS: _("An update on your complaint"),
        MessageKind.COMPLAINT_OUTCOME: _("The outcome of your complaint"),
        MessageKind.CORRECTION_DECISION: _("Our decision on your request to correct information"),
        MessageKind.RESTRICTION_DECISION: _(
            "Our decision on your request to stop using information"
        ),
        MessageKind.DELETION_DECISION: _("Our decision on your request to delete information"),
        MessageKind.RESTRICTION_LIFTING: _("We will start using some information again"),
        MessageKind.REVIEW_OUTCOME: _("The outcome of your internal review"),
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
        return refusal_summary(params)
    if kind in COMPLAINT_MESSAGES:
        return complaint_summary(kind, params)
    if kind == MessageKind.RESPONSE_READY:
        delivery = params.get("delivery")
        if delivery == "post":
            return _("We have finished your request. We have sent your information to you by post.")
        if delivery == "hub":
            return _(
                "We have finished your request. You can collect your information at an Early Help Hub."  # noqa: E501
            )
        return _("We have finished your request. Your information is ready.")
    if kind == MessageKind.CORRECTION_DECISION:
        return correction_summary(params)
    if kind == MessageKind.RESTRICTION_DECISION:
        return restriction_summary(params, about)
    if kind == MessageKind.DELETION_DECISION:
        return deletion_summary(params)
    if kind == MessageKind.RESTRICTION_LIFTING:
        return lifting_summary(params, about)
    if kind == MessageKind.REVIEW_OUTCOME:
        return review_outcome_summary(params)
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


COMPLAINT_MESSAGES = frozenset(
    {
        MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
        MessageKind.COMPLAINT_PROGRESS,
        MessageKind.COMPLAINT_OUTCOME,
    }
)


def complaint_summary(kind: MessageKind, params: Mapping[str, Any]) -> str:
    """C13 (DPA 2018 s.164A): the acknowledgement, an update, or the outcome, in a sentence
    or two. The outcome date is the council's target, and says so."""
    if kind == MessageKind.COMPLAINT_ACKNOWLEDGEMENT:
        return _(
            "We received your complaint on %(date)s. We will look into it and tell you how it is going. We aim to tell you the outcome by %(target)s. This is our target, not a legal deadline.",  # noqa: E501
            date=_long_date(params.get("received_on")),
            target=_long_date(params.get("outcome_target_on")),
        )
    if kind == MessageKind.COMPLAINT_PROGRESS:
        return _("We are looking into your complaint. This is how it is going.")
    return _("We have finished looking into your complaint. The outcome is below.")


def correction_summary(params: Mapping[str, Any]) -> str:
    """C14, UK GDPR Art 16: corrected; or not, with the person's statement added to the
    record; or not, with reasons. The same words whoever the information is about."""
    outcome = params.get("outcome")
    if outcome == "corrected":
        return _("We have corrected the information you told us was wrong.")
    if outcome == "statement_added":
        return _(
            "We do not agree that the information is wrong, so we have not changed it. We have added your statement to the record, so that anyone who reads the record also reads what you say."  # noqa: E501
        )
    return _(
        "We do not agree that the information is wrong, so we have not changed it. Our reasons are below."  # noqa: E501
    )


def review_outcome_summary(params: Mapping[str, Any]) -> str:
    """What an internal review found (portal.cases.internal_reviews), as the resident reads
    it in the email, the letter and the tracking page."""
    asked_on = _long_date(params.get("asked_on"))
    outcome = params.get("outcome")
    if outcome == "upheld":
        return _(
            "We have reviewed our decision, as you asked on %(date)s. We agree with you: we got the decision wrong, and we will put it right. Our reasons are below.",  # noqa: E501
            date=asked_on,
        )
    if outcome == "partly_upheld":
        return _(
            "We have reviewed our decision, as you asked on %(date)s. We agree with you in part: we will change part of the decision. Our reasons are below.",  # noqa: E501
            date=asked_on,
        )
    return _(
        "We have reviewed our decision, as you asked on %(date)s. We think the decision was right, and it stays as it was. Our reasons are below.",  # noqa: E501
        date=asked_on,
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


def restriction_sentences(params: Mapping[str, Any]) -> list[str]:
    """C12: what a decision did to the restriction the requester asked for while it was
    made (Art 18(1)(d)): kept for the uses upheld; lifted, from the day given, for the
    uses that carry on (Art 18(3): they are told first). Emails, letters and the
    tracking page say it alike."""
    sentences: list[str] = []
    if params.get("restriction_confirmed"):
        sentences.append(
            _(
                "You asked us to stop the uses you objected to while we decided. The ones we have agreed to stop stay stopped."  # noqa: E501
            )
        )
    if params.get("restriction_lifted") and "outcome" not in params:  # a refusal
        sentences.append(
            _(
                "We stopped the uses you objected to while we considered your objection. As we have refused it, we will start them again on %(date)s.",  # noqa: E501
                date=_long_date(params.get("restriction_lifted_on")),
            )
        )
    elif params.get("restriction_lifted"):
        sentences.append(
            _(
                "We stopped the uses you objected to while we decided. We will start again on %(date)s with the ones we are carrying on with.",  # noqa: E501
                date=_long_date(params.get("restriction_lifted_on")),
            )
        )
    return sentences


# The words staff wrote for each kind of message, shown as written.
STAFF_TEXT_PARAMS = {
    MessageKind.IDENTITY_REQUEST: "what_is_needed",
    MessageKind.CLARIFICATION_REQUEST: "question",
    MessageKind.EXTENSION_NOTICE: "reason",
    MessageKind.REFUSAL: "reasons",
    MessageKind.DECISION_READY: "reasons",
    MessageKind.COMPLAINT_PROGRESS: "update",
    MessageKind.COMPLAINT_OUTCOME: "outcome",
    MessageKind.CORRECTION_DECISION: "reasons",
    MessageKind.RESTRICTION_DECISION: "reasons",
    MessageKind.DELETION_DECISION: "reasons",
    MessageKind.RESTRICTION_LIFTING: "reasons",
    MessageKind.REVIEW_OUTCOME: "reasons",
}


def message_staff_text(message: CaseMessage) -> str:
    """What staff wrote in the message (the question, the reasons), or ''."""
    key = STAFF_TEXT_PARAMS.get(MessageKind(message.kind))
    value = (message.params or {}).get(key) if key else None
    return value.strip() if isinstance(value, str) else ""


def refusal_summary(params: dict[str, Any]) -> str:
    """C5: the refusal, with its ground under UK GDPR Art 12(5) when one was recorded."""
    ground = params.get("ground")
    if ground == RefusalGround.MANIFESTLY_UNFOUNDED:
        return _(
            "We have decided not to deal with your request, because we consider it manifestly unfounded (UK GDPR Article 12(5)). Our reasons are below."  # noqa: E501
        )
    if ground == RefusalGround.EXCESSIVE:
        return _(
            "We have decided not to deal with your request, because we consider it manifestly excessive (UK GDPR Article 12(5)). Our reasons are below."  # noqa: E501
        )
    if ground == RefusalGround.REPETITIVE:
        return _(
            "We have decided not to deal with your request, because it repeats requests we have already dealt with, which makes it manifestly excessive (UK GDPR Article 12(5)). Our reasons are below."  # noqa: E501
        )
    return _("We have decided not to deal with your request. Our reasons are below.")


def _long_date(value: object) -> str:
    """A date for a sentence that emails, letters and the tracking page all print: isolated
    (portal.bidi) in a right-to-left language."""
    try:
        return long_date_text(date.fromisoformat(str(value)))
    except ValueError:
        return ""
