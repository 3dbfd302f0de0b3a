"""Server-side sessions: the cookie holds only a random token; the data stays in the database.

The server can end a session (sign-out, a disabled account) by deleting its row, and
nothing a resident tells us travels back and forth in a cookie. A session row is created
only when something is stored in it, so reading pages sets no cookie at all.

A form page stores only Flask-WTF's CSRF token. Until a visitor sends something that needs
a row, that token lives in a signed, time-limited cookie of its own (the form cookie), not
in the database: a stranger fetching form pages without cookies adds no row anywhere. The
first POST is checked against it like any other, and whatever that POST stores (the
token included) becomes the session's row.

The form cookie carries the token signed exactly as the form's hidden field carries it
(Flask-WTF's serializer and salt), so a page that sets it signs once, not twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response, g
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import DateTime, String, Text, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import CallbackDict

from portal.extensions import Base, db
from portal.instants import aware, utc_now

# A session's expiry is pushed back at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=5)
# Flask-WTF's key for the raw CSRF token, the one thing kept in the form cookie.
CSRF_KEY = "csrf_token"
# The salt flask_wtf.csrf signs that token with for the form's hidden field.
WTF_CSRF_SALT = "wtf-csrf-token"


class WebSession(Base):
    __tablename__ = "web_sessions"

    # sha256 of the cookie's token: a copy of the table cannot be replayed as cookies.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def web_session_key(token: str) -> str:
    """The row id of the session whose cookie holds `token`: its sha256, so a copy of the
    table cannot be replayed as cookies. Staff sign-ins link to it (portal.accounts)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        token: str | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.expires_at = expires_at
        self.modified = False
        # The CSRF token the request's form cookie carried, if any (no row yet).
        self.form_cookie_token: str | None = None


def form_serializer(app: Flask) -> URLSafeTimedSerializer:
    """Flask-WTF's own signing of the raw token (flask_wtf.csrf.generate_csrf)."""
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key or ""
    return URLSafeTimedSerializer(secret, salt=WTF_CSRF_SALT)


def new_form_token(app: Flask) -> str:
    """A new visitor's CSRF token, signed, made as Flask-WTF makes one (a random raw token,
    sha1 of 64 random bytes): what a blank form page puts in its hidden field and, for a
    visitor with no session, in the form cookie (portal.first_visit_gate)."""
    raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324  (Flask-WTF's own recipe)
    return str(form_serializer(app).dumps(raw))


class DatabaseSessionInterface(SessionInterface):
    def lifetime(self, app: Flask) -> timedelta:
        return app.config["SESSION_IDLE_LIFETIME"]

    def form_cookie_name(self, app: Flask) -> str:
        return self.get_cookie_name(app) + "_form"

    def _form_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return form_serializer(app)

    def _before_any_row(self, app: Flask, request: Request) -> ServerSession:
        """A visitor with no stored session: empty, or holding only the CSRF token of a
        valid form cookie."""
        session = ServerSession()
        signed = request.cookies.get(self.form_cookie_name(app))
        if not signed or len(signed) > 200:
            return session
        try:
            value = self._form_serializer(app).loads(
                signed, max_age=int(self.lifetime(app).total_seconds())
            )
        except BadSignature:
            return session
        if isinstance(value, str):
            session = ServerSession({CSRF_KEY: value})
            session.form_cookie_token = value
        return session

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return self._before_any_row(app, request)
        with db.engine.connect() as connection:
            row = connection.execute(
                select(WebSession.data, WebSession.expires_at).where(
                    WebSession.id == web_session_key(token)
                )
            ).first()
        if row is None:
            return self._before_any_row(app, request)
        expires_at = aware(row.expires_at)
        if expires_at <= utc_now():
            return self._before_any_row(app, request)
        return ServerSession(json.loads(row.data), token=token, expires_at=expires_at)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, ServerSession):
            raise TypeError("the database session interface saves only its own sessions")
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.token is None and set(session) <= {CSRF_KEY}:
            self._save_form_cookie(app, session, response)
            return
        if session.form_cookie_token is not None:
            # The row takes over from the form cookie.
            response.delete_cookie(
                self.form_cookie_name(app),
                domain=domain,
                path=path,
                secure=self.get_cookie_secure(app),
            )
        if not session:
            if session.token:
                end_session(session.token)
                response.delete_cookie(name, domain=domain, path=path)
            return
        expires_at = utc_now() + self.lifetime(app)
        unchanged = session.token is not None and not session.modified
        if unchanged and not _due_a_touch(session.expires_at, expires_at):
            return  # nothing to write: no connection is opened (most page views)
        with db.engine.begin() as connection:
            if session.token is None:
                session.token = secrets.token_urlsafe(32)
                connection.execute(
                    insert(WebSession).values(
                        id=web_session_key(session.token),
                        data=json.dumps(dict(session)),
                        expires_at=expires_at,
                    )
                )
            elif session.modified:
                connection.execute(
                    update(WebSession)
                    .where(WebSession.id == web_session_key(session.token))
                    .values(data=json.dumps(dict(session)), expires_at=expires_at)
                )
            else:
                connection.execute(
                    update(WebSession)
                    .where(WebSession.id == web_session_key(session.token))
                    .values(expires_at=expires_at)
                )
        response.vary.add("Cookie")
        response.set_cookie(
            name,
            session.token,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
        )

    def _save_form_cookie(self, app: Flask, session: ServerSession, response: Response) -> None:
        """No row: the CSRF token alone, if any, in the signed form cookie."""
        value = session.get(CSRF_KEY)
        if not isinstance(value, str) or value == session.form_cookie_token:
            return
        # The page's hidden field already holds this token signed the same way (Flask-WTF
        # keeps it in g for the request): reuse it rather than sign again.
        signed = g.get(CSRF_KEY)
        response.vary.add("Cookie")
        response.set_cookie(
            self.form_cookie_name(app),
            signed or self._form_serializer(app).dumps(value),
            httponly=True,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
        )


def only_form_cookie(session: SessionMixin) -> bool:
    """Whether this visitor has been given a form but has stored nothing: no session row,
    and a valid form cookie (which a stored session deletes)."""
    return (
        isinstance(session, ServerSession)
        and session.token is None
        and session.form_cookie_token is not None
    )


def _due_a_touch(stored: datetime | None, new_expiry: datetime) -> bool:
    """Whether an unchanged session's expiry is worth moving on (at most every
    TOUCH_INTERVAL, so a page view does not write)."""
    return stored is None or stored < new_expiry - TOUCH_INTERVAL


def end_session(token: str) -> None:
    """Forget a session on the server, so its cookie no longer works."""
    with db.engine.begin() as connection:
        connection.execute(delete(WebSession).where(WebSession.id == web_session_key(token)))


def purge_expired_sessions() -> int:
    with db.engine.begin() as connection:
        result = connection.execute(delete(WebSession).where(WebSession.expires_at <= utc_now()))
    return result.rowcount or 0
