"""The request journeys as lists of question pages (GOV.UK: one question per page).

A step says which form asks the question, when the step applies, and how its answers
read on the check-your-answers page. The web layer (journeys.py) walks the list.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.cases.models import CaseKind
from portal.forms import complaint_forms, correction_forms, rights_forms
from portal.forms import journeys as forms
from portal.instants import utc_now

Answers = dict[str, Any]


def always(answers: Answers) -> bool:
    return True


def for_someone_else(answers: Answers) -> bool:
    return answers.get("who", {}).get("acting_for") in ("my_child", "someone_else")


def for_another_adult(answers: Answers) -> bool:
    """Acting for someone other than one's child: on which authority (C11)."""
    return answers.get("who", {}).get("acting_for") == "someone_else"


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[FlaskForm]
    title: Any  # lazy string: the page's question, its <h1> and the start of its <title>
    applies: Callable[[Answers], bool] = always
    multipart: bool = False
    hint: Any = None
    # The question in other words for a "who is asking" answer (acting_for), e.g. "your"
    # rather than "their" when the request is about the resident themselves.
    titles: Mapping[str, Any] = field(default_factory=dict)
    # The field whose label or legend is the page's heading (one question on the page).
    heading_field: str | None = None

    def heading(self, answers: Answers) -> Any:
        """The page's question as this resident reads it: its <h1> and its <title>."""
        return self.titles.get(_about(answers), self.title)


@dataclass(frozen=True)
class Journey:
    kind: CaseKind
    path: str  # first URL segment after the locale
    name: Any
    steps: tuple[Step, ...] = field(default_factory=tuple)
    # The journey's name once the resident has said who the request is about (acting_for).
    names: Mapping[str, Any] = field(default_factory=dict)

    def name_for(self, acting_for: str) -> Any:
        return self.names.get(acting_for, self.name)

    def step(self, slug: str) -> Step | None:
        return next((step for step in self.steps if step.slug == slug), None)

    def applicable(self, answers: Answers) -> list[Step]:
        return [step for step in self.steps if step.applies(answers)]

    def first_unanswered(self, answers: Answers) -> Step | None:
        return next((s for s in self.applicable(answers) if s.slug not in answers), None)

    def after(self, slug: str, answers: Answers) -> Step | None:
        steps = self.applicable(answers)
        slugs = [step.slug for step in steps]
        if slug not in slugs:
            return None
        index = slugs.index(slug)
        return steps[index + 1] if index + 1 < len(steps) else None

    def before(self, slug: str, answers: Answers) -> Step | None:
        steps = self.applicable(answers)
        slugs = [step.slug for step in steps]
        if slug not in slugs or slugs.index(slug) == 0:
            return None
        return steps[slugs.index(slug) - 1]


def _about(answers: Answers) -> str:
    return answers.get("who", {}).get("acting_for", "myself")


PERSON_STEPS = (
    Step("who", forms.WhoForm, _l("Who is the request about?"), heading_field="acting_for"),
    Step(
        "you",
        forms.RequesterForm,
        _l("About you"),
        applies=for_someone_else,
        hint=_l("You are asking for someone else, so we need to know who you are."),
    ),
    Step(
        "authority",
        forms.AuthorityForm,
        _l("What gives you the right to act for them?"),
        applies=for_another_adult,
        heading_field="authority",
    ),
    Step(
        "name",
        forms.SubjectNameForm,
        _l("What is their name?"),
        titles={"myself": _l("What is your name?"), "my_child": _l("What is your child's name?")},
    ),
    Step(
        "date-of-birth",
        forms.DateOfBirthForm,
        _l("What is their date of birth?"),
        titles={
            "myself": _l("What is your date of birth?"),
            "my_child": _l("What is your child's date of birth?"),
        },
        heading_field="date_of_birth",
    ),
    Step(
        "address",
        forms.AddressForm,
        _l("What is their address?"),
        titles={
            "myself": _l("What is your address?"),
            "my_child": _l("What is your child's address?"),
        },
    ),
    Step("contact", forms.ContactForm, _l("How should we contact you?")),
)

IDENTITY_STEPS = (
    Step("identity", forms.IdentityForm, _l("Prove who you are"), multipart=True),
    Step("declaration", forms.DeclarationForm, _l("Declaration")),
)

ACCESS = Journey(
    kind=CaseKind.ACCESS,
    path="get-a-copy",
    name=_l("Get a copy of the information we hold about you"),
    names={
        "my_child": _l("Get a copy of the information we hold about your child"),
        "someone_else": _l("Get a copy of the information we hold about someone you act for"),
    },
    steps=(
        *PERSON_STEPS,
        Step("identifiers", forms.IdentifiersForm, _l("Reference numbers that help us search")),
        Step("what", forms.ScopeForm, _l("What information do you want?")),
        Step("delivery", forms.DeliveryForm, _l("How would you like to receive it?")),
        *IDENTITY_STEPS,
    ),
)

OBJECTION = Journey(
    kind=CaseKind.OBJECTION,
    path="object",
    name=_l("Object to how we use your information"),
    names={
        "my_child": _l("Object to how we use your child's information"),
        "someone_else": _l("Object to how we use the information of someone you act for"),
    },
    steps=(
        *PERSON_STEPS,
        Step("processing", forms.ProcessingForm, _l("What do you object to?")),
        Step("reasons", forms.ReasonsForm, _l("Why do you object?"), heading_field="reasons"),
        Step(
            "restrict",
            forms.RestrictForm,
            _l("While we decide, should we stop the uses you object to?"),
            heading_field="restrict",
        ),
        *IDENTITY_STEPS,
    ),
)

