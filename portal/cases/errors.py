"""What a broken casework rule raises: a CaseworkError (a ValueError) whose message says
what to fix. The service functions raise these before anything is written, so nothing
is then changed (portal.cases.steps). Each subclass names the rule it guards: C3
(ExtensionRefused), C5 (ReviewerRequired), C6 (NoSearchRecorded, SearchAlreadyRecorded),
C9 (ProcessingInvalid, NoAssessment, DecisionInvalid, ObjectionNotOverridden).
"""

from __future__ import annotations


class CaseworkError(ValueError):
    """A casework rule was broken; the message says what to fix."""


class MissingText(CaseworkError):
    """Something that must be written down (reasons, a question, a summary) is empty."""


class WrongCaseKind(CaseworkError):
    pass


class ClarificationNotAllowed(WrongCaseKind):
    """C4: only an access request's clock pauses for clarification (UK GDPR Art 12A;
    DPA 2018 s.54(3C): "a request under section 45(1)", the right of access)."""


class CaseClosed(CaseworkError):
    pass


class ClockNotStarted(CaseworkError):
    pass


class InvalidDate(CaseworkError):
    pass


class ExtensionRefused(CaseworkError):
    """C3: too late (after the first month), or already extended."""


class NoOpenPause(CaseworkError):
    pass


class NoSearchRecorded(CaseworkError):
    """C6: a response goes to review only after at least one search is recorded."""


class SearchAlreadyRecorded(CaseworkError):
    """C6: each department's search is recorded once for a case."""


class NothingToReview(CaseworkError):
    pass


class OwnDraft(CaseworkError):
    """Nobody approves their own draft."""


class ReviewerRequired(CaseworkError):
    """C5: only the reviewer may refuse a request."""


class ProcessingInvalid(CaseworkError):
    pass


class NoAssessment(CaseworkError):
    pass


class DecisionInvalid(CaseworkError):
    """The outcome and the processing upheld do not agree."""


class ObjectionNotOverridden(CaseworkError):
    """C9: processing continues only where the assessment shows grounds for it."""


class OverrideTestIncomplete(ObjectionNotOverridden):
    """C9: a use carries on only with its whole test written down (Art 21(1), 21(6)).

    `field_errors` maps (processing, part) to what to write, one message per missing
    part; the message lists them all."""

    def __init__(self, field_errors: dict[tuple[str, str], str], *, continuing: bool = False):
        self.field_errors = dict(field_errors)
        lead = (
            "A use can carry on only when the assessment records its whole test: reassess, "
            "or uphold the objection for it"
            if continuing
            else "Complete the test for each use that would carry on, or leave it all empty"
        )
        super().__init__(f"{lead}. " + " ".join(f"{m}." for m in self.field_errors.values()))
