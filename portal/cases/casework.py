"""Casework: what staff do to a case, from checking identity to the response or decision.

Each service function follows the same shape (see service.py): lock the case row, check
the rule and the move against the workflow table, change the rows, append one audit event,
queue what the requester must be told, and commit; so a case is never half-changed and
never changed without its record. A rule broken raises a CaseworkError (a ValueError)
whose message says what to fix; nothing is written then.

`actor` is who acted, for example "staff:12". `now` (an aware datetime) fixes the clock
for tests; legal dates are its Europe/London date.

Free text that staff write (questions, reasons, notes) is kept in its own row, never in
the append-only audit trail, whose details hold ids, dates and codes only.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import select

from portal.cases import audit, clock, service
from portal.cases.agencies import agency_name
from portal.cases.casework_models import (
    DEPARTMENT_KEY_LENGTH,
    CaseAssignment,
    CaseMessage,
    CaseNote,
    Clarification,
    DecisionOutcome,
    DecisionStatus,
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    ExemptionCode,
    MessageKind,
    ObjectionAssessment,
    ObjectionDecision,
    RestrictionEntry,
    Review,
    ReviewDecision,
    SearchOutcome,
)
from portal.cases.document_models import (
    RESPONSE_PACK_JOB,
    CaseDocument,
    DocumentKind,
    DocumentStatus,
)
from portal.cases.models import Case, CaseKind, CaseState, Channel, ClockPause
from portal.cases.requests import Submission
from portal.cases.workflow import can_move, check_move, is_closed
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.outbox import enqueue

S = CaseState
_E = TypeVar("_E", bound=StrEnum)

REVIEWER_ROLE = "reviewer"
EMAIL_JOB = "email.case_message"

# States in which searches, disclosure items and assessments may be recorded: the draft
# is frozen while the reviewer has it, and nothing is searched before identity is settled.
WORKING_STATES = frozenset({S.IN_PROGRESS, S.AWAITING_CLARIFICATION})
IDENTITY_PENDING = frozenset({S.RECEIVED, S.AWAITING_IDENTITY})

# The rights a requester is reminded of when refused or given a decision (C5, C10).
RIGHTS_TO_COMPLAIN = ("complain_to_council", "complain_to_ico", "go_to_court")

# Audit actions that record staff working steps, not progress the requester would follow.
# The tracking timeline (service.timeline) should leave these out.
STAFF_ONLY_ACTIONS = frozenset(
    {
        "note_added",
        "case_assigned",
        "search_recorded",
        "disclosure_item_added",
        "submitted_for_review",
        "draft_returned",
        "draft_approved",
        "objection_assessed",
        "decision_proposed",
    }
)

NOTE_LENGTH = 10_000
NAME_LENGTH = 200
TITLE_LENGTH = 300


# Errors ------------------------------------------------------------------------------


class CaseworkError(ValueError):
    """A casework rule was broken; the message says what to fix."""


class MissingText(CaseworkError):
    """Something that must be written down (reasons, a question, a summary) is empty."""


class WrongCaseKind(CaseworkError):
    pass


class CaseClosed(CaseworkError):
    pass


class ClockNotStarted(CaseworkError):
    pass


class InvalidDate(CaseworkError):
    pass


class ExtensionRefused(CaseworkError):
    """C3: too late (after the first month), or already extended."""


class NoOpenPause(CaseworkError):
    pass


class NoSearchRecorded(CaseworkError):
    """C6: a response goes to review only after at least one search is recorded."""


class SearchAlreadyRecorded(CaseworkError):
    """C6: each department's search is recorded once for a case."""


class NothingToReview(CaseworkError):
    pass


class OwnDraft(CaseworkError):
    """Nobody approves their own draft."""


class ReviewerRequired(CaseworkError):
    """C5: only the reviewer may refuse a request."""


class ProcessingInvalid(CaseworkError):
    pass


class NoAssessment(CaseworkError):
    pass


class DecisionInvalid(CaseworkError):
    """The outcome and the processing upheld do not agree."""


class ObjectionNotOverridden(CaseworkError):
    """C9: processing continues only where the assessment shows grounds for it."""


# Exemptions (C8) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Exemption:
    staff_explanation: str  # for the reviewer and the case file
    resident_explanation: str  # plain English for the response; translate at the edge
    source: str


EXEMPTIONS: Mapping[ExemptionCode, Exemption] = MappingProxyType(
    {
        ExemptionCode.THIRD_PARTY: Exemption(
            "Information about another person, withheld: they have not consented and "
            "disclosing it without consent would not be reasonable.",
            "Some information is about other people. We removed it to protect their privacy.",
            "DPA 2018 Sch 2 para 16",
        ),
        ExemptionCode.CRIME_PREVENTION: Exemption(
            "Disclosure would be likely to prejudice the prevention or detection of crime "
            "or the catching or prosecution of offenders.",
            "Some information was removed because sharing it could get in the way of "
            "preventing or solving crime.",
            "DPA 2018 Sch 2 para 2",
        ),
        ExemptionCode.SOCIAL_WORK_SERIOUS_HARM: Exemption(
            "Social work data: disclosure would be likely to prejudice social work by "
            "causing serious harm to the physical or mental health of anyone.",
            "Some social care information was removed because sharing it could cause "
            "serious harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 3",
        ),
        ExemptionCode.HEALTH_SERIOUS_HARM: Exemption(
            "Health data: the appropriate health professional advises that disclosure "
            "would be likely to cause serious harm to the physical or mental health of anyone.",
            "Some health information was removed because a health professional told us "
            "sharing it could cause serious harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 2",
        ),
        ExemptionCode.EDUCATION_SERIOUS_HARM: Exemption(
            "Education data: disclosure would be likely to cause serious harm to the "
            "physical or mental health of anyone.",
            "Some school information was removed because sharing it could cause serious "
            "harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 4",
        ),
        ExemptionCode.CHILD_ABUSE_DATA: Exemption(
            "Child abuse data requested for a child by someone with parental "
            "responsibility: disclosure would not be in the child's best interests.",
            "Some information was removed because sharing it would not be in the "
            "child's best interests.",
            "DPA 2018 Sch 3 Part 5",
        ),
        ExemptionCode.RESEARCH_STATISTICS: Exemption(
            "Held only for research or statistics, with safeguards, results not "
            "identifying anyone; access would prevent or seriously impair that purpose.",
            "Some information is used only for research and statistics, not to make "
            "decisions about you.",
            "DPA 2018 Sch 2 para 27",
        ),
        ExemptionCode.LEGAL_PROFESSIONAL_PRIVILEGE: Exemption(
            "Covered by legal professional privilege (legal advice or litigation).",
            "Some information is confidential legal advice, which the law lets us keep back.",
            "DPA 2018 Sch 2 para 19",
        ),
        ExemptionCode.MANAGEMENT_FORECASTING: Exemption(
            "Management forecasting or planning: disclosure would be likely to prejudice "
            "the council's conduct of its business.",
            "Some information is about the council's plans, which the law lets us keep "
            "back while sharing it could harm them.",
            "DPA 2018 Sch 2 para 22",
        ),
    }
)