# C13: a complaint to the council (DPA 2018 s.164A). No proof of identity is asked for.
COMPLAINT = Journey(
    kind=CaseKind.COMPLAINT,
    path="complain",
    name=_l("Complain about how we handled your information"),
    names={
        "my_child": _l("Complain about how we handled your child's information"),
        "someone_else": _l("Complain about how we handled the information of someone you act for"),
    },
    steps=(
        *(step for step in PERSON_STEPS if step.slug in ("who", "you", "name", "contact")),
        Step(
            "complaint",
            complaint_forms.ComplaintForm,
            _l("What is your complaint about?"),
            heading_field="complaint",
        ),
        Step(
            "earlier",
            complaint_forms.EarlierRequestForm,
            _l("Is your complaint about an earlier request?"),
        ),
        Step(
            "outcome",
            complaint_forms.OutcomeWantedForm,
            _l("What would you like us to do?"),
            heading_field="outcome_wanted",
        ),
    ),
)

# C14: a request to correct (UK GDPR Art 16), and whether to be told who else was told
# (Art 19).
CORRECTION = Journey(
    kind=CaseKind.CORRECTION,
    path="correct",
    name=_l("Ask us to correct information we hold about you"),
    names={
        "my_child": _l("Ask us to correct information we hold about your child"),
        "someone_else": _l("Ask us to correct information we hold about someone you act for"),
    },
    steps=(
        *PERSON_STEPS,
        Step(
            "wrong",
            correction_forms.WrongForm,
            _l("What information is wrong?"),
            heading_field="wrong",
        ),
        Step(
            "should-say",
            correction_forms.ShouldSayForm,
            _l("What should it say?"),
            heading_field="should_say",
        ),
        Step(
            "evidence",
            correction_forms.EvidenceForm,
            _l("Do you have evidence of what is correct?"),
            multipart=True,
        ),
        Step(
            "recipients",
            correction_forms.RecipientsForm,
            _l("Do you want us to tell you which organisations we tell about the correction?"),
            heading_field="tell_me",
        ),
        *IDENTITY_STEPS,
    ),
)

# C14: a request to restrict use (UK GDPR Art 18(1)(a)-(d)), and whether to be told who
# else was told (Art 19). The slugs are those the decision engine reads.
RESTRICTION = Journey(
    kind=CaseKind.RESTRICTION,
    path="restrict",
    name=_l("Ask us to stop using information we hold about you"),
    names={
        "my_child": _l("Ask us to stop using information we hold about your child"),
        "someone_else": _l("Ask us to stop using information we hold about someone you act for"),
    },
    steps=(
        *PERSON_STEPS,
        Step(
            "processing",
            rights_forms.RestrictProcessingForm,
            _l("Which uses of the information should we stop?"),
        ),
        Step(
            "grounds",
            rights_forms.RestrictGroundsForm,
            _l("Why should we stop using the information?"),
            heading_field="ground",
        ),
        Step(
            "why", rights_forms.RestrictWhyForm, _l("Tell us more about why"), heading_field="why"
        ),
        Step(
            "recipients",
            rights_forms.TellMeForm,
            _l("Do you want us to tell you which organisations we tell?"),
            heading_field="tell_me",
        ),
        *IDENTITY_STEPS,
    ),
)

# C15: a request to delete (UK GDPR Art 17(1)(a), (c), (d)), limited for the council's
# public task (Art 17(3)(b)); whether to be told who else was told (Art 19).
DELETION = Journey(
    kind=CaseKind.DELETION,
    path="delete",
    name=_l("Ask us to delete information we hold about you"),
    names={
        "my_child": _l("Ask us to delete information we hold about your child"),
        "someone_else": _l("Ask us to delete information we hold about someone you act for"),
    },
    steps=(
        *PERSON_STEPS,
        Step(
            "delete-what",
            rights_forms.DeleteWhatForm,
            _l("What information do you want us to delete?"),
            heading_field="what",
        ),
        Step(
            "grounds",
            rights_forms.DeleteGroundsForm,
            _l("Why should we delete it?"),
            heading_field="ground",
        ),
        Step("why", rights_forms.DeleteWhyForm, _l("Tell us more about why"), heading_field="why"),
        Step(
            "recipients",
            rights_forms.TellMeForm,
            _l("Do you want us to tell you which organisations we tell?"),
            heading_field="tell_me",
        ),
        *IDENTITY_STEPS,
    ),
)

JOURNEYS = {
    journey.path: journey
    for journey in (ACCESS, OBJECTION, COMPLAINT, CORRECTION, RESTRICTION, DELETION)
}
# The paths of the journeys, as a URL converter (portal.public.journeys).
JOURNEY_PATHS = "any(" + ",".join(f"'{path}'" for path in JOURNEYS) + ")"


def new_draft() -> dict[str, Any]:
    """A journey's answers so far, kept in the session from the first POST: none yet, the
    key that makes a double submission one case, and the key its uploads are kept under."""
    return {
        "answers": {},
        "idempotency_key": secrets.token_urlsafe(32),
        "draft_token": secrets.token_urlsafe(32),
        "started": utc_now().isoformat(),
    }
