"""A complaint to the Information Commissioner's Office (ICO) about a case, as the council
records it (issue 16 point 6): the ICO's reference, the day its letter arrived, what it
asked, the days the council answered, and how it ended.

Recording one puts the case on legal hold (portal.cases.holds, reason "ico_complaint"),
so the retention schedule never deletes what the ICO is looking at (UK GDPR Art 5(1)(e)
allows keeping it for the establishment or defence of legal claims, Art 17(3)(e)).
Closing the last open ICO case lifts that hold, and only that one: a case already held for
another reason when the ICO case was recorded stays held.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from portal.cases import case_months, clock, holds
from portal.cases.after_decision_models import IcoCase, IcoOutcome
from portal.cases.errors import CaseworkError, InvalidDate
from portal.cases.models import Case
from portal.cases.steps import acting_moment, audit_event, enum_value, lock_case, required_text
from portal.extensions import DbSession

TEXT_LIMIT = 5000
# An ICO case reference as the ICO writes it (for example IC-123456-A1B2, RFA0123456).
ICO_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,39}$")
RECORDED = "ico_case_recorded"
RESPONDED = "ico_response_recorded"
CLOSED = "ico_case_closed"


class IcoCaseRefused(CaseworkError):
    """An ICO case recorded on a deleted request, or changed once it is closed."""


def ico_cases_of(session: DbSession, case: Case) -> list[IcoCase]:
    """The case's ICO cases, the latest first."""
    return list(
        session.scalars(
            select(IcoCase).where(IcoCase.case_id == case.id).order_by(IcoCase.id.desc())
        )
    )


def open_ico_cases(session: DbSession, case: Case) -> list[IcoCase]:
    return [ico for ico in ico_cases_of(session, case) if ico.closed_on is None]


def _ico_reference(text: str) -> str:
    value = required_text(text, "Enter the ICO's reference").upper()
    if not ICO_REFERENCE.match(value):
        raise CaseworkError(
            "Enter the ICO's reference as the ICO writes it, in letters, digits, hyphens "
            "and slashes, for example IC-123456-A1B2"
        )
    return value


def _check_day(day: date | None, *, what: str, not_before: date, today: date) -> date:
    if day is None:
        raise InvalidDate(f"Enter {what}")
    said = what[0].upper() + what[1:]
    if day > today:
        raise InvalidDate(f"{said} cannot be in the future")
    if day < not_before:
        raise InvalidDate(f"{said} cannot be before {not_before.day} {not_before:%B %Y}")
    return day


def record_ico_case(
    session: DbSession,
    case: Case,
    *,
    ico_reference: str,
    received_on: date | None,
    what_ico_asked: str,
    actor: str,
    now: datetime | None = None,
) -> IcoCase:
    """Record the ICO's complaint case and put the request on legal hold (unless it is
    held already, for another reason; then that hold stays as it is)."""
    moment = acting_moment(now)
    reference = _ico_reference(ico_reference)
    asked = required_text(what_ico_asked, "Write what the ICO asked", limit=TEXT_LIMIT)
    lock_case(session, case)
    if case.erased_at is not None:
        raise IcoCaseRefused("This request has already been deleted under the retention schedule")
    day = _check_day(
        received_on,
        what="the day the ICO's letter arrived",
        not_before=case.received_on,
        today=clock.received_on(moment),
    )
    placed = not holds.is_held(case)
    ico = IcoCase(
        case_id=case.id,
        ico_reference=reference,
        received_on=day,
        what_ico_asked=asked,
        responses=[],
        recorded_by=actor,
        recorded_at=moment,
        placed_hold=placed,
        outcome_note="",
    )
    session.add(ico)
    session.flush()
    if placed:
        holds.place_hold(
            session,
            case,
            reason=holds.HoldReason.ICO_COMPLAINT,
            note=f"ICO case {reference}",
            actor=actor,
            moment=moment,
        )
    audit_event(
        session,
        case,
        RECORDED,
        actor,
        moment,
        ico_case_id=ico.id,
        received_on=day.isoformat(),
        placed_hold=placed,
    )
    case_months.count_event(session, case, "ico_recorded", day)
    session.commit()
    return ico


def _open_ico_case(session: DbSession, case: Case, ico: IcoCase) -> None:
    lock_case(session, case)
    session.refresh(ico, with_for_update=True)
    if ico.case_id != case.id:
        raise IcoCaseRefused("That ICO case belongs to another request")
    if ico.closed_on is not None:
        raise IcoCaseRefused("This ICO case is closed")


def record_response(
    session: DbSession,
    case: Case,
    ico: IcoCase,
    *,
    responded_on: date | None,
    actor: str,
    now: datetime | None = None,
) -> IcoCase:
    """The day the council answered the ICO."""
    moment = acting_moment(now)
    _open_ico_case(session, case, ico)
    day = _check_day(
        responded_on,
        what="the day the council answered the ICO",
        not_before=ico.received_on,
        today=clock.received_on(moment),
    )
    ico.responses = sorted([*ico.responses, day.isoformat()])
    audit_event(
        session, case, RESPONDED, actor, moment, ico_case_id=ico.id, responded_on=day.isoformat()
    )
    session.commit()
    return ico


def close_ico_case(
    session: DbSession,
    case: Case,
    ico: IcoCase,
    *,
    outcome: IcoOutcome | str,
    note: str,
    closed_on: date | None,
    actor: str,
    now: datetime | None = None,
) -> IcoCase:
    """How the ICO case ended. The hold it put on the request is lifted once no other
    ICO case on the request is open (another open one takes the hold over)."""
    moment = acting_moment(now)
    found = enum_value(IcoOutcome, outcome, "ICO outcome")
    text = required_text(note, "Write what the ICO decided", limit=TEXT_LIMIT)
    _open_ico_case(session, case, ico)
    day = _check_day(
        closed_on,
        what="the day the ICO closed its case",
        not_before=ico.received_on,
        today=clock.received_on(moment),
    )
    ico.outcome = found
    ico.outcome_note = text
    ico.closed_on = day
    ico.closed_by = actor
    lifted = False
    if ico.placed_hold:
        others = [other for other in open_ico_cases(session, case) if other.id != ico.id]
        if others:
            others[-1].placed_hold = True  # the oldest open one now owns the hold
        elif holds.is_held(case) and case.hold_reason == holds.HoldReason.ICO_COMPLAINT:
            holds.lift_hold(session, case, actor=actor, moment=moment)
            lifted = True
    audit_event(
        session,
        case,
        CLOSED,
        actor,
        moment,
        ico_case_id=ico.id,
        outcome=str(found),
        closed_on=day.isoformat(),
        hold_lifted=lifted,
    )
    case_months.count_event(session, case, "ico_closed", day)
    session.commit()
    return ico