# Messages to the requester -------------------------------------------------------------


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
            "We will not deal with the request, because {reasons}. You can complain to us, "
            "complain to the ICO (contact details) and go to court (C5, C10). `rights` "
            "lists: complain_to_council, complain_to_ico, go_to_court.",
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


# Identity and the clock (C1-C4) ----------------------------------------------------------


def accept_identity(
    session: DbSession,
    case: Case,
    *,
    evidence_arrived_on: date,
    actor: str,
    now: datetime | None = None,
) -> None:
    """C1: identity (or authority) is accepted and the clock starts.

    The relevant time is the later of the request's receipt and the day the accepted
    evidence arrived; the due date is counted from it (C2), with any extension (C3) and
    closed clarification pauses (C4).
    """
    moment = _moment(now)
    _lock(session, case)
    if case.state not in IDENTITY_PENDING:
        raise CaseworkError("Identity has already been accepted for this request")
    check_move(case.state, S.IN_PROGRESS)
    today = clock.received_on(moment)
    if evidence_arrived_on > today:
        raise InvalidDate("The evidence cannot have arrived after today")
    start = max(evidence_arrived_on, case.received_on)
    case.clock_started_on = start
    case.due_on = clock.due_date(start, extended=case.extended, pauses=_closed_pauses(case))
    case.state = S.IN_PROGRESS
    _audit(
        session,
        case,
        "identity_accepted",
        actor,
        moment,
        evidence_arrived_on=evidence_arrived_on.isoformat(),
        clock_started_on=start.isoformat(),
        due_on=case.due_on.isoformat(),
    )
    session.commit()


def request_identity(
    session: DbSession,
    case: Case,
    *,
    what_is_needed: str,
    actor: str,
    now: datetime | None = None,
) -> CaseMessage:
    """C1: the council asks for more proof of identity or authority; the clock has not
    started and starts on the day acceptable proof arrives (accept_identity)."""
    moment = _moment(now)
    needed = _required(what_is_needed, "Say what proof of identity or authority is needed")
    _lock(session, case)
    check_move(case.state, S.AWAITING_IDENTITY)
    case.state = S.AWAITING_IDENTITY
    case.clock_started_on = None
    case.due_on = None
    message = _message(
        session, case, MessageKind.IDENTITY_REQUEST, actor, moment, what_is_needed=needed
    )
    _audit(session, case, "identity_requested", actor, moment, message_id=message.id)
    session.commit()
    return message


def ask_clarification(
    session: DbSession,
    case: Case,
    *,
    question: str,
    actor: str,
    now: datetime | None = None,
) -> ClockPause:
    """C4: the council asks what the request covers; the clock stops from today.

    While the pause is open the stored due date counts closed pauses only (the earliest
    the answer can be due); it moves when the answer is recorded.
    """
    moment = _moment(now)
    text = _required(question, "Write the question the requester needs to answer")
    _lock(session, case)
    check_move(case.state, S.AWAITING_CLARIFICATION)
    start = _clock_start(case)
    today = clock.received_on(moment)
    if today < start:
        raise InvalidDate("A clarification cannot be asked before the clock started")
    pause = ClockPause(asked_on=today, answered_on=None)
    case.pauses.append(pause)
    case.state = S.AWAITING_CLARIFICATION
    session.flush()
    session.add(
        Clarification(
            case_id=case.id, pause_id=pause.id, question=text, asked_by=actor, asked_at=moment
        )
    )
    message = _message(
        session,
        case,
        MessageKind.CLARIFICATION_REQUEST,
        actor,
        moment,
        question=text,
        asked_on=today.isoformat(),
    )
    _audit(
        session,
        case,
        "clarification_requested",
        actor,
        moment,
        pause_id=pause.id,
        asked_on=today.isoformat(),
        message_id=message.id,
    )
    session.commit()
    return pause


def record_clarification_answer(
    session: DbSession,
    case: Case,
    *,
    answer: str,
    answered_on: date,
    actor: str,
    now: datetime | None = None,
) -> None:
    """C4: the answer arrived; the days from asking to answering, both included, do not
    count, so the due date moves later by that many days. The clock runs again."""
    moment = _moment(now)
    text = _required(answer, "Write down the requester's answer")
    _lock(session, case)
    pause = _open_pause(case)
    if case.state != S.AWAITING_CLARIFICATION or pause is None:
        raise NoOpenPause("No clarification question is waiting for an answer")
    check_move(case.state, S.IN_PROGRESS)
    if answered_on < pause.asked_on:
        raise InvalidDate("The answer cannot have arrived before the question was asked")
    if answered_on > clock.received_on(moment):
        raise InvalidDate("The answer cannot have arrived after today")
    pause.answered_on = answered_on
    clarification = session.scalar(select(Clarification).where(Clarification.pause_id == pause.id))
    if clarification is not None:
        clarification.answer = text
        clarification.answer_recorded_by = actor
        clarification.answer_recorded_at = moment
    previous_due = case.due_on
    _recompute_due(case)
    case.state = S.IN_PROGRESS
    _audit(
        session,
        case,
        "clarification_answered",
        actor,
        moment,
        pause_id=pause.id,
        answered_on=answered_on.isoformat(),
        paused_days=(answered_on - pause.asked_on).days + 1,
        previous_due_on=_iso(previous_due),
        due_on=_iso(case.due_on),
    )
    session.commit()


