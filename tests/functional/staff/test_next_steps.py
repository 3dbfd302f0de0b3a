"""The case page puts the next step first: straight after what the resident asked for, the
actions the case's state and the user's role allow, open, with the due date; the rest
folded away further down. Checked on the demonstration cases (portal.demo makes them with
the scenario builder, portal.cases.scenarios, through the real service functions), one in
each kind and state, as a caseworker and as a reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import objections
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import make_account, sign_in
from tests.functional.test_demo import demo_app  # noqa: F401  (the seeded app fixture)
from tests.visible import element_text

CLOSED = {CaseState.COMPLETED, CaseState.REFUSED, CaseState.WITHDRAWN}


@dataclass(frozen=True)
class ShownAction:
    key: str
    folded: bool  # inside (or itself) a <details> that is not open


class _Actions(HTMLParser):
    """Every casework action's element (id "action-<key>"), in reading order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[ShownAction] = []
        self.closed_details: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "details":
            self.closed_details.append("open" not in attributes)
        element_id = attributes.get("id") or ""
        if element_id.startswith("action-") and not element_id.endswith("-title"):
            folded = any(self.closed_details)  # itself, or inside, a closed <details>
            self.found.append(ShownAction(element_id.removeprefix("action-"), folded))

    def handle_endtag(self, tag):
        if tag == "details" and self.closed_details:
            self.closed_details.pop()


def shown_actions(html: str) -> list[ShownAction]:
    reader = _Actions()
    reader.feed(html)
    return reader.found


@pytest.fixture(scope="module")
def staff_clients(demo_app):  # noqa: F811
    clients = {}
    for role in (Role.CASEWORKER, Role.REVIEWER):
        client = demo_app.test_client()
        assert sign_in(client, make_account(demo_app, role)).status_code == 303
        clients[role] = client
    return clients


def demo_cases(demo_app) -> list[tuple[str, str, str, bool]]:  # noqa: F811
    """(reference, kind, state, assessed) of the first demo case of each kind and state."""
    seen: dict[tuple[str, str], tuple[str, str, str, bool]] = {}
    with demo_app.app_context():
        for case in db.session.scalars(select(Case).order_by(Case.id)):
            assessed = objections.latest_assessment(db.session, case) is not None
            seen.setdefault(
                (case.kind, case.state), (case.reference, case.kind, case.state, assessed)
            )
    return list(seen.values())


RIGHTS_EVENTS = {
    CaseKind.CORRECTION: "correction",
    CaseKind.RESTRICTION: "restriction",
    CaseKind.DELETION: "deletion",
}


def expected_first(kind: str, state: str, assessed: bool, role: Role) -> str | None:
    """The action a person in `role` should find first, or None for no next step."""
    access = kind == CaseKind.ACCESS
    if kind == CaseKind.COMPLAINT:  # C13: looked into, answered, reviewed
        return {
            CaseState.IN_PROGRESS: "propose_outcome",
            CaseState.IN_REVIEW: "approve_outcome" if role == Role.REVIEWER else None,
            CaseState.READY: "complete",
        }.get(CaseState(state))
    rights = RIGHTS_EVENTS.get(kind)  # C14, C15: a decision on the right
    if rights and CaseState(state) in (CaseState.IN_PROGRESS, CaseState.IN_REVIEW):
        if state == CaseState.IN_PROGRESS:
            return f"propose_{rights}"
        return f"approve_{rights}" if role == Role.REVIEWER else None
    return {
        CaseState.RECEIVED: "accept_identity",
        CaseState.AWAITING_IDENTITY: "accept_identity",
        CaseState.AWAITING_CLARIFICATION: "record_clarification_answer",
        CaseState.IN_PROGRESS: (
            "record_search" if access else "propose_decision" if assessed else "assess_objection"
        ),
        CaseState.IN_REVIEW: (
            ("approve" if access else "approve_decision") if role == Role.REVIEWER else None
        ),
        CaseState.READY: "complete",
    }.get(CaseState(state))


def test_the_demo_data_has_every_state(demo_app):  # noqa: F811
    states = {state for _reference, _kind, state, _assessed in demo_cases(demo_app)}
    assert states == {str(state) for state in CaseState}


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.REVIEWER], ids=str)
def test_the_first_actions_are_the_next_steps_open_after_what_was_asked(
    demo_app,  # noqa: F811
    staff_clients,
    role,
):
    client = staff_clients[role]
    for reference, kind, state, assessed in demo_cases(demo_app):
        where = f"{kind} {state} as {role} ({reference})"
        page = get_page(client, f"/staff/cases/{reference}", lang="en")
        # A note, a link and a merge have sections of their own, not among the steps.
        own_sections = {"add_note", "link_case", "merge_case"}
        actions = [a for a in shown_actions(page.html) if a.key not in own_sections]
        first = expected_first(kind, state, assessed, role)
        next_steps = element_text(page.html, within="next-steps-section")
        if first is None:
            assert not actions or actions[0].folded, where
            lifts = kind == CaseKind.RESTRICTION and role == Role.REVIEWER
            if CaseState(state) in CLOSED and lifts and state == CaseState.COMPLETED:
                # C14 (Art 18(3)): a restriction in force outlives its request.
                assert [a.key for a in actions] == ["lift_restriction"], where
                assert "Other actions are further down the page" in next_steps, where
            elif CaseState(state) in CLOSED:
                assert next_steps.startswith("Next steps Closed on "), where
                assert "There is nothing you can do on this case now" in next_steps, where
            else:
                assert next_steps.startswith("Next steps Due "), where
                assert "No next step is waiting for you on this case" in next_steps, where
            continue
        assert actions and actions[0].key == first, f"{where}: {actions[:3]}"
        # Every open action comes before every folded one, and only next steps are open.
        folds = [action.folded for action in actions]
        assert folds == sorted(folds), f"{where}: {actions}"
        assert not any(a.folded for a in actions if f'id="action-{a.key}-title"' in page.html)
        # Read in this order: what they asked for, the due date, then the next step.
        text = element_text(page.html, within="main-content")
        title = element_text(page.html, within=f"action-{first}-title")
        due = "No due date" if "No due date" in next_steps else "Due "
        order = [
            text.index("What they asked for"),
            text.index("Next steps"),
            text.index(due, text.index("Next steps")),
            text.index(title, text.index("Next steps")),
            text.index("Summary Reference"),
        ]
        assert order == sorted(order), f"{where}: {order}"
        # What a reviewer alone may do is never offered to a caseworker.
        if role == Role.CASEWORKER:
            reviewer_only = {"approve", "approve_decision", "return_for_changes", "refuse"}
            assert not reviewer_only & {a.key for a in actions}, where
