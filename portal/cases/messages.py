"""The council's messages to the requester: what each kind must say (message_text_keys),
writing one with the job that emails it (send_message), and the ones the tracking page
shows (messages_for). C1, C3, C4, C5, C7, C9, C10: the requester is told, in the same
transaction as the change, with the right to complain where a refusal or decision is given.

How each message reads in the requester's language is portal.cases.message_words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.models import Case
from portal.extensions import DbSession
from portal.outbox import enqueue

EMAIL_JOB = "email.case_message"

# The rights a requester is reminded of when refused or given a decision (C5, C10).
RIGHTS_TO_COMPLAIN = ("complain_to_council", "complain_to_ico", "go_to_court")


@dataclass(frozen=True)
class MessageText:
    """What a message's words (email and tracking page) need and must say."""

    params: tuple[str, ...]
    must_say: str


message_text_keys: Mapping[MessageKind, MessageText] = MappingProxyType(
    {
        MessageKind.IDENTITY_REQUEST: MessageText(
            ("what_is_needed",),
            "We need more proof of identity or authority before we can start: "
            "{what_is_needed}. The one month starts on the day it arrives (C1).",
        ),
        MessageKind.CLARIFICATION_REQUEST: MessageText(
            ("question", "asked_on"),
            "We need to know what your request covers: {question}. The time limit is "
            "paused from {asked_on} until the day we get your answer (C4).",
        ),
        MessageKind.EXTENSION_NOTICE: MessageText(
            ("reason", "previous_due_on", "due_on"),
            "We need more time because {reason}. We will now reply by {due_on} instead of "
            "{previous_due_on} (C3).",
        ),
        MessageKind.REFUSAL: MessageText(
            ("reasons", "rights"),
            "We will not deal with the request, because {reasons}: it is manifestly "
            "unfounded or excessive ({ground}, when recorded: Art 12(5)). You can complain "
            "to us, complain to the ICO (contact details) and go to court (C5, C10). "
            "`rights` lists: complain_to_council, complain_to_ico, go_to_court.",
        ),
        MessageKind.RESPONSE_READY: MessageText(
            ("delivery", "rights"),
            "Your information is ready: download it, or it is in the post ({delivery}). "
            "How to complain to us and to the ICO (C7, C10).",
        ),
        MessageKind.DECISION_READY: MessageText(
            ("outcome", "upheld_processing", "continuing_processing", "reasons", "rights"),
            "Our decision on your objection ({outcome}): what we have stopped "
            "({upheld_processing}, see processing_description), what continues and why "
            "({continuing_processing}, {reasons}); how to complain to us and to the ICO "
            "and the right to go to court (C9, C10).",
        ),
        MessageKind.COMPLAINT_ACKNOWLEDGEMENT: MessageText(
            ("received_on", "acknowledgement_due_on", "outcome_target_on"),
            "We have received your complaint on {received_on} (C13, DPA 2018 s.164A(3)); we "
            "aim to tell you the outcome by {outcome_target_on}, a target, not a deadline.",
        ),
        MessageKind.COMPLAINT_PROGRESS: MessageText(
            ("update",),
            "How your complaint is going: {update} (C13, DPA 2018 s.164A(5)(b)).",
        ),
        MessageKind.COMPLAINT_OUTCOME: MessageText(
            ("outcome", "rights"),
            "The outcome of your complaint: {outcome}; how to complain to the ICO, which "
            "expects us to have had the chance to answer first (C10, C13).",
        ),
        MessageKind.CORRECTION_DECISION: MessageText(
            (
                "outcome",
                "reasons",
                "record_now_says",
                "statement",
                "recipients_told",
                "recipients_asked",
                "rights",
            ),
            "Our decision on your request to correct ({outcome}: corrected, statement_added "
            "or not_corrected) and why ({reasons}); what the record says now, or the "
            "statement added to it; who we told, where you asked (Art 16, 19); how to "
            "complain to us and to the ICO and the right to go to court (C10, C14).",
        ),
        MessageKind.RESTRICTION_DECISION: MessageText(
            (
                "outcome",
                "reasons",
                "processing",
                "recipients_told",
                "recipients_asked",
                "rights",
            ),
            "Our decision on your request to restrict ({outcome}: restricted or "
            "not_restricted) and why ({reasons}); the uses we have stopped ({processing}, "
            "see processing_description); that we tell you before we lift it (Art 18(3)); "
            "who we told, where you asked (Art 19); how to complain to us and to the ICO and "
            "the right to go to court (C10, C14).",
        ),
        MessageKind.DELETION_DECISION: MessageText(
            (
                "outcome",
                "reasons",
                "deleted",
                "recipients_told",
                "recipients_asked",
                "rights",
            ),
            "Our decision on your request to delete ({outcome}: deleted, partly_deleted or "
            "not_deleted) and why ({reasons}); what we deleted ({deleted}); what you can still "
            "ask for where we keep it (Art 17(3)(b), C15); who we told, where you asked (Art "
            "19); how to complain to us and to the ICO and the right to go to court (C10, C14).",
        ),
        MessageKind.RESTRICTION_LIFTING: MessageText(
            ("processing", "lift_on", "reasons", "rights"),
            "We will lift the restriction of these uses ({processing}) on {lift_on}, and why "
            "({reasons}): told before it is lifted (Art 18(3), C14); how to complain to us and "
            "to the ICO and the right to go to court (C10).",
        ),
        MessageKind.REVIEW_OUTCOME: MessageText(
            ("outcome", "reasons", "rights", "asked_on"),
            "The outcome of the internal review you asked for on {asked_on} ({outcome}: "
            "upheld, partly_upheld or not_upheld) and its reasons ({reasons}); how to "
            "complain to the ICO if you are still unhappy, and the right to go to court (C10).",
        ),
    }
)


def messages_for(session: DbSession, case: Case) -> list[CaseMessage]:
    """The council's messages the requester may see on the tracking page, newest first."""
    return list(
        session.scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id, CaseMessage.visible_to_resident.is_(True))
            .order_by(CaseMessage.id.desc())
        )
    )


def send_message(
    session: DbSession,
    case: Case,
    kind: MessageKind,
    actor: str,
    moment: datetime,
    **params: Any,
) -> CaseMessage:
    """A message to the requester, and the job that emails it, in the caller's transaction."""
    message = record_message(session, case, kind, actor, moment, **params)
    enqueue(session, EMAIL_JOB, {"message_id": message.id, "case_id": case.id}, now=moment)
    return message


def record_message(
    session: DbSession,
    case: Case,
    kind: MessageKind,
    actor: str,
    moment: datetime,
    **params: Any,
) -> CaseMessage:
    """A message to the requester on the tracking page only, not emailed (send_message
    emails it too), in the caller's transaction."""
    message = CaseMessage(
        case_id=case.id,
        kind=kind,
        created_at=moment,
        created_by=actor,
        visible_to_resident=True,
        params=params,
    )
    session.add(message)
    session.flush()
    return message
