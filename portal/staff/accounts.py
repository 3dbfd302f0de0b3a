"""Staff accounts: signing in, invitations, roles, disabling, and the sessions that go with them.

As in portal/cases/service.py, no Flask request or session here: each function checks its
rules, changes the rows and appends its audit event in one transaction, and commits.

Signing in never says whether an account exists: an unknown address, a disabled or locked
account and a wrong password all read the same, and take the same time (an unknown address
is checked against a dummy hash). Failures are counted on the account row, in the database,
so every worker sees one count: 10 in a row lock the account for 15 minutes. A failure at
the code step counts too, or the password alone would allow unlimited guesses at the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update

from portal.cases import audit
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.sessions import WebSession
from portal.sessions import _key as web_session_key
from portal.staff import passwords, totp
from portal.staff.models import Role, StaffSession, StaffUser

MAX_FAILED_ATTEMPTS = 10
LOCK_DURATION = timedelta(minutes=15)
INVITATION_LIFETIME = timedelta(hours=72)

CLI_ACTOR = "cli"
ANONYMOUS = "anonymous"


class AccountExists(ValueError):
    """An account already has this email address."""


class WeakPassword(ValueError):
    """The password breaks a rule; the message says which, in words for the user."""


class LastAdmin(ValueError):
    """The change would leave no administrator who can sign in."""


class InvitationUnusable(ValueError):
    """The invitation link is unknown, used, expired, or its account disabled."""


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    REUSED = "reused"  # a code from a step already used: refused, and counted as a failure
    LOCKED = "locked"
    DISABLED = "disabled"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC


def actor_of(user: StaffUser) -> str:
    return f"staff:{user.id}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_digest(secret: str, email: str) -> str:
    """A keyed hash of a typed email address for the audit trail: failures can be grouped
    by address without keeping addresses (or passwords typed into the wrong box)."""
    message = f"staff-email:{normalise_email(email)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and _aware(user.locked_until) > now


def find_by_email(session: DbSession, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


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


# Creating accounts --------------------------------------------------------------------


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
) -> tuple[StaffUser, str]:
    """An account ready to use, with its password and its authenticator secret (returned
    once, to be shown once): how the first administrator is made, from the command line."""
    moment = now or _now()
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


@dataclass(frozen=True)
class Invitation:
    user: StaffUser
    token: str  # shown once; only its hash is stored


def _new_invitation_token(user: StaffUser, now: datetime) -> str:
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
) -> Invitation:
    """A new account with no password yet, and a one-time link (valid 72 hours) with which
    its owner sets a password and enrols an authenticator app."""
    moment = now or _now()
    email = normalise_email(email)
    _refuse_existing(session, email)
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=Role(role),
        failed_attempts=0,
        created_at=moment,
        invited_by_id=invited_by.id,
    )
    token = _new_invitation_token(user, moment)
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
    moment = now or _now()
    if user.has_accepted_invitation or not user.is_active:
        raise InvitationUnusable("this account does not need an invitation")
    token = _new_invitation_token(user, moment)
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
    moment = now or _now()
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
        or _aware(user.invitation_expires_at) <= moment
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
    moment = now or _now()
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


# Signing in -----------------------------------------------------------------------------


def _record_failure(
    session: DbSession,
    *,
    user: StaffUser | None,
    email: str,
    stage: str,
    reason: str,
    secret: str,
    now: datetime,
) -> None:
    details: dict[str, object] = {
        "stage": stage,
        "reason": reason,
        "email_hash": email_digest(secret, email),
    }
    if user is not None:
        details["staff_id"] = user.id
    audit.record(session, action="staff_sign_in_failed", actor=ANONYMOUS, details=details, now=now)


def _count_failure(session: DbSession, user: StaffUser, now: datetime) -> bool:
    """One more failure on the account row (an atomic increment, so workers racing each
    other lose no count). True when this failure locks the account."""
    if user.locked_until is not None and _aware(user.locked_until) <= now:
        # The last lock has run out: the count starts again.
        session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(failed_attempts=0, locked_until=None)
        )
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(failed_attempts=StaffUser.failed_attempts + 1)
    )
    session.refresh(user)
    if user.failed_attempts < MAX_FAILED_ATTEMPTS or is_locked(user, now):
        return False
    user.locked_until = now + LOCK_DURATION
    audit.record(
        session,
        action="staff_locked",
        actor=ANONYMOUS,
        details={"staff_id": user.id, "failed_attempts": user.failed_attempts},
        now=now,
    )
    return True


def check_password(
    session: DbSession, *, email: str, password: str, secret: str, now: datetime | None = None
) -> StaffUser | None:
    """Step 1: the account, if the address and password are right and it may sign in;
    else None, which callers must answer the same way whatever the reason."""
    moment = now or _now()
    user = find_by_email(session, email)
    if user is None or user.password_hash is None:
        passwords.verify_nothing(password)
        reason = "unknown_account" if user is None else "invitation_not_accepted"
        _record_failure(
            session,
            user=user,
            email=email,
            stage="password",
            reason=reason,
            secret=secret,
            now=moment,
        )
        session.commit()
        return None
    right = passwords.verify_password(user.password_hash, password)
    reason = ""
    if not user.is_active:
        reason = "disabled"
    elif is_locked(user, moment):
        reason = "locked"  # not counted: the lock's end does not move
    elif not right:
        reason = "wrong_password"
        _count_failure(session, user, moment)
    if reason:
        _record_failure(
            session,
            user=user,
            email=email,
            stage="password",
            reason=reason,
            secret=secret,
            now=moment,
        )
        session.commit()
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.commit()
    return user


def _locked_row(session: DbSession, user: StaffUser) -> StaffUser:
    """The account row, re-read and locked for this transaction (PostgreSQL), so two
    requests cannot both accept one code."""
    return session.execute(
        select(StaffUser)
        .where(StaffUser.id == user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _code_refusal(user: StaffUser, now: datetime) -> CodeCheck | None:
    if not user.is_active:
        return CodeCheck.DISABLED
    if is_locked(user, now):
        return CodeCheck.LOCKED
    return None


def _failed_code(
    session: DbSession, user: StaffUser, *, reason: str, secret: str, now: datetime
) -> CodeCheck:
    locked = _count_failure(session, user, now)
    _record_failure(
        session,
        user=user,
        email=user.email,
        stage="code",
        reason=reason,
        secret=secret,
        now=now,
    )
    session.commit()
    if locked:
        return CodeCheck.LOCKED
    return CodeCheck.REUSED if reason == "code_reused" else CodeCheck.WRONG


def check_code(
    session: DbSession,
    user: StaffUser,
    code: str,
    *,
    cipher: EvidenceCipher,
    secret: str,
    now: datetime | None = None,
) -> CodeCheck:
    """Step 2: the code from the authenticator app. A code from a time step at or before
    the last accepted one is refused, so each code works once."""
    moment = now or _now()
    user = _locked_row(session, user)
    refusal = _code_refusal(user, moment)
    if refusal is not None:
        session.commit()
        return refusal
    if user.totp_secret is None or user.totp_enrolled_at is None:
        session.commit()
        return CodeCheck.WRONG
    step = totp.matching_step(totp.decrypt_secret(cipher, user.id, user.totp_secret), code, moment)
    if step is None:
        return _failed_code(session, user, reason="wrong_code", secret=secret, now=moment)
    if user.totp_last_used_step is not None and step <= user.totp_last_used_step:
        return _failed_code(session, user, reason="code_reused", secret=secret, now=moment)
    user.totp_last_used_step = step
    session.commit()
    return CodeCheck.OK


def enrolment_secret(session: DbSession, user: StaffUser, *, cipher: EvidenceCipher) -> str:
    """The authenticator secret being set up: made and stored (encrypted) the first time,
    the same on every later visit until a code confirms it."""
    if user.totp_enrolled_at is not None:
        raise ValueError("this account already has an authenticator app")
    if user.totp_secret is not None:
        return totp.decrypt_secret(cipher, user.id, user.totp_secret)
    new = totp.new_secret()
    user.totp_secret = totp.encrypt_secret(cipher, user.id, new)
    session.commit()
    return new


def confirm_enrolment(
    session: DbSession,
    user: StaffUser,
    code: str,
    *,
    cipher: EvidenceCipher,
    secret: str,
    now: datetime | None = None,
) -> CodeCheck:
    """A code from the newly set-up app proves it works; from now on it is required."""
    moment = now or _now()
    user = _locked_row(session, user)
    refusal = _code_refusal(user, moment)
    if refusal is not None:
        session.commit()
        return refusal
    if user.totp_secret is None or user.totp_enrolled_at is not None:
        session.commit()
        return CodeCheck.WRONG
    step = totp.matching_step(totp.decrypt_secret(cipher, user.id, user.totp_secret), code, moment)
    if step is None:
        return _failed_code(session, user, reason="wrong_code", secret=secret, now=moment)
    user.totp_enrolled_at = moment
    user.totp_last_used_step = step
    audit.record(
        session,
        action="staff_totp_enrolled",
        actor=actor_of(user),
        details={"staff_id": user.id},
        now=moment,
    )
    session.commit()
    return CodeCheck.OK


# Sessions -------------------------------------------------------------------------------


def start_staff_session(
    session: DbSession,
    user: StaffUser,
    *,
    old_token: str | None,
    lifetime: timedelta,
    method: str = "password_and_code",
    now: datetime | None = None,
) -> tuple[str, StaffSession]:
    """Sign-in complete: a new server-side session under a new id (the pre-sign-in one is
    deleted, so a cookie planted before sign-in is worth nothing after it), linked to the
    account so that signing out or disabling it can delete it. Returns the new cookie
    token and the link."""
    moment = now or _now()
    if old_token:
        session.execute(delete(WebSession).where(WebSession.id == web_session_key(old_token)))
    token = secrets.token_urlsafe(32)
    web_session_id = web_session_key(token)
    session.add(WebSession(id=web_session_id, data="{}", expires_at=moment + lifetime))
    link = StaffSession(user_id=user.id, web_session_id=web_session_id, created_at=moment)
    session.add(link)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_signed_in_at = moment
    audit.record(
        session,
        action="staff_signed_in",
        actor=actor_of(user),
        details={"staff_id": user.id, "method": method},
        now=moment,
    )
    session.commit()
    return token, link


def end_staff_session(
    session: DbSession,
    *,
    user: StaffUser | None,
    link_id: int | None,
    token: str | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Delete one server-side session and its link: signing out, or idle for too long."""
    moment = now or _now()
    if token:
        session.execute(delete(WebSession).where(WebSession.id == web_session_key(token)))
    if link_id is not None:
        session.execute(delete(StaffSession).where(StaffSession.id == link_id))
    if user is not None:
        audit.record(
            session,
            action="staff_signed_out",
            actor=actor_of(user),
            details={"staff_id": user.id, "reason": reason},
            now=moment,
        )
    session.commit()


