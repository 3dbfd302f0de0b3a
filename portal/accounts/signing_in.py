"""Signing in: the password, then a code from the authenticator app (enrolled at the first
sign-in), and the lockout.

Signing in never says whether an account exists: an unknown address, a disabled or locked
account and a wrong password all read the same, and take the same time (an unknown address
is checked against a dummy hash).

Wrong passwords do not lock the account: anyone who knew a staff email could then lock its
owner out (issue 15 point 3). They are bounded per client instead, before any hashing
(portal/rate_limits.py, "staff_sign_in"), and a password alone does not sign in: the code
from the authenticator app is needed too. Failures at the code step, which only someone
with the password reaches, are counted on the account row, in the database, so every
worker sees one count: 10 in a row lock the account for 15 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update

from portal.accounts import passwords, totp
from portal.accounts.directory import actor_of, find_by_email, normalise_email
from portal.accounts.models import StaffUser
from portal.cases import audit
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.instants import aware, utc_now

MAX_FAILED_ATTEMPTS = 10
LOCK_DURATION = timedelta(minutes=15)

ANONYMOUS = "anonymous"


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    REUSED = "reused"  # a code from a step already used: refused, and counted as a failure
    LOCKED = "locked"
    DISABLED = "disabled"


def email_digest(secret: str, email: str) -> str:
    """A keyed hash of a typed email address for the audit trail: failures can be grouped
    by address without keeping addresses (or passwords typed into the wrong box)."""
    message = f"staff-email:{normalise_email(email)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def is_locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and aware(user.locked_until) > now


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
    if user.locked_until is not None and aware(user.locked_until) <= now:
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
    else None, which callers must answer the same way whatever the reason. Raises
    passwords.HashingBusy, at once, when this worker is already hashing its limit."""
    moment = now or utc_now()
    user = find_by_email(session, email)
    if user is None or user.password_hash is None:
        passwords.verify_nothing(password, wait=None)
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
    right = passwords.verify_password(user.password_hash, password, wait=None)
    reason = ""
    if not user.is_active:
        reason = "disabled"
    elif is_locked(user, moment):
        reason = "locked"  # not counted: the lock's end does not move
    elif not right:
        reason = "wrong_password"  # not counted on the account: see the module's docstring
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
    moment = now or utc_now()
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
    moment = now or utc_now()
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
