"""Linking and merging requests from the staff case page (issue 19 point 1): one view per
action, each calling one function of portal.cases.case_links. A broken rule is shown on
the case page as an error, with status 400; nothing was written."""

from __future__ import annotations

from typing import Any

from portal.cases import case_links
from portal.cases.models import Case
from portal.extensions import db
from portal.forms import case_link_forms
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, back_to_case, current_actor, load_case, render_case
from portal.staff.permissions import Action, requires


def _refused(case: Case, action: str, form: Any, error: Exception | None = None):
    db.session.rollback()
    db.session.refresh(case)
    return render_case(case, action=action, form=form, error=str(error) if error else None), 400


@bp.post("/cases/<reference>/links")
@requires(Action.WORK_ON_CASE)
def case_link(reference: str):
    # Links may be made on closed cases too (a repeat of a request long answered), so
    # only the role is checked here.
    case = load_case(reference, Action.VIEW_CASES)
    form = case_link_forms.LinkForm(prefix="link")
    if not form.validate():
        return _refused(case, "link_case", form)
    try:
        link = case_links.link(
            db.session,
            case,
            other_reference=form.reference.data,
            kind=form.kind.data,
            note=form.note.data or "",
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "link_case", form, error)
    other_id = link.linked_case_id if link.case_id == case.id else link.case_id
    other = db.session.get(Case, other_id)
    return back_to_case(case, f"Linked to {other.reference if other else 'the other request'}")


@bp.post("/cases/<reference>/links/<int:link_id>/remove")
@requires(Action.WORK_ON_CASE)
def case_unlink(reference: str, link_id: int):
    case = load_case(reference, Action.VIEW_CASES)
    try:
        other = case_links.unlink(db.session, case, link_id=link_id, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "link_case", case_link_forms.LinkForm(prefix="link"), error)
    return back_to_case(case, f"No longer linked to {other.reference}")


@bp.post("/cases/<reference>/merge")
@requires(Action.WORK_ON_CASE)
def case_merge(reference: str):
    # The role only: a duplicate closed meanwhile is refused by the rule, which says so.
    case = load_case(reference, Action.VIEW_CASES)
    form = case_link_forms.MergeForm(prefix="merge")
    if not form.validate():
        return _refused(case, "merge_case", form)
    try:
        original = case_links.merge(
            db.session, case, original_reference=form.reference.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "merge_case", form, error)
    return back_to_case(case, f"Merged into {original.reference}: this request is now closed")
