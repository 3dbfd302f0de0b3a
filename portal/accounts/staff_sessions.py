"""Signed in and signed out: each staff sign-in is a server-side session (portal.sessions)
linked to its account, so that signing out, or an administrator disabling the account,
ends it on the server and not only in the browser."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select

from portal.accounts.directory import actor_of
from portal.accounts.models import StaffSession, StaffUser
from portal.cases import audit
from portal.extensions import DbSession
from portal.instants import utc_now
from portal.sessions import WebSession, web_session_key


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
    moment = now or utc_now()
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
    moment = now or utc_now()
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


def end_all_sessions(session: DbSession, user: StaffUser) -> int:
    """Delete every session the account is signed in with; the caller audits and commits.
    Returns how many there were."""
    web_session_ids = session.scalars(
        select(StaffSession.web_session_id).where(StaffSession.user_id == user.id)
    ).all()
    if web_session_ids:
        session.execute(delete(WebSession).where(WebSession.id.in_(web_session_ids)))
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    return len(web_session_ids)


def signed_in_user(
    session: DbSession, link_id: object, user_id: int, token: str
) -> StaffUser | None:
    """The account a session is signed in to, if the session's link to it still stands
    (signing out and disabling delete it): one query for the link and the account, whose
    role is all the permission checks need. The link is matched on the hash of the
    cookie's token, so the comparison in SQL reveals nothing about the token itself."""
    if not isinstance(link_id, int):
        return None
    return session.scalar(
        select(StaffUser)
        .join(StaffSession, StaffSession.user_id == StaffUser.id)
        .where(
            StaffSession.id == link_id,
            StaffUser.id == user_id,
            StaffSession.web_session_id == web_session_key(token),
        )
    )


@dataclass(frozen=True)
class SessionWithAccount:
    """A server-side session's row, and the sign-in link and account it belongs to (None
    when it is linked to none: before sign-in, or a resident's session)."""

    data: str
    expires_at: datetime
    link_id: int | None
    user: StaffUser | None


# Built once: the statement every staff page runs first (its cache key is worked out once).
_SESSION_WITH_ACCOUNT = (
    select(WebSession.data, WebSession.expires_at, StaffSession.id, StaffUser)
    .select_from(WebSession)
    .outerjoin(StaffSession, StaffSession.web_session_id == WebSession.id)
    .outerjoin(StaffUser, StaffUser.id == StaffSession.user_id)
    .where(WebSession.id == bindparam("web_session_id"))
)


def session_with_account(session: DbSession, web_session_id: str) -> SessionWithAccount | None:
    """What every staff page reads first, in one query: the session row, its sign-in link
    and the account (whose role is all the permission checks need). None when there is no
    such session."""
    row = session.execute(_SESSION_WITH_ACCOUNT, {"web_session_id": web_session_id}).first()
    return None if row is None else SessionWithAccount(*row)
