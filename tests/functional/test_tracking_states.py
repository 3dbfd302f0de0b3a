"""What "Follow your request" says in every state of every kind of request, as the resident
reads it after signing in (reference, email address, one-time code): words of its own for
each, true of it, in English, Urdu and Polish; and an objection completes when its decision
is sent (by the worker's email, or by a letter staff post), on the staff case page too.

Cases reach their states through the real service functions (the scenario builder,
portal.cases.scenarios); a completed request is finished the way the portal finishes it:
the worker releases an access pack for download, or sends an objection's decision.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import messages
from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import AuditEvent, Case, CaseKind, CaseState, EvidencePurpose
from portal.cases.requests import Evidence
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import noon
from portal.extensions import db
from portal.jobs import worker
from portal.outbox import Job, JobStatus
from tests.conftest import building, get_page, translated
from tests.functional.staff.conftest import make_account
from tests.functional.staff.conftest import sign_in as staff_sign_in
from tests.functional.staff.test_case_page import date_parts, today
from tests.functional.staff.test_letters import post_posted
from tests.functional.staff.test_response_release import work
from tests.functional.test_tracking import Filed, sign_in, unique_email
from tests.visible import read_html, visible_text

S = CaseState
ACCESS = CaseKind.ACCESS
OBJECTION = CaseKind.OBJECTION
CORRECTION = CaseKind.CORRECTION
RESTRICTION = CaseKind.RESTRICTION
DELETION = CaseKind.DELETION
LOCALES = ("en", "ur", "pl")
RECEIVED = noon(date(2026, 3, 2))
PHOTO = (Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", b"\x89PNG\r\n\x1a\n"),)

# The tag, and the sentence that opens the status, for each kind in each state: what the
# resident must read (English; the other languages from the shipped catalogues).
TAGS = {
    (ACCESS, S.RECEIVED): "Received",
    (ACCESS, S.AWAITING_IDENTITY): "We need more proof",
    (ACCESS, S.IN_PROGRESS): "Searching",
    (ACCESS, S.AWAITING_CLARIFICATION): "Waiting for your answer",
    (ACCESS, S.IN_REVIEW): "Being checked",
    (ACCESS, S.READY): "Being prepared",
    (ACCESS, S.COMPLETED): "Completed",
    (ACCESS, S.REFUSED): "Refused",
    (ACCESS, S.WITHDRAWN): "Withdrawn",
    (OBJECTION, S.RECEIVED): "Received",
    (OBJECTION, S.AWAITING_IDENTITY): "We need more proof",
    (OBJECTION, S.IN_PROGRESS): "Being considered",
    (OBJECTION, S.AWAITING_CLARIFICATION): "Waiting for your answer",
    (OBJECTION, S.IN_REVIEW): "Being checked",
    (OBJECTION, S.READY): "Decision being sent",
    (OBJECTION, S.COMPLETED): "Decision made",
    (OBJECTION, S.REFUSED): "Refused",
    (OBJECTION, S.WITHDRAWN): "Withdrawn",
    (CORRECTION, S.RECEIVED): "Received",
    (CORRECTION, S.AWAITING_IDENTITY): "We need more proof",
    (CORRECTION, S.IN_PROGRESS): "Being considered",
    (CORRECTION, S.AWAITING_CLARIFICATION): "Waiting for your answer",
    (CORRECTION, S.IN_REVIEW): "Being checked",
    (CORRECTION, S.READY): "Decision being sent",
    (CORRECTION, S.COMPLETED): "Decision made",
    (CORRECTION, S.REFUSED): "Refused",
    (CORRECTION, S.WITHDRAWN): "Withdrawn",
    **{
        (kind, state): tag
        for kind in (RESTRICTION, DELETION)
        for state, tag in (
            (S.RECEIVED, "Received"),
            (S.AWAITING_IDENTITY, "We need more proof"),
            (S.IN_PROGRESS, "Being considered"),
            (S.AWAITING_CLARIFICATION, "Waiting for your answer"),
            (S.IN_REVIEW, "Being checked"),
            (S.READY, "Decision being sent"),
            (S.COMPLETED, "Decision made"),
            (S.REFUSED, "Refused"),
            (S.WITHDRAWN, "Withdrawn"),
        )
    },
}
OPENINGS = {
    (ACCESS, S.RECEIVED): "We have your request for a copy of your information.",
    (ACCESS, S.AWAITING_IDENTITY): (
        "We cannot start searching for your information until we have more proof of who you "
        "are, or that you may act for the person the request is about."
    ),
    (ACCESS, S.IN_PROGRESS): (
        "We are searching the records of the services involved for your information."
    ),
    (ACCESS, S.AWAITING_CLARIFICATION): (
        "We have asked you a question about what your request covers. Our message below has "
        "the question."
    ),
    (ACCESS, S.IN_REVIEW): (
        "We have prepared our response to your request. A senior officer is checking it "
        "before we send it to you."
    ),
    (ACCESS, S.READY): (
        "A senior officer has approved our response. We are making your copy of your information."
    ),
    (ACCESS, S.COMPLETED): "We have finished your request.",
    (ACCESS, S.REFUSED): (
        "We have refused your request for a copy of your information. Our message below "
        "gives our reasons."
    ),
    (ACCESS, S.WITHDRAWN): (
        "You withdrew your request, so we have stopped work on it. If you want a copy of your "
        "information later, you can make a new request."
    ),
    (OBJECTION, S.RECEIVED): "We have your objection to how we use your information.",
    (OBJECTION, S.AWAITING_IDENTITY): (
        "We cannot start considering your objection until we have more proof of who you are, "
        "or that you may act for the person it is about."
    ),
    (OBJECTION, S.IN_PROGRESS): (
        "We are considering your objection: we are looking at your reasons, and at why we use "
        "the information."
    ),
    (OBJECTION, S.AWAITING_CLARIFICATION): (
        "We have asked you a question about your objection. Our message below has the question."
    ),
    (OBJECTION, S.IN_REVIEW): (
        "We have drafted our decision on your objection. A senior officer is checking it "
        "before we send it to you."
    ),
    (OBJECTION, S.READY): (
        "A senior officer has approved our decision on your objection. We are sending it to "
        "you now, and you can read it in our message below."
    ),
    (OBJECTION, S.COMPLETED): "We have made our decision on your objection.",
    (OBJECTION, S.REFUSED): (
        "We have refused to deal with your objection. Our message below gives our reasons."
    ),
    (OBJECTION, S.WITHDRAWN): (
        "You withdrew your objection, so we have stopped considering it. You can object again "
        "at any time."
    ),
    # C14: a request to correct (UK GDPR Art 16).
    (CORRECTION, S.RECEIVED): "We have your request to correct information we hold.",
    (CORRECTION, S.AWAITING_IDENTITY): (
        "We cannot start considering your request until we have more proof of who you are, "
        "or that you may act for the person it is about."
    ),
    (CORRECTION, S.IN_PROGRESS): (
        "We are checking the information you say is wrong against our records and the evidence."
    ),
    (CORRECTION, S.AWAITING_CLARIFICATION): (
        "We have asked you a question about your request. Our message below has the question."
    ),
    (CORRECTION, S.IN_REVIEW): (
        "We have drafted our decision on your request. A senior officer is checking it before "
        "we send it to you."
    ),
    (CORRECTION, S.READY): (
        "A senior officer has approved our decision on your request. We are sending it to you "
        "now, and you can read it in our message below."
    ),
    (CORRECTION, S.COMPLETED): "We have made our decision on your request.",
    (CORRECTION, S.REFUSED): (
        "We have refused to deal with your request. Our message below gives our reasons."
    ),
    (CORRECTION, S.WITHDRAWN): (
        "You withdrew your request, so we have stopped work on it. You can ask again at any time."
    ),
    # C14, C15: the words of each state name the request, so no two kinds share them.
    (RESTRICTION, S.RECEIVED): "We have your request to stop using information we hold.",
    (RESTRICTION, S.AWAITING_IDENTITY): (
        "We cannot start considering your request to stop using information until we have "
        "more proof of who you are, or that you may act for the person it is about."
    ),
    (RESTRICTION, S.IN_PROGRESS): (
        "We are considering your request to stop using information: we are looking at your "
        "reasons, and at the uses you asked us to stop."
    ),
    (RESTRICTION, S.AWAITING_CLARIFICATION): (
        "We have asked you a question about your request to stop using information. Our "
        "message below has the question."
    ),
    (RESTRICTION, S.IN_REVIEW): (
        "We have drafted our decision on your request to stop using information. A senior "
        "officer is checking it before we send it to you."
    ),
    (RESTRICTION, S.READY): (
        "A senior officer has approved our decision on your request to stop using "
        "information. We are sending it to you now, and you can read it in our message below."
    ),
    (RESTRICTION, S.COMPLETED): (
        "We have made our decision on your request to stop using information."
    ),
    (RESTRICTION, S.REFUSED): (
        "We have refused to deal with your request to stop using information. Our message "
        "below gives our reasons."
    ),
    (RESTRICTION, S.WITHDRAWN): (
        "You withdrew your request to stop using information, so we have stopped work on it. "
        "You can ask again at any time."
    ),
    (DELETION, S.RECEIVED): "We have your request to delete information we hold.",
    (DELETION, S.AWAITING_IDENTITY): (
        "We cannot start considering your request to delete information until we have more "
        "proof of who you are, or that you may act for the person it is about."
    ),
    (DELETION, S.IN_PROGRESS): (
        "We are considering your request to delete information: we are looking at your "
        "reasons, and at whether the programme still needs the information."
    ),
    (DELETION, S.AWAITING_CLARIFICATION): (
        "We have asked you a question about your request to delete information. Our message "
        "below has the question."
    ),
    (DELETION, S.IN_REVIEW): (
        "We have drafted our decision on your request to delete information. A senior "
        "officer is checking it before we send it to you."
    ),
    (DELETION, S.READY): (
        "A senior officer has approved our decision on your request to delete information. "
        "We are sending it to you now, and you can read it in our message below."
    ),
    (DELETION, S.COMPLETED): "We have made our decision on your request to delete information.",
    (DELETION, S.REFUSED): (
        "We have refused to deal with your request to delete information. Our message below "
        "gives our reasons."
    ),
    (DELETION, S.WITHDRAWN): (
        "You withdrew your request to delete information, so we have stopped work on it. "
        "You can ask again at any time."
    ),
}
COMPLAIN = (
    "contact us first. You can also complain to the Information Commissioner's Office (ICO) "
    "at ico.org.uk/make-a-complaint, and you have the right to go to court."
)
PARTLY_UPHELD = (
    "We agree with part of your objection. We have stopped some of the uses you objected to "
    "and will carry on with others, for the reasons below."
)
OBJECT_AGAIN = "If your circumstances change, you can object again."
# What follows the opening, for the requests built below.
FOLLOWING = {
    S.RECEIVED: ["We are checking the proof of identity you sent."],
    S.AWAITING_IDENTITY: [
        "Our message below says what we need. You can send photos or scans of it with the "
        "button below."
    ],
    S.AWAITING_CLARIFICATION: [
        "Reply to our email or call us to answer it. The time limit is paused until we have "
        "your answer."
    ],
    S.REFUSED: [f"If you disagree with our refusal, {COMPLAIN}"],
}
FOLLOWING_BY_KIND = {
    (ACCESS, S.READY): ["We will email you when you can download it from this page."],
    (ACCESS, S.COMPLETED): [
        "Your copy of your information is ready: download it below.",
        f"If you are unhappy with our response, {COMPLAIN}",
    ],
    (OBJECTION, S.COMPLETED): [
        PARTLY_UPHELD,
        OBJECT_AGAIN,
        f"If you are unhappy with our decision, {COMPLAIN}",
    ],
    (CORRECTION, S.COMPLETED): [f"If you are unhappy with our decision, {COMPLAIN}"],
    (RESTRICTION, S.COMPLETED): [f"If you are unhappy with our decision, {COMPLAIN}"],
    (DELETION, S.COMPLETED): [f"If you are unhappy with our decision, {COMPLAIN}"],
}
STATUS_ROW = re.compile(
    r'<dd class="govuk-summary-list__value">\s*<strong class="govuk-tag[^"]*">(.*?)</strong>'
    r"(.*?)</dd>",
    re.DOTALL,
)


def status_on_page(app, filed: Filed, locale: str) -> tuple[str, str]:
    """Sign in to follow the request as its requester; the status: its tag and its words."""
    client = app.test_client()
    sign_in(app, client, filed, locale=locale)
    page = get_page(client, f"/{locale}/track/status")
    found = STATUS_ROW.search(page.html)
    assert found, "the status page has no status"
    return visible_text(found.group(1)), visible_text(found.group(2))


def built(app, kind: CaseKind, state: CaseState, **changes) -> Filed:
    """A request of this kind in this state, made by the service functions; a completed one
    finished as the portal finishes it (the worker's pack release or decision email)."""
    email = unique_email()
    with building(app) as scenarios:
        case = scenarios.case_in(
            S.READY if state == S.COMPLETED else state,
            kind,
            received=RECEIVED,
            subject=person(email=email),
            evidence=PHOTO,
            **changes,
        )
        filed = Filed(case.id, case.reference, email)
    if state == S.COMPLETED and kind == ACCESS:
        work(app, filed.id)  # the pack is made and released for download
    elif state == S.COMPLETED:
        send_pending_messages(app, filed.id)  # the decision is emailed
    assert state_now(app, filed.id) == state
    return filed


def send_pending_messages(app, case_id: int) -> None:
    """The worker does this case's queued council messages, as `flask worker run` would."""
    moment = datetime.now(UTC)
    with app.app_context():
        jobs = db.session.execute(
            select(Job.id, Job.payload).where(
                Job.kind == "email.case_message", Job.status == JobStatus.PENDING
            )
        )
        mine = [job_id for job_id, payload in jobs if payload.get("case_id") == case_id]
        assert mine, "no message waiting to be sent"
        for job_id in mine:
            assert worker.claim(job_id, moment)
            worker.run_job(app, job_id, now=moment)


def state_now(app, case_id: int) -> CaseState:
    with app.app_context():
        return CaseState(db.session.get(Case, case_id, populate_existing=True).state)


@functools.cache
def catalogue(locale: str, message: str) -> str:
    """translated(), read once per message: each call reads the whole catalogue."""
    return translated(locale, message)


def words(locale: str, *sentences: str) -> list[str]:
    return [catalogue(locale, sentence) for sentence in sentences]


MATRIX = list(TAGS)
# C4: an objection or a correction request is never paused for clarification (DPA 2018
# s.54(3C); Art 12A), so no such case can be built; its words stay for one paused by hand.
BUILDABLE = [
    pair for pair in MATRIX if not (pair[0] != ACCESS and pair[1] == S.AWAITING_CLARIFICATION)
]


@pytest.mark.parametrize(("kind", "state"), BUILDABLE, ids=[f"{k}-{s}" for k, s in BUILDABLE])
def test_each_state_of_each_kind_reads_true_in_english_urdu_and_polish(app, kind, state):
    filed = built(app, kind, state)
    own = [
        OPENINGS[kind, state],
        *FOLLOWING.get(state, []),
        *FOLLOWING_BY_KIND.get((kind, state), []),
    ]
    for locale in LOCALES:
        tag, text = status_on_page(app, filed, locale)
        assert tag == catalogue(locale, TAGS[kind, state])
        expected = " ".join(words(locale, *own))
        assert text == expected, f"{locale}: {text!r}"
        others = [OPENINGS[pair] for pair in MATRIX if pair != (kind, state)]
        for other in words(locale, *others):
            assert other not in text


def test_every_state_and_kind_has_its_own_status():
    statuses = {(TAGS[pair], OPENINGS[pair]) for pair in MATRIX}
    # A complaint's statuses (C13) are tested in tests/functional/test_complaint_journey.py.
    kinds = {kind for kind, _state in MATRIX}
    assert kinds == set(CaseKind) - {CaseKind.COMPLAINT}
    assert len(statuses) == len(MATRIX) == len(kinds) * len(CaseState)
    for locale in LOCALES:
        assert len(set(words(locale, *OPENINGS.values()))) == len(MATRIX)


# An objection completes when its decision is sent --------------------------------------


def staff_status(app, reference: str) -> str:
    """The status a member of staff reads at the top of the case page."""
    client = app.test_client()
    response = staff_sign_in(client, make_account(app, Role.REVIEWER))
    assert response.status_code == 303
    page = get_page(client, f"/staff/cases/{reference}", lang="en")
    return read_html(page.html).h1.removeprefix(reference).strip()


def completion_events(app, case_id: int) -> list[dict]:
    with app.app_context():
        return [
            dict(event.details)
            for event in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.case_id == case_id, AuditEvent.action == "response_completed"
                )
            )
        ]


