"""The operations layer in front of Flask (WSGI middleware).

/healthz and /readyz are answered here, before sessions, routing, CSRF, the locale, the
refusal gate and templates: a load balancer's probe never opens a session, sets a cookie,
counts against a limit or depends on a page rendering. /metrics is answered here too, to
allow-listed addresses only. Every other request passes through, timed for the metrics
and, with LOG_FORMAT=json, logged as one line.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST

from portal.ops.metrics import UNMATCHED, Metrics
from portal.ops.readiness import check_readiness, is_ready
from portal.ops.request_log import log_request

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

ROUTE_KEY = "portal.ops.route"
REQUEST_ID_KEY = "portal.ops.request_id"
# An id a trusted proxy sent on (TRUST_PROXY): letters, digits and a few separators only.
FORWARDED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# Methods counted under their own name; anything else is OTHER (labels must not be free text).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PROBE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class OpsMiddleware:
    def __init__(
        self,
        app: Flask,
        wsgi_app: WsgiApp,
        *,
        metrics: Metrics | None,
        request_log: logging.Logger | None,
        trust_request_id: bool = False,
    ) -> None:
        self.flask_app = app
        self.app = wsgi_app  # the next layer in, named as werkzeug's middleware names it
        self.metrics = metrics
        self.request_log = request_log
        self.trust_request_id = trust_request_id

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method in ("GET", "HEAD"):
            if path == "/healthz":
                return self._json({"status": "ok"}, 200)(environ, start_response)
            if path == "/readyz":
                return self._readiness()(environ, start_response)
            if path == "/metrics":
                return self._metrics(self.metrics, environ)(environ, start_response)
        if self.metrics is None and self.request_log is None:
            return self.app(environ, start_response)
        return self._timed(environ, start_response)

    def _timed(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = self._request_id(environ)
        environ[REQUEST_ID_KEY] = request_id
        sent: dict[str, int] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent["status"] = int(status.split(" ", 1)[0])
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, capture)
        finally:
            self._record(environ, request_id, sent.get("status", 500), started)

    def _record(
        self, environ: dict[str, Any], request_id: str, status: int, started: float
    ) -> None:
        seconds = time.perf_counter() - started
        method = environ.get("REQUEST_METHOD", "")
        method = method if method in METHODS else "OTHER"
        route = environ.get(ROUTE_KEY) or UNMATCHED
        if self.metrics is not None:
            self.metrics.observe(route, method, status, seconds)
        if self.request_log is not None:
            log_request(
                self.request_log,
                request_id=request_id,
                method=method,
                route=route,
                status=status,
                seconds=seconds,
            )

    def _request_id(self, environ: dict[str, Any]) -> str:
        forwarded = environ.get("HTTP_X_REQUEST_ID", "")
        if self.trust_request_id and FORWARDED_ID.fullmatch(forwarded):
            return str(forwarded)
        return uuid.uuid4().hex

    def _readiness(self) -> Response:
        checks = check_readiness(self.flask_app)
        ready = is_ready(checks)
        return self._json(
            {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503
        )

    def _metrics(self, metrics: Metrics | None, environ: dict[str, Any]) -> Response:
        if metrics is None:  # off: as if there were no such address
            return Response("Not Found\n", 404, mimetype="text/plain", headers=PROBE_HEADERS)
        if not metrics.allows(environ.get("REMOTE_ADDR")):
            return Response("Forbidden\n", 403, mimetype="text/plain", headers=PROBE_HEADERS)
        with self.flask_app.app_context():
            body = metrics.exposition()
        return Response(body, 200, content_type=CONTENT_TYPE_LATEST, headers=PROBE_HEADERS)

    @staticmethod
    def _json(body: dict[str, str], status: int) -> Response:
        return Response(
            json.dumps(body) + "\n", status, mimetype="application/json", headers=PROBE_HEADERS
        )


def remember_route(response: Response) -> Response:
    """After Flask routed a request: its URL rule, for the middleware's metrics and log."""
    rule = request.url_rule
    if rule is not None:
        request.environ[ROUTE_KEY] = rule.rule
    return response
