"""How a request closes: completed once the response or decision has reached the
requester (C7, C9, C10); refused, by the reviewer only, with reasons and the right to
complain to the ICO and to go to court (C5, C10); or withdrawn, online by the requester or
recorded by staff. The clock stops for good. An objection closed without a decision lifts
what was restricted pending the decision (C12): from today when withdrawn, from tomorrow
when refused (the refusal tells the requester first, Art 18(3)).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from portal.cases import audit, case_months, clock
from portal.cases.casework_models import CaseMessage, MessageKind, RefusalGround
from portal.cases.errors import ReviewerRequired
from portal.cases.intake import RESIDENT
from portal.cases.messages import RIGHTS_TO_COMPLAIN, send_message
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.restrictions import lift_pending
from portal.cases.steps import acting_moment, audit_event, enum_value, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession
from portal.instants import utc_now
from portal.outbox import enqueue

S = CaseState

REVIEWER_ROLE = "reviewer"


def _close(session: DbSession, case: Case, state: CaseState, moment: datetime) -> date:
    """The case closes at `moment`, on its Europe/London date (C2), which the monthly
    report counts it by (case_months, in this transaction); returns that date."""
    case.state = state
    case.closed_at = moment
    case.closed_on = clock.received_on(moment)
    case_months.count_closed(session, case)
    return case.closed_on


# For the other ways a request closes (a duplicate merged into its original:
# portal.cases.case_links), counted alike.
close_case = _close


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
    moment = acting_moment(now)
    lock_case(session, case)
    check_move(case.state, S.COMPLETED)
    _close(session, case, S.COMPLETED, moment)
    details: dict[str, Any] = {"sent_by": sent_by} if sent_by else {}
    if case.kind == CaseKind.ACCESS:
        delivery = (case.details or {}).get("delivery") or {}
        message = send_message(
            session,
            case,
            MessageKind.RESPONSE_READY,
            actor,
            moment,
            delivery=str(delivery.get("delivery", "")) if isinstance(delivery, dict) else "",
            rights=list(RIGHTS_TO_COMPLAIN),
        )
        details["message_id"] = message.id
    audit_event(session, case, "response_completed", actor, moment, **details)
    session.commit()


def refuse(
    session: DbSession,
    case: Case,
    *,
    actor: str,
    actor_role: str,
    reasons: str,
    ground: RefusalGround | str | None = None,
    now: datetime | None = None,
) -> CaseMessage:
    """C5: a manifestly unfounded or excessive request (UK GDPR Art 12(5):
    legislation.gov.uk/eur/2016/679/article/12) is refused, by the reviewer only, with its
    ground (unfounded, excessive, or excessive because repeated) and reasons; the requester
    is told both, with the right to complain to the ICO and to go to court (Art 12(4), C10).
    Refusals recorded before the ground was asked for have none."""
    moment = acting_moment(now)
    if actor_role != REVIEWER_ROLE:
        raise ReviewerRequired("Only the reviewer can refuse a request")
    text = required_text(reasons, "Give the reasons for refusing the request (C5)")
    why = enum_value(RefusalGround, ground, "ground for refusing") if ground else None
    grounds = {"ground": str(why)} if why else {}
    lock_case(session, case)
    check_move(case.state, S.REFUSED)
    _close(session, case, S.REFUSED, moment)
    lifted_on = clock.received_on(moment) + timedelta(days=1)
    lifted = lift_pending(session, case, lifted_on)
    restriction = (
        {"restriction_lifted": lifted, "restriction_lifted_on": lifted_on.isoformat()}
        if lifted
        else {}
    )
    message = send_message(
        session,
        case,
        MessageKind.REFUSAL,
        actor,
        moment,
        reasons=text,
        rights=list(RIGHTS_TO_COMPLAIN),
        **grounds,
        **restriction,
    )
    audit_event(
        session,
        case,
        "request_refused",
        actor,
        moment,
        message_id=message.id,
        **grounds,
        **restriction,
    )
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
    moment = acting_moment(now)
    channel = enum_value(Channel, how_received, "way the withdrawal was received")
    lock_case(session, case)
    check_move(case.state, S.WITHDRAWN)
    _close(session, case, S.WITHDRAWN, moment)
    lifted = lift_pending(session, case, clock.received_on(moment))
    # The same action as a withdrawal online, so the requester's timeline words it alike.
    audit_event(
        session,
        case,
        "request_withdrawn",
        actor,
        moment,
        how_received=str(channel),
        **({"restriction_lifted": lifted} if lifted else {}),
    )
    enqueue(session, "email.request_withdrawn", {"case_id": case.id}, now=moment)
    session.commit()


def withdraw(
    session: DbSession,
    case: Case,
    *,
    actor: str = RESIDENT,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The requester withdrew: the case closes and the clock stops for good."""
    check_move(case.state, CaseState.WITHDRAWN)
    moment = now or utc_now()
    _close(session, case, CaseState.WITHDRAWN, moment)
    lifted = lift_pending(session, case, clock.received_on(moment))
    audit.record(
        session,
        action="request_withdrawn",
        actor=actor,
        case_id=case.id,
        details={"reason": reason[:500], **({"restriction_lifted": lifted} if lifted else {})},
        now=moment,
    )
    enqueue(session, "email.request_withdrawn", {"case_id": case.id}, now=moment)
    session.commit()
