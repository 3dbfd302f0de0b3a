"""C1-C2: a request made by letter, phone, email or in person, keyed in by staff, counts
from the day the council received it (portal.cases.intake.log_staff_intake).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.cases import errors, intake
from portal.cases.models import Channel
from portal.cases.scenario_requests import person, submission
from portal.cases.scenario_steps import CASEWORKER
from tests.unit.cases.read_back import MONDAY, actions


def test_a_letter_counts_from_the_day_it_arrived_not_the_day_it_was_keyed_in(session, cipher):
    case = intake.log_staff_intake(
        session,
        submission(subject=person(email="")),
        channel=Channel.LETTER,
        received_at=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key="letter-2026-02-27-1",
        cipher=cipher,
        now=MONDAY,
    )
    assert case.channel == Channel.LETTER
    assert case.received_on == date(2026, 2, 27)
    assert case.due_on == date(2026, 3, 27)
    assert case.details["staff_intake"]["keyed_in_by"] == CASEWORKER
    assert actions(session, case) == ["request_submitted"]
    again = intake.log_staff_intake(
        session,
        submission(subject=person(email="")),
        channel=Channel.LETTER,
        received_at=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key="letter-2026-02-27-1",
        cipher=cipher,
        now=MONDAY,
    )
    assert again.id == case.id


def test_a_phone_request_just_after_midnight_bst_is_received_that_day(session, cipher):
    case = intake.log_staff_intake(
        session,
        submission(),
        channel=Channel.PHONE,
        received_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key=secrets.token_urlsafe(16),
        cipher=cipher,
        now=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
    )
    assert case.received_on == date(2026, 4, 1)


def test_staff_intake_refuses_online_and_future_requests(session, cipher):
    common = {
        "actor": CASEWORKER,
        "idempotency_key": secrets.token_urlsafe(16),
        "cipher": cipher,
        "now": MONDAY,
    }
    with pytest.raises(errors.CaseworkError, match="online"):
        intake.log_staff_intake(
            session, submission(), channel=Channel.ONLINE, received_at=MONDAY, **common
        )
    with pytest.raises(errors.InvalidDate):
        intake.log_staff_intake(
            session,
            submission(),
            channel=Channel.EMAIL,
            received_at=MONDAY + timedelta(hours=1),
            **common,
        )
