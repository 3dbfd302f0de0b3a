"""Legal hold (issue 14 point 5): a case the council may still need, for an ICO complaint,
a legal claim or an internal review, is held, and a held case is never deleted by the
retention run (portal.cases.retention skips it) whatever its period says.

A hold records why (a HoldReason), a note, who and when, on the case row; holding and
releasing are audit events. Like every note staff write, the hold's note stays on the
case row, never in the audit trail, whose details hold the reason's code only
(portal.cases.steps).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from portal.cases.errors import CaseworkError
from portal.cases.models import Case
from portal.cases.steps import acting_moment, audit_event, enum_value, lock_case, required_text
from portal.extensions import DbSession

HELD = "case_held"
RELEASED = "hold_released"
NOTE_LIMIT = 2000


class HoldReason(StrEnum):
    ICO_COMPLAINT = "ico_complaint"
    LEGAL_CLAIM = "legal_claim"
    INTERNAL_REVIEW = "internal_review"


HOLD_REASON_LABELS: Mapping[str, str] = {
    HoldReason.ICO_COMPLAINT: "A complaint to the Information Commissioner's Office (ICO)",
    HoldReason.LEGAL_CLAIM: "A legal claim, or one the council expects",
    HoldReason.INTERNAL_REVIEW: "An internal review",
}


class HoldRefused(CaseworkError):
    """Holding a held case, or releasing one that is not held."""


def is_held(case: Case) -> bool:
    """The case is on legal hold: never deleted while it is."""
    return case.held_at is not None


def held_cases(session: DbSession) -> list[Case]:
    """Every case on hold, the longest held first."""
    return list(
        session.scalars(
            select(Case).where(Case.held_at.is_not(None)).order_by(Case.held_at, Case.id)
        )
    )


def hold_reason_label(reason: str | None) -> str:
    """What staff read for a stored reason; an unknown one made readable."""
    if not reason:
        return ""
    return HOLD_REASON_LABELS.get(reason, reason.replace("_", " ").capitalize())


def hold(
    session: DbSession,
    case: Case,
    *,
    reason: HoldReason | str,
    note: str,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Put the case on legal hold, with why (`reason`, and a `note` saying what it is
    about, such as the ICO's reference); a case already held must be released first."""
    moment = acting_moment(now)
    why = enum_value(HoldReason, reason, "reason for the hold")
    text = required_text(
        note, "Write what the hold is for, such as the ICO's reference", limit=NOTE_LIMIT
    )
    lock_case(session, case)
    place_hold(session, case, reason=why, note=text, actor=actor, moment=moment)
    session.commit()


def place_hold(
    session: DbSession, case: Case, *, reason: HoldReason, note: str, actor: str, moment: datetime
) -> None:
    """The hold itself, in the caller's transaction (the case row already locked): for a
    service that holds a case as part of a larger change (an ICO case, portal.cases.ico_cases)."""
    if case.erased_at is not None:
        raise HoldRefused("This request has already been deleted under the retention schedule")
    if is_held(case):
        raise HoldRefused("This request is already on hold")
    case.held_at = moment
    case.held_by = actor
    case.hold_reason = reason
    case.hold_note = note
    audit_event(session, case, HELD, actor, moment, reason=str(reason))


def release(session: DbSession, case: Case, *, actor: str, now: datetime | None = None) -> None:
    """Take the case off legal hold: from then on its retention period applies again."""
    moment = acting_moment(now)
    lock_case(session, case)
    lift_hold(session, case, actor=actor, moment=moment)
    session.commit()


def lift_hold(session: DbSession, case: Case, *, actor: str, moment: datetime) -> None:
    """The release itself, in the caller's transaction (the case row already locked)."""
    if not is_held(case):
        raise HoldRefused("This request is not on hold")
    reason = case.hold_reason
    case.held_at = None
    case.held_by = None
    case.hold_reason = None
    case.hold_note = None
    audit_event(session, case, RELEASED, actor, moment, reason=str(reason or ""))
