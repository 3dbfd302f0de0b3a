"""The steps a scenario takes (portal.cases.scenarios): each one service function, called at
an explicit instant. A step's `at` is that instant, or a number of days after the request
arrived, which `moment(arrived, days)` turns into one.

The choices a step leaves open are methods a subclass may override: when (`moment`), who
works the case (`worker`), which departments are searched (`searches`) and what records
they find (`records`). Here a case is worked at once, by staff:1 and reviewed by staff:2,
and Early Help holds records; the demo (portal.demo) draws them at random from a seed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from portal.cases import (
    allocation,
    clock,
    closing,
    complaints,
    deadlines,
    disclosure,
    entitlement,
    holds,
    identity,
    intake,
    objections,
    review,
    rights_decisions,
)
from portal.cases.casework_models import (
    CaseNote,
    DecisionOutcome,
    DisclosureItem,
    DisclosureKind,
    ObjectionAssessment,
    ObjectionDecision,
    SearchOutcome,
)
from portal.cases.models import Case, Channel
from portal.cases.override_tests import OverrideTest
from portal.cases.requests import Submission
from portal.cases.rights_models import RightsDecision
from portal.cases.scenario_requests import (
    CHANGED,
    DEFAULT_OUTCOMES,
    RIGHTS_FACTS,
    RIGHTS_REASONS,
    override_test_for,
    submission,
)
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.instants import aware

T = TypeVar("T")

# An instant, or a number of days after the request arrived.
When = datetime | int

CASEWORKER = "staff:1"
REVIEWER = "staff:2"

# What staff write at each step, unless a test says otherwise.
IDENTITY_NEEDED = "a recent utility bill or council tax bill showing your address"
QUESTION = (
    "Do you want records from all years, or only since your family moved to Castleford in 2022?"
)
ANSWER = "Only since 2022, please."
EXTENSION_REASON = "your request covers records held by five services over eight years"
DRAFT_SUMMARY = "Records from two departments; third-party details redacted."
JUDGEMENT_REASONS = {
    entitlement.JudgementKind.CHILD_COMPETENCE: "Spoke with her by phone: she knows what a "
    "copy of her records means and wants it sent to her.",
    entitlement.JudgementKind.CHILD_INTERESTS: "The child is 6; no court order limits the "
    "mother's responsibility; nothing in the records is confidential to the child.",
}
RETURN_COMMENTS = "The school report names another child: redact it before release."
PROGRESS = "We have asked the post room how the letter was addressed."
OUTCOME = "The letter went to your old address by mistake. We apologise and have corrected it."
REFUSAL_REASONS = "this is the ninth identical request in six weeks, each answered in full"
WITHDRAWAL_REASON = "No longer needed"
GROUNDS_RAISED = "Worried that linked records could be seen by her former partner."
DECISION_REASONS = (
    "Weighed the requester's safety concerns against the support the family receives."
)


def noon(day: date) -> datetime:
    """Noon UTC on a day: the same Europe/London date all year."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Search:
    """A department searched (C6): its English name, what was found, its key in the
    council profile (None for one the profile does not list), and why it was not searched
    (for that outcome only)."""

    department: str
    outcome: SearchOutcome = SearchOutcome.RECORDS_FOUND
    key: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Record:
    """A typed record found in a search, for the response (C7)."""

    department: str
    title: str
    content: str
    key: str | None = None
    item_date: date | None = None


