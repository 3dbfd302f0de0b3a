"""C14, C15: what a letter on a request to restrict (UK GDPR Art 18) or to delete (Art 17)
says beyond its summary: the uses stopped or to start again (and on which day, Art 18(3)),
what was deleted, and, where the requester asked, which organisations were told (Art 19).

Read from the message, so the letter says what the message said. Call where the letter's
language is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.bidi import long_date_text
from portal.cases.about_whom import AboutWhom
from portal.cases.use_words import agency_name, processing_words


@dataclass(frozen=True)
class RightsWords:
    uses: list[str] = field(default_factory=list)  # translated uses (restriction, lifting)
    lift_on: str = ""  # the day the uses start again, in words (lifting)
    deleted: str = ""  # staff's words: what was deleted (deletion)
    recipients_asked: bool = False
    recipients_told: list[str] = field(default_factory=list)  # translated names


def rights_words(params: Mapping[str, Any], about: AboutWhom) -> RightsWords:
    lift_on = ""
    if params.get("lift_on"):
        try:
            lift_on = long_date_text(date.fromisoformat(str(params["lift_on"])))
        except ValueError:
            lift_on = ""
    return RightsWords(
        uses=[processing_words(str(p), about) for p in params.get("processing") or []],
        lift_on=lift_on,
        deleted=str(params.get("deleted") or ""),
        recipients_asked=bool(params.get("recipients_asked")),
        recipients_told=[agency_name(str(a)) for a in params.get("recipients_told") or []],
    )