def extend(
    session: DbSession,
    case: Case,
    *,
    reason: str,
    actor: str,
    today: date | None = None,
    now: datetime | None = None,
) -> CaseMessage:
    """C3: two further months (three in all) for a complex or numerous request.

    Only once, only with a reason, and only before the first month ends: on or before
    the unextended due date, later by the clarification pauses so far (C4; an open pause
    counts up to today). The requester is told, with the reason, in the same transaction.
    """
    moment = _moment(now)
    text = _required(reason, "Give the reason the request needs more time")
    _lock(session, case)
    _open(case)
    start = _clock_start(case)
    if case.extended:
        raise ExtensionRefused("The deadline has already been extended once")
    day = today or clock.received_on(moment)
    first_month_ends = _first_month_ends(case, start, day)
    if day > first_month_ends:
        raise ExtensionRefused(
            f"Too late to extend: the first month ended on {first_month_ends.isoformat()}"
        )
    previous_due = case.due_on
    case.extended = True
    _recompute_due(case)
    message = _message(
        session,
        case,
        MessageKind.EXTENSION_NOTICE,
        actor,
        moment,
        reason=text,
        previous_due_on=_iso(previous_due),
        due_on=_iso(case.due_on),
    )
    _audit(
        session,
        case,
        "deadline_extended",
        actor,
        moment,
        previous_due_on=_iso(previous_due),
        due_on=_iso(case.due_on),
        message_id=message.id,
    )
    session.commit()
    return message


def explain_case_due_date(case: Case) -> clock.DueDateExplanation | None:
    """C1-C4: how the case's due date is worked out, step by step; None while the council
    waits for proof of identity (no clock). Before identity is checked, the count runs
    from receipt, as the date shown to the requester does."""
    if case.clock_started_on is None and case.state != S.RECEIVED:
        return None
    start = case.clock_started_on or case.received_on
    return clock.explain_due_date(start, extended=case.extended, pauses=_closed_pauses(case))


# Searches and the response (C6-C8) ---------------------------------------------------


def record_search(
    session: DbSession,
    case: Case,
    *,
    department: str,
    department_key: str | None = None,
    searched_on: date,
    outcome: SearchOutcome,
    reason_not_searched: str = "",
    actor: str,
    now: datetime | None = None,
) -> DepartmentSearch:
    """C6: a reasonable and proportionate search, department by department. A department
    not searched needs a reason, which is kept only for that outcome. Each department is
    recorded once per case (the response lists it once): the same name again, in any
    case or spacing, is refused. `department_key` is the department's key in the council
    profile (None for one it does not list), by which letters name it in the requester's
    language; `department` is its English name (the profile's, so one key is one name)."""
    moment = _moment(now)
    name = _required(department, "Name the department searched", limit=NAME_LENGTH)
    key = _profile_department_key(department_key)
    outcome = _enum(SearchOutcome, outcome, "search outcome")
    reason = reason_not_searched.strip() if outcome == SearchOutcome.NOT_SEARCHED else ""
    if outcome == SearchOutcome.NOT_SEARCHED and not reason:
        raise MissingText("Say why this department was not searched")
    _lock(session, case)
    _working(case)
    earlier = _search_of(session, case, name, key)
    if earlier is not None:
        raise SearchAlreadyRecorded(
            f"A search of {earlier.department} is already recorded for this case "
            f"(searched on {earlier.searched_on:%-d %B %Y}): each department is recorded once"
        )
    if searched_on > clock.received_on(moment):
        raise InvalidDate("A search cannot be dated after today")
    if searched_on < case.received_on:
        raise InvalidDate("A search cannot be dated before the request was received")
    search = DepartmentSearch(
        case_id=case.id,
        department=name,
        department_key=key,
        searched_on=searched_on,
        outcome=outcome,
        reason_not_searched=reason,
        recorded_by=actor,
        recorded_at=moment,
    )
    session.add(search)
    session.flush()
    _audit(
        session,
        case,
        "search_recorded",
        actor,
        moment,
        search_id=search.id,
        outcome=str(outcome),
    )
    session.commit()
    return search


def _department_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _search_of(
    session: DbSession, case: Case, department: str, profile_key: str | None
) -> DepartmentSearch | None:
    """The search already recorded for this department: the same profile key (an older row
    typed as "Housing Services" and one picked as "Housing" are one department), or the
    same name whatever its case or spacing."""
    name = _department_key(department)
    searches = session.scalars(select(DepartmentSearch).where(DepartmentSearch.case_id == case.id))
    return next(
        (
            s
            for s in searches
            if _department_key(s.department) == name
            or (profile_key is not None and s.department_key == profile_key)
        ),
        None,
    )


def _profile_department_key(key: str | None) -> str | None:
    """A department's key in the council profile, as the profile writes keys."""
    if not key:
        return None
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key) or len(key) > DEPARTMENT_KEY_LENGTH:
        raise CaseworkError(f"{key!r} is not a department key of the council profile")
    return key


def disclosure_associated_data(reference: str, sha256: str) -> bytes:
    """Binds an uploaded disclosure file to its case, so a blob cannot be moved."""
    return f"disclosure-item:{reference}:{sha256}".encode()


