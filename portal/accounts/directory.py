"""Finding a staff account, and the name it goes by in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.extensions import DbSession


def actor_of(user: StaffUser) -> str:
    return f"staff:{user.id}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: DbSession, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
