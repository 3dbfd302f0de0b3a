"""C14: lifting a restriction the person asked for, never without telling them first.

UK GDPR Art 18(3) (legislation.gov.uk/eur/2016/679/article/18): "A data subject who has
obtained restriction of processing pursuant to paragraph 1 shall be informed by the
controller before the restriction of processing is lifted." A reviewer gives the notice:
the uses to be lifted, the day the use starts again (after today, so the person is told
first) and the reasons. The register shows the entry in force until that day and lifted
from it; the person gets a message and a letter in their language. The ICO's guidance
agrees ("we need to tell individuals before we lift a restriction on processing": ico.org.uk,
UK GDPR guidance, Individual rights, Right to restrict processing, checklist).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from portal.cases import restrictions
from portal.cases.casework_models import CaseMessage, MessageKind, RestrictionStatus
from portal.cases.clock import received_on
from portal.cases.errors import DecisionInvalid
from portal.cases.messages import RIGHTS_TO_COMPLAIN, send_message
from portal.cases.models import Case, CaseKind
from portal.cases.steps import acting_moment, audit_event, check_kind, lock_case, required_text
from portal.extensions import DbSession


def can_lift(session: DbSession, case: Case) -> bool:
    """A request to restrict with a use still in force."""
    return case.kind == CaseKind.RESTRICTION and bool(restrictions.entries_in_force(session, case))


def give_notice_of_lifting(
    session: DbSession,
    case: Case,
    *,
    processing: Sequence[str],
    lift_on: date,
    reasons: str,
    actor: str,
    now: datetime | None = None,
) -> CaseMessage:
    """Art 18(3): tell the person that these restricted uses start again on `lift_on`
    (after today), and why; the register shows each lifted from that day."""
    moment = acting_moment(now)
    check_kind(case, CaseKind.RESTRICTION)
    text = required_text(reasons, "Give the reasons for lifting the restriction")
    today = received_on(moment)
    if lift_on <= today:
        raise DecisionInvalid(
            "Choose a day after today: the person must be told before the restriction is lifted"
        )
    lock_case(session, case)
    chosen = list(dict.fromkeys(processing))
    in_force = {entry.processing: entry for entry in restrictions.entries_in_force(session, case)}
    if not chosen:
        raise DecisionInvalid("Choose the restricted uses to lift")
    missing = [use for use in chosen if use not in in_force]
    if missing:
        raise DecisionInvalid(f"Not restricted now: {', '.join(missing)}")
    for use in chosen:
        in_force[use].status = RestrictionStatus.LIFTED
        in_force[use].lifted_on = lift_on
    message = send_message(
        session,
        case,
        MessageKind.RESTRICTION_LIFTING,
        actor,
        moment,
        processing=chosen,
        lift_on=lift_on.isoformat(),
        reasons=text,
        rights=list(RIGHTS_TO_COMPLAIN),
    )
    audit_event(
        session,
        case,
        "restriction_lift_notified",
        actor,
        moment,
        processing=chosen,
        lift_on=lift_on.isoformat(),
        message_id=message.id,
    )
    session.commit()
    return message
