"""Complaints to the council about how it handled personal data (C13).

DPA 2018 s.164A, inserted by the Data (Use and Access) Act 2025 s.103, in force from
19 June 2026 (https://www.legislation.gov.uk/ukpga/2025/18/section/103): (2) the council
facilitates complaints, "such as providing a complaint form which can be completed
electronically" (the portal's journey); (3) it must "acknowledge receipt of the complaint
within the period of 30 days beginning when the complaint is received"; (4)-(5) without
undue delay it takes appropriate steps to respond, including making enquiries and
"informing the complainant about progress", and tells the complainant the outcome. No
proof of identity is needed to complain.

The acknowledgement goes on receipt (intake calls acknowledge_on_receipt), on the tracking
page and by email, so it is always within the 30 days. The outcome has no statutory date:
the portal works to a target of one month by C2 (a target, not a deadline), stored as the
case's due date so the queue orders complaints with everything else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.cases import clock
from portal.cases.casework_models import CaseMessage, MessageKind, Review
from portal.cases.errors import CaseworkError
from portal.cases.messages import RIGHTS_TO_COMPLAIN, record_message, send_message
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.review import approve_review, open_review, review_in_progress
from portal.cases.steps import acting_moment, audit_event, check_kind, lock_case, required_text
from portal.cases.workflow import check_move
from portal.extensions import DbSession
from portal.instants import aware

S = CaseState

# s.164A(3): "within the period of 30 days beginning when the complaint is received".
ACKNOWLEDGE_WITHIN_DAYS = 30

# What a complainant writes, at most (the journey's and the staff forms' limit).
TEXT_LIMIT = 5000


def acknowledgement_due(received: date) -> date:
    """C13, s.164A(3): the last day to acknowledge, on the strict reading: the day of
    receipt is day 1, so the period ends 29 days later, in calendar days, not moved off a
    weekend or bank holiday. The ICO's guidance ("How to deal with data protection
    complaints", 2026) counts from the day after receipt and moves a last day on a weekend
    or bank holiday to the next working day, which is never earlier than this date: staff
    who keep to it keep to both."""
    return received + timedelta(days=ACKNOWLEDGE_WITHIN_DAYS - 1)


def outcome_target(received: date) -> date:
    """C13, s.164A(4): the outcome is due "without undue delay", which sets no date. The
    council works to one month from receipt, counted as C2 counts a month: a target, not
    a statutory deadline."""
    return clock.due_date(received)


def acknowledge_on_receipt(
    session: DbSession, case: Case, moment: datetime, *, email: bool
) -> CaseMessage:
    """C13, s.164A(3): the acknowledgement, on the day of receipt, in the caller's
    transaction: on the tracking page always, and emailed unless `email` is False (no
    address, or the address has had its emails for the day)."""
    check_kind(case, CaseKind.COMPLAINT)
    message = (send_message if email else record_message)(
        session,
        case,
        MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
        "system:intake",
        moment,
        received_on=case.received_on.isoformat(),
        acknowledgement_due_on=acknowledgement_due(case.received_on).isoformat(),
        outcome_target_on=outcome_target(case.received_on).isoformat(),
    )
    audit_event(
        session, case, "complaint_acknowledged", "system:intake", moment, message_id=message.id
    )
    return message


def acknowledged_on(session: DbSession, case: Case) -> date | None:
    """The Europe/London day the complaint was acknowledged, if it has been."""
    sent = session.scalar(
        select(CaseMessage.created_at)
        .where(
            CaseMessage.case_id == case.id,
            CaseMessage.kind == MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
        )
        .order_by(CaseMessage.id)
        .limit(1)
    )
    return clock.received_on(aware(sent)) if sent is not None else None


def earlier_reference(case: Case) -> str:
    """The reference of the earlier request the complaint is about, as the complainant
    gave it (checked for shape and check character, not for existence), or ''."""
    earlier = (case.details or {}).get("earlier")
    value = earlier.get("reference") if isinstance(earlier, dict) else None
    return value if isinstance(value, str) else ""


def earlier_case(session: DbSession, case: Case) -> Case | None:
    """The case the complaint is about, for staff, when the reference given is a case's.
    The complainant is never told whether it is."""
    reference = earlier_reference(case)
    if not reference or reference == case.reference:
        return None
    return session.scalar(select(Case).where(Case.reference == reference))


def record_progress(
    session: DbSession, case: Case, *, update: str, actor: str, now: datetime | None = None
) -> CaseMessage:
    """C13, s.164A(5)(b): tell the complainant how their complaint is going (the tracking
    page and an email)."""
    moment = acting_moment(now)
    text = required_text(update, "Write the update for the complainant", limit=TEXT_LIMIT)
    lock_case(session, case)
    check_kind(case, CaseKind.COMPLAINT)
    if case.state not in (S.IN_PROGRESS, S.IN_REVIEW):
        raise CaseworkError("Progress can be reported only while the complaint is open")
    message = send_message(
        session, case, MessageKind.COMPLAINT_PROGRESS, actor, moment, update=text
    )
    audit_event(session, case, "complaint_progress_reported", actor, moment, message_id=message.id)
    session.commit()
    return message


def propose_outcome(
    session: DbSession, case: Case, *, outcome: str, actor: str, now: datetime | None = None
) -> Review:
    """C13: the caseworker's draft outcome goes to the reviewer, who is never its drafter."""
    moment = acting_moment(now)
    text = required_text(outcome, "Write the outcome of the complaint", limit=TEXT_LIMIT)
    lock_case(session, case)
    check_kind(case, CaseKind.COMPLAINT)
    check_move(case.state, S.IN_REVIEW)
    review = open_review(session, case, actor=actor, moment=moment, summary=text)
    audit_event(session, case, "complaint_outcome_proposed", actor, moment, review_id=review.id)
    session.commit()
    return review


def approve_outcome(
    session: DbSession, case: Case, *, actor: str, now: datetime | None = None
) -> CaseMessage:
    """C13, s.164A(4)(b): the reviewer approves the outcome (nobody approves their own
    draft) and the complainant is told it, with the route to the ICO (C10). The case is
    ready; it completes when the outcome has been sent (portal.cases.delivery)."""
    moment = acting_moment(now)
    lock_case(session, case)
    check_kind(case, CaseKind.COMPLAINT)
    check_move(case.state, S.READY)
    review = review_in_progress(session, case)
    approve_review(review, actor=actor, moment=moment)
    case.state = S.READY
    message = send_message(
        session,
        case,
        MessageKind.COMPLAINT_OUTCOME,
        actor,
        moment,
        outcome=review.summary,
        rights=list(RIGHTS_TO_COMPLAIN[1:]),
    )
    audit_event(
        session,
        case,
        "complaint_outcome_approved",
        actor,
        moment,
        review_id=review.id,
        message_id=message.id,
    )
    session.commit()
    return message
