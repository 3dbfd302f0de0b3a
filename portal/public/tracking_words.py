"""What "Follow your request" says about a request: its status in each state, for each kind
(DESIGN.md section 3), why its due date is what it is, and what each step on its timeline
meant. Every state of every kind has words of its own that are true of it: what is
happening, and what the resident can do.

Sentences are translated whole and put side by side, so a status is made of sentences the
catalogue already has wherever one is shared (messages stay on one line, so the extracted
msgid is exact: hence the noqa: E501).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.bidi import isolate_text
from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.tracking import TimelineEntry
from portal.public import complaint_words, rights_tracking_words

S = CaseState
ACCESS = CaseKind.ACCESS
OBJECTION = CaseKind.OBJECTION
CORRECTION = CaseKind.CORRECTION

KIND_WORDS: dict[CaseKind, Any] = {
    ACCESS: _l("Request for a copy of your information"),
    OBJECTION: _l("Objection to how we use your information"),
    CaseKind.COMPLAINT: complaint_words.KIND,
    CORRECTION: _l("Request to correct information"),
    **rights_tracking_words.KINDS,
}


@dataclass(frozen=True)
class Status:
    """A request's status as its requester reads it."""

    name: str  # the tag
    tag_class: str
    explanation: str  # what is happening
    next_step: str = ""  # what the requester can do now, if anything


TAG_CLASSES: dict[CaseState, str] = {
    S.RECEIVED: "govuk-tag--blue",
    S.AWAITING_IDENTITY: "govuk-tag--orange",
    S.IN_PROGRESS: "govuk-tag--light-blue",
    S.AWAITING_CLARIFICATION: "govuk-tag--orange",
    S.IN_REVIEW: "govuk-tag--purple",
    S.READY: "govuk-tag--turquoise",
    S.COMPLETED: "govuk-tag--green",
    S.REFUSED: "govuk-tag--red",
    S.WITHDRAWN: "govuk-tag--grey",
}

# The tag: a state's short name, where the kinds differ in what the state means.
NAMES: dict[tuple[CaseKind, CaseState], Any] = {
    **{(kind, S.RECEIVED): _l("Received") for kind in CaseKind},
    **{(kind, S.AWAITING_IDENTITY): _l("We need more proof") for kind in CaseKind},
    (ACCESS, S.IN_PROGRESS): _l("Searching"),
    (OBJECTION, S.IN_PROGRESS): _l("Being considered"),
    (CORRECTION, S.IN_PROGRESS): _l("Being considered"),
    **{(kind, S.AWAITING_CLARIFICATION): _l("Waiting for your answer") for kind in CaseKind},
    **{(kind, S.IN_REVIEW): _l("Being checked") for kind in CaseKind},
    (ACCESS, S.READY): _l("Being prepared"),
    (OBJECTION, S.READY): _l("Decision being sent"),
    (CORRECTION, S.READY): _l("Decision being sent"),
    (ACCESS, S.COMPLETED): _l("Completed"),
    (OBJECTION, S.COMPLETED): _l("Decision made"),
    (CORRECTION, S.COMPLETED): _l("Decision made"),
    **{(kind, S.REFUSED): _l("Refused") for kind in CaseKind},
    **{(kind, S.WITHDRAWN): _l("Withdrawn") for kind in CaseKind},
    **complaint_words.NAMES,
    **rights_tracking_words.NAMES,
}

# C14: a request to correct (UK GDPR Art 16), in each state.
CORRECTION_OPENINGS: dict[tuple[CaseKind, CaseState], Any] = {
    (CORRECTION, S.RECEIVED): _l("We have your request to correct information we hold."),
    (CORRECTION, S.AWAITING_IDENTITY): _l(
        "We cannot start considering your request until we have more proof of who you are, or that you may act for the person it is about."  # noqa: E501
    ),
    (CORRECTION, S.IN_PROGRESS): _l(
        "We are checking the information you say is wrong against our records and the evidence."
    ),
    # C4 never pauses a correction request (Art 12A is for Art 15): words for one paused
    # by hand, so that no state of any kind is without a status.
    (CORRECTION, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about your request. Our message below has the question."
    ),
    (CORRECTION, S.IN_REVIEW): _l(
        "We have drafted our decision on your request. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (CORRECTION, S.READY): _l(
        "A senior officer has approved our decision on your request. We are sending it to you now, and you can read it in our message below."  # noqa: E501
    ),
    (CORRECTION, S.COMPLETED): _l("We have made our decision on your request."),
    (CORRECTION, S.REFUSED): _l(
        "We have refused to deal with your request. Our message below gives our reasons."
    ),
    (CORRECTION, S.WITHDRAWN): _l(
        "You withdrew your request, so we have stopped work on it. You can ask again at any time."
    ),
}