def test_an_objection_completes_when_the_worker_emails_its_decision(app):
    filed = built(app, OBJECTION, S.READY)
    assert staff_status(app, filed.reference) == "Ready"
    assert status_on_page(app, filed, "en")[0] == "Decision being sent"

    send_pending_messages(app, filed.id)

    assert state_now(app, filed.id) == S.COMPLETED
    assert staff_status(app, filed.reference) == "Completed"
    assert completion_events(app, filed.id) == [{"sent_by": "email"}]
    tag, text = status_on_page(app, filed, "ur")
    assert tag == catalogue("ur", "Decision made")
    assert catalogue("ur", PARTLY_UPHELD) in text
    client = app.test_client()
    sign_in(app, client, filed)
    timeline = get_page(client, "/en/track/status").text()
    assert "We made our decision on your objection" in timeline
    assert "We sent you our decision" in timeline


def test_without_an_email_address_posting_the_decision_letter_completes_it(app):
    with building(app) as scenarios:
        case = scenarios.case_in(S.READY, OBJECTION, received=RECEIVED, subject=person(email=""))
        filed = Filed(case.id, case.reference, "")
        (message,) = [m for m in messages.messages_for(scenarios.session, case)]
        message_id = message.id
    send_pending_messages(app, filed.id)  # nothing to send: the letter is needed
    assert state_now(app, filed.id) == S.READY
    assert staff_status(app, filed.reference) == "Ready"

    client = app.test_client()
    staff_sign_in(client, make_account(app, Role.CASEWORKER))
    response = post_posted(
        client, filed.reference, "objection_decision", message_id, date_parts("sent_on", today())
    )

    assert response.status_code == 303
    assert state_now(app, filed.id) == S.COMPLETED
    assert staff_status(app, filed.reference) == "Completed"
    assert completion_events(app, filed.id) == [{"sent_by": "post"}]


