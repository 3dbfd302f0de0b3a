"""Operations: /healthz and /readyz for a load balancer, /metrics for monitoring, one JSON
log line per request (LOG_FORMAT=json), and the job worker's heartbeat (README,
"Operations")."""

from __future__ import annotations

from flask import Flask


def init_ops(app: Flask) -> None:
    """Put the operations middleware in front of the app. Call after the refusal gate and
    before ProxyFix, so probes are answered before any limit and the metrics allow-list
    sees the forwarded client."""
    from portal.ops.heartbeat import WorkerHeartbeat  # noqa: F401  (its table, for the metadata)
    from portal.ops.metrics import Metrics, allowed_networks
    from portal.ops.middleware import OpsMiddleware, remember_route
    from portal.ops.request_log import FORMATS, request_logger

    log_format = app.config.get("LOG_FORMAT", "text")
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {FORMATS}, not {log_format!r}")
    allowed = allowed_networks(app.config.get("METRICS_ALLOW", ""))
    metrics = Metrics(allowed) if allowed else None
    request_log = request_logger() if log_format == "json" else None
    if metrics is not None or request_log is not None:
        app.after_request(remember_route)
    app.wsgi_app = OpsMiddleware(  # type: ignore[method-assign]
        app,
        app.wsgi_app,
        metrics=metrics,
        request_log=request_log,
        trust_request_id=bool(app.config.get("TRUST_PROXY")),
    )