# What is happening: the sentences that open each status.
OPENINGS: dict[tuple[CaseKind, CaseState], Any] = {
    (ACCESS, S.RECEIVED): _l("We have your request for a copy of your information."),
    (OBJECTION, S.RECEIVED): _l("We have your objection to how we use your information."),
    (ACCESS, S.AWAITING_IDENTITY): _l(
        "We cannot start searching for your information until we have more proof of who you are, or that you may act for the person the request is about."  # noqa: E501
    ),
    (OBJECTION, S.AWAITING_IDENTITY): _l(
        "We cannot start considering your objection until we have more proof of who you are, or that you may act for the person it is about."  # noqa: E501
    ),
    (ACCESS, S.IN_PROGRESS): _l(
        "We are searching the records of the services involved for your information."
    ),
    (OBJECTION, S.IN_PROGRESS): _l(
        "We are considering your objection: we are looking at your reasons, and at why we use the information."  # noqa: E501
    ),
    (ACCESS, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about what your request covers. Our message below has the question."  # noqa: E501
    ),
    (OBJECTION, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about your objection. Our message below has the question."
    ),
    (ACCESS, S.IN_REVIEW): _l(
        "We have prepared our response to your request. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (OBJECTION, S.IN_REVIEW): _l(
        "We have drafted our decision on your objection. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (ACCESS, S.READY): _l(
        "A senior officer has approved our response. We are making your copy of your information."
    ),
    (OBJECTION, S.READY): _l(
        "A senior officer has approved our decision on your objection. We are sending it to you now, and you can read it in our message below."  # noqa: E501
    ),
    (ACCESS, S.COMPLETED): _l("We have finished your request."),
    (OBJECTION, S.COMPLETED): _l("We have made our decision on your objection."),
    (ACCESS, S.REFUSED): _l(
        "We have refused your request for a copy of your information. Our message below gives our reasons."  # noqa: E501
    ),
    (OBJECTION, S.REFUSED): _l(
        "We have refused to deal with your objection. Our message below gives our reasons."
    ),
    (ACCESS, S.WITHDRAWN): _l(
        "You withdrew your request, so we have stopped work on it. If you want a copy of your information later, you can make a new request."  # noqa: E501
    ),
    **CORRECTION_OPENINGS,
    # UK GDPR Art 21(1): a person may object "at any time".
    (OBJECTION, S.WITHDRAWN): _l(
        "You withdrew your objection, so we have stopped considering it. You can object again at any time."  # noqa: E501
    ),
    **complaint_words.OPENINGS,
    **rights_tracking_words.OPENINGS,
}

# Received: whose move it is to prove who the requester is.
PROOF_SENT = _l("We are checking the proof of identity you sent.")
PROOF_TO_CHECK = _l("We are checking who you are before we start.")
PROOF_AT_HUB = (
    _l("Before we start, we need to check who you are."),
    # The words of the confirmation page (public/journey/sent.html).
    _l(
        "Take your photo ID and proof of address to an Early Help Hub and quote your reference number."  # noqa: E501
    ),
)
SEND_MORE_PROOF = _l(
    "Our message below says what we need. You can send photos or scans of it with the button below."
)
ANSWER_THE_QUESTION = _l(
    "Reply to our email or call us to answer it. The time limit is paused until we have your answer."  # noqa: E501
)

# Ready and completed access requests: how the copy reaches the requester (the delivery
# question of the journey: download, post or hub).
READY_DELIVERY: dict[str, Any] = {
    "download": _l("We will email you when you can download it from this page."),
    "post": _l("Then we will post it to you."),
    "hub": _l("We will tell you when you can collect it at an Early Help Hub."),
}
COPY_AVAILABLE = _l("Your copy of your information is ready: download it below.")
COPY_EXPIRED = _l("The time to download your copy of your information has ended: see below.")
COPY_DELIVERED: dict[str, Any] = {
    "post": _l("We have posted your copy of your information to you."),
    "hub": _l("Your copy of your information is ready to collect at an Early Help Hub."),
}
COPY_SENT = _l("We have sent you your copy of your information.")