class Steps:
    """Takes cases on `session` through the real service functions, one step at a time.
    Evidence and uploads are encrypted with `cipher` (the app's, for a case the staff
    pages open). Starting a case assigns it to its caseworker only when `assign` is set."""

    def __init__(
        self,
        session: DbSession,
        *,
        cipher: EvidenceCipher,
        caseworker: str = CASEWORKER,
        reviewer: str = REVIEWER,
        assign: bool = False,
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.caseworker = caseworker
        self.reviewer = reviewer
        self.assign_on_start = assign

    # The choices a subclass may make ---------------------------------------------------

    def moment(self, arrived: datetime, days: int) -> datetime:
        """When the step taken `days` after the request arrived happens: at once."""
        return arrived

    def worker(self) -> str:
        """The caseworker who takes a request in or starts work on it."""
        return self.caseworker

    def searches(self) -> Sequence[Search]:
        """The departments searched: Early Help, which holds records."""
        return (Search("Early Help"),)

    def records(self, case: Case) -> Sequence[Record]:
        """The typed records the searches find, added to the response: none."""
        return ()

    # A new request -----------------------------------------------------------------------

    def filed(
        self,
        request: Submission | None = None,
        *,
        received: datetime,
        keyed_in: datetime | None = None,
        key: str | None = None,
        **changes: Any,
    ) -> Case:
        """A request that arrived at `received`: sent online, or made by phone, letter,
        email or in person and keyed in by a caseworker at `keyed_in` (by default as it
        arrived). `request` is the submission, else `submission(**changes)`."""
        if request is None:
            request = submission(**changes)
        elif changes:
            raise TypeError("Give a submission or its changes, not both")
        key = key or secrets.token_urlsafe(16)
        if request.channel == Channel.ONLINE:
            return intake.submit_request(
                self.session, request, idempotency_key=key, cipher=self.cipher, now=received
            )
        return intake.log_staff_intake(
            self.session,
            request,
            channel=request.channel,
            received_at=received,
            actor=self.worker(),
            idempotency_key=key,
            cipher=self.cipher,
            now=keyed_in or received,
        )

    def arrived(self, case: Case) -> datetime:
        """When the request arrived (an aware instant, from either database)."""
        return aware(case.received_at)

    def _when(self, case: Case, at: When) -> datetime:
        if isinstance(at, datetime):
            return at
        return self.moment(self.arrived(case), at)

    def _do(self, step: Callable[..., T], case: Case, at: When, **values: Any) -> T:
        """One service function on the case, at the step's instant."""
        return step(self.session, case, now=self._when(case, at), **values)

    def request_identity(
        self, case: Case, *, what: str = IDENTITY_NEEDED, at: When = 0, worker: str | None = None
    ) -> None:
        """C1: more proof of identity or authority asked for; the clock has not started."""
        actor = worker or self.worker()
        self._do(identity.request_identity, case, at, what_is_needed=what, actor=actor)

    def start(self, case: Case, *, at: When = 0, worker: str | None = None) -> str:
        """C1: identity accepted, as evidence that came with the request: the clock starts
        from the day it arrived. Returns the caseworker (assigned when this builder
        assigns)."""
        worker = worker or self.worker()
        moment = self._when(case, at)
        arrived_on = case.received_on
        self._do(
            identity.accept_identity, case, moment, evidence_arrived_on=arrived_on, actor=worker
        )
        if self.assign_on_start:
            self.assign(case, worker, at=moment)
        return worker

    def assign(self, case: Case, assignee: str | None, *, at: When = 0) -> None:
        """The reviewer gives the case to `assignee` (None: unassigned)."""
        self._do(allocation.assign, case, at, assignee=assignee, actor=self.reviewer)

    def note(self, case: Case, text: str, *, at: When = 0, worker: str | None = None) -> CaseNote:
        return self._do(allocation.add_note, case, at, text=text, actor=worker or self.worker())

    def search(
        self,
        case: Case,
        *,
        searches: Sequence[Search] | None = None,
        at: When = 0,
        worker: str | None = None,
    ) -> None:
        """C6: each department searched (by default `searches()`) on the step's day, then
        the records found (`records(case)`) added to the response."""
        moment = self._when(case, at)
        worker = worker or self.worker()
        for each in self.searches() if searches is None else searches:
            self._do(
                disclosure.record_search,
                case,
                moment,
                department=each.department,
                department_key=each.key,
                searched_on=clock.received_on(moment),
                outcome=each.outcome,
                reason_not_searched=each.reason,
                actor=worker,
            )
        for record in self.records(case):
            self.add_item(
                case,
                department=record.department,
                key=record.key,
                title=record.title,
                content=record.content,
                item_date=record.item_date,
                at=moment,
                worker=worker,
            )

    def add_item(
        self,
        case: Case,
        *,
        department: str,
        title: str,
        content: str | bytes,
        kind: DisclosureKind = DisclosureKind.TYPED,
        key: str | None = None,
        item_date: date | None = None,
        at: When = 0,
        worker: str | None = None,
        **options: Any,
    ) -> DisclosureItem:
        """C7-C8: an item of the response, typed or uploaded (encrypted with the builder's
        cipher); `options` are add_disclosure_item's (exemptions, redaction_note,
        media_type, original_name)."""
        return self._do(
            disclosure.add_disclosure_item,
            case,
            at,
            source_department=department,
            source_department_key=key,
            title=title,
            kind=kind,
            content=content,
            item_date=item_date,
            actor=worker or self.worker(),
            cipher=self.cipher,
            **options,
        )

    def submit(
        self, case: Case, *, summary: str = DRAFT_SUMMARY, at: When = 0, worker: str | None = None
    ) -> None:
        """The draft access response goes to the reviewer (after the judgement a child's or
        a parent's request needs, as staff must record it first)."""
        actor = worker or self.worker()
        self.judge_if_needed(case, at=at, worker=actor)
        self._do(review.submit_for_review, case, at, actor=actor, summary=summary)

    def judge_if_needed(self, case: Case, *, at: When = 0, worker: str | None = None) -> None:
        """C11: the judgement a child's own request, or a parent's for their child, needs
        (the child is competent; the parent may act), unless one is recorded."""
        kind = entitlement.judgement_needed(case)
        if kind is None or entitlement.current_judgement(self.session, case) is not None:
            return
        outcome = next(iter(entitlement.OUTCOMES[kind]))
        self._do(
            entitlement.record_judgement,
            case,
            at,
            outcome=outcome.value,
            reasons=JUDGEMENT_REASONS[kind],
            child_consulted=True,
            actor=worker or self.worker(),
        )

    def approve(self, case: Case, *, at: When = 0) -> None:
        """The reviewer approves the draft: ready, and the response pack is queued."""
        self._do(review.approve, case, at, actor=self.reviewer)

    def return_draft(self, case: Case, *, comments: str = RETURN_COMMENTS, at: When = 0) -> None:
        """The reviewer sends the draft response or proposed decision back."""
        self._do(review.return_for_changes, case, at, actor=self.reviewer, comments=comments)

    def ask(
        self, case: Case, *, question: str = QUESTION, at: When = 0, worker: str | None = None
    ) -> None:
        """C4: the council asks what the request covers; the clock stops."""
        actor = worker or self.worker()
        self._do(deadlines.ask_clarification, case, at, question=question, actor=actor)

    def answer(
        self, case: Case, *, answer: str = ANSWER, at: When = 0, worker: str | None = None
    ) -> None:
        """C4: the answer arrives and is recorded the same day; the clock runs again."""
        moment = self._when(case, at)
        self._do(
            deadlines.record_clarification_answer,
            case,
            moment,
            answer=answer,
            answered_on=clock.received_on(moment),
            actor=worker or self.worker(),
        )

    def extend(self, case: Case, *, reason: str = EXTENSION_REASON, at: When = 0) -> None:
        """C3: the reviewer extends the deadline by two further months."""
        self._do(deadlines.extend, case, at, reason=reason, actor=self.reviewer)

    def complete(self, case: Case, *, at: When = 0, worker: str | None = None) -> None:
        """The response or decision has reached the requester: completed."""
        self._do(closing.complete, case, at, actor=worker or self.worker())

    def refuse(self, case: Case, *, reasons: str = REFUSAL_REASONS, at: When = 0) -> None:
        """C5: refused by the reviewer as manifestly excessive, with reasons."""
        role = closing.REVIEWER_ROLE
        self._do(closing.refuse, case, at, actor=self.reviewer, actor_role=role, reasons=reasons)

    def withdraw(
        self, case: Case, *, online: bool = False, at: When = 0, worker: str | None = None
    ) -> None:
        """Withdrawn by the requester online, or by phone and recorded by a caseworker."""
        moment = self._when(case, at)
        if online:
            self._do(closing.withdraw, case, moment, reason=WITHDRAWAL_REASON)
        else:
            actor, how = worker or self.worker(), Channel.PHONE
            self._do(closing.record_withdrawal, case, moment, actor=actor, how_received=how)

    def assess(
        self,
        case: Case,
        *,
        grounds_raised: str = GROUNDS_RAISED,
        processing: Sequence[str] | None = None,
        compelling_grounds: str = "",
        public_interest_research: str = "",
        legal_claims: bool = False,
        tests: Mapping[str, OverrideTest] | None = None,
        at: When = 0,
        worker: str | None = None,
    ) -> ObjectionAssessment:
        """C9: the objection weighed; the processing it affects is by default what the
        requester objected to. Each use's test to carry on is `tests`' or, without them,
        the one the grounds given make: `compelling_grounds` (or `legal_claims`) for the
        programme and sharing, `public_interest_research` for research; none, it stops."""
        affected = list(
            objections.processing_objected_to(case) if processing is None else processing
        )
        if tests is None:
            tests = {
                key: test
                for key in affected
                if not (
                    test := override_test_for(
                        key,
                        situation=grounds_raised,
                        compelling_grounds=compelling_grounds,
                        public_interest_research=public_interest_research,
                        legal_claims=legal_claims,
                    )
                ).empty
            }
        return self._do(
            objections.assess_objection,
            case,
            at,
            grounds_raised=grounds_raised,
            processing_affected=affected,
            tests=tests,
            actor=worker or self.worker(),
        )

    def propose(
        self,
        case: Case,
        outcome: DecisionOutcome,
        upheld: Sequence[str] = (),
        *,
        reasons: str = DECISION_REASONS,
        at: When = 0,
        worker: str | None = None,
    ) -> ObjectionDecision:
        """C9: a decision proposed on the latest assessment, for the reviewer."""
        self.judge_if_needed(case, at=at, worker=worker)
        return self._do(
            objections.propose_decision,
            case,
            at,
            outcome=outcome,
            upheld_processing=upheld,
            reasons=reasons,
            actor=worker or self.worker(),
        )

    def propose_rights(
        self,
        case: Case,
        outcome: str | None = None,
        *,
        at: When = 0,
        worker: str | None = None,
    ) -> RightsDecision:
        """C14, C15: a decision on a request to correct, restrict or delete, for the
        reviewer: by default the data changes (corrected, restricted, deleted) and the
        schools and health services are told; otherwise `outcome`, with its facts."""
        outcome = str(outcome or DEFAULT_OUTCOMES[case.kind])
        self.judge_if_needed(case, at=at, worker=worker)  # C11: a child's or a parent's
        return self._do(
            rights_decisions.propose_rights_decision,
            case,
            at,
            outcome=outcome,
            reasons=RIGHTS_REASONS[outcome],
            recipients_told=["schools", "health"] if outcome in CHANGED else [],
            actor=worker or self.worker(),
            **RIGHTS_FACTS.get(outcome, {}),
        )

    def approve_rights(self, case: Case, *, at: When = 0) -> None:
        """C14, C15: the reviewer approves the decision; the requester is told."""
        self._do(rights_decisions.approve_rights_decision, case, at, actor=self.reviewer)

    def approve_decision(self, case: Case, *, at: When = 0) -> None:
        """C9, C12: the reviewer approves the decision; what it upholds is restricted and
        the requester is told."""
        self._do(objections.approve_decision, case, at, actor=self.reviewer)

    def report_progress(
        self, case: Case, *, update: str = PROGRESS, at: When = 0, worker: str | None = None
    ) -> None:
        """C13: the complainant is told how their complaint is going."""
        actor = worker or self.worker()
        self._do(complaints.record_progress, case, at, update=update, actor=actor)

    def propose_outcome(
        self, case: Case, *, outcome: str = OUTCOME, at: When = 0, worker: str | None = None
    ) -> None:
        """C13: the caseworker drafts the complaint's outcome for the reviewer."""
        actor = worker or self.worker()
        self._do(complaints.propose_outcome, case, at, outcome=outcome, actor=actor)

    def approve_outcome(self, case: Case, *, at: When = 0) -> None:
        """C13: the reviewer approves the outcome; the complainant is told it."""
        self._do(complaints.approve_outcome, case, at, actor=self.reviewer)

    def hold(self, case: Case, reason: holds.HoldReason, note: str, *, at: When = 0) -> None:
        """A legal hold by the reviewer: the case is never deleted while it is held."""
        self._do(holds.hold, case, at, reason=reason, note=note, actor=self.reviewer)
