"""Per-client limits: how often one client (remote address, or the first untrusted address
of X-Forwarded-For behind TRUST_PROXY) may do something costly or guessable.

Fixed windows per (bucket, client key). The counters live where every app server and worker
sees them: in the database (the `rate_counters` table, the embedded default) or in Redis
when REDIS_URL is set. Both backends have one interface, `hit(key, window) -> count`.

A view calls `enforce(bucket)` before the work (for staff sign-in, before any password is
hashed); over the limit it raises `RateLimited`, which the error pages answer with 429, a
Retry-After header and a page saying when to try again.

Once a client has been refused on a route, `RefusalGate` (in front of Flask) answers its
further posts to that route with a copy of the same page until the window ends, without
sessions, routing, the database or templates, and first holds it for up to a second while
one of a few threads set aside for that is free (REFUSAL_DELAY_SLOTS): a client that posts
as fast as it is answered is slowed to about one post a second, and the threads that serve
everyone else are never all held (bench/abuse.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app, request
from sqlalchemy import BigInteger, Integer, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import TooManyRequests

from portal.extensions import db


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


# bucket: (how many, per how many seconds), per client. RATE_LIMITS in the config
# overrides any of them (README, "Limits").
DEFAULT_LIMITS: dict[str, Limit] = {
    "staff_sign_in": Limit(10, 300),  # password and code steps
    "tracking": Limit(10, 900),  # reference + email lookups, which email a code
    "tracking_code": Limit(20, 900),  # one-time codes typed
    "submission": Limit(10, 3600),  # requests sent
    "upload": Limit(30, 3600),  # posts carrying files (journeys and tracking)
}


# Keys this process remembers as over their limit (window end), at most this many.
REFUSED_MEMORY = 10_000
# How long the gate holds a refused client's repeated post, at most, before answering.
REFUSAL_DELAY_SECONDS = 1.0


class RateLimited(TooManyRequests):
    """Over a limit: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)
        self.retry_after_seconds = retry_after


class Backend(Protocol):
    def hit(self, key: str, window_seconds: int, now: float) -> int:
        """Count one more hit in the window containing `now`; the count so far."""


class RateCounter(db.Model):  # type: ignore[name-defined,misc]
    """One window's count for one (bucket, client); rows past `expires_at` are removed."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)


class DatabaseBackend:
    """Counters in the portal's database, in their own short transaction (never the
    request's), incremented atomically so workers racing each other lose no count."""

    def hit(self, key: str, window_seconds: int, now: float) -> int:
        start = int(now) // window_seconds * window_seconds
        table = RateCounter.__table__
        for _attempt in range(3):
            with db.engine.begin() as connection:
                result = connection.execute(
                    update(table)
                    .where(table.c.key == key, table.c.window_start == start)
                    .values(count=table.c.count + 1)
                    .returning(table.c.count)
                )
                row = result.first()
                if row is not None:
                    return int(row[0])
            try:
                with db.engine.begin() as connection:
                    connection.execute(delete(table).where(table.c.expires_at < int(now)))
                    connection.execute(
                        table.insert().values(
                            key=key,
                            window_start=start,
                            count=1,
                            expires_at=start + window_seconds,
                        )
                    )
                return 1
            except IntegrityError:
                continue  # another worker inserted it first: increment theirs
        raise RuntimeError("rate counter could not be incremented")