# The decision, in the words of its message (portal.cases.message_words.message_summary).
OUTCOMES: dict[DecisionOutcome, Any] = {
    DecisionOutcome.UPHELD: _l(
        "We agree with your objection. We have stopped using your information in the ways you objected to."  # noqa: E501
    ),
    DecisionOutcome.PARTLY_UPHELD: _l(
        "We agree with part of your objection. We have stopped some of the uses you objected to and will carry on with others, for the reasons below."  # noqa: E501
    ),
    DecisionOutcome.NOT_UPHELD: _l(
        "We do not agree with your objection. We will carry on using your information, for the reasons below."  # noqa: E501
    ),
}
# UK GDPR Art 21(1): the right to object, on grounds of one's particular situation, "at
# any time"; new circumstances are new grounds.
OBJECT_AGAIN = _l("If your circumstances change, you can object again.")

# C5, C10: how to complain (UK GDPR Art 12(4), 77 and 79; DPA 2018 s.164A): to the
# council first, then to the ICO; and the right to go to court.
COMPLAIN: dict[tuple[CaseKind, CaseState], Any] = {
    (ACCESS, S.COMPLETED): _l(
        "If you are unhappy with our response, contact us first. You can also complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint, and you have the right to go to court."  # noqa: E501
    ),
    (CORRECTION, S.COMPLETED): _l(
        "If you are unhappy with our decision, contact us first. You can also complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint, and you have the right to go to court."  # noqa: E501
    ),
    (OBJECTION, S.COMPLETED): _l(
        "If you are unhappy with our decision, contact us first. You can also complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint, and you have the right to go to court."  # noqa: E501
    ),
    **{
        (kind, S.REFUSED): _l(
            "If you disagree with our refusal, contact us first. You can also complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint, and you have the right to go to court."  # noqa: E501
        )
        for kind in CaseKind
    },
    **complaint_words.COMPLAIN,
    **rights_tracking_words.COMPLAIN,
}


def merged_banner(old_reference: str, reference: str) -> str:
    """Issue 19 point 1: a resident signed in with the reference of a duplicate merged into
    this request, and is shown this one."""
    return _(
        "Your request %(old_reference)s asked for the same thing as this request, so we have joined them. This request, %(reference)s, is the one we will reply to. Use %(reference)s to follow it from now on.",  # noqa: E501
        old_reference=isolate_text(old_reference),
        reference=isolate_text(reference),
    )


def status_of(
    case: Case, *, outcome: DecisionOutcome | None = None, download: str | None = None
) -> Status:
    """The status of a request as its requester reads it. `outcome` is the approved
    decision on an objection; `download` says whether the response pack released for
    download is "available" or "expired" (None when none was released)."""
    kind, state = CaseKind(case.kind), CaseState(case.state)
    if case.merged_into_id is not None:
        return Status(
            name=_("Joined to another request"),
            tag_class=TAG_CLASSES[state],
            explanation=_(
                "This request asked for the same thing as another request, so we have joined the two and closed this one. We will reply to the other request. If you have a question, contact us."  # noqa: E501
            ),
            next_step="",
        )
    sentences: list[Any] = [OPENINGS[kind, state]]
    if state == S.RECEIVED:
        sentences += _proof(case)
    elif state == S.AWAITING_IDENTITY:
        sentences.append(SEND_MORE_PROOF)
    elif state == S.AWAITING_CLARIFICATION:
        sentences.append(ANSWER_THE_QUESTION)
    elif state == S.READY and kind == ACCESS and delivery_of(case) in READY_DELIVERY:
        sentences.append(READY_DELIVERY[delivery_of(case)])
    elif state == S.COMPLETED and kind == ACCESS:
        sentences.append(_delivered(case, download))
    elif state == S.COMPLETED and outcome is not None:
        sentences.append(OUTCOMES[outcome])
    next_steps: list[Any] = []
    if state == S.COMPLETED and kind == OBJECTION and outcome != DecisionOutcome.UPHELD:
        next_steps.append(OBJECT_AGAIN)
    if (kind, state) in COMPLAIN:
        next_steps.append(COMPLAIN[kind, state])
    return Status(
        name=str(NAMES[kind, state]),
        tag_class=TAG_CLASSES[state],
        explanation=" ".join(str(sentence) for sentence in sentences),
        next_step=" ".join(str(sentence) for sentence in next_steps),
    )


