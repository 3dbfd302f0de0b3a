"""Letters for requesters who get their post on paper: which letters a case has, and the
record that staff printed one and sent it, with the date.

Every case has its acknowledgement; each council message (identity request, clarification,
extension, refusal, objection decision) has its letter. An access request's response pack,
once made, is posted too: recording that completes the case, as a download does; so does
recording that an objection's decision letter was posted (portal.cases.delivery).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal.cases import audit, clock, closing, delivery, errors
from portal.cases.casework_models import CaseMessage
from portal.cases.document_models import CaseDocument, DocumentStatus, LetterPosting
from portal.cases.models import Case, CaseKind, CaseState
from portal.documents.letters import MESSAGE_KINDS, LetterKind
from portal.extensions import DbSession
from portal.instants import aware, utc_now

RESPONSE_PACK = "response_pack"

# What staff see for each letter (staff pages are in English).
LETTER_TITLES = {
    LetterKind.ACKNOWLEDGEMENT: "Acknowledgement",
    LetterKind.IDENTITY_REQUEST: "Request for proof of identity",
    LetterKind.CLARIFICATION_REQUEST: "Request for clarification",
    LetterKind.EXTENSION_NOTICE: "Extension notice",
    LetterKind.REFUSAL: "Refusal",
    LetterKind.OBJECTION_DECISION: "Objection decision",
    LetterKind.COMPLAINT_ACKNOWLEDGEMENT: "Complaint acknowledgement",
    LetterKind.COMPLAINT_PROGRESS: "Complaint progress update",
    LetterKind.COMPLAINT_OUTCOME: "Complaint outcome",
    LetterKind.CORRECTION_DECISION: "Correction decision",
    LetterKind.RESTRICTION_DECISION: "Restriction decision",
    LetterKind.DELETION_DECISION: "Deletion decision",
    LetterKind.RESTRICTION_LIFTING: "Notice before lifting a restriction",
    LetterKind.REVIEW_OUTCOME: "Internal review outcome",
    RESPONSE_PACK: "Response pack (the information requested)",
}


# The letters whose posting sends a decision (an objection's; on a request to correct,
# restrict or delete) or an outcome (a complaint's): posting one completes the case
# (portal.cases.delivery). The notice before a restriction is lifted does not (Art 18(3)).
DECISION_LETTERS = frozenset(
    {
        LetterKind.OBJECTION_DECISION,
        LetterKind.COMPLAINT_OUTCOME,
        LetterKind.CORRECTION_DECISION,
        LetterKind.RESTRICTION_DECISION,
        LetterKind.DELETION_DECISION,
    }
)


class PostingRefused(errors.CaseworkError):
    pass


@dataclass(frozen=True)
class Letter:
    kind: str  # a LetterKind value, or RESPONSE_PACK
    title: str
    dated: date
    message_id: int | None
    postings: tuple[LetterPosting, ...]


def letters_for(session: DbSession, case: Case) -> list[Letter]:
    """The case's letters, oldest first, with any postings recorded."""
    postings = list(
        session.scalars(
            select(LetterPosting).where(LetterPosting.case_id == case.id).order_by(LetterPosting.id)
        )
    )

    def posted(kind: str, message_id: int | None) -> tuple[LetterPosting, ...]:
        return tuple(p for p in postings if p.document_kind == kind and p.message_id == message_id)

    # A complaint's acknowledgement is a message of its own (C13).
    letters = [
        Letter(
            LetterKind.ACKNOWLEDGEMENT.value,
            LETTER_TITLES[LetterKind.ACKNOWLEDGEMENT],
            case.received_on,
            None,
            posted(LetterKind.ACKNOWLEDGEMENT.value, None),
        )
    ][: 0 if case.kind == CaseKind.COMPLAINT else 1]
    by_message = {message: kind for kind, message in MESSAGE_KINDS.items()}
    messages = session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    )
    for message in messages:
        kind = by_message.get(message.kind)
        if kind is None:
            continue
        letters.append(
            Letter(
                kind.value,
                LETTER_TITLES[kind],
                clock.received_on(aware(message.created_at)),
                message.id,
                posted(kind.value, message.id),
            )
        )
    pack = _ready_pack(session, case)
    if pack is not None and pack.ready_at is not None:
        letters.append(
            Letter(
                RESPONSE_PACK,
                LETTER_TITLES[RESPONSE_PACK],
                clock.received_on(aware(pack.ready_at)),
                None,
                posted(RESPONSE_PACK, None),
            )
        )
    return letters


def record_posting(
    session: DbSession,
    case: Case,
    *,
    document_kind: str,
    message_id: int | None,
    sent_on: date,
    actor: str,
    now: datetime | None = None,
) -> LetterPosting:
    """Staff sent this letter by post on `sent_on`. Posting the response pack of an access
    request, or the decision letter of an objection, completes the case (C7, C9), in the
    same transaction."""
    moment = now or utc_now()
    today = clock.received_on(moment)
    letter = next(
        (
            each
            for each in letters_for(session, case)
            if each.kind == document_kind and each.message_id == message_id
        ),
        None,
    )
    if letter is None:
        raise PostingRefused("There is no such letter for this case")
    if sent_on > today:
        raise PostingRefused("The date it was posted cannot be in the future")
    if sent_on < case.received_on:
        raise PostingRefused("The date it was posted cannot be before the request was received")
    posting = LetterPosting(
        case_id=case.id,
        document_kind=document_kind,
        message_id=message_id,
        sent_on=sent_on,
        recorded_by=actor,
        recorded_at=moment,
    )
    session.add(posting)
    session.flush()
    audit.record(
        session,
        action="sent_by_post",
        actor=actor,
        case_id=case.id,
        details={"letter": document_kind, "message_id": message_id, "sent_on": sent_on.isoformat()},
        now=moment,
    )
    if (
        document_kind == RESPONSE_PACK
        and case.kind == CaseKind.ACCESS
        and case.state == CaseState.READY
    ):
        closing.complete(session, case, actor=actor, now=moment, sent_by="post")  # commits
        return posting
    if document_kind in DECISION_LETTERS and delivery.decision_sent(
        session, case, sent_by="post", actor=actor, now=moment
    ):
        return posting  # committed with the objection's completion
    session.commit()
    return posting


def _ready_pack(session: DbSession, case: Case) -> CaseDocument | None:
    return session.scalar(
        select(CaseDocument)
        .where(CaseDocument.case_id == case.id, CaseDocument.status == DocumentStatus.READY)
        .order_by(CaseDocument.id.desc())
        .limit(1)
    )