def decided(app, outcome: DecisionOutcome, upheld: list[str]) -> Filed:
    email = unique_email()
    with building(app) as scenarios:
        subject = person(email=email)
        case = scenarios.case_in(S.IN_PROGRESS, OBJECTION, received=RECEIVED, subject=subject)
        scenarios.assess(case, compelling_grounds="Safeguarding concerns")
        reasons = "Weighed against the support the family receives"
        scenarios.propose(case, outcome, upheld, reasons=reasons)
        scenarios.approve_decision(case)
        filed = Filed(case.id, case.reference, email)
    send_pending_messages(app, filed.id)
    return filed


@pytest.mark.parametrize(
    ("outcome", "upheld", "says", "object_again"),
    [
        (
            DecisionOutcome.UPHELD,
            [],
            "We agree with your objection. We have stopped using your information in the ways "
            "you objected to.",
            False,
        ),
        (
            DecisionOutcome.NOT_UPHELD,
            [],
            "We do not agree with your objection. We will carry on using your information, for "
            "the reasons below.",
            True,
        ),
    ],
)
@pytest.mark.parametrize("locale", ["en", "ur"])
def test_a_decided_objection_says_its_outcome_and_what_to_do_next(
    app, outcome, upheld, says, object_again, locale
):
    filed = decided(app, outcome, upheld)
    tag, text = status_on_page(app, filed, locale)
    assert tag == catalogue(locale, "Decision made")
    assert catalogue(locale, says) in text
    assert (catalogue(locale, OBJECT_AGAIN) in text) is object_again
    assert catalogue(locale, f"If you are unhappy with our decision, {COMPLAIN}") in text


