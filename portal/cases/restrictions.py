"""C12: restriction while an objection is considered, and how the decision settles it.

UK GDPR Art 18(1)(d) (legislation.gov.uk): the person has the right to restriction where
they have "objected to processing pursuant to Article 21(1) pending the verification
whether the legitimate grounds of the controller override those of the data subject".
The objection journey asks whether they want it. If so, each use objected to goes on the
restriction register as "restricted pending decision" from the day the objection is
received; the approved decision confirms it for each use it upholds and lifts it for each
use that carries on (the decision letter says which: Art 18(3), the person is told before
a restriction is lifted). A withdrawn or refused objection lifts it too.

The council applies it to research uses as well (Art 21(6) objections), though Art
18(1)(d) names Art 21(1) only: nothing obliges it to use the data while it decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from portal.cases.casework_models import RestrictionEntry, RestrictionStatus
from portal.cases.models import Case, CaseKind
from portal.extensions import DbSession

RS = RestrictionStatus


def wants_restriction(case: Case) -> bool:
    """C12: the person asked for the uses objected to to stop while the council decides."""
    answer = ((case.details or {}).get("restrict") or {}).get("restrict")
    return case.kind == CaseKind.OBJECTION and answer == "yes"


def _entry(case: Case, processing: str, status: RS, day: date, moment: datetime):
    subject = case.subject
    return RestrictionEntry(
        asked_by=str(case.kind),
        case_id=case.id,
        reference=case.reference,
        subject_person_id=subject.id,
        subject_name=subject.full_name,
        date_of_birth=subject.date_of_birth,
        processing=processing,
        from_date=day,
        status=status,
        created_at=moment,
    )


def restrict_pending(
    session: DbSession, case: Case, processing: Iterable[str], moment: datetime
) -> list[RestrictionEntry]:
    """C12: the uses objected to, restricted pending decision from the day the objection
    was received (in the caller's transaction)."""
    entries = [
        _entry(case, key, RS.PENDING_DECISION, case.received_on, moment)
        for key in dict.fromkeys(processing)
    ]
    session.add_all(entries)
    return entries


def restrict_from(
    session: DbSession, case: Case, processing: Iterable[str], day: date, moment: datetime
) -> list[RestrictionEntry]:
    """C14: a request to restrict granted (Art 18(1)): each use in force from `day`, until
    the person has been told it will be lifted (Art 18(3), portal.cases.lifting)."""
    entries = [_entry(case, key, RS.IN_FORCE, day, moment) for key in dict.fromkeys(processing)]
    session.add_all(entries)
    return entries


def entries_in_force(session: DbSession, case: Case) -> list[RestrictionEntry]:
    return list(
        session.scalars(
            select(RestrictionEntry)
            .where(RestrictionEntry.case_id == case.id, RestrictionEntry.status == RS.IN_FORCE)
            .order_by(RestrictionEntry.id)
        )
    )


def pending_entries(session: DbSession, case: Case) -> list[RestrictionEntry]:
    return list(
        session.scalars(
            select(RestrictionEntry)
            .where(
                RestrictionEntry.case_id == case.id,
                RestrictionEntry.status == RS.PENDING_DECISION,
            )
            .order_by(RestrictionEntry.id)
        )
    )


def settle_on_decision(
    session: DbSession,
    case: Case,
    *,
    decision_id: int,
    upheld: Iterable[str],
    today: date,
    lifted_on: date,
    moment: datetime,
) -> tuple[list[RestrictionEntry], list[str], list[str]]:
    """C9, C12: the decision's effect on the register. A pending entry for a use upheld
    is confirmed (in force, still from the day it began); a pending entry for a use that
    carries on is lifted from `lifted_on`; a use upheld with no pending entry goes on from
    today.
    Returns (the entries in force for this decision, uses confirmed, uses lifted)."""
    upheld = list(dict.fromkeys(upheld))
    pending = {entry.processing: entry for entry in pending_entries(session, case)}
    in_force: list[RestrictionEntry] = []
    confirmed: list[str] = []
    lifted: list[str] = []
    for processing, entry in pending.items():
        entry.decision_id = decision_id
        if processing in upheld:
            entry.status = RS.IN_FORCE
            in_force.append(entry)
            confirmed.append(processing)
        else:
            entry.status = RS.LIFTED
            entry.lifted_on = lifted_on
            lifted.append(processing)
    for processing in upheld:
        if processing not in pending:
            entry = _entry(case, processing, RS.IN_FORCE, today, moment)
            entry.decision_id = decision_id
            session.add(entry)
            in_force.append(entry)
    return in_force, confirmed, lifted


def lift_pending(session: DbSession, case: Case, today: date) -> list[str]:
    """C12: the objection ended without a decision (withdrawn, refused): what was
    restricted pending the decision is lifted today. The uses lifted."""
    lifted = []
    for entry in pending_entries(session, case):
        entry.status = RS.LIFTED
        entry.lifted_on = today
        lifted.append(entry.processing)
    return lifted
