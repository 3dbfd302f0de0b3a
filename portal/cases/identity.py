"""Identity: the council accepts the requester's proof of identity or authority, and the
clock starts (C1, C11); or asks for more, and the clock waits for it.

The relevant time is the later of the request's receipt and the day the accepted
evidence arrived; the due date is counted from it (C2), with any extension (C3) and
clarification pauses (C4) (portal.cases.deadlines).
"""

from __future__ import annotations

from datetime import date, datetime

from portal.cases import clock
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.deadlines import closed_pauses
from portal.cases.errors import CaseworkError, InvalidDate
from portal.cases.messages import send_message
from portal.cases.models import Case, CaseState
from portal.cases.steps import acting_moment, audit_event, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession

S = CaseState

IDENTITY_PENDING = frozenset({S.RECEIVED, S.AWAITING_IDENTITY})


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
    moment = acting_moment(now)
    lock_case(session, case)
    if case.state not in IDENTITY_PENDING:
        raise CaseworkError("Identity has already been accepted for this request")
    check_move(case.state, S.IN_PROGRESS)
    today = clock.received_on(moment)
    if evidence_arrived_on > today:
        raise InvalidDate("The evidence cannot have arrived after today")
    start = max(evidence_arrived_on, case.received_on)
    case.clock_started_on = start
    case.due_on = clock.due_date(start, extended=case.extended, pauses=closed_pauses(case))
    case.state = S.IN_PROGRESS
    audit_event(
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
    moment = acting_moment(now)
    needed = required_text(what_is_needed, "Say what proof of identity or authority is needed")
    lock_case(session, case)
    check_move(case.state, S.AWAITING_IDENTITY)
    case.state = S.AWAITING_IDENTITY
    case.clock_started_on = None
    case.due_on = None
    message = send_message(
        session, case, MessageKind.IDENTITY_REQUEST, actor, moment, what_is_needed=needed
    )
    audit_event(session, case, "identity_requested", actor, moment, message_id=message.id)
    session.commit()
    return message