def delivery_of(case: Case) -> str:
    """How the requester of an access request asked to get their copy, or ''."""
    delivery = (case.details or {}).get("delivery")
    how = delivery.get("delivery") if isinstance(delivery, dict) else None
    return how if isinstance(how, str) else ""


def _proof(case: Case) -> list[Any]:
    if case.files:
        return [PROOF_SENT]
    if case.identity_at_hub and case.channel == Channel.ONLINE:
        return list(PROOF_AT_HUB)  # they chose to show their documents at a hub
    return [PROOF_TO_CHECK]


def _delivered(case: Case, download: str | None) -> Any:
    if download == "available":
        return COPY_AVAILABLE
    if download == "expired":
        return COPY_EXPIRED
    return COPY_DELIVERED.get(delivery_of(case), COPY_SENT)


def due_explanation(case: Case) -> str:
    """C1-C4 in a sentence: why the due date is what it is, and what could move it."""
    state = CaseState(case.state)
    if case.kind == CaseKind.COMPLAINT:
        return str(complaint_words.TARGET)
    if state == S.AWAITING_IDENTITY:
        return _(
            "The month starts on the day we receive the proof we asked for, so this date may move later."  # noqa: E501
        )
    if state == S.AWAITING_CLARIFICATION:
        return _(
            "The time limit is paused while we wait for your answer. The date moves later by the days we wait."  # noqa: E501
        )
    if case.extended:
        return _(
            "We have extended the time limit by two months, because the request is complex or you have sent us several. We have written to tell you why."  # noqa: E501
        )
    if state == S.RECEIVED and not case.files:
        return _(
            "This is one month from the day we received your request. If we need more proof of who you are, the month starts again when it arrives."  # noqa: E501
        )
    if state == S.RECEIVED:
        return _(
            "This is one month from the day we received your request, if the proof of identity you sent is enough. If we need more, the month starts again when it arrives."  # noqa: E501
        )
    return _(
        "The law gives us one month. When the last day is a weekend or a bank holiday, we have until the next working day."  # noqa: E501
    )


# What the council's steps mean to the requester (the audit actions the timeline shows).
TIMELINE_WORDS = {
    "identity_requested": _l("We asked for more proof of identity"),
    "identity_accepted": _l("We confirmed who you are and started work on your request"),
    "clarification_requested": _l("We asked you what your request covers"),
    "clarification_answered": _l("We received your answer"),
    "deadline_extended": _l("We extended the time limit by two months"),
    "request_refused": _l("We refused your request"),
    "response_completed": _l("We finished work on your request"),
    "decision_approved": _l("We made our decision on your objection"),
    "correction_approved": _l("We made our decision on your request to correct information"),
    "response_pack_ready": _l("We made your copy of your information"),
    "response_downloaded": _l("You downloaded your information"),
    "complaint_acknowledged": _l("We acknowledged your complaint"),
    "complaint_outcome_approved": _l("We decided the outcome of your complaint"),
    **rights_tracking_words.TIMELINE_WORDS,
}
POSTED_WORDS = {
    "response_pack": _l("We posted your copy of your information to you"),
    "objection_decision": _l("We posted our decision to you"),
    "correction_decision": _l("We posted our decision to you"),
    **rights_tracking_words.POSTED_WORDS,
}


def timeline_text(entry: TimelineEntry, case: Case) -> str:
    if entry.action == "request_submitted":
        if case.kind == OBJECTION:
            return _("We received your objection")
        if case.kind == CaseKind.COMPLAINT:
            return _("We received your complaint")
        return _("We received your request")
    if entry.action == "evidence_added":
        files = entry.details.get("files")
        count = files if isinstance(files, int) and files > 0 else 1
        if entry.by_requester:
            return ngettext("You sent %(num)d more file", "You sent %(num)d more files", count)
        return ngettext(
            "We added %(num)d file you gave us", "We added %(num)d files you gave us", count
        )
    if entry.action == "request_withdrawn":
        if entry.by_requester:
            return _("You withdrew your request")
        return _("Your request was withdrawn")
    if entry.action == "response_completed" and case.kind != ACCESS:
        return _("We sent you our decision")
    if entry.action == "response_completed" and case.kind == CaseKind.COMPLAINT:
        return _("We sent you the outcome of your complaint")
    if entry.action == "sent_by_post":
        posted = POSTED_WORDS.get(str(entry.details.get("letter", "")))
        return str(posted) if posted is not None else _("We sent you a letter by post")
    words = TIMELINE_WORDS.get(entry.action)
    if words is not None:
        return str(words)
    return _("We updated your request")