def _end_all_sessions(session: DbSession, user: StaffUser) -> int:
    web_session_ids = session.scalars(
        select(StaffSession.web_session_id).where(StaffSession.user_id == user.id)
    ).all()
    if web_session_ids:
        session.execute(delete(WebSession).where(WebSession.id.in_(web_session_ids)))
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    return len(web_session_ids)


def session_is_current(session: DbSession, link_id: object, user_id: int, token: str) -> bool:
    """Whether a session's link to an account still stands (signing out and disabling
    delete it)."""
    if not isinstance(link_id, int):
        return False
    link = session.get(StaffSession, link_id)
    return (
        link is not None
        and link.user_id == user_id
        and hmac.compare_digest(link.web_session_id, web_session_key(token))
    )


# Administration -------------------------------------------------------------------------


def list_staff(session: DbSession) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.name, StaffUser.id)))


def status_of(user: StaffUser, now: datetime | None = None) -> str:
    moment = now or _now()
    if not user.is_active:
        return "Disabled"
    if not user.has_accepted_invitation:
        expires = user.invitation_expires_at
        if expires is None or _aware(expires) <= moment:
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
    moment = now or _now()
    if not target.is_active:
        return 0
    if Role(target.role) == Role.ADMIN and _leaves_no_admin(session, target):
        session.rollback()
        raise LastAdmin("the last administrator cannot be disabled")
    target.disabled_at = moment
    target.invitation_token_hash = None
    target.invitation_expires_at = None
    ended = _end_all_sessions(session, target)
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
    moment = now or _now()
    if not target.is_active or target.id == actor.id:
        raise InvitationUnusable("this account cannot be reset by this administrator")
    target.password_hash = None
    target.totp_secret = None
    target.totp_enrolled_at = None
    target.failed_attempts = 0
    target.locked_until = None
    token = _new_invitation_token(target, moment)
    ended = _end_all_sessions(session, target)
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
    now: datetime | None = None,
) -> bool:
    """Give an account another role; it applies from the account's next request. False
    when it already had that role. Refused (LastAdmin) for the last administrator."""
    moment = now or _now()
    old = Role(target.role)
    new = Role(role)
    if old == new:
        return False
    if old == Role.ADMIN and _leaves_no_admin(session, target):
        session.rollback()
        raise LastAdmin("the last administrator must stay an administrator")
    target.role = new
    audit.record(
        session,
        action="staff_role_changed",
        actor=actor_of(actor),
        details={"staff_id": target.id, "from": str(old), "to": str(new)},
        now=moment,
    )
    session.commit()
    return True
