"""Who holds how many open cases (issue 19 point 2): the dashboard's workload by person,
so whoever allocates work sees at a glance who is stretched and who has room. Counted by
the database in one pass over the open cases and their assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from portal.cases.casework_models import CaseAssignment
from portal.cases.models import OPEN_STATE_VALUES, Case
from portal.cases.queue import due_soon_until
from portal.extensions import DbSession

__all__ = ["PersonWorkload", "workload"]


@dataclass(frozen=True)
class PersonWorkload:
    assignee: str | None  # "staff:12"; None for the cases nobody holds
    open: int
    due_soon: int  # due within the queue's few working days, not yet overdue
    overdue: int


def workload(session: DbSession, *, today: date) -> list[PersonWorkload]:
    """Each holder's open cases, most overdue first, then most held; nobody's cases last."""
    soon = due_soon_until(today)
    rows = session.execute(
        select(
            CaseAssignment.assignee,
            func.count(),
            func.sum(case((Case.due_on.between(today, soon), 1), else_=0)),
            func.sum(case((Case.due_on < today, 1), else_=0)),
        )
        .select_from(Case)
        .outerjoin(CaseAssignment, CaseAssignment.case_id == Case.id)
        .where(Case.state.in_(OPEN_STATE_VALUES))
        .group_by(CaseAssignment.assignee)
    ).all()
    people = [
        PersonWorkload(who, count, int(soon or 0), int(late or 0))
        for who, count, soon, late in rows
    ]
    return sorted(people, key=lambda p: (p.assignee is None, -p.overdue, -p.open, p.assignee or ""))
