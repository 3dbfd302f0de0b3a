"""New staff accounts. An administrator invites someone: the account has no password yet,
and a one-time link (valid 72 hours; only its hash is stored) lets its owner set one and then
enrol an authenticator app. The first administrator is made from the command line instead,
ready to use.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.accounts import passwords, totp
from portal.accounts.directory import actor_of, find_by_email, normalise_email
from portal.accounts.models import Role, StaffUser
from portal.cases import audit
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.instants import aware, utc_now

INVITATION_LIFETIME = timedelta(hours=72)

CLI_ACTOR = "cli"


class AccountExists(ValueError):
    """An account already has this email address."""


class WeakPassword(ValueError):
    """The password breaks a rule; the message says which, in words for the user."""


class InvitationUnusable(ValueError):
    """The invitation link is unknown, used, expired, or its account disabled."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_new_password(
    password: str, *, email: str, name: str, council_names: Iterable[str]
) -> None:
    problem = passwords.password_problem(
        password, email=email, name=name, council_names=council_names
    )
    if problem:
        raise WeakPassword(problem)


def _refuse_existing(session: DbSession, email: str) -> None:
    if find_by_email(session, email) is not None:
        raise AccountExists(email)


def create_account(
    session: DbSession,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    cipher: EvidenceCipher,
    council_names: Iterable[str] = (),
    actor: str = CLI_ACTOR,
    now: datetime | None = None,
    department_key: str | None = None,
) -> tuple[StaffUser, str]:
    """An account ready to use, with its password and its authenticator secret (returned
    once, to be shown once): how the first administrator is made, from the command line."""
    moment = now or utc_now()
    email = normalise_email(email)
    _check_new_password(password, email=email, name=name, council_names=council_names)
    _refuse_existing(session, email)
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=Role(role),
        password_hash=passwords.hash_password(password),
        failed_attempts=0,
        created_at=moment,
        department_key=department_of(role, department_key),
    )
    session.add(user)
    session.flush()  # the id binds the encrypted secret to this row
    secret = totp.new_secret()
    user.totp_secret = totp.encrypt_secret(cipher, user.id, secret)
    user.totp_enrolled_at = moment
    audit.record(
        session,
        action="staff_created",
        actor=actor,
        details={"staff_id": user.id, "role": str(role)},
        now=moment,
    )
    session.commit()
    return user, secret


def department_of(role: Role, department_key: str | None) -> str | None:
    """A department contact searches for one department (its key in the council profile);
    other roles have none."""
    if Role(role) != Role.DEPARTMENT_CONTACT:
        return None
    if not department_key:
        raise ValueError("A department contact needs a department")
    return department_key


@dataclass(frozen=True)
class Invitation:
    user: StaffUser
    token: str  # shown once; only its hash is stored


def new_invitation_token(user: StaffUser, now: datetime) -> str:
    """A fresh link for the account (any earlier one stops working); the caller commits."""
    token = secrets.token_urlsafe(32)
    user.invitation_token_hash = _token_hash(token)
    user.invitation_expires_at = now + INVITATION_LIFETIME
    return token


def invite(
    session: DbSession,
    *,
    email: str,
    name: str,
    role: Role,
    invited_by: StaffUser,
    now: datetime | None = None,
    department_key: str | None = None,
) -> Invitation:
    """A new account with no password yet, and a one-time link (valid 72 hours) with which
    its owner sets a password and enrols an authenticator app."""
    moment = now or utc_now()
    email = normalise_email(email)
    _refuse_existing(session, email)
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=Role(role),
        failed_attempts=0,
        created_at=moment,
        invited_by_id=invited_by.id,
        department_key=department_of(role, department_key),
    )
    token = new_invitation_token(user, moment)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="staff_invited",
        actor=actor_of(invited_by),
        details={"staff_id": user.id, "role": str(role)},
        now=moment,
    )
    session.commit()
    return Invitation(user, token)


def renew_invitation(
    session: DbSession, user: StaffUser, *, actor: StaffUser, now: datetime | None = None
) -> Invitation:
    """A new link for someone who has not accepted yet; the old link stops working."""
    moment = now or utc_now()
    if user.has_accepted_invitation or not user.is_active:
        raise InvitationUnusable("this account does not need an invitation")
    token = new_invitation_token(user, moment)
    audit.record(
        session,
        action="staff_invitation_renewed",
        actor=actor_of(actor),
        details={"staff_id": user.id},
        now=moment,
    )
    session.commit()
    return Invitation(user, token)


def find_invitation(
    session: DbSession, token: str, *, now: datetime | None = None
) -> StaffUser | None:
    """The account a usable invitation link belongs to; None for any unusable link."""
    moment = now or utc_now()
    if not token or len(token) > 100:
        return None
    user = session.scalar(
        select(StaffUser).where(StaffUser.invitation_token_hash == _token_hash(token))
    )
    if (
        user is None
        or not user.is_active
        or user.has_accepted_invitation
        or user.invitation_expires_at is None
        or aware(user.invitation_expires_at) <= moment
    ):
        return None
    return user


def accept_invitation(
    session: DbSession,
    token: str,
    *,
    password: str,
    council_names: Iterable[str] = (),
    now: datetime | None = None,
) -> StaffUser:
    """Set the password with an invitation link, which then stops working. The account
    still needs an authenticator app before anyone can sign in with it."""
    moment = now or utc_now()
    user = find_invitation(session, token, now=moment)
    if user is None:
        raise InvitationUnusable("unknown, used or expired")
    _check_new_password(password, email=user.email, name=user.name, council_names=council_names)
    # One use only, even when two requests race: the row changes only if the hash is there.
    result = session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.invitation_token_hash == _token_hash(token))
        .values(
            password_hash=passwords.hash_password(password),
            invitation_token_hash=None,
            invitation_expires_at=None,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InvitationUnusable("used by another request")
    audit.record(
        session,
        action="staff_invitation_accepted",
        actor=actor_of(user),
        details={"staff_id": user.id},
        now=moment,
    )
    session.commit()
    return user
