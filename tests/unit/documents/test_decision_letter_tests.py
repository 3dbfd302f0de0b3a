"""C9, C12: the objection decision letter explains, per use that carries on, the test the
council recorded (UK GDPR Art 21(1): compelling legitimate grounds that override the
person's interests, rights and freedoms, or legal claims; Art 21(6): research necessary
for a task in the public interest), in plain translated words with the council's own
words quoted as written; and what happened to the restriction asked for while it decided
(Art 18(1)(d); Art 18(3): the person is told before a restriction is lifted).
"""

from __future__ import annotations

from datetime import date

from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.scenario_requests import WHY_OVERRIDES, objection_details
from portal.cases.scenario_steps import noon
from portal.documents import letters
from portal.documents.letters import LetterKind
from tests.conftest import translated
from tests.unit.documents.conftest import all_text
from tests.visible import element_text

RECEIVED = noon(date(2026, 10, 5))
SITUATION = "Worried about the police knowing where she lives"
GROUNDS = "Child protection plan in place"


def decided(scenarios, **changes) -> Case:
    """An objection to the programme and the police link, restriction asked for; the police
    link upheld, the programme carrying on with its whole test; approved on 20 October."""
    case = scenarios.case_in(
        CaseState.IN_PROGRESS,
        CaseKind.OBJECTION,
        received=RECEIVED,
        details=objection_details(restrict=True),
        **changes,
    )
    scenarios.assess(case, grounds_raised=SITUATION, compelling_grounds=GROUNDS)
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police"])
    scenarios.approve_decision(case, at=noon(date(2026, 10, 20)))
    return case


def test_each_use_that_carries_on_is_explained_with_the_councils_own_words(session, scenarios):
    text = all_text(letters.render_letter(session, decided(scenarios), "objection_decision").pdf)
    carry_on = text.split("What we will carry on doing, and why", 1)[1]
    for words in (
        "Linking your information for the Think Family programme",
        "We weighed our reasons against your particular situation. Our reasons are compelling "
        "and outweigh your interests, rights and freedoms.",
        f"Your situation, as we understood it: (in the council's words, as written) {SITUATION}",
        f"Our reasons: (in the council's words, as written) {GROUNDS}",
        # (a page may break between a quote's introduction and the quote)
        "Why our reasons outweigh the situation above: (in the council's words, as written)",
        WHY_OVERRIDES,
    ):
        assert words in carry_on, words
    # C12: kept stopped where upheld; started again the day after the decision (Art 18(3)).
    restriction = text.split("While we decided", 1)[1]
    assert (
        "You asked us to stop the uses you objected to while we decided. The ones we have "
        "agreed to stop stay stopped."
    ) in restriction
    assert (
        "We stopped the uses you objected to while we decided. We will start again on "
        "21 October 2026 with the ones we are carrying on with."
    ) in restriction
    assert (
        "Stopped: • Sharing your information with: Police "
        "Starting again: • Linking your information for the Think Family programme"
    ) in restriction


def test_in_urdu_the_explanation_is_translated_and_the_councils_words_stay_as_written(
    session, scenarios
):
    case = decided(scenarios, language="ur")
    html = letters.letter_html(session, case, LetterKind.OBJECTION_DECISION)
    # The council's words are marked as English, left to right, inside the Urdu letter.
    assert f'<div class="letter-quote" lang="en" dir="ltr">{GROUNDS}</div>' in html
    text = element_text(html)
    for english in (
        "We weighed our reasons against your particular situation. Our reasons are compelling "
        "and outweigh your interests, rights and freedoms.",
        "Our reasons:",
        "(in the council's words, as written)",
        "While we decided",
    ):
        assert translated("ur", english) in text
        assert english not in text
    assert SITUATION in text and GROUNDS in text
