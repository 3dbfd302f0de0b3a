"""C14: what a correction decision letter says beyond its summary (UK GDPR Art 16, 19):
what the record says now, the statement added to it, and, where the requester asked,
which organisations were told (Art 19, last sentence).

Read from the decision's message, so the letter says what the message said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.forms.journeys import AGENCIES


@dataclass(frozen=True)
class CorrectionWords:
    record_now_says: str = ""
    statement: str = ""
    recipients_asked: bool = False
    recipients_told: list[str] = field(default_factory=list)  # translated names


def correction_words(params: Mapping[str, Any]) -> CorrectionWords:
    """The decision's facts for its letter; call where the letter's language is set."""
    names = dict(AGENCIES)
    told = [str(names[key]) for key in params.get("recipients_told") or [] if key in names]
    return CorrectionWords(
        record_now_says=str(params.get("record_now_says") or ""),
        statement=str(params.get("statement") or ""),
        recipients_asked=bool(params.get("recipients_asked")),
        recipients_told=told,
    )