class RedisBackend:
    """Counters in Redis: INCR and EXPIRE in one pipeline (MULTI/EXEC)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url, socket_timeout=2.0)

    def hit(self, key: str, window_seconds: int, now: float) -> int:
        start = int(now) // window_seconds * window_seconds
        name = f"{key}:{start}"
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, window_seconds + 1)
        count, _ = pipe.execute()
        return int(count)


def backend_for(app: Flask) -> Backend:
    url = app.config.get("REDIS_URL") or ""
    return RedisBackend(url) if url else DatabaseBackend()


def limit_for(app: Flask, bucket: str) -> Limit:
    configured = (app.config.get("RATE_LIMITS") or {}).get(bucket)
    if configured is None:
        return DEFAULT_LIMITS[bucket]
    count, seconds = configured
    return Limit(int(count), int(seconds))


def client_key() -> str:
    """The client: the remote address (ProxyFix has already put the first untrusted
    forwarded address there when TRUST_PROXY is set). Hashed, so no address is stored."""
    return _client_hash(request.remote_addr)


def _client_hash(address: str | None) -> str:
    return hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]


def check(app: Flask, bucket: str, client: str, now: float | None = None) -> int | None:
    """Count one hit; None while within the limit, else the seconds until the window ends.

    A window's count only grows, so once a client is over the limit this process remembers
    it until the window ends and refuses it without asking the backend: a flood of refused
    requests then costs no writes."""
    if not app.config.get("RATE_LIMITS_ENABLED", True):
        return None
    limit = limit_for(app, bucket)
    moment = time.time() if now is None else now
    key = f"{app.config.get('RATE_LIMIT_PREFIX', 'portal:rl:')}{bucket}:{client}"
    window_end = int(moment) // limit.seconds * limit.seconds + limit.seconds
    refused: dict[Any, Any] = app.extensions["rate_limits_refused"]
    if refused.get(key, 0) > moment:
        return max(1, window_end - int(moment))
    count = app.extensions["rate_limiter"].hit(key, limit.seconds, moment)
    if count <= limit.count:
        return None
    if len(refused) > REFUSED_MEMORY:
        refused.clear()
    refused[key] = window_end
    return max(1, window_end - int(moment))


def enforce(bucket: str) -> None:
    """Count this request against `bucket` for its client; raise RateLimited when over."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    retry_after = check(app, bucket, client_key())
    if retry_after is not None:
        # Every post to the routes that call enforce() is counted, so the gate may answer
        # this client's further posts here with the same refusal until the window ends.
        request.environ[_REFUSED_UNTIL] = time.time() + retry_after
        raise RateLimited(retry_after)


_REFUSED_UNTIL = "portal.refused_until"
_NONCE = re.compile(r"'nonce-([A-Za-z0-9_\-]+)'")
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Refusal:
    """A 429 as it went out (after every after_request hook), kept to be sent again."""

    until: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    nonce: str


class RefusalGate:
    """WSGI middleware in front of Flask (inside ProxyFix, so it sees the same client)."""

    def __init__(
        self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]], delay_slots: int = 0
    ) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        # Threads of this worker that may be holding a refused client at once (0: none).
        self.delay_slots = threading.BoundedSemaphore(delay_slots) if delay_slots > 0 else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        memory: dict[Any, Any] = self.app.extensions["rate_limits_refused"]
        key = ("gate", _client_hash(environ.get("REMOTE_ADDR")), environ.get("PATH_INFO", ""))
        now = time.time()
        refusal = memory.get(key)
        if isinstance(refusal, Refusal) and refusal.until > now:
            if self.delay_slots is not None and self.delay_slots.acquire(blocking=False):
                try:  # no slot free: answered at once rather than queued
                    time.sleep(min(REFUSAL_DELAY_SECONDS, refusal.until - now))
                finally:
                    self.delay_slots.release()
                now = time.time()
            return _send_again(refusal, now, start_response)
        sent: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        until = environ.get(_REFUSED_UNTIL)
        if until is None or not str(sent.get("status", "")).startswith("429"):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        policy = dict(sent["headers"]).get("Content-Security-Policy", "")
        nonce = _NONCE.search(policy)
        if len(memory) > REFUSED_MEMORY:
            memory.clear()
        memory[key] = Refusal(
            until=float(until),
            status=sent["status"],
            headers=[(k, v) for k, v in sent["headers"] if k.lower() != "set-cookie"],
            body=content,
            nonce=nonce.group(1) if nonce else "",
        )
        return [content]


def _send_again(refusal: Refusal, now: float, start_response: StartResponse) -> list[bytes]:
    """The same page with this moment's Retry-After and a fresh CSP nonce."""
    body, fresh = refusal.body, secrets.token_urlsafe(18)
    if refusal.nonce:
        body = body.replace(refusal.nonce.encode(), fresh.encode())
    headers = []
    for name, value in refusal.headers:
        lowered = name.lower()
        if lowered == "retry-after":
            value = str(max(1, int(refusal.until - now)))
        elif lowered == "content-length":
            value = str(len(body))
        elif refusal.nonce and lowered == "content-security-policy":
            value = value.replace(refusal.nonce, fresh)
        headers.append((name, value))
    start_response(refusal.status, headers)
    return [body]


def init_rate_limits(app: Flask) -> None:
    """Counters, the memory of refused clients, and the gate in front of Flask. Call before
    ProxyFix wraps the app, so the gate sees the forwarded client."""
    app.extensions["rate_limiter"] = backend_for(app)
    app.extensions["rate_limits_refused"] = {}
    slots = int(app.config.get("REFUSAL_DELAY_SLOTS") or 0)
    app.wsgi_app = RefusalGate(app, app.wsgi_app, slots)  # type: ignore[method-assign]
