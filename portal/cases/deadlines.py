"""Deadlines: what moves the due date once the clock runs (C1-C4).

C4: asking the requester what the request covers stops the clock, from the day it is
asked through the day the answer arrives. C3: one extension, by two further months, with
a reason, before the first month ends. The arithmetic is portal.cases.clock's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.cases import case_months, clock
from portal.cases.casework_models import CaseMessage, Clarification, MessageKind
from portal.cases.errors import (
    ClarificationNotAllowed,
    ClockNotStarted,
    ExtensionRefused,
    InvalidDate,
    NoOpenPause,
)
from portal.cases.messages import send_message
from portal.cases.models import Case, CaseKind, CaseState, ClockPause
from portal.cases.steps import acting_moment, audit_event, check_open, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession

S = CaseState


def ask_clarification(
    session: DbSession,
    case: Case,
    *,
    question: str,
    actor: str,
    now: datetime | None = None,
) -> ClockPause:
    """C4: the council asks what the request covers; the clock stops from today.

    Only for an access request: the pause is for further information "to identify the
    information or processing activities to which a request under section 45(1) [access]
    relates" (DPA 2018 s.54(3C), legislation.gov.uk; UK GDPR Art 12A, for Art 15). An
    objection's clock never pauses: ClarificationNotAllowed, and nothing is written.

    While the pause is open the stored due date counts closed pauses only (the earliest
    the answer can be due); it moves when the answer is recorded.
    """
    if not clarification_allowed(case):
        raise ClarificationNotAllowed(
            "Only an access request can be paused for clarification (UK GDPR Art 12A, "
            f"DPA 2018 s.54(3C)): the time limit for {case.kind} requests keeps running"
        )
    moment = acting_moment(now)
    text = required_text(question, "Write the question the requester needs to answer")
    lock_case(session, case)
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
    message = send_message(
        session,
        case,
        MessageKind.CLARIFICATION_REQUEST,
        actor,
        moment,
        question=text,
        asked_on=today.isoformat(),
    )
    audit_event(
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


def clarification_allowed(case: Case) -> bool:
    """C4: the clock pauses for clarification of an access request only (Art 12A;
    DPA 2018 s.54(3C))."""
    return case.kind == CaseKind.ACCESS


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
    moment = acting_moment(now)
    text = required_text(answer, "Write down the requester's answer")
    lock_case(session, case)
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
    audit_event(
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
    moment = acting_moment(now)
    text = required_text(reason, "Give the reason the request needs more time")
    lock_case(session, case)
    check_open(case)
    start = _clock_start(case)
    if case.extended:
        raise ExtensionRefused("The deadline has already been extended once")
    day = today or clock.received_on(moment)
    first_month_ends = first_month_ends_on(case, start, day)
    if day > first_month_ends:
        raise ExtensionRefused(
            f"Too late to extend: the first month ended on {first_month_ends.isoformat()}"
        )
    previous_due = case.due_on
    case.extended = True
    _recompute_due(case)
    message = send_message(
        session,
        case,
        MessageKind.EXTENSION_NOTICE,
        actor,
        moment,
        reason=text,
        previous_due_on=_iso(previous_due),
        due_on=_iso(case.due_on),
    )
    audit_event(
        session,
        case,
        "deadline_extended",
        actor,
        moment,
        previous_due_on=_iso(previous_due),
        due_on=_iso(case.due_on),
        message_id=message.id,
    )
    case_months.count_event(session, case, "extended", clock.received_on(moment))
    session.commit()
    return message


def explain_case_due_date(case: Case) -> clock.DueDateExplanation | None:
    """C1-C4: how the case's due date is worked out, step by step; None while the council
    waits for proof of identity (no clock). Before identity is checked, the count runs
    from receipt, as the date shown to the requester does."""
    if case.clock_started_on is None and case.state != S.RECEIVED:
        return None
    start = case.clock_started_on or case.received_on
    return clock.explain_due_date(start, extended=case.extended, pauses=closed_pauses(case))


def _clock_start(case: Case) -> date:
    if case.clock_started_on is None:
        raise ClockNotStarted("The clock has not started: accept the proof of identity first")
    return case.clock_started_on


def closed_pauses(case: Case) -> list[tuple[date, date]]:
    """C4: the clarification pauses answered so far, as (asked_on, answered_on)."""
    return [(p.asked_on, p.answered_on) for p in case.pauses if p.answered_on is not None]


def first_month_ends_on(case: Case, start: date, today: date) -> date:
    """C3-C4: the unextended due date as it stands today; an open pause counts up to today."""
    pauses = closed_pauses(case)
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
            case.clock_started_on, extended=case.extended, pauses=closed_pauses(case)
        )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
