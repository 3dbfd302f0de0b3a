"""The council's messages to the requester: newest first on the tracking page, each emailed
once, each kind documented (portal.cases.messages).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

from portal.cases import deadlines, identity, messages
from portal.cases.casework_models import MessageKind
from portal.cases.scenario_steps import CASEWORKER
from tests.unit.cases.read_back import MONDAY, case_messages, message_jobs


def test_messages_for_the_requester_are_newest_first(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    identity.request_identity(session, case, what_is_needed="Photo ID", actor=CASEWORKER)
    identity.accept_identity(
        session, case, evidence_arrived_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
    )
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=MONDAY)
    kinds = [m.kind for m in messages.messages_for(session, case)]
    assert kinds == [MessageKind.EXTENSION_NOTICE, MessageKind.IDENTITY_REQUEST]
    assert [job.payload["message_id"] for job in message_jobs(session)] == [
        m.id for m in case_messages(session, case)
    ]


def test_every_message_kind_documents_its_params():
    assert set(messages.message_text_keys) == set(MessageKind)
