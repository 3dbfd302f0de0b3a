"""Who has a case, and staff notes that stay out of the audit trail (portal.cases.allocation).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.cases import allocation, closing, errors
from portal.cases import casework_models as cm
from portal.cases.models import AuditEvent, Channel
from portal.cases.scenario_steps import CASEWORKER
from tests.unit.cases.read_back import MONDAY


def test_assignment_keeps_the_current_assignee(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    allocation.assign(session, case, assignee="staff:7", actor=CASEWORKER)
    allocation.assign(session, case, assignee="staff:8", actor=CASEWORKER)
    assert allocation.assignee_of(session, case) == "staff:8"
    allocation.assign(session, case, assignee=None, actor=CASEWORKER)
    assert allocation.assignee_of(session, case) is None
    assert session.scalar(select(func.count(cm.CaseAssignment.id))) == 1


def test_notes_stay_out_of_the_audit_trail_and_are_allowed_on_closed_cases(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received=Channel.LETTER)
    note = allocation.add_note(
        session, case, text="Mother called: ICO complaint made", actor=CASEWORKER
    )
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.details == {"note_id": note.id}
    with pytest.raises(errors.CaseClosed):
        allocation.assign(session, case, assignee="staff:7", actor=CASEWORKER)
