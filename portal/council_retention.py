"""The retention schedule: how long after a request closes the portal keeps each part of it.

One source for the notice's words, the README table and the daily deletion
(portal.cases.retention), read from the council profile's [retention] table:

    [retention]
    request_records_years = 2          # the case record itself (the notice has always said so)

    [retention.after_closure]
    identity_evidence = "0 days"       # copies of passports, bills, letters of authority
    disclosure = "2 years"
    ...

    staff_accounts_after_disablement = "1 year"

Why: UK GDPR Art 5(1)(e) (storage limitation: kept "for no longer than is necessary") and
Art 13(2)(a) (the notice states "the period for which the personal data will be stored");
the ICO's guide expects "a policy setting standard retention periods" and erasure when
data is no longer needed (ico.org.uk, A guide to the data protection principles: Storage
limitation).

A period is "N days", "N months" or "N years". No part of a case outlives the case record:
deleting the case deletes all of it, so a longer period would be a promise not kept.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from markupsafe import Markup

Unit = Literal["days", "months", "years"]
PERIOD = re.compile(r"^\s*(\d{1,4})\s+(day|days|month|months|year|years)\s*$")

# The parts of a closed request the schedule names, in the order the notice and the README
# list them, each with the words a data-protection officer reads in the README and the plan.
PARTS_AFTER_CLOSURE = (
    "identity_evidence",
    "tracking_codes",
    "jobs_and_emails",
    "messages",
    "response_packs",
    "disclosure",
)
DESCRIPTIONS = {
    "case_record": "The case record: the request, the people in it, staff notes, "
    "searches, reviews and decisions",
    "identity_evidence": "Copies of identity and authority evidence (only the fact is kept: "
    "who verified it, when, which document type)",
    "tracking_codes": "One-time codes for following a request",
    "jobs_and_emails": "Queued jobs and the emails sent to the requester",
    "messages": "Messages to the requester (identity, clarification, extension, refusal, "
    "response ready, decision)",
    "response_packs": "Response packs and records of letters posted",
    "disclosure": "Disclosure items (records found, typed or uploaded) and their redactions",
    "staff_accounts": "Staff accounts (name and email), after the account is disabled",
}


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def after(self, day: date) -> date:
        """The day this period after `day` ends (31 January plus one month: 28 or 29
        February)."""
        if self.unit == "days":
            return date.fromordinal(day.toordinal() + self.amount)
        months = self.amount * (12 if self.unit == "years" else 1)
        year, month = divmod(day.month - 1 + months, 12)
        year += day.year
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(day.day, last))

    @property
    def at_closure(self) -> bool:
        return self.amount == 0

    def describe(self) -> str:
        """In English, as the README and the plan say it: "2 years", "1 month", "0 days"."""
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"

    @property
    def cldr_unit(self) -> str:
        """The CLDR unit for formatting the period in a resident's language (babel.units)."""
        return f"duration-{self.unit[:-1]}"


def period_words(period: Period) -> Markup:
    """The period in the current language, as residents read it ("2 years", "2 lata",
    "30 dni"), with CLDR's own plural forms, isolated so that a number keeps its place in
    right-to-left text."""
    from babel.units import format_unit
    from flask_babel import get_locale

    from portal.bidi import isolate

    locale = str(get_locale() or "en")
    if locale in UNIT_WORDS:
        return isolate(f"{period.amount} {UNIT_WORDS[locale][period.unit]}")
    return isolate(format_unit(period.amount, period.cldr_unit, length="long", locale=locale))


# Languages whose CLDR data has no words for the units (Central Kurdish gives "2 y"): the
# unit's noun, which Sorani does not inflect after a number.
UNIT_WORDS: dict[str, dict[str, str]] = {
    "ckb": {"days": "ڕۆژ", "months": "مانگ", "years": "ساڵ"},
}


def parse_period(value: Any, where: str) -> Period:
    match = PERIOD.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{where} must be a period such as "30 days", "6 months" or "2 years"')
    amount, unit = match.groups()
    plural: Unit = unit if unit.endswith("s") else unit + "s"  # type: ignore[assignment]
    return Period(int(amount), plural)


@dataclass(frozen=True)
class RetentionSchedule:
    """How long after closure each part of a request is kept, and staff accounts after
    they are disabled (UK GDPR Art 5(1)(e), storage limitation)."""

    case_record: Period
    identity_evidence: Period
    tracking_codes: Period
    jobs_and_emails: Period
    messages: Period
    response_packs: Period
    disclosure: Period
    staff_accounts: Period

    def period(self, part: str) -> Period:
        period: Period = getattr(self, part)
        return period

    def rows(self) -> list[tuple[str, str, Period]]:
        """(part, description, period), in the order the README and the notice list them."""
        parts = ("case_record", *PARTS_AFTER_CLOSURE, "staff_accounts")
        return [(part, DESCRIPTIONS[part], self.period(part)) for part in parts]


def retention_schedule(raw: dict[str, Any], *, request_records_years: int) -> RetentionSchedule:
    """The schedule from the profile's [retention] table (see the module docstring)."""
    after_closure = raw.get("after_closure", {})
    unknown = set(after_closure) - set(PARTS_AFTER_CLOSURE)
    if unknown:
        raise ValueError(f"[retention.after_closure] names parts the portal lacks: {unknown}")
    case_record = Period(request_records_years, "years")
    parts = {
        part: parse_period(after_closure[part], f"retention.after_closure.{part}")
        for part in PARTS_AFTER_CLOSURE
    }
    closed = date(2000, 1, 31)  # the longest month end: any day would do
    for part, period in parts.items():
        if period.after(closed) > case_record.after(closed):
            raise ValueError(
                f"retention.after_closure.{part} ({period.describe()}) is longer than the "
                f"case record (request_records_years = {request_records_years}): deleting "
                "the case deletes every part of it"
            )
    staff = parse_period(
        raw["staff_accounts_after_disablement"], "retention.staff_accounts_after_disablement"
    )
    return RetentionSchedule(case_record=case_record, staff_accounts=staff, **parts)


def markdown_table(schedule: RetentionSchedule) -> str:
    """The README's "What we keep and for how long" table (a test keeps them equal)."""
    lines = ["| What | Kept for |", "| --- | --- |"]
    for part, description, period in schedule.rows():
        if part == "staff_accounts":
            kept = f"{period.describe()} after the account is disabled"
        elif period.at_closure:
            kept = "deleted when the request closes"
        else:
            kept = f"{period.describe()} after the request closes"
        lines.append(f"| {description} | {kept} |")
    return "\n".join(lines)
