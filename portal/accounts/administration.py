"""Staff administration: the list of accounts with their status, roles, disabling, and
resetting a sign-in. There is always an administrator who can sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.accounts.directory import actor_of
from portal.accounts.invitations import (
    Invitation,
    InvitationUnusable,
    department_of,
    new_invitation_token,
)
from portal.accounts.models import Role, StaffUser
from portal.accounts.signing_in import is_locked
from portal.accounts.staff_sessions import end_all_sessions
from portal.cases import audit
from portal.extensions import DbSession
from portal.instants import aware, utc_now


class LastAdmin(ValueError):
    """The change would leave no administrator who can sign in."""


def list_staff(session: DbSession) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.name, StaffUser.id)))


def status_of(user: StaffUser, now: datetime | None = None) -> str:
    moment = now or utc_now()
    if not user.is_active:
        return "Disabled"
    if not user.has_accepted_invitation:
        expires = user.invitation_expires_at
        if expires is None or aware(expires) <= moment:
            return "Invitation expired"
        return "Invited"
    if is_locked(user, moment):
        return "Locked"
    return "Active"


def _leaves_no_admin(session: DbSession, target: StaffUser) -> bool:
    """Whether taking this account out of the administrators would leave none who can
    sign in. The administrators' rows are locked in id order, so two administrators
    demoting each other at once cannot both succeed."""
    admin_ids = session.scalars(
        select(StaffUser.id)
        .where(
            StaffUser.role == Role.ADMIN,
            StaffUser.disabled_at.is_(None),
            StaffUser.password_hash.is_not(None),
        )
        .order_by(StaffUser.id)
        .with_for_update()
    ).all()
    return target.id in admin_ids and len(admin_ids) == 1


def disable(
    session: DbSession, target: StaffUser, *, actor: StaffUser, now: datetime | None = None
) -> int:
    """Disable an account and end every session it has, at once. Returns how many
    sessions were ended. Refused (LastAdmin) for the last administrator."""
    moment = now or utc_now()
    if not target.is_active:
        return 0
    if Role(target.role) == Role.ADMIN and _leaves_no_admin(session, target):
        session.rollback()
        raise LastAdmin("the last administrator cannot be disabled")
    target.disabled_at = moment
    target.invitation_token_hash = None
    target.invitation_expires_at = None
    ended = end_all_sessions(session, target)
    audit.record(
        session,
        action="staff_disabled",
        actor=actor_of(actor),
        details={"staff_id": target.id, "sessions_ended": ended},
        now=moment,
    )
    session.commit()
    return ended


def reset_sign_in(
    session: DbSession, target: StaffUser, *, actor: StaffUser, now: datetime | None = None
) -> Invitation:
    """For a forgotten password or a lost phone: the password and authenticator app are
    cleared, every session ends, and a new invitation link sets them up again. Not for
    one's own account (another administrator must do it)."""
    moment = now or utc_now()
    if not target.is_active or target.id == actor.id:
        raise InvitationUnusable("this account cannot be reset by this administrator")
    target.password_hash = None
    target.totp_secret = None
    target.totp_enrolled_at = None
    target.failed_attempts = 0
    target.locked_until = None
    token = new_invitation_token(target, moment)
    ended = end_all_sessions(session, target)
    audit.record(
        session,
        action="staff_sign_in_reset",
        actor=actor_of(actor),
        details={"staff_id": target.id, "sessions_ended": ended},
        now=moment,
    )
    session.commit()
    return Invitation(target, token)


def change_role(
    session: DbSession,
    target: StaffUser,
    role: Role,
    *,
    actor: StaffUser,
    department_key: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Give an account another role, or a department contact another department; it
    applies from the account's next request. A department contact names the department
    they search for (ValueError without one); any other role names none. False when
    nothing changed. Refused (LastAdmin) for the last administrator."""
    moment = now or utc_now()
    old = Role(target.role)
    new = Role(role)
    department = department_of(new, department_key)
    if old == new and target.department_key == department:
        return False
    if old == Role.ADMIN and new != old and _leaves_no_admin(session, target):
        session.rollback()
        raise LastAdmin("the last administrator must stay an administrator")
    details: dict[str, object] = {"staff_id": target.id, "from": str(old), "to": str(new)}
    if target.department_key != department:
        details["department_from"] = target.department_key
        details["department_to"] = department
    target.role = new
    target.department_key = department
    audit.record(
        session,
        action="staff_role_changed",
        actor=actor_of(actor),
        details=details,
        now=moment,
    )
    session.commit()
    return True
