"""Allocation: which member of staff has a case, and the notes staff keep on it (never
shown to the requester, never in the audit trail's details). No legal rule: working
arrangements the audit trail still records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.cases.casework_models import CaseAssignment, CaseNote
from portal.cases.models import Case
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_open,
    is_closed,
    lock_case,
    required_text,
)
from portal.extensions import DbSession

NOTE_LENGTH = 10_000


def assignee_of(session: DbSession, case: Case) -> str | None:
    """Who has the case ("staff:12"), or None."""
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
    moment = acting_moment(now)
    lock_case(session, case)
    check_open(case)
    _assign(session, case, assignee.strip() if assignee else None, actor, moment)
    session.commit()


@dataclass(frozen=True)
class AssignedMany:
    """What came of assigning several cases at once."""

    assigned: list[str]  # references, in the order chosen
    closed: list[str]  # chosen, but closed since: left as they were
    unknown: list[str]  # no such case


def assign_many(
    session: DbSession,
    references: Sequence[str],
    *,
    assignee: str | None,
    actor: str,
    now: datetime | None = None,
) -> AssignedMany:
    """Give several cases to one member of staff (or to nobody) in one transaction: the
    queue's "assign selected". A case closed since it was chosen is left as it was and
    named, as is a reference that is no case; each assignment is audited as one by one."""
    moment = acting_moment(now)
    who = assignee.strip() if assignee else None
    chosen = list(dict.fromkeys(references))  # each once, in the order chosen
    cases = {
        case.reference: case
        for case in session.scalars(
            select(Case).where(Case.reference.in_(chosen)).order_by(Case.id)
        )
    }
    assigned, closed = [], []
    for reference in chosen:
        case = cases.get(reference)
        if case is None:
            continue
        lock_case(session, case)
        if is_closed(case.state):
            closed.append(reference)
            continue
        _assign(session, case, who, actor, moment)
        assigned.append(reference)
    session.commit()
    return AssignedMany(assigned, closed, [r for r in chosen if r not in cases])


def _assign(session: DbSession, case: Case, who: str | None, actor: str, moment: datetime) -> None:
    row = session.scalar(select(CaseAssignment).where(CaseAssignment.case_id == case.id))
    previous = row.assignee if row else None
    if row is None:
        row = CaseAssignment(case_id=case.id)
        session.add(row)
    row.assignee = who or None
    row.assigned_by = actor
    row.assigned_at = moment
    audit_event(session, case, "case_assigned", actor, moment, assignee=who, previous=previous)


def add_note(
    session: DbSession, case: Case, *, text: str, actor: str, now: datetime | None = None
) -> CaseNote:
    """A note for staff on any case, open or closed; never shown to the requester."""
    moment = acting_moment(now)
    body = required_text(text, "Write the note", limit=NOTE_LENGTH)
    lock_case(session, case)
    note = CaseNote(case_id=case.id, author=actor, text=body, created_at=moment)
    session.add(note)
    session.flush()
    audit_event(session, case, "note_added", actor, moment, note_id=note.id)
    session.commit()
    return note
