"""Teams of staff (issue 19 point 2): an administrator makes a team and says who is in it;
each member of staff is in one team or none. The queue shows a team's cases (those
assigned to its members) and the dashboard each team's workload. Every change is in the
audit trail, as other changes to staff accounts are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts.directory import actor_of
from portal.accounts.models import StaffUser, Team
from portal.cases import audit
from portal.extensions import DbSession
from portal.instants import utc_now

NAME_LENGTH = 100


class TeamError(ValueError):
    """What an administrator asked for cannot be done; the message says why."""


def teams(session: DbSession) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def member_counts(session: DbSession) -> dict[int, int]:
    """How many members of staff, not disabled, each team has (a team with none is not
    named)."""
    rows = session.execute(
        select(StaffUser.team_id, func.count())
        .where(StaffUser.team_id.is_not(None), StaffUser.disabled_at.is_(None))
        .group_by(StaffUser.team_id)
    ).all()
    return {int(team_id): int(count) for team_id, count in rows}


def create_team(
    session: DbSession, name: str, *, actor: StaffUser, now: datetime | None = None
) -> Team:
    """A new team with no members yet. Its name must be new (in any case or spacing)."""
    clean = " ".join((name or "").split())
    if not clean:
        raise TeamError("Enter a name for the team")
    if len(clean) > NAME_LENGTH:
        raise TeamError(f"The team's name must be {NAME_LENGTH} characters or fewer")
    taken = session.scalar(select(Team.id).where(func.lower(Team.name) == clean.lower()))
    if taken is not None:
        raise TeamError(f"There is already a team called {clean}")
    moment = now or utc_now()
    team = Team(name=clean, created_at=moment)
    session.add(team)
    session.flush()
    audit.record(
        session,
        action="team_created",
        actor=actor_of(actor),
        details={"team_id": team.id},
        now=moment,
    )
    session.commit()
    return team


def set_members(
    session: DbSession,
    team: Team,
    member_ids: Iterable[int],
    *,
    actor: StaffUser,
    now: datetime | None = None,
) -> tuple[list[int], list[int]]:
    """Make exactly these members of staff the team's (moving them from any other team);
    returns who joined and who left, by id."""
    wanted = set(member_ids)
    staff = {user.id: user for user in session.scalars(select(StaffUser))}
    unknown = wanted - set(staff)
    if unknown:
        raise TeamError("Choose members from the list of staff")
    joined = sorted(i for i in wanted if staff[i].team_id != team.id)
    left = sorted(i for i, user in staff.items() if user.team_id == team.id and i not in wanted)
    for staff_id in joined:
        staff[staff_id].team_id = team.id
    for staff_id in left:
        staff[staff_id].team_id = None
    if joined or left:
        audit.record(
            session,
            action="team_members_changed",
            actor=actor_of(actor),
            details={"team_id": team.id, "joined": joined, "left": left},
            now=now or utc_now(),
        )
    session.commit()
    return joined, left
