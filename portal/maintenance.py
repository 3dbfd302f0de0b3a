"""Housekeeping: forget what is no longer needed, and check the audit trail.

Expired sessions, unsent draft uploads, used or expired one-time codes and old lookup
counters are personal data kept for no purpose once they lapse (UK GDPR Art 5(1)(e)).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import CursorResult, delete, select

from portal.accounts.models import StaffSession
from portal.cases import audit
from portal.cases.models import DraftUpload, LookupAttempt, TrackingCode
from portal.extensions import db
from portal.instants import utc_now
from portal.sessions import WebSession

# Lookup counters only matter for the rate-limit window (an hour); keep a day for support.
LOOKUP_RETENTION = timedelta(days=1)


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    moment = now or utc_now()
    draft_cutoff = moment - 2 * current_app.config["SESSION_IDLE_LIFETIME"]
    live_sessions = select(WebSession.id).where(WebSession.expires_at > moment)
    statements = {
        # First, links to sessions that have ended (SQLite does not cascade the delete).
        "staff_sessions": delete(StaffSession).where(
            StaffSession.web_session_id.not_in(live_sessions)
        ),
        "sessions": delete(WebSession).where(WebSession.expires_at <= moment),
        "draft_uploads": delete(DraftUpload).where(DraftUpload.created_at <= draft_cutoff),
        "tracking_codes": delete(TrackingCode).where(
            TrackingCode.expires_at <= moment - LOOKUP_RETENTION
        ),
        "lookup_attempts": delete(LookupAttempt).where(
            LookupAttempt.occurred_at <= moment - LOOKUP_RETENTION
        ),
    }
    counts = {}
    for name, statement in statements.items():
        result: CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
        counts[name] = result.rowcount or 0
    db.session.commit()
    return counts


audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the hash chain; name the first broken row."""
    try:
        count = audit.verify(db.session)
    except audit.ChainBroken as broken:
        where = f"first broken row: audit event {broken.event_id}" if broken.event_id else ""
        raise click.ClickException(f"The audit trail is broken. {where} ({broken})") from None
    click.echo(f"The audit trail is whole: {count} events.")


@click.command("purge")
def purge_command() -> None:
    """Delete expired sessions, unsent drafts, old codes and lookup counters."""
    for name, count in purge_expired().items():
        click.echo(f"{name}: {count} deleted")


def init_maintenance(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(purge_command)
