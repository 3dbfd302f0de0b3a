"""Per-client limits: how often one client (remote address, or the first untrusted address
of X-Forwarded-For behind TRUST_PROXY) may do something costly or guessable.

Fixed windows per (bucket, client key). The counters live where every app server and worker
sees them: in the database (the `rate_counters` table, the embedded default) or in Redis
when REDIS_URL is set. Both backends have one interface, `hit(key, window) -> count`.

A view calls `enforce(bucket)` before the work (for staff sign-in, before any password is
hashed); over the limit it raises `RateLimited`, which the error pages answer with 429, a
Retry-After header and a page saying when to try again.
"""

from __future__ import annotations

import hashlib
import time
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
    address = request.remote_addr or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


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
    refused: dict[str, int] = app.extensions["rate_limits_refused"]
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
        raise RateLimited(retry_after)


def init_rate_limits(app: Flask) -> None:
    app.extensions["rate_limiter"] = backend_for(app)
    app.extensions["rate_limits_refused"] = {}
