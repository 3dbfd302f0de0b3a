"""The steps every casework service function takes, in one place.

Each service function (identity, deadlines, disclosure, review, closing, objections,
allocation) has the same shape: fix the moment it acts at, check its input (required_text,
enum_value), lock the case row (lock_case), check the rule and the move against the
workflow table (check_open, check_working, check_kind, workflow.check_move), change the
rows, append one audit event (audit_event), queue what the requester must be told
(portal.cases.messages), and commit; so a case is never half-changed and never changed
without its record. A rule broken raises a CaseworkError (portal.cases.errors) whose
message says what to fix; nothing is written then.

`actor` is who acted, for example "staff:12". `now` (an aware datetime) fixes the clock
for tests; legal dates are its Europe/London date (C1-C2).

Free text that staff write (questions, reasons, notes) is kept in its own row, never in
the append-only audit trail, whose details hold ids, dates and codes only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from portal.cases import audit
from portal.cases.errors import CaseClosed, CaseworkError, MissingText, WrongCaseKind
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.workflow import is_closed
from portal.extensions import DbSession
from portal.instants import utc_now

S = CaseState

_E = TypeVar("_E", bound=StrEnum)

# States in which searches, disclosure items and assessments may be recorded: the draft
# is frozen while the reviewer has it, and nothing is searched before identity is settled.
WORKING_STATES = frozenset({S.IN_PROGRESS, S.AWAITING_CLARIFICATION})


def acting_moment(now: datetime | None) -> datetime:
    """The instant a service function acts at: `now` when given (aware, or refused), else the
    current time. Its Europe/London date is the legal date (C1-C2)."""
    if now is None:
        return utc_now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    return now


def lock_case(session: DbSession, case: Case) -> None:
    """Reload the case under a row lock (PostgreSQL), so two members of staff acting at
    once are applied one after the other, each seeing the other's change."""
    session.refresh(case, with_for_update=True)


def required_text(text: str | None, message: str, *, limit: int | None = None) -> str:
    """Text that must be written down, stripped; MissingText with `message` when empty."""
    value = (text or "").strip()
    if not value:
        raise MissingText(message)
    if limit is not None and len(value) > limit:
        raise CaseworkError(f"{message}, in {limit} characters or fewer")
    return value


def enum_value(enum: type[_E], value: Any, what: str) -> _E:
    """`value` as a member of `enum`; a CaseworkError naming `what` when it is none."""
    try:
        return enum(value)
    except ValueError:
        raise CaseworkError(f"Unknown {what}: {value!r}") from None


def check_open(case: Case) -> None:
    """CaseClosed unless the case is open."""
    if is_closed(case.state):
        raise CaseClosed("This request is closed")


def check_working(case: Case) -> None:
    """Searches, items and assessments are recorded only while the case is being worked on
    (WORKING_STATES)."""
    check_open(case)
    if case.state not in WORKING_STATES:
        raise CaseworkError(
            "This can be recorded only while the request is in progress, not while it is "
            f"{CaseState(case.state).value.replace('_', ' ')}"
        )


def check_kind(case: Case, kind: CaseKind) -> None:
    """WrongCaseKind unless the case is of this kind (access request or objection)."""
    if case.kind != kind:
        this = "an objection" if case.kind == CaseKind.OBJECTION else "an access request"
        raise WrongCaseKind(f"This applies to {kind} requests only, and this is {this}")


def audit_event(
    session: DbSession, case: Case, action: str, actor: str, moment: datetime, **details: Any
) -> None:
    """The audit event of a state change, in the caller's transaction (ids, dates and codes
    only in `details`)."""
    audit.record(session, action=action, actor=actor, case_id=case.id, details=details, now=moment)
