"""Finding a staff account, and the name it goes by in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role, StaffUser
from portal.extensions import DbSession


def actor_of(user: StaffUser) -> str:
    return actor_for_id(user.id)


def actor_for_id(staff_id: int) -> str:
    """The actor string ("staff:12") of the account with this id, without loading it."""
    return f"staff:{staff_id}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: DbSession, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def department_contacts(session: DbSession) -> list[StaffUser]:
    """Active department-contact accounts that name their department, by department, then
    name: whom a caseworker may ask to search (portal.cases.department_requests)."""
    return list(
        session.scalars(
            select(StaffUser)
            .where(
                StaffUser.role == str(Role.DEPARTMENT_CONTACT),
                StaffUser.disabled_at.is_(None),
                StaffUser.department_key.is_not(None),
            )
            .order_by(StaffUser.department_key, StaffUser.name, StaffUser.id)
        )
    )
