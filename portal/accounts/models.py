"""Staff accounts and the server-side sessions they are signed in with.

Roles are a StrEnum stored as a string. Instants are stored in UTC. The TOTP secret is
encrypted at rest (AES-GCM, bound to the account's id), and invitation tokens are kept
only as hashes, so a copy of these tables lets nobody sign in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base
from portal.sessions import WebSession


class Role(StrEnum):
    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    # Searches one department's records when a case asks (issue 19 point 4): sees only the
    # requests sent to them, never the queue or a case's pages.
    DEPARTMENT_CONTACT = "department_contact"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CASEWORKER: "Caseworker",
    Role.REVIEWER: "Reviewer",
    Role.ADMIN: "Administrator",
    Role.DEPARTMENT_CONTACT: "Department contact",
}


class Team(Base):
    """A team of staff who share work (issue 19 point 2): the queue can show a team's
    cases, and the dashboard each team's workload. A member of staff is in one team or
    none."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffUser(UserMixin, Base):
    """A member of staff. No password until they accept their invitation; no second factor
    until they enrol an authenticator app (totp_enrolled_at)."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # AES-GCM blob (portal.encryption), associated data b"totp:<id>".
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The 30-second time step of the last code accepted: a code is never accepted twice.
    totp_last_used_step: Mapped[int | None] = mapped_column(Integer)
    # Failed sign-in attempts since the last successful one, counted here (not in memory)
    # so that every worker on every host sees the same count.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the retention schedule removed the name and email of the disabled account.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # sha256 of the one-time invitation token; cleared when it is used.
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    # A department contact's department: its key in the council profile (portal.council).
    department_key: Mapped[str | None] = mapped_column(String(40))

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot sign in
        return self.disabled_at is None

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def has_accepted_invitation(self) -> bool:
        return self.password_hash is not None


class StaffSession(Base):
    """Links a staff member to a server-side session (portal.sessions.WebSession), so that
    signing out or disabling the account can delete the session on the server."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # The WebSession's id (a hash of the cookie's token). On PostgreSQL the link goes when
    # the session row does; SQLite does not cascade, so `flask purge` deletes it too.
    web_session_id: Mapped[str] = mapped_column(
        String(64), ForeignKey(WebSession.id, ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
