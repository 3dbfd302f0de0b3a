"""Settings from environment variables, with safe defaults for the embedded mode.

Production sets DATABASE_URL, SECRET_KEY, PUBLIC_BASE_URL, EVIDENCE_KEY, DELETION_LEDGER and
PORTAL_ENV=production. The embedded mode (`make run`) needs none of them: it uses an SQLite
file, secrets generated once into the instance folder, a deletion ledger beside them, and
links to the address it serves on.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = PACKAGE_DIR / "councils" / "wakefield.toml"


def instance_secret(instance_path: Path, name: str, nbytes: int = 32) -> str:
    """Read a secret from the instance folder, generating it on first use (embedded mode only)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
        print(f" * Generated {name} in {instance_path} (embedded mode only: set it in production)")
    return path.read_text().strip()


def settings_from_environment(instance_path: Path) -> dict[str, Any]:
    env = os.environ
    portal_env = env.get("PORTAL_ENV", "development")
    production = portal_env == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.sqlite'}"
    if production and not env.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set when PORTAL_ENV=production")
    secret_key = env.get("SECRET_KEY") or instance_secret(instance_path, "secret_key")
    if production and not env.get("DELETION_LEDGER"):
        raise RuntimeError(
            "DELETION_LEDGER must be set when PORTAL_ENV=production (a file on lasting storage "
            "that every worker host shares and that is backed up with, but outside, the "
            "database: README, Backups and restore)"
        )
    return {
        "PORTAL_ENV": portal_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "COUNCIL_PROFILE": env.get("COUNCIL_PROFILE", str(DEFAULT_PROFILE)),
        # Which cases were deleted, outside the database, so a restore deletes them again
        # (portal/deletion_ledger.py).
        "DELETION_LEDGER": env.get("DELETION_LEDGER")
        or str(instance_path / "deletion-ledger.jsonl"),
        "PUBLIC_BASE_URL": public_base_url(env, production=production),
        "TRUST_PROXY": env.get("TRUST_PROXY") == "1",
        # Confirmation and tracking-code emails to one address a day (portal.cases.email_cap).
        "EMAILS_PER_ADDRESS_PER_DAY": int(env.get("EMAILS_PER_ADDRESS_PER_DAY", "3")),
        # How many proxies in front append to X-Forwarded-For (with TRUST_PROXY): the client
        # is the first address they did not add (werkzeug's ProxyFix).
        "TRUST_PROXY_COUNT": int(env.get("TRUST_PROXY_COUNT", "1")),
        # Per-client limits (portal/rate_limits.py): counters in Redis when REDIS_URL is set,
        # else in the database. RATE_LIMITS maps a bucket to (count, seconds) to override.
        "REDIS_URL": env.get("REDIS_URL", ""),
        "RATE_LIMITS": rate_limit_overrides(env.get("RATE_LIMITS", "")),
        # Password hashes (argon2, ~0.7 s each) at once per worker process; more are refused.
        "PASSWORD_HASH_CONCURRENCY": int(env.get("PASSWORD_HASH_CONCURRENCY", "1")),
        # Threads per worker that may hold a refused client's repeated post for up to a
        # second (portal/rate_limits.py); gunicorn.conf.py sets it to its threads minus two.
        "REFUSAL_DELAY_SLOTS": int(env.get("REFUSAL_DELAY_SLOTS") or 0),
        # Five files of up to 10 MB each, plus the form around them.
        "MAX_CONTENT_LENGTH": 52 * 1024 * 1024,
        # Malware scanning by clamd (portal/evidence/scanning.py); unset: no scanning.
        "CLAMD_SOCKET": env.get("CLAMD_SOCKET", ""),
        "CLAMD_HOST": env.get("CLAMD_HOST", ""),
        "CLAMD_PORT": int(env.get("CLAMD_PORT") or 0),
        "CLAMD_TIMEOUT_SECONDS": float(env.get("CLAMD_TIMEOUT_SECONDS") or 10),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # __Host-: the browser keeps it only if Secure, Path=/ and without a Domain, so no
        # other host (a sibling subdomain) can set or overwrite it (issue 15 point 7).
        "SESSION_COOKIE_NAME": "__Host-portal_session" if production else "portal_session",
        # A server-side session ends after this long without a request.
        "SESSION_IDLE_LIFETIME": timedelta(minutes=int(env.get("SESSION_IDLE_MINUTES", "60"))),
        # A staff session ends this long after signing in, however busy (issue 15 point 7).
        "STAFF_SESSION_MAX_LIFETIME": timedelta(
            hours=float(env.get("STAFF_SESSION_MAX_HOURS", "10"))
        ),
        # Response packs: how long a resident may download one, and the worker's limits.
        "RESPONSE_AVAILABLE_DAYS": int(env.get("RESPONSE_AVAILABLE_DAYS", "90")),
        "PDF_PAGE_CAP": int(env.get("PDF_PAGE_CAP", "500")),
        "PDF_TIME_LIMIT_SECONDS": float(env.get("PDF_TIME_LIMIT_SECONDS", "120")),
        # The worker applies the retention schedule once a day (portal.cases.retention);
        # RETENTION_DAILY=0 leaves it to `flask --app portal retention run` alone.
        "RETENTION_DAILY": env.get("RETENTION_DAILY", "1") == "1",
        # Static files carry a content hash in their URL, so they can be cached for a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 31_536_000,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Operations (portal/ops, README "Operations"): /metrics answers only these
        # addresses or networks (unset: off); /readyz wants a worker heartbeat this recent
        # (0: no worker check); LOG_FORMAT=json logs one JSON line per request.
        "METRICS_ALLOW": env.get("METRICS_ALLOW", ""),
        "WORKER_HEARTBEAT_MAX_AGE_SECONDS": int(env.get("WORKER_HEARTBEAT_MAX_AGE_SECONDS", "300")),
        "LOG_FORMAT": env.get("LOG_FORMAT", "text"),
        **mail_settings(env, instance_path, production=production),
    }


