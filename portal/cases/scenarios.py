"""Scenarios: a case in any state, built the one way a real case gets there (STYLE.md 16).

Every step is one service function (intake, identity, allocation, deadlines, disclosure,
review, objections, closing) called at an explicit instant (`now=`), so the audit trail,
the clock, the messages and the outbox agree, and a test's case in review is a case that
could exist. Nothing here sets a column by hand, reads the clock or imports Flask. The demo
seed (portal.demo) and the tests build their cases here.

A history takes a request just filed to a state (`in_review(case)`, `objection(case,
outcome, stage=...)`); `case_in(state, kind, received=...)` files one and takes it there.
Each step is taken some days after the request arrived, at `moment(arrived, days)`: by
default the moment it arrived, so a test's case is worked at once and everything on it is
dated the day it arrived (a test moves a step by giving it `at=` an instant). Who works the
case (`worker()`), which departments are searched (`searches()`) and what records they find
(`records()`) are the other choices a subclass may make: the demo draws them at random from
a fixed seed and spreads its steps over weeks.

An access request completes as the staff's "Complete" button does (closing.complete). A pack
made by the worker and released for download is portal.documents.production: above the
domain, so not here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Literal

from portal.cases import clock, internal_reviews, objections
from portal.cases.after_decision_models import InternalReview, ReviewOutcome
from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.rights_decisions import is_rights_request
from portal.cases.scenario_steps import Steps, When, noon

S = CaseState

# C9: the grounds an assessment records for each outcome (compelling legitimate grounds,
# public-interest research): none, so everything stops; the programme's only, so the
# research stops; both, so nothing stops.
GROUNDS = {
    DecisionOutcome.UPHELD: ("", ""),
    DecisionOutcome.PARTLY_UPHELD: (
        "Linking is needed to keep the children's school attendance support in "
        "place; it outweighs the objection for the programme.",
        "",
    ),
    DecisionOutcome.NOT_UPHELD: (
        "Linking is needed to keep the children's school attendance support in place.",
        "The study is a task in the public interest and uses de-identified data.",
    ),
}

# How far an objection goes: assessed (in progress), proposed (in review), decided (the
# reviewer approved: ready), completed (the decision sent).
# An internal review (portal.cases.internal_reviews): what the requester wrote, and the
# reviewer who made no part of the decision, with their reasons.
REVIEW_DISAGREEMENT = "You did not send the school's records about my son."
REVIEW_REASONS = "The school told me it sent you its records in 2024."
REVIEW_OUTCOME_REASONS = "The school's records were searched; none about your son were found."
INTERNAL_REVIEWER = "staff:3"

Stage = Literal["assessed", "proposed", "decided", "completed"]


def received_for(due_on: date) -> datetime:
    """Noon on the latest day a request can arrive to be due on `due_on`, its clock started
    the day it arrived (C2 run backwards). ValueError for a day no such due date falls on:
    a weekend, a bank holiday, or a day such as 31 March that no day a month earlier
    reaches."""
    month_before = clock.add_months(due_on, -1)
    for back in range(-3, 8):  # a due date is at most a few days after the month's end
        day = month_before - timedelta(days=back)
        if clock.due_date(day) == due_on:
            return noon(day)
    raise ValueError(f"No request is due on {due_on.isoformat()} a month after it arrived")


class Scenarios(Steps):
    """Cases in any state, from their histories (the steps: portal.cases.scenario_steps)."""

    def case_in(
        self,
        state: CaseState,
        kind: CaseKind = CaseKind.ACCESS,
        *,
        received: datetime,
        **changes: Any,
    ) -> Case:
        """A request of this kind, arrived at `received`, taken to `state` by its usual
        history: asked for proof of identity; started; asked what it covers; drafted and
        sent for review (an objection: assessed and a partly upheld decision proposed);
        approved; completed; refused by the reviewer; withdrawn by phone."""
        case = self.filed(received=received, kind=kind, **changes)
        if kind == CaseKind.COMPLAINT:
            return self.complaint(case, state)
        if state == S.RECEIVED:
            return case
        history: Callable[[Case], Case] = {
            S.AWAITING_IDENTITY: self.awaiting_identity,
            S.IN_PROGRESS: self.in_progress,
            S.AWAITING_CLARIFICATION: self.clarification,
            S.IN_REVIEW: self.in_review,
            S.READY: self.ready,
            S.COMPLETED: self.completed,
            S.REFUSED: self.refused,
            S.WITHDRAWN: self.withdrawn,
        }[state]
        return history(case)

    # Histories: a request just filed, taken to a state --------------------------------

    def awaiting_identity(self, case: Case) -> Case:
        self.request_identity(case, at=1)
        return case

    def in_progress(self, case: Case, *, searched: bool = False, note: str = "") -> Case:
        """Identity accepted; for an access request, searches made if `searched`; a staff
        note if one is given."""
        worker = self.start(case, at=1)
        if searched and case.kind == CaseKind.ACCESS:
            self.search(case, at=3, worker=worker)
        if note:
            self.note(case, note, at=2, worker=worker)
        return case

    def in_review(self, case: Case) -> Case:
        if case.kind == CaseKind.OBJECTION:
            return self.objection(case, DecisionOutcome.PARTLY_UPHELD, stage="proposed")
        if is_rights_request(case):
            return self.rights(case, stage="proposed")
        worker = self.start(case, at=0)
        self.search(case, at=5, worker=worker)
        self.submit(case, at=8, worker=worker)
        return case

    def ready(self, case: Case) -> Case:
        """The reviewer approved the draft (the pack is queued) or the decision."""
        if case.kind == CaseKind.OBJECTION:
            return self.objection(case, DecisionOutcome.PARTLY_UPHELD, stage="decided")
        if is_rights_request(case):
            return self.rights(case, stage="decided")
        worker = self.start(case, at=1)
        self.search(case, at=6, worker=worker)
        self.submit(case, at=10, worker=worker)
        self.approve(case, at=12)
        return case

    def returned(self, case: Case) -> Case:
        """The reviewer sent the draft response, proposed decision or complaint outcome
        back: in progress."""
        if case.kind == CaseKind.COMPLAINT:
            self.propose_outcome(case, at=10)
            self.return_draft(case, at=12)
            return case
        if case.kind == CaseKind.OBJECTION or is_rights_request(case):
            if case.kind == CaseKind.OBJECTION:
                self.objection(case, DecisionOutcome.PARTLY_UPHELD, stage="proposed")
            else:
                self.rights(case, stage="proposed")
            self.return_draft(case, at=12)
            return case
        worker = self.start(case, at=1)
        self.search(case, at=4, worker=worker)
        self.submit(case, at=6, worker=worker)
        self.return_draft(case, at=8)
        return case

    def clarification(self, case: Case, *, answered: bool = False, completed_on: int = 0) -> Case:
        """C4: asked what the request covers (the clock stopped); if `answered`, the
        answer recorded five days later (the clock runs again); if `completed_on`, then
        worked and completed that many days after it arrived."""
        worker = self.start(case, at=1)
        self.ask(case, at=4, worker=worker)
        if answered:
            self.answer(case, at=9, worker=worker)
        if completed_on:
            self.finish(case, completed_on, worker=worker)
        return case

    def extended(self, case: Case, *, completed_on: int = 0) -> Case:
        """C3: extended by the reviewer; if `completed_on`, completed that many days after
        it arrived."""
        worker = self.start(case, at=1)
        self.extend(case, at=15)
        if completed_on:
            self.finish(case, completed_on, worker=worker)
        return case

    def completed(self, case: Case, *, on_day: int = 20) -> Case:
        """Worked, approved and completed `on_day` days after it arrived; an objection's
        partly upheld decision approved and sent."""
        if case.kind == CaseKind.OBJECTION:
            return self.objection(case, DecisionOutcome.PARTLY_UPHELD, stage="completed")
        if is_rights_request(case):
            return self.rights(case, stage="completed", on_day=on_day)
        worker = self.start(case, at=1)
        self.finish(case, on_day, worker=worker)
        return case

    def refused(self, case: Case) -> Case:
        self.refuse(case, at=5)
        return case

    def withdrawn(self, case: Case, *, online: bool = False) -> Case:
        """Withdrawn by the requester online, or by phone and recorded by staff."""
        self.withdraw(case, online=online, at=6)
        return case

    def objection(
        self, case: Case, outcome: DecisionOutcome | None, *, stage: Stage = "completed"
    ) -> Case:
        """C9: an objection assessed with the grounds that lead to `outcome` (none given:
        an upheld one's), then taken to `stage`."""
        worker = self.start(case, at=1)
        compelling, research = GROUNDS[outcome or DecisionOutcome.UPHELD]
        assessment = self.assess(
            case,
            compelling_grounds=compelling,
            public_interest_research=research,
            at=5,
            worker=worker,
        )
        if stage == "assessed" or outcome is None:
            return case
        upheld: list[str] = []
        if outcome == DecisionOutcome.PARTLY_UPHELD:
            affected = list(assessment.processing_affected)
            upheld = [p for p in affected if objections.is_research(p)] or affected[-1:]
        self.propose(case, outcome, upheld, at=10, worker=worker)
        if stage == "proposed":
            return case
        self.approve_decision(case, at=14)
        if stage == "decided":
            return case
        self.complete(case, at=15, worker=worker)
        return case

    def complaint(self, case: Case, state: CaseState) -> Case:
        """C13: a complaint, in progress from receipt (no proof of identity), told how it
        is going, its outcome drafted, approved and sent; or withdrawn. It never waits
        for identity or clarification, and is not refused."""
        stages = (S.IN_PROGRESS, S.IN_REVIEW, S.READY, S.COMPLETED)
        if state == S.WITHDRAWN:
            return self.withdrawn(case)
        if state not in stages:
            raise ValueError(f"A complaint is never {state}")
        if state == S.IN_PROGRESS:
            return case
        self.report_progress(case, at=3)
        self.propose_outcome(case, at=10)
        if state != S.IN_REVIEW:
            self.approve_outcome(case, at=12)
        if state == S.COMPLETED:
            self.complete(case, at=13)
        return case

    def rights(
        self,
        case: Case,
        outcome: str | None = None,
        *,
        stage: Stage = "completed",
        on_day: int = 15,
    ) -> Case:
        """C14, C15: a request to correct, restrict or delete worked, its decision (the
        data changed, unless another `outcome`) proposed, then taken to `stage`;
        completed (sent) `on_day`."""
        worker = self.start(case, at=1)
        self.propose_rights(case, outcome, at=min(10, on_day - 2), worker=worker)
        if stage == "proposed":
            return case
        self.approve_rights(case, at=min(14, on_day - 1))
        if stage == "decided":
            return case
        self.complete(case, at=on_day, worker=worker)
        return case

    def finish(self, case: Case, on_day: int, *, worker: str) -> None:
        """An access request searched, drafted, approved and completed by `on_day`."""
        self.search(case, at=max(2, on_day - 10), worker=worker)
        self.submit(case, at=on_day - 4, worker=worker)
        self.approve(case, at=on_day - 2)
        self.complete(case, at=on_day, worker=worker)

    # After a decision (portal.cases.internal_reviews) --------------------------------------

    def ask_review(
        self,
        case: Case,
        *,
        disagreement: str = REVIEW_DISAGREEMENT,
        reasons: str = REVIEW_REASONS,
        period_working_days: int = internal_reviews.DEFAULT_PERIOD_WORKING_DAYS,
        at: When = 25,
    ) -> InternalReview:
        """The requester asks for an internal review of the decision, from tracking."""
        return self._do(
            internal_reviews.ask_for_review,
            case,
            at,
            disagreement=disagreement,
            reasons=reasons,
            period_working_days=period_working_days,
        )

    def decide_review(
        self,
        case: Case,
        review: InternalReview,
        outcome: ReviewOutcome = ReviewOutcome.NOT_UPHELD,
        *,
        reasons: str = REVIEW_OUTCOME_REASONS,
        reviewer: str = INTERNAL_REVIEWER,
        at: When = 35,
    ) -> InternalReview:
        """An internal review decided by someone who did not make the decision."""
        return self._do(
            internal_reviews.record_outcome,
            case,
            at,
            review=review,
            outcome=outcome,
            reasons=reasons,
            reviewer=reviewer,
        )
