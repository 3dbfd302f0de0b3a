"""LOG_FORMAT=json: one JSON line per request on standard error, for a log collector.

A line holds what an operator needs to follow a request and nothing about the person
making it: the request id (also sent back as X-Request-ID), the route (the URL rule, so
never a reference, an email address or a query string), the method, the status and the
duration. No client address either: it is personal data, and the proxy logs it already.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

LOGGER_NAME = "portal.requests"
FORMATS = ("text", "json")


class JsonLines(logging.Formatter):
    """A record as one JSON object: time (UTC), level, message, and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, separators=(",", ":"), ensure_ascii=False)


class StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a line is written (as logging's last-resort
    handler does), so a server or test that redirects it gets the lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def request_logger() -> logging.Logger:
    """The request logger, writing JSON lines to standard error.

    Its one handler is replaced, not added to, each time an app is built, and it does not
    pass records on to the root logger, so each request is one line, once."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if isinstance(h, StandardError)]:
        logger.removeHandler(handler)
    handler = StandardError()
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def log_request(
    logger: logging.Logger,
    *,
    request_id: str,
    method: str,
    route: str,
    status: int,
    seconds: float,
) -> None:
    fields = {
        "request_id": request_id,
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
    }
    logger.info("request", extra={"fields": fields})
