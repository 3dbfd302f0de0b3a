"""Assigning cases from the queue, one or many at once (issue 19 point 2): tick the cases,
choose who gets them, check what will change on a confirmation page, confirm. Plain
checkboxes, a select and buttons, so it works by keyboard and without JavaScript; every
assignment is audited as when made from the case page (portal.cases.allocation).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request
from sqlalchemy import select

from portal.cases import allocation
from portal.cases.casework_models import CaseAssignment
from portal.cases.models import Case, Person
from portal.extensions import db
from portal.staff import bp
from portal.staff.case import current_actor
from portal.staff.permissions import Action, requires
from portal.staff.queue_views import case_staff_names

NOBODY = "nobody"  # the choice that takes cases off whoever has them
MAX_CHOSEN = 200  # more than a few pages of the queue at once is a mistake
QUEUE_PATH = "/staff/queue"


def back_to_queue() -> str:
    """The queue as the member of staff left it (its filters), never anywhere else."""
    back = request.form.get("back", "")
    return back if back.startswith(QUEUE_PATH) and "//" not in back else QUEUE_PATH


def _chosen() -> tuple[list[str], str | None, dict[str, str], list[tuple[str, str]]]:
    """The references ticked, the assignee chosen ("staff:12", NOBODY or None when not
    chosen or not someone who can hold cases), the names, and what is wrong."""
    names = case_staff_names()
    references = list(dict.fromkeys(request.form.getlist("case")))[: MAX_CHOSEN + 1]
    assignee: str | None = request.form.get("assignee", "")
    if assignee != NOBODY and assignee not in names:
        assignee = None
    errors = []
    if not references:
        errors.append(("case", "Select at least one case to assign"))
    elif len(references) > MAX_CHOSEN:
        errors.append(("case", f"Select {MAX_CHOSEN} cases or fewer at once"))
    if assignee is None:
        errors.append(("assignee", "Choose who to assign the cases to"))
    return references, assignee, names, errors


@bp.post("/queue/assign")
@requires(Action.WORK_ON_CASE)
def queue_assign() -> Any:
    """The confirmation page: each case chosen, who has it now, and who will."""
    references, assignee, names, errors = _chosen()
    subject = Person.__table__.alias("subject")
    rows = db.session.execute(
        select(Case.reference, subject.c.full_name, CaseAssignment.assignee)
        .join(subject, subject.c.id == Case.subject_id)
        .outerjoin(CaseAssignment, CaseAssignment.case_id == Case.id)
        .where(Case.reference.in_(references))
    ).all()
    found = {reference: (name, holder) for reference, name, holder in rows}
    cases = [
        (reference, found[reference][0], names.get(found[reference][1] or "", "Nobody"))
        for reference in references
        if reference in found
    ]
    if references and not cases and not errors:
        errors.append(("case", "The cases chosen are no longer in the queue"))
    page = render_template(
        "staff/queue_assign.html",
        errors=errors,
        cases=cases,
        assignee=assignee,
        assignee_name="nobody" if assignee == NOBODY else names.get(assignee or "", ""),
        back=back_to_queue(),
    )
    return page, 400 if errors else 200


@bp.post("/queue/assign/confirm")
@requires(Action.WORK_ON_CASE)
def queue_assign_confirm() -> Any:
    references, assignee, names, errors = _chosen()
    if errors:
        return queue_assign()
    outcome = allocation.assign_many(
        db.session,
        references,
        assignee=None if assignee == NOBODY else assignee,
        actor=current_actor(),
    )
    count = len(outcome.assigned)
    cases = "1 case" if count == 1 else f"{count} cases"
    if assignee == NOBODY:
        flash(f"{cases} unassigned")
    else:
        flash(f"{cases} assigned to {names.get(assignee or '', assignee)}")
    if outcome.closed:
        flash(f"Not assigned, as closed since you chose them: {', '.join(outcome.closed)}")
    return redirect(back_to_queue(), code=303)
