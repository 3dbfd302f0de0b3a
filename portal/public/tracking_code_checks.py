"""Following a request, step 2: when a typed code is refused before the service checks
it, and the words of each refusal (portal.public.tracking)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from portal.cases import tracking
from portal.instants import parse_aware, utc_now


def wrong_tries(state: dict[str, Any]) -> int:
    tries = state.get("wrong_tries")
    return tries if isinstance(tries, int) else tracking.CODE_WRONG_TRIES


def refusal_from_session(state: dict[str, Any]) -> str | None:
    """Why a code must be refused before it is checked: "used_up" after 5 wrong tries in
    this session, "expired" 10 minutes after this session asked for it; else None.

    The service refuses on the code's own record, which exists only for a real request;
    answering from the session instead means that 5 wrong tries, or 10 minutes, read the
    same for a reference that matched nothing. The service's refusal still stands.
    """
    if wrong_tries(state) >= tracking.CODE_WRONG_TRIES:
        return "used_up"
    asked_at = parse_aware(state.get("asked_at"))
    if asked_at is None or utc_now() - asked_at >= tracking.CODE_LIFETIME:
        return "expired"
    return None


def code_refused(reason: str) -> str:
    if reason == "expired":
        return _("The code has expired. Ask for a new code")
    if reason == "used_up":
        return _("You have entered a wrong code too many times. Ask for a new code")
    return _("The code is not right. Check the email we sent, or ask for a new code")
