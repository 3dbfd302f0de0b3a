"""The server-side session of a staff page, read with its account in one query.

Every staff page needs the session row, the sign-in link that ties it to an account, and
the account (its role is all the permission table needs). The resident pages' session
interface (portal.sessions) reads the row alone; under /staff/ this one joins the link and
the account to it, and the user loader (auth.load_user) takes the account from there
instead of asking the database again (issue 17 point 2).
"""

from __future__ import annotations

import json

from flask import Flask, Request

from portal.accounts.models import StaffUser
from portal.accounts.staff_sessions import SessionWithAccount, session_with_account
from portal.extensions import db
from portal.instants import aware, utc_now
from portal.sessions import DatabaseSessionInterface, ServerSession, web_session_key

STAFF_PATH = "/staff/"


class StaffPageSession(ServerSession):
    """A staff page's session, read with the sign-in link and account its row is linked
    to (None when it is linked to none)."""

    def __init__(self, found: SessionWithAccount, token: str) -> None:
        expires_at = aware(found.expires_at)
        super().__init__(json.loads(found.data), token=token, expires_at=expires_at)
        self.read_with_token = token
        self.link_id = found.link_id
        self.account = found.user

    def account_for(self, link_id: object, user_id: int) -> StaffUser | None:
        """The account read with the session, if the session still names that link and
        account; None otherwise (signed out elsewhere, disabled: the link is gone)."""
        account = self.account
        if account is None or self.link_id != link_id or account.id != user_id:
            return None
        return account

    @property
    def account_is_current(self) -> bool:
        """Whether the account was read for the session's current token (sign-in moves
        the session to a new one)."""
        return self.token is not None and self.token == self.read_with_token


class StaffSessionInterface(DatabaseSessionInterface):
    """Resident pages open their session as before; staff pages read the account with it."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not request.path.startswith(STAFF_PATH) or not token or len(token) > 100:
            return super().open_session(app, request)
        found = session_with_account(db.session, web_session_key(token))
        if found is None or aware(found.expires_at) <= utc_now():
            return self._before_any_row(app, request)
        return StaffPageSession(found, token)