def add_disclosure_item(
    session: DbSession,
    case: Case,
    *,
    source_department: str,
    source_department_key: str | None = None,
    title: str,
    kind: DisclosureKind,
    content: str | bytes,
    item_date: date | None,
    exemptions: Sequence[ExemptionCode] = (),
    redaction_note: str = "",
    actor: str,
    cipher: EvidenceCipher | None = None,
    original_name: str = "",
    media_type: str = "application/octet-stream",
    now: datetime | None = None,
) -> DisclosureItem:
    """C7-C8: one item of the access response: typed text, or a file encrypted at rest.

    Exemptions are applied item by item and recorded (C8); when any is applied, the
    redaction note must say what was withheld. The source department is named as in
    record_search: its English name, and its key in the council profile if it has one.
    """
    moment = _moment(now)
    department = _required(source_department, "Name the department", limit=NAME_LENGTH)
    department_key = _profile_department_key(source_department_key)
    heading = _required(title, "Give the item a title", limit=TITLE_LENGTH)
    kind = _enum(DisclosureKind, kind, "item kind")
    codes = _exemption_codes(exemptions)
    note = redaction_note.strip()
    if codes and not note:
        raise MissingText("Say what was withheld from this item and why (C8)")
    _lock(session, case)
    _of_kind(case, CaseKind.ACCESS)
    _working(case)
    if item_date is not None and item_date > clock.received_on(moment):
        raise InvalidDate("An item cannot be dated after today")
    item = DisclosureItem(
        case_id=case.id,
        source_department=department,
        source_department_key=department_key,
        title=heading,
        kind=kind,
        item_date=item_date,
        exemptions=[str(code) for code in codes],
        redaction_note=note,
        added_by=actor,
        added_at=moment,
    )
    if kind == DisclosureKind.TYPED:
        if not isinstance(content, str) or not content.strip():
            raise MissingText("Type the information for this item")
        item.text = content
    else:
        if not isinstance(content, bytes) or not content:
            raise MissingText("Choose the file for this item")
        if cipher is None:
            raise CaseworkError("An uploaded item needs the evidence cipher to encrypt it")
        digest = hashlib.sha256(content).hexdigest()
        item.original_name = original_name.strip()[:NAME_LENGTH]
        item.media_type = media_type[:100]
        item.size = len(content)
        item.sha256 = digest
        item.encrypted = cipher.encrypt(
            content, associated_data=disclosure_associated_data(case.reference, digest)
        )
    session.add(item)
    session.flush()
    _audit(
        session,
        case,
        "disclosure_item_added",
        actor,
        moment,
        item_id=item.id,
        kind=str(kind),
        exemptions=item.exemptions,
    )
    session.commit()
    return item


def decrypt_disclosure_item(case: Case, item: DisclosureItem, *, cipher: EvidenceCipher) -> bytes:
    """The file of an uploaded item. Callers that show it to someone record a download
    event (DESIGN.md section 3: every file download is audited)."""
    if item.kind != DisclosureKind.UPLOADED or item.encrypted is None:
        raise CaseworkError("This item has no file")
    return cipher.decrypt(
        item.encrypted, associated_data=disclosure_associated_data(case.reference, item.sha256)
    )


# Review ---------------------------------------------------------------------------------


def pending_review(session: DbSession, case: Case) -> Review | None:
    """The draft waiting for the reviewer, if any."""
    return session.scalar(
        select(Review)
        .where(Review.case_id == case.id, Review.decision.is_(None))
        .order_by(Review.id.desc())
        .limit(1)
    )


def submit_for_review(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    summary: str,
    now: datetime | None = None,
) -> Review:
    """A draft access response goes to the reviewer; the drafter is recorded, so they
    cannot approve it. C6: at least one department search must be recorded first."""
    moment = _moment(now)
    text = _required(summary, "Summarise the draft for the reviewer")
    _lock(session, case)
    _of_kind(case, CaseKind.ACCESS)
    check_move(case.state, S.IN_REVIEW)
    searched = session.scalar(
        select(DepartmentSearch.id).where(DepartmentSearch.case_id == case.id).limit(1)
    )
    if searched is None:
        raise NoSearchRecorded("Record the searches made before sending the draft for review")
    review = Review(case_id=case.id, submitted_by=actor, submitted_at=moment, summary=text)
    session.add(review)
    case.state = S.IN_REVIEW
    session.flush()
    _audit(session, case, "submitted_for_review", actor, moment, review_id=review.id)
    session.commit()
    return review


def approve(session: DbSession, case: Case, *, actor: str, now: datetime | None = None) -> None:
    """The reviewer approves the draft access response: nobody approves their own draft.
    The case is ready, and the worker is asked to make the response pack."""
    moment = _moment(now)
    _lock(session, case)
    _of_kind(case, CaseKind.ACCESS)
    check_move(case.state, S.READY)
    review = _review_in_progress(session, case)
    if review.submitted_by == actor:
        raise OwnDraft("Nobody approves their own draft: another member of staff must review it")
    review.decision = ReviewDecision.APPROVED
    review.decided_by = actor
    review.decided_at = moment
    case.state = S.READY
    document = queue_response_pack(session, case, now=moment)
    _audit(
        session, case, "draft_approved", actor, moment, review_id=review.id, document_id=document.id
    )
    session.commit()


def queue_response_pack(session: DbSession, case: Case, *, now: datetime) -> CaseDocument:
    """In the caller's transaction: a queued response pack and the job that will make it
    (portal.documents.production)."""
    document = CaseDocument(
        case_id=case.id,
        kind=DocumentKind.RESPONSE_PACK,
        status=DocumentStatus.QUEUED,
        language=case.language,
        created_at=now,
    )
    session.add(document)
    session.flush()
    enqueue(session, RESPONSE_PACK_JOB, {"case_id": case.id, "document_id": document.id}, now=now)
    return document


