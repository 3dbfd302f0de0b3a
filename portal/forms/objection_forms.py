"""The staff forms of an objection (C9): the assessment, with a test per use that could
carry on, and the proposed decision. Input shape and messages only; the domain
(portal.cases.objections, portal.cases.override_tests) says which part of a test is
missing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from wtforms import Field, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.cases.casework_models import DecisionOutcome
from portal.cases.override_tests import PUBLIC_TASK_PARTS, RESEARCH_PARTS, is_research
from portal.forms.casework import TEXT_LENGTH, CaseActionForm, _text
from portal.forms.fields import Checkboxes, Radios, choices, clean_text


class AssessObjectionForm(CaseActionForm):
    """C9: the assessment. Its test fields, per use that could carry on, are added by
    assess_objection_form for the case's uses."""

    grounds_raised = _text("Grounds the person raised", "Summarise the grounds the person raised")
    processing_affected = Checkboxes(
        "Processing the objection affects",
        validators=[DataRequired("Choose at least one processing the objection affects")],
    )
    uses: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, *args, processing: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.processing_affected.choices = choices(processing)

    def test_sections(self) -> list[tuple[str, str, list[Field]]]:
        """Per use: its key, its description and its test's fields, in order."""
        return [
            (key, description, [self[override_field_name(key, part)] for part in test_parts(key)])
            for key, description in self.uses
        ]

    def tests_given(self) -> dict[str, dict[str, str]]:
        """Per use, the parts of its test written down (an empty test: carry on no further)."""
        return {
            key: {part: self[override_field_name(key, part)].data or "" for part in test_parts(key)}
            for key, _description in self.uses
        }

    def show_field_errors(self, field_errors: dict[tuple[str, str], str]) -> None:
        """A refused test's messages (portal.cases.errors.OverrideTestIncomplete), each on
        its own field."""
        for (key, part), message in field_errors.items():
            name = override_field_name(key, part)
            if name in self:
                self[name].errors = [message]


# C9: the parts of a use's test (portal.cases.override_tests), as staff are asked for them.
OVERRIDE_PART_FIELDS = {
    "situation": (
        "The person's particular situation",
        "As the council understood it from what they told us",
    ),
    "council_grounds": (
        "The council's compelling legitimate grounds to carry on",
        "Leave this part of the test empty if there are none: the use then stops (Art 21(1))",
    ),
    "why_overrides": (
        "Why these grounds override the person's interests, rights and freedoms",
        "",
    ),
    "legal_claim": (
        "Or: the legal claim the information is needed for",
        "To make, exercise or defend legal claims (Art 21(1)): instead of the two parts above",
    ),
    "public_interest_task": (
        "Why the research is necessary for a task carried out in the public interest",
        "Leave empty if it is not: the research use then stops (Art 21(6))",
    ),
}


def test_parts(processing: str) -> tuple[str, ...]:
    return RESEARCH_PARTS if is_research(processing) else PUBLIC_TASK_PARTS


def override_field_name(processing: str, part: str) -> str:
    return f"test__{processing.replace(':', '__')}__{part}"


def assess_objection_form(processing: list[tuple[str, str]], **kwargs: Any) -> AssessObjectionForm:
    """C9: the assessment form for these uses, with each one's test fields (all optional
    here: the domain says which part is missing, field by field)."""
    fields: dict[str, Any] = {"uses": tuple(processing)}
    for key, _description in processing:
        for part in test_parts(key):
            label, hint = OVERRIDE_PART_FIELDS[part]
            fields[override_field_name(key, part)] = TextAreaField(
                label,
                description=hint,
                filters=[clean_text],
                validators=[Length(max=TEXT_LENGTH, message="Write 5000 characters or fewer")],
            )
    form_class = type("AssessObjectionTestsForm", (AssessObjectionForm,), fields)
    return form_class(processing=processing, **kwargs)


class ProposeDecisionForm(CaseActionForm):
    outcome = Radios(
        "Decision",
        choices=choices(
            [
                (DecisionOutcome.UPHELD.value, "Upheld: all the processing affected stops"),
                (DecisionOutcome.PARTLY_UPHELD.value, "Partly upheld: some of it stops"),
                (DecisionOutcome.NOT_UPHELD.value, "Not upheld: none of it stops"),
            ]
        ),
        validators=[DataRequired("Select the decision")],
    )
    upheld_processing = Checkboxes(
        "Processing that stops",
        description="For a partly upheld objection. For upheld, leave empty to stop all of it",
        validators=[Optional()],
    )
    reasons = _text("Reasons for the decision", "Give the reasons for the decision")

    def __init__(self, *args, processing: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.upheld_processing.choices = choices(processing)
