"""What happens to bulk-seeded cases besides arriving and closing, at a steady rate, for
the reports bench (bench/reports.py): the events the monthly report counts by month.

For each case, at rates that do not depend on how many cases there are (so a month at
100,000 cases holds about 100 times the events of a month at 1,000):

* a twentieth are complaints to the council (C13), acknowledged on receipt (the message
  and its "complaint_acknowledged" audit event), as intake does;
* a tenth of those received more than a week before today have their deadline extended
  (a "deadline_extended" audit event) 5 to 25 days after receipt;
* a twentieth of the closed ones get an internal review asked 1 to 20 days after closing,
  four in five of those decided 5 to 20 days later;
* one in a hundred closed ones becomes an ICO case 10 to 60 days after closing, half of
  those closed by the ICO 20 to 120 days later.

Nothing dated after today is written. Rows are written straight into the tables, like the
cases (bench/case_queue.py says why); the audit rows carry made-up hashes (the chain is not
verified here).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from portal.cases import clock
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.models import AuditEvent, CaseKind
from portal.extensions import Base

COMPLAINTS, EXTENDED, REVIEWED, DECIDED, TO_ICO, ICO_CLOSED = 0.05, 0.1, 0.05, 0.8, 0.01, 0.5


def seed_events(
    rows: list[dict[str, Any]], rng: random.Random, today: date
) -> dict[type[Base], list[dict[str, Any]]]:
    """Make some of `rows` (cases not yet inserted) complaints, and return the event rows
    to insert after the cases, by model."""
    until = datetime.combine(today, time(23, 59), tzinfo=rows[0]["received_at"].tzinfo)
    out: dict[type[Base], list[dict[str, Any]]] = {
        AuditEvent: [],
        CaseMessage: [],
        InternalReview: [],
        IcoCase: [],
    }

    def audit(case_id: int, action: str, at: datetime) -> None:
        n = len(out[AuditEvent]) + 1
        out[AuditEvent].append(
            {
                "case_id": case_id,
                "actor": "staff:1",
                "action": action,
                "details": {},
                "details_digest": "0" * 64,
                "occurred_at": at,
                "previous_hash": f"{n - 1:064x}",
                "hash": f"{n:064x}",
            }
        )

    for row in rows:
        received = row["received_at"]
        if rng.random() < COMPLAINTS:
            row["kind"] = CaseKind.COMPLAINT
            out[CaseMessage].append(
                {
                    "case_id": row["id"],
                    "kind": MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
                    "created_at": received,
                    "created_by": "system:intake",
                    "visible_to_resident": True,
                    "params": {},
                }
            )
            audit(row["id"], "complaint_acknowledged", received)
        extended = received + timedelta(days=rng.randrange(5, 25))
        if rng.random() < EXTENDED and extended <= until:
            row["extended"] = True
            audit(row["id"], "deadline_extended", extended)
        if row["closed_at"] is None:
            continue
        asked = row["closed_at"] + timedelta(days=rng.randrange(1, 20))
        if rng.random() < REVIEWED and asked <= until:
            decided = asked + timedelta(days=rng.randrange(5, 20))
            done = rng.random() < DECIDED and decided <= until
            out[InternalReview].append(
                {
                    "case_id": row["id"],
                    "disagreement": "The response",
                    "reasons": "Something is missing",
                    "asked_by": "resident",
                    "asked_at": asked,
                    "received_on": clock.received_on(asked),
                    "due_on": clock.received_on(asked) + timedelta(days=28),
                    "outcome": "upheld" if done else None,
                    "outcome_reasons": "Reviewed" if done else "",
                    "reviewer": "staff:2" if done else None,
                    "reviewer_made_decision": False,
                    "decided_at": decided if done else None,
                }
            )
        letter = row["closed_on"] + timedelta(days=rng.randrange(10, 60))
        if rng.random() < TO_ICO and letter <= today:
            closed_on = letter + timedelta(days=rng.randrange(20, 120))
            shut = rng.random() < ICO_CLOSED and closed_on <= today
            out[IcoCase].append(
                {
                    "case_id": row["id"],
                    "ico_reference": f"IC-{row['id']:06d}-B1C2",
                    "received_on": letter,
                    "what_ico_asked": "The council's account",
                    "responses": [],
                    "recorded_by": "staff:1",
                    "recorded_at": datetime.combine(letter, time(12), tzinfo=received.tzinfo),
                    "placed_hold": True,
                    "outcome": "no_further_action" if shut else None,
                    "outcome_note": "Closed" if shut else "",
                    "closed_on": closed_on if shut else None,
                    "closed_by": "staff:1" if shut else None,
                }
            )
    return out
