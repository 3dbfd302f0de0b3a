"""A disabled staff account's name and email go when the retention schedule's period after
disablement ends (portal.council_retention: staff_accounts; UK GDPR Art 5(1)(e)).

The row stays, so "staff:12" in the audit trail and on cases still names one account (its
id is never reused), but nothing in it says who the person was: the name becomes
"Deleted account", the email an address that cannot receive mail, and the password,
second factor and invitation go.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select

from portal.accounts.directory import actor_of
from portal.accounts.models import StaffSession, StaffUser
from portal.cases import audit, clock
from portal.cases.retention import DELETED, RETENTION_ACTOR, PlannedDeletion
from portal.council_retention import RetentionSchedule
from portal.extensions import DbSession
from portal.instants import aware

PART = "staff_accounts"
ERASED_NAME = "Deleted account"


def _disabled_on(user: StaffUser) -> date:
    if user.disabled_at is None:
        raise ValueError(f"Staff account {user.id} is not disabled")
    return clock.received_on(aware(user.disabled_at))


def _due(session: DbSession, schedule: RetentionSchedule, today: date) -> list[StaffUser]:
    users = session.scalars(
        select(StaffUser)
        .where(StaffUser.disabled_at.is_not(None), StaffUser.erased_at.is_(None))
        .order_by(StaffUser.id)
    )
    return [u for u in users if today >= schedule.staff_accounts.after(_disabled_on(u))]


def plan_staff(
    session: DbSession, schedule: RetentionSchedule, today: date
) -> list[PlannedDeletion]:
    """The disabled accounts a run on `today` erases (reference None: not a case)."""
    period = schedule.staff_accounts
    return [
        PlannedDeletion(
            reference=None,
            what=f"{PART} ({actor_of(user)})",
            rule=f"{PART}: {period.describe()} after disablement "
            f"(disabled {_disabled_on(user).isoformat()})",
            due_on=period.after(_disabled_on(user)),
            held=False,
            hold_reason=None,
        )
        for user in _due(session, schedule, today)
    ]


def erase_staff_account(
    session: DbSession, user: StaffUser, *, now: datetime, actor: str = RETENTION_ACTOR
) -> None:
    """Remove the account's name, email and credentials; audited without personal data.
    Does not commit."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    user.name = ERASED_NAME
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = None
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.invitation_token_hash = None
    user.invitation_expires_at = None
    user.erased_at = now
    audit.record(
        session,
        action=DELETED,
        actor=actor,
        details={"what": PART, "staff_id": user.id, "disabled_on": _disabled_on(user).isoformat()},
        now=now,
    )


def run_staff(
    session: DbSession, schedule: RetentionSchedule, today: date, *, now: datetime
) -> int:
    """Erase every disabled account whose period has ended by `today`; returns how many."""
    users = _due(session, schedule, today)
    for user in users:
        erase_staff_account(session, user, now=now)
        session.commit()
    return len(users)