def rate_limit_overrides(value: str) -> dict[str, tuple[int, int]]:
    """RATE_LIMITS="staff_sign_in=10/300,upload=30/3600": bucket=count/seconds, comma-separated."""
    overrides: dict[str, tuple[int, int]] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        bucket, _, rule = item.partition("=")
        count, _, seconds = rule.partition("/")
        overrides[bucket.strip()] = (int(count), int(seconds))
    return overrides


def public_base_url(env: Mapping[str, str], *, production: bool) -> str:
    """The address residents use, for the links in emails, letters and posters.

    PUBLIC_BASE_URL when it is set, always; production must set it. Otherwise (embedded
    mode) the address the development server listens on: FLASK_RUN_HOST and
    FLASK_RUN_PORT, the variables `flask run` itself reads, which `make run` and
    `make worker` set from HOST and PORT, so the server and the worker agree. Flask's own
    defaults (127.0.0.1, 5000) when they are unset. A server listening on every interface
    (0.0.0.0 or ::) is linked at this machine's loopback address.
    """
    configured = env.get("PUBLIC_BASE_URL", "").strip()
    if configured:
        return configured
    if production:
        raise RuntimeError(
            "PUBLIC_BASE_URL must be set when PORTAL_ENV=production "
            "(the address residents use, e.g. https://privacy.example.gov.uk)"
        )
    host = env.get("FLASK_RUN_HOST", "").strip() or "127.0.0.1"
    port = env.get("FLASK_RUN_PORT", "").strip() or "5000"
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address, as a URL writes it
    return f"http://{host}:{port}"


def mail_settings(
    env: Mapping[str, str], instance_path: Path, *, production: bool
) -> dict[str, Any]:
    """SMTP when MAIL_SERVER is set; otherwise (embedded mode) each email is written as an
    .eml file under MAIL_FILE_DIR for the developer to read. STARTTLS is on by default in
    production, because emails carry names and references."""
    starttls = env.get("MAIL_USE_STARTTLS", "1" if production else "0") == "1"
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT") or (587 if starttls else 25)),
        "MAIL_USE_STARTTLS": starttls,
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Think Family portal <noreply@localhost>"),
        "MAIL_FILE_DIR": env.get("MAIL_FILE_DIR", str(instance_path / "mail")),
    }
