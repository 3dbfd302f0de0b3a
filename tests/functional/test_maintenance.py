"""Housekeeping deletes lapsed personal data and keeps what is still in use."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import Role, StaffSession, StaffUser
from portal.cases.models import DraftUpload, EvidencePurpose
from portal.extensions import db
from portal.maintenance import purge_expired
from portal.sessions import WebSession


def test_purge_deletes_expired_sessions_and_stale_drafts_only(app):
    now = datetime.now(UTC)
    with app.app_context():
        db.session.add_all(
            [
                WebSession(id="a" * 64, data="{}", expires_at=now - timedelta(minutes=1)),
                WebSession(id="b" * 64, data="{}", expires_at=now + timedelta(minutes=30)),
                DraftUpload(
                    draft_token="old-draft",
                    purpose=EvidencePurpose.PHOTO_ID,
                    original_name="old.png",
                    media_type="image/png",
                    size=1,
                    encrypted=b"x",
                    created_at=now - timedelta(hours=3),
                ),
                DraftUpload(
                    draft_token="new-draft",
                    purpose=EvidencePurpose.PHOTO_ID,
                    original_name="new.png",
                    media_type="image/png",
                    size=1,
                    encrypted=b"x",
                    created_at=now - timedelta(minutes=5),
                ),
            ]
        )
        db.session.commit()
        counts = purge_expired(now)
        assert counts["sessions"] >= 1 and counts["draft_uploads"] >= 1
        sessions = set(db.session.scalars(select(WebSession.id)))
        drafts = set(db.session.scalars(select(DraftUpload.draft_token)))
        assert "a" * 64 not in sessions and "b" * 64 in sessions
        assert "old-draft" not in drafts and "new-draft" in drafts


def test_purge_deletes_the_staff_links_of_ended_sessions(app):
    now = datetime.now(UTC)
    with app.app_context():
        user = StaffUser(
            email=f"purge.{secrets.token_hex(4)}@example.gov.uk",
            name="Purge Tester",
            role=Role.CASEWORKER,
            failed_attempts=0,
            created_at=now,
        )
        ended, live = secrets.token_hex(32), secrets.token_hex(32)
        db.session.add_all(
            [
                user,
                WebSession(id=ended, data="{}", expires_at=now - timedelta(minutes=1)),
                WebSession(id=live, data="{}", expires_at=now + timedelta(minutes=30)),
            ]
        )
        db.session.flush()
        db.session.add_all(
            [
                StaffSession(user_id=user.id, web_session_id=ended, created_at=now),
                StaffSession(user_id=user.id, web_session_id=live, created_at=now),
            ]
        )
        db.session.commit()

        counts = purge_expired(now)

        linked = set(
            db.session.scalars(
                select(StaffSession.web_session_id).where(StaffSession.user_id == user.id)
            )
        )
        assert linked == {live}
        assert "staff_sessions" in counts