def return_for_changes(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    comments: str,
    now: datetime | None = None,
) -> None:
    """The reviewer sends a draft response or decision back, saying what to change."""
    moment = _moment(now)
    text = _required(comments, "Say what needs to change")
    _lock(session, case)
    if case.state != S.IN_REVIEW:
        raise NothingToReview("There is no draft waiting for review")
    check_move(case.state, S.IN_PROGRESS)
    review = _review_in_progress(session, case)
    review.decision = ReviewDecision.RETURNED
    review.decided_by = actor
    review.decided_at = moment
    review.comments = text
    decision = _proposed_decision(session, case)
    if decision is not None:
        decision.status = DecisionStatus.RETURNED
    case.state = S.IN_PROGRESS
    _audit(session, case, "draft_returned", actor, moment, review_id=review.id)
    session.commit()


def complete(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    now: datetime | None = None,
    sent_by: str = "",
) -> None:
    """C7: the approved response has been released (download) or posted; the case closes.
    The requester of an access request is told it is ready. An objection's decision was
    told when it was approved, and completes the case once it has been sent, by email or
    by post (portal.cases.delivery). `sent_by` says how, for the record."""
    moment = _moment(now)
    _lock(session, case)
    check_move(case.state, S.COMPLETED)
    case.state = S.COMPLETED
    case.closed_at = moment
    details: dict[str, Any] = {"sent_by": sent_by} if sent_by else {}
    if case.kind == CaseKind.ACCESS:
        delivery = (case.details or {}).get("delivery") or {}
        message = _message(
            session,
            case,
            MessageKind.RESPONSE_READY,
            actor,
            moment,
            delivery=str(delivery.get("delivery", "")) if isinstance(delivery, dict) else "",
            rights=list(RIGHTS_TO_COMPLAIN),
        )
        details["message_id"] = message.id
    _audit(session, case, "response_completed", actor, moment, **details)
    session.commit()


