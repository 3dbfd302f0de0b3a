"""Which casework actions the case page shows first, open, as the next step, and which
wait further down, folded away.

The next steps are the ones that move a case on from its state (accept identity, record
the answer, approve, complete ...); the others are needed now and then (extend, assign,
withdraw, refuse). Only actions the rules and the user's role allow are shown at all
(case.offered_actions); this module only orders them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from portal.cases import clock
from portal.cases.actions import Action as CA
from portal.cases.models import Case
from portal.cases.workflow import is_closed
from portal.instants import aware

# In the order a caseworker takes them; the first that applies is the most urgent.
NEXT_STEPS: tuple[CA, ...] = (
    CA.ACCEPT_IDENTITY,
    CA.REQUEST_IDENTITY,
    CA.RECORD_CLARIFICATION_ANSWER,
    CA.APPROVE,
    CA.APPROVE_DECISION,
    CA.APPROVE_OUTCOME,
    CA.APPROVE_CORRECTION,
    CA.APPROVE_RESTRICTION,
    CA.APPROVE_DELETION,
    CA.RETURN_FOR_CHANGES,
    CA.COMPLETE,
    CA.PROPOSE_DECISION,
    CA.PROPOSE_OUTCOME,
    CA.PROPOSE_CORRECTION,
    CA.PROPOSE_RESTRICTION,
    CA.PROPOSE_DELETION,
    CA.ASSESS_OBJECTION,
    CA.RECORD_JUDGEMENT,
    CA.RECORD_SEARCH,
    CA.ADD_DISCLOSURE_ITEM,
    CA.SUBMIT_FOR_REVIEW,
)
OTHER_ACTIONS: tuple[CA, ...] = (
    CA.RECORD_PROGRESS,
    CA.LIFT_RESTRICTION,
    CA.ASK_CLARIFICATION,
    CA.EXTEND,
    CA.ASSIGN,
    CA.RECORD_WITHDRAWAL,
    CA.REFUSE,
)

TITLES: dict[CA, str] = {
    CA.ACCEPT_IDENTITY: "Accept identity",
    CA.REQUEST_IDENTITY: "Ask for more proof of identity",
    CA.ASK_CLARIFICATION: "Ask for clarification",
    CA.RECORD_CLARIFICATION_ANSWER: "Record the answer to the clarification",
    CA.EXTEND: "Extend by two months",
    CA.RECORD_SEARCH: "Record a department search",
    CA.ADD_DISCLOSURE_ITEM: "Add a disclosure item",
    CA.SUBMIT_FOR_REVIEW: "Send the draft for review",
    CA.APPROVE: "Approve the draft",
    CA.RETURN_FOR_CHANGES: "Return the draft with comments",
    CA.COMPLETE: "Mark the response as delivered",
    CA.REFUSE: "Refuse as manifestly unfounded or excessive",
    CA.RECORD_WITHDRAWAL: "Record a withdrawal",
    CA.ASSESS_OBJECTION: "Assess the objection",
    CA.PROPOSE_DECISION: "Propose a decision",
    CA.APPROVE_DECISION: "Approve the decision",
    CA.RECORD_PROGRESS: "Tell the complainant how it is going",
    CA.PROPOSE_OUTCOME: "Draft the outcome for review",
    CA.APPROVE_OUTCOME: "Approve the outcome",
    CA.PROPOSE_CORRECTION: "Propose a decision on the correction",
    CA.APPROVE_CORRECTION: "Approve the decision on the correction",
    CA.PROPOSE_RESTRICTION: "Propose a decision on the restriction",
    CA.APPROVE_RESTRICTION: "Approve the decision on the restriction",
    CA.PROPOSE_DELETION: "Propose a decision on the deletion",
    CA.APPROVE_DELETION: "Approve the decision on the deletion",
    CA.LIFT_RESTRICTION: "Tell the requester before lifting the restriction",
    CA.ASSIGN: "Assign the case",
    CA.ADD_NOTE: "Add a note",
    CA.RECORD_JUDGEMENT: "Record who may ask: the child's competence and interests",
}

ENDPOINTS: dict[CA, str] = {
    CA.ACCEPT_IDENTITY: "staff.case_accept_identity",
    CA.REQUEST_IDENTITY: "staff.case_request_identity",
    CA.ASK_CLARIFICATION: "staff.case_ask_clarification",
    CA.RECORD_CLARIFICATION_ANSWER: "staff.case_record_clarification_answer",
    CA.EXTEND: "staff.case_extend",
    CA.RECORD_SEARCH: "staff.case_record_search",
    CA.ADD_DISCLOSURE_ITEM: "staff.case_add_disclosure_item",
    CA.SUBMIT_FOR_REVIEW: "staff.case_submit_for_review",
    CA.APPROVE: "staff.case_approve",
    CA.RETURN_FOR_CHANGES: "staff.case_return_for_changes",
    CA.COMPLETE: "staff.case_complete",
    CA.REFUSE: "staff.case_refuse",
    CA.RECORD_WITHDRAWAL: "staff.case_record_withdrawal",
    CA.ASSESS_OBJECTION: "staff.case_assess_objection",
    CA.PROPOSE_DECISION: "staff.case_propose_decision",
    CA.APPROVE_DECISION: "staff.case_approve_decision",
    CA.RECORD_PROGRESS: "staff.case_record_progress",
    CA.PROPOSE_OUTCOME: "staff.case_propose_outcome",
    CA.APPROVE_OUTCOME: "staff.case_approve_outcome",
    CA.PROPOSE_CORRECTION: "staff.case_propose_correction",
    CA.APPROVE_CORRECTION: "staff.case_approve_correction",
    CA.PROPOSE_RESTRICTION: "staff.case_propose_restriction",
    CA.APPROVE_RESTRICTION: "staff.case_approve_restriction",
    CA.PROPOSE_DELETION: "staff.case_propose_deletion",
    CA.APPROVE_DELETION: "staff.case_approve_deletion",
    CA.LIFT_RESTRICTION: "staff.case_lift_restriction",
    CA.ASSIGN: "staff.case_assign",
    CA.ADD_NOTE: "staff.case_add_note",
    CA.RECORD_JUDGEMENT: "staff.case_record_judgement",
}


@dataclass(frozen=True)
class ActionLayout:
    next_steps: list[str]  # shown open, straight after what the resident asked for
    others: list[str]  # folded away further down (notes have their own place)


def lay_out(offered: Collection[str], open_action: str | None = None) -> ActionLayout:
    """The offered actions in page order. An action whose form came back with an error
    is shown even if no longer offered (a refused extension explains itself there)."""
    shown = set(offered)
    if open_action and open_action in {str(a) for a in (*NEXT_STEPS, *OTHER_ACTIONS)}:
        shown.add(open_action)
    return ActionLayout(
        next_steps=[str(a) for a in NEXT_STEPS if str(a) in shown],
        others=[str(a) for a in OTHER_ACTIONS if str(a) in shown],
    )


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def due_sentence(case: Case, today: date) -> str:
    """C1-C4 at a glance, beside the next step: how many working days are left (or how
    late it is); for a closed case, when it closed against when it was due."""
    if is_closed(case.state):
        closed = case.closed_at
        if closed is None:
            return "Closed."
        closed_on = clock.received_on(aware(closed))
        due = f"; it was due {_long(case.due_on)}" if case.due_on else ""
        return f"Closed on {_long(closed_on)}{due}."
    if case.due_on is None:
        return "No due date: the clock starts when acceptable proof of identity arrives."
    days = clock.working_days_between(today, case.due_on)
    plural = "" if abs(days) == 1 else "s"
    if days > 0:
        left = f"{days} working day{plural} left"
    elif days == 0:
        left = "due today"
    else:
        left = f"{-days} working day{plural} late"
    return f"Due {_long(case.due_on)}: {left}"