def test_a_copy_sent_by_post_reads_as_being_made_then_posted(app):
    filed = built(app, ACCESS, S.READY, details={"delivery": {"delivery": "post"}})
    work(app, filed.id)  # the pack is made, for staff to print and post
    for locale in ("en", "pl"):
        tag, text = status_on_page(app, filed, locale)
        assert tag == catalogue(locale, "Being prepared")
        assert text == " ".join(
            words(locale, OPENINGS[ACCESS, S.READY], "Then we will post it to you.")
        )

    client = app.test_client()
    staff_sign_in(client, make_account(app, Role.CASEWORKER))
    # Staff print the pack, then record that they posted it.
    assert client.get(f"/staff/cases/{filed.reference}/response-pack.pdf").status_code == 200
    response = post_posted(
        client, filed.reference, "response_pack", None, date_parts("sent_on", today())
    )
    assert response.status_code == 303

    assert staff_status(app, filed.reference) == "Completed"
    for locale in ("en", "pl"):
        tag, text = status_on_page(app, filed, locale)
        assert tag == catalogue(locale, "Completed")
        posted = "We have posted your copy of your information to you."
        assert catalogue(locale, posted) in text
        assert (
            catalogue(locale, "Your copy of your information is ready: download it below.")
            not in text
        )

    # The timeline: what was done for the resident, not staff opening the pack to print it.
    resident = app.test_client()
    sign_in(app, resident, filed)
    timeline = get_page(resident, "/en/track/status").text()
    assert "We made your copy of your information" in timeline
    assert "We posted your copy of your information to you" in timeline
    assert "We updated your request" not in timeline