def refuse(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    actor_role: str,
    reasons: str,
    now: datetime | None = None,
) -> CaseMessage:
    """C5: a manifestly unfounded or excessive request is refused, by the reviewer only,
    with reasons; the requester is told them, with the right to complain to the ICO and
    to go to court (C10)."""
    moment = _moment(now)
    if actor_role != REVIEWER_ROLE:
        raise ReviewerRequired("Only the reviewer can refuse a request")
    text = _required(reasons, "Give the reasons for refusing the request (C5)")
    _lock(session, case)
    check_move(case.state, S.REFUSED)
    case.state = S.REFUSED
    case.closed_at = moment
    message = _message(
        session,
        case,
        MessageKind.REFUSAL,
        actor,
        moment,
        reasons=text,
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    _audit(session, case, "request_refused", actor, moment, message_id=message.id)
    session.commit()
    return message


def record_withdrawal(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    how_received: Channel | str,
    now: datetime | None = None,
) -> None:
    """The requester withdrew by phone, letter, email or in person, and staff record it.
    The case closes and the clock stops for good; the requester gets the usual email."""
    moment = _moment(now)
    channel = _enum(Channel, how_received, "way the withdrawal was received")
    _lock(session, case)
    check_move(case.state, S.WITHDRAWN)
    case.state = S.WITHDRAWN
    case.closed_at = moment
    # The same action as a withdrawal online, so the requester's timeline words it alike.
    _audit(session, case, "request_withdrawn", actor, moment, how_received=str(channel))
    enqueue(session, "email.request_withdrawn", {"case_id": case.id}, now=moment)
    session.commit()


# Intake, assignment, notes ----------------------------------------------------------------


def log_staff_intake(
    session: DbSession,
    submission: Submission,
    *,
    channel: Channel,
    received_at: datetime,
    actor: str,
    idempotency_key: str,
    cipher: EvidenceCipher,
    now: datetime | None = None,
) -> Case:
    """C1-C2: a request made by phone, letter, email or in person at a hub, keyed in by staff.

    It is received when the council actually received it (a letter may arrive days before
    it is keyed in), so the clock counts from that Europe/London date; the request's
    audit event carries that time too, and the details record who keyed it in and when.
    The same idempotency key always yields the same single case.
    """
    moment = _moment(now)
    channel = _enum(Channel, channel, "channel")
    if channel == Channel.ONLINE:
        raise CaseworkError("Requests made online are not keyed in by staff")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise InvalidDate("Give the time the request was received with its time zone")
    if received_at > moment:
        raise InvalidDate("A request cannot have been received after now")
    details = {
        **submission.details,
        "staff_intake": {"keyed_in_by": actor, "keyed_in_at": moment.isoformat()},
    }
    return service.submit_request(
        session,
        dataclasses.replace(submission, channel=channel, details=details),
        idempotency_key=idempotency_key,
        cipher=cipher,
        actor=actor,
        now=received_at.astimezone(UTC),
    )


def assignee_of(session: DbSession, case: Case) -> str | None:
    return session.scalar(select(CaseAssignment.assignee).where(CaseAssignment.case_id == case.id))


def assign(
    session: DbSession,
    case: Case,
    *,
    assignee: str | None,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Give an open case to a member of staff (or to nobody, with None)."""
    moment = _moment(now)
    who = assignee.strip() if assignee else None
    _lock(session, case)
    _open(case)
    row = session.scalar(select(CaseAssignment).where(CaseAssignment.case_id == case.id))
    previous = row.assignee if row else None
    if row is None:
        row = CaseAssignment(case_id=case.id)
        session.add(row)
    row.assignee = who or None
    row.assigned_by = actor
    row.assigned_at = moment
    _audit(session, case, "case_assigned", actor, moment, assignee=who, previous=previous)
    session.commit()


def add_note(
    session: DbSession, case: Case, *, text: str, actor: str, now: datetime | None = None
) -> CaseNote:
    """A note for staff on any case, open or closed; never shown to the requester."""
    moment = _moment(now)
    body = _required(text, "Write the note", limit=NOTE_LENGTH)
    _lock(session, case)
    note = CaseNote(case_id=case.id, author=actor, text=body, created_at=moment)
    session.add(note)
    session.flush()
    _audit(session, case, "note_added", actor, moment, note_id=note.id)
    session.commit()
    return note


# Objections (C9) -----------------------------------------------------------------------

PUBLIC_TASK_PROCESSING = frozenset({"programme"})  # and every "sharing:<agency>"
RESEARCH_PROCESSING = frozenset({"national_study", "local_research"})
_AGENCY = re.compile(r"[a-z][a-z0-9_]{0,39}")

_PROCESSING_DESCRIPTIONS = {
    "programme": "Linking their information for the Think Family programme",
    "national_study": "Sending their information to the National Impact Study (ONS and NIESR)",
    "local_research": "Using their information for local research on the programme",
}


def _check_processing(value: str) -> str:
    if value in PUBLIC_TASK_PROCESSING or value in RESEARCH_PROCESSING:
        return value
    prefix, _colon, agency = value.partition(":")
    if prefix == "sharing" and _AGENCY.fullmatch(agency):
        return value
    raise ProcessingInvalid(
        f"Unknown processing {value!r}: use programme, sharing:<agency>, national_study "
        "or local_research"
    )


def is_research(processing: str) -> bool:
    return processing in RESEARCH_PROCESSING


def processing_description(processing: str) -> str:
    """Plain English for staff and data teams: what stops when this processing is upheld."""
    if processing.startswith("sharing:"):
        return f"Sharing their information with {agency_name(processing.partition(':')[2])}"
    return _PROCESSING_DESCRIPTIONS.get(processing, processing)


def _described(processing: Iterable[str]) -> str:
    return "; ".join(processing_description(p) for p in processing)


def processing_objected_to(case: Case) -> list[str]:
    """What the requester's objection names, as processing keys ("sharing:police")."""
    answers = (case.details or {}).get("processing") or {}
    if not isinstance(answers, dict):
        return []
    keys: list[str] = []
    for value in answers.get("processing") or []:
        if value == "sharing":
            keys.extend(f"sharing:{agency}" for agency in answers.get("agencies") or [])
        else:
            keys.append(str(value))
    return keys


def latest_assessment(session: DbSession, case: Case) -> ObjectionAssessment | None:
    return session.scalar(
        select(ObjectionAssessment)
        .where(ObjectionAssessment.case_id == case.id)
        .order_by(ObjectionAssessment.id.desc())
        .limit(1)
    )


def must_stop(assessment: ObjectionAssessment) -> list[str]:
    """C9: the processing the council has shown no grounds to continue, which must stop.

    Public-task processing (the programme, sharing) continues only with compelling
    legitimate grounds that override the person's interests, or for legal claims;
    research continues only where it is necessary for a task in the public interest.
    """
    stop: list[str] = []
    for processing in assessment.processing_affected:
        if is_research(processing):
            justified = bool(assessment.public_interest_research.strip())
        else:
            justified = bool(assessment.compelling_grounds.strip()) or assessment.legal_claims
        if not justified:
            stop.append(processing)
    return stop


def assess_objection(
    session: DbSession,
    case: Case,
    *,
    grounds_raised: str,
    processing_affected: Sequence[str],
    compelling_grounds: str = "",
    public_interest_research: str = "",
    legal_claims: bool = False,
    actor: str,
    now: datetime | None = None,
) -> ObjectionAssessment:
    """C9: weigh the objection: the person's grounds, the processing it affects, and any
    compelling legitimate grounds, legal claims or public-interest research that would let
    processing continue. A new assessment replaces the last one."""
    moment = _moment(now)
    grounds = _required(grounds_raised, "Summarise the grounds the person raised")
    affected = _unique([_check_processing(p.strip()) for p in processing_affected])
    if not affected:
        raise ProcessingInvalid("Choose at least one processing the objection affects")
    _lock(session, case)
    _of_kind(case, CaseKind.OBJECTION)
    _working(case)
    assessment = ObjectionAssessment(
        case_id=case.id,
        grounds_raised=grounds,
        processing_affected=affected,
        compelling_grounds=compelling_grounds.strip(),
        public_interest_research=public_interest_research.strip(),
        legal_claims=bool(legal_claims),
        assessed_by=actor,
        assessed_at=moment,
    )
    session.add(assessment)
    session.flush()
    _audit(
        session,
        case,
        "objection_assessed",
        actor,
        moment,
        assessment_id=assessment.id,
        processing_affected=affected,
        legal_claims=bool(legal_claims),
    )
    session.commit()
    return assessment


def propose_decision(
    session: DbSession,
    case: Case,
    *,
    outcome: DecisionOutcome,
    upheld_processing: Sequence[str],
    reasons: str,
    actor: str,
    now: datetime | None = None,
) -> ObjectionDecision:
    """C9: propose the decision on the latest assessment and send it to the reviewer.

    upheld: every affected processing stops (an empty list means all of them);
    partly_upheld: some, not all, stop; not_upheld: none stop. Reasons are required, and
    processing may continue only where the assessment shows grounds for it (must_stop).
    """
    moment = _moment(now)
    outcome = _enum(DecisionOutcome, outcome, "decision")
    text = _required(reasons, "Give the reasons for the decision")
    _lock(session, case)
    _of_kind(case, CaseKind.OBJECTION)
    check_move(case.state, S.IN_REVIEW)
    assessment = latest_assessment(session, case)
    if assessment is None:
        raise NoAssessment("Assess the objection before proposing a decision")
    affected = list(assessment.processing_affected)
    upheld = _unique([_check_processing(p.strip()) for p in upheld_processing])
    if outcome == DecisionOutcome.UPHELD and not upheld:
        upheld = affected
    outside = [p for p in upheld if p not in affected]
    if outside:
        raise DecisionInvalid(f"Not affected by this objection: {_described(outside)}")
    if outcome == DecisionOutcome.UPHELD and set(upheld) != set(affected):
        raise DecisionInvalid("An upheld objection stops all the processing it affects")
    if outcome == DecisionOutcome.NOT_UPHELD and upheld:
        raise DecisionInvalid("An objection not upheld stops no processing")
    if outcome == DecisionOutcome.PARTLY_UPHELD and not 0 < len(upheld) < len(affected):
        raise DecisionInvalid(
            "A partly upheld objection stops some, but not all, of the processing it affects"
        )
    unjustified = [p for p in must_stop(assessment) if p not in upheld]
    if unjustified:
        raise ObjectionNotOverridden(
            "The assessment shows no grounds to continue: "
            f"{_described(unjustified)}. Uphold the objection for these, or reassess (C9)"
        )
    ordered = [p for p in affected if p in upheld]
    decision = ObjectionDecision(
        case_id=case.id,
        assessment_id=assessment.id,
        outcome=outcome,
        upheld_processing=ordered,
        reasons=text,
        status=DecisionStatus.PROPOSED,
        proposed_by=actor,
        proposed_at=moment,
    )
    review = Review(
        case_id=case.id,
        submitted_by=actor,
        submitted_at=moment,
        summary=f"Proposed decision: {str(outcome).replace('_', ' ')}",
    )
    session.add_all([decision, review])
    case.state = S.IN_REVIEW
    session.flush()
    _audit(
        session,
        case,
        "decision_proposed",
        actor,
        moment,
        decision_id=decision.id,
        review_id=review.id,
        outcome=str(outcome),
        upheld_processing=ordered,
    )
    session.commit()
    return decision


def approve_decision(
    session: DbSession, case: Case, *, actor: str, now: datetime | None = None
) -> list[RestrictionEntry]:
    """C9: the reviewer approves the proposed decision (never the person who proposed it).

    Each processing upheld goes on the restriction register from today; the requester is
    told the decision, what stops, what continues and why.
    """
    moment = _moment(now)
    _lock(session, case)
    _of_kind(case, CaseKind.OBJECTION)
    check_move(case.state, S.READY)
    review = _review_in_progress(session, case)
    decision = _proposed_decision(session, case)
    if decision is None:
        raise NothingToReview("There is no proposed decision to approve")
    if actor in (decision.proposed_by, review.submitted_by):
        raise OwnDraft("Nobody approves their own draft: another member of staff must review it")
    today = clock.received_on(moment)
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = actor
    decision.approved_at = moment
    review.decision = ReviewDecision.APPROVED
    review.decided_by = actor
    review.decided_at = moment
    subject = case.subject
    entries = [
        RestrictionEntry(
            case_id=case.id,
            decision_id=decision.id,
            reference=case.reference,
            subject_person_id=subject.id,
            subject_name=subject.full_name,
            date_of_birth=subject.date_of_birth,
            processing=processing,
            from_date=today,
            created_at=moment,
        )
        for processing in decision.upheld_processing
    ]
    session.add_all(entries)
    case.state = S.READY
    assessment = session.get(ObjectionAssessment, decision.assessment_id)
    affected = assessment.processing_affected if assessment else decision.upheld_processing
    message = _message(
        session,
        case,
        MessageKind.DECISION_READY,
        actor,
        moment,
        outcome=str(decision.outcome),
        upheld_processing=list(decision.upheld_processing),
        continuing_processing=[p for p in affected if p not in decision.upheld_processing],
        reasons=decision.reasons,
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    _audit(
        session,
        case,
        "decision_approved",
        actor,
        moment,
        decision_id=decision.id,
        outcome=str(decision.outcome),
        restrictions=len(entries),
        message_id=message.id,
    )
    session.commit()
    return entries


# The restriction register ----------------------------------------------------------------


@dataclass(frozen=True)
class RestrictionRow:
    reference: str
    subject_name: str
    date_of_birth: date | None
    processing: str
    description: str
    from_date: date


REGISTER_HEADER = (
    "Reference",
    "Name",
    "Date of birth",
    "Processing",
    "What stops",
    "From",
)

# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def restriction_register(session: DbSession) -> list[RestrictionRow]:
    """Every processing stopped by an upheld objection, oldest first, for data teams."""
    entries = session.scalars(
        select(RestrictionEntry).order_by(RestrictionEntry.from_date, RestrictionEntry.id)
    )
    return [
        RestrictionRow(
            reference=entry.reference,
            subject_name=entry.subject_name,
            date_of_birth=entry.date_of_birth,
            processing=entry.processing,
            description=processing_description(entry.processing),
            from_date=entry.from_date,
        )
        for entry in entries
    ]


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: dates as ISO, formula starts quoted."""
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def restriction_register_csv(rows: Iterable[RestrictionRow]) -> str:
    """The register as CSV; a cell that a spreadsheet would run as a formula is prefixed
    with a single quote, so it shows as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_HEADER)
    for row in rows:
        writer.writerow(
            csv_cell(value)
            for value in (
                row.reference,
                row.subject_name,
                row.date_of_birth,
                row.processing,
                row.description,
                row.from_date,
            )
        )
    return out.getvalue()


# What staff may do next ----------------------------------------------------------------


class Action(StrEnum):
    ACCEPT_IDENTITY = "accept_identity"
    REQUEST_IDENTITY = "request_identity"
    ASK_CLARIFICATION = "ask_clarification"
    RECORD_CLARIFICATION_ANSWER = "record_clarification_answer"
    EXTEND = "extend"
    RECORD_SEARCH = "record_search"
    ADD_DISCLOSURE_ITEM = "add_disclosure_item"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    APPROVE = "approve"
    RETURN_FOR_CHANGES = "return_for_changes"
    COMPLETE = "complete"
    REFUSE = "refuse"
    RECORD_WITHDRAWAL = "record_withdrawal"
    ASSESS_OBJECTION = "assess_objection"
    PROPOSE_DECISION = "propose_decision"
    APPROVE_DECISION = "approve_decision"
    ASSIGN = "assign"
    ADD_NOTE = "add_note"


def allowed_actions(
    session: DbSession,
    case: Case,
    *,
    actor: str | None = None,
    actor_role: str | None = None,
    today: date | None = None,
) -> frozenset[Action]:
    """The casework actions the rules allow now, for the case page to offer (the service
    functions check again). With `actor`, approving one's own draft is left out; with
    `actor_role`, refusing is offered to the reviewer only."""
    state = CaseState(case.state)
    access = case.kind == CaseKind.ACCESS
    actions: set[Action] = {Action.ADD_NOTE}
    if is_closed(state):
        return frozenset(actions)
    actions.update({Action.ASSIGN, Action.RECORD_WITHDRAWAL})
    if state in IDENTITY_PENDING:
        actions.add(Action.ACCEPT_IDENTITY)
    if can_move(state, S.AWAITING_IDENTITY):
        actions.add(Action.REQUEST_IDENTITY)
    if can_move(state, S.AWAITING_CLARIFICATION) and case.clock_started_on is not None:
        actions.add(Action.ASK_CLARIFICATION)
    if state == S.AWAITING_CLARIFICATION:
        actions.add(Action.RECORD_CLARIFICATION_ANSWER)
    if case.clock_started_on is not None and not case.extended:
        day = today or clock.received_on(datetime.now(UTC))
        if day <= _first_month_ends(case, case.clock_started_on, day):
            actions.add(Action.EXTEND)
    if state in WORKING_STATES:
        actions.add(Action.RECORD_SEARCH)
        actions.add(Action.ADD_DISCLOSURE_ITEM if access else Action.ASSESS_OBJECTION)
    if state == S.IN_PROGRESS:
        if access:
            actions.add(Action.SUBMIT_FOR_REVIEW)
        elif latest_assessment(session, case) is not None:
            actions.add(Action.PROPOSE_DECISION)
    if state == S.IN_REVIEW:
        actions.add(Action.RETURN_FOR_CHANGES)
        review = pending_review(session, case)
        if review is not None and review.submitted_by != actor:
            actions.add(Action.APPROVE if access else Action.APPROVE_DECISION)
    if state == S.READY:
        actions.add(Action.COMPLETE)
    if can_move(state, S.REFUSED) and actor_role in (None, REVIEWER_ROLE):
        actions.add(Action.REFUSE)
    return frozenset(actions)


# Helpers ----------------------------------------------------------------------------------


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    return now


def _lock(session: DbSession, case: Case) -> None:
    """Reload the case under a row lock (PostgreSQL), so two members of staff acting at
    once are applied one after the other, each seeing the other's change."""
    session.refresh(case, with_for_update=True)


def _required(text: str | None, message: str, *, limit: int | None = None) -> str:
    value = (text or "").strip()
    if not value:
        raise MissingText(message)
    if limit is not None and len(value) > limit:
        raise CaseworkError(f"{message}, in {limit} characters or fewer")
    return value


def _enum(enum: type[_E], value: Any, what: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        raise CaseworkError(f"Unknown {what}: {value!r}") from None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _exemption_codes(codes: Sequence[ExemptionCode | str]) -> list[ExemptionCode]:
    return list(dict.fromkeys(_enum(ExemptionCode, code, "exemption") for code in codes))


def _open(case: Case) -> None:
    if is_closed(case.state):
        raise CaseClosed("This request is closed")


def _working(case: Case) -> None:
    _open(case)
    if case.state not in WORKING_STATES:
        raise CaseworkError(
            "This can be recorded only while the request is in progress, not while it is "
            f"{CaseState(case.state).value.replace('_', ' ')}"
        )


def _of_kind(case: Case, kind: CaseKind) -> None:
    if case.kind != kind:
        this = "an objection" if case.kind == CaseKind.OBJECTION else "an access request"
        raise WrongCaseKind(f"This applies to {kind} requests only, and this is {this}")


def _clock_start(case: Case) -> date:
    if case.clock_started_on is None:
        raise ClockNotStarted("The clock has not started: accept the proof of identity first")
    return case.clock_started_on


def _closed_pauses(case: Case) -> list[tuple[date, date]]:
    return [(p.asked_on, p.answered_on) for p in case.pauses if p.answered_on is not None]


def _first_month_ends(case: Case, start: date, today: date) -> date:
    """C3-C4: the unextended due date as it stands today; an open pause counts up to today."""
    pauses = _closed_pauses(case)
    pause = _open_pause(case)
    if pause is not None and pause.asked_on <= today:
        pauses.append((pause.asked_on, today))
    return clock.due_date(start, pauses=pauses)


def _open_pause(case: Case) -> ClockPause | None:
    return next((p for p in case.pauses if p.answered_on is None), None)


def _recompute_due(case: Case) -> None:
    """C2-C4: the due date from the clock's start, the extension and closed pauses."""
    if case.clock_started_on is not None:
        case.due_on = clock.due_date(
            case.clock_started_on, extended=case.extended, pauses=_closed_pauses(case)
        )


def _review_in_progress(session: DbSession, case: Case) -> Review:
    review = pending_review(session, case)
    if review is None:
        raise NothingToReview("There is no draft waiting for review")
    return review


def _proposed_decision(session: DbSession, case: Case) -> ObjectionDecision | None:
    return session.scalar(
        select(ObjectionDecision)
        .where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.PROPOSED,
        )
        .order_by(ObjectionDecision.id.desc())
        .limit(1)
    )


def _message(
    session: DbSession,
    case: Case,
    kind: MessageKind,
    actor: str,
    moment: datetime,
    **params: Any,
) -> CaseMessage:
    """A message to the requester, and the job that emails it, in the caller's transaction."""
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
    enqueue(session, EMAIL_JOB, {"message_id": message.id, "case_id": case.id}, now=moment)
    return message


def _audit(
    session: DbSession, case: Case, action: str, actor: str, moment: datetime, **details: Any
) -> None:
    audit.record(session, action=action, actor=actor, case_id=case.id, details=details, now=moment)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
