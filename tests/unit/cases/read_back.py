"""What the casework unit tests read back (audit actions, messages, email jobs), and the
Monday their requests arrive on. Their cases come from the scenario builder
(portal.cases.scenarios), the `scenarios` fixture, on tests/unit/cases/conftest.py's
throwaway database.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import outbox
from portal.cases.casework_models import CaseMessage
from portal.cases.models import AuditEvent, Case
from portal.cases.scenario_steps import noon

MONDAY = noon(date(2026, 3, 2))  # received on Monday 2 March 2026


def event_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


def actions(session, case: Case) -> list[str]:
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    )
    return list(events)


def case_messages(session, case: Case) -> list[CaseMessage]:
    return list(
        session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        )
    )


def message_jobs(session) -> list[outbox.Job]:
    return list(
        session.scalars(
            select(outbox.Job)
            .where(outbox.Job.kind == "email.case_message")
            .order_by(outbox.Job.id)
        )
    )
