"""Staff administration: the list of accounts, invitations, roles and disabling.

An invitation link is shown once to the administrator who made it (and written to the log
in the embedded mode), to send to the new member of staff; only its hash is stored.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_login import current_user, logout_user

from portal.accounts import administration, invitations
from portal.accounts.models import Role, StaffUser
from portal.extensions import db
from portal.forms.staff import ROLE_HINTS, ChangeRoleForm, ConfirmForm, InviteForm
from portal.instants import utc_now
from portal.links import absolute_link
from portal.staff import bp
from portal.staff.permissions import Action, requires

# Session key: the link just made, until the page that shows it once has been seen.
NEW_INVITATION = "staff_new_invitation"
LAST_ADMIN = (
    "There must always be at least one administrator. Make someone else an administrator first"
)


def _member(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _me() -> StaffUser:
    return current_user._get_current_object()


def _show_link_once(invitation: invitations.Invitation) -> None:
    link = absolute_link("staff.invitation", token=invitation.token)
    session[NEW_INVITATION] = {"user_id": invitation.user.id, "link": link}
    if current_app.config["PORTAL_ENV"] != "production":
        current_app.logger.warning(
            "Invitation link for staff account %s (written here in the embedded mode only): %s",
            invitation.user.id,
            link,
        )


@bp.get("/admin/staff")
@requires(Action.MANAGE_STAFF)
def admin_staff():
    now = utc_now()
    members = [
        (user, administration.status_of(user, now))
        for user in administration.list_staff(db.session)
    ]
    return render_template("staff/admin/list.html", members=members)


@bp.route("/admin/staff/invite", methods=["GET", "POST"])
@requires(Action.MANAGE_STAFF)
def admin_invite():
    form = InviteForm(departments=_departments())
    if request.method == "GET":
        return render_template("staff/admin/invite.html", form=form, role_hints=ROLE_HINTS)
    if form.validate():
        try:
            invitation = invitations.invite(
                db.session,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                invited_by=_me(),
                now=utc_now(),
                department_key=form.department_key(),
            )
        except invitations.AccountExists:
            form.email.errors = ["There is already an account with this email address"]
        else:
            _show_link_once(invitation)
            return redirect(url_for(".admin_invitation_link", user_id=invitation.user.id), 303)
    page = render_template(
        "staff/admin/invite.html", form=form, role_hints=ROLE_HINTS, form_has_errors=True
    )
    return page, 400


def _departments() -> list[tuple[str, str]]:
    """The council profile's departments (key, English name), for department contacts."""
    return [(d.key, d.name.english) for d in current_app.extensions["council"].departments]


@bp.get("/admin/staff/<int:user_id>/invitation")
@requires(Action.MANAGE_STAFF)
def admin_invitation_link(user_id: int):
    member = _member(user_id)
    shown = session.get(NEW_INVITATION)
    link = None
    if isinstance(shown, dict) and shown.get("user_id") == member.id:
        link = shown.get("link")
        session.pop(NEW_INVITATION, None)
    return render_template(
        "staff/admin/invitation_link.html", member=member, link=link, form=ConfirmForm()
    )


@bp.post("/admin/staff/<int:user_id>/invitation")
@requires(Action.MANAGE_STAFF)
def admin_renew_invitation(user_id: int):
    member = _member(user_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        invitation = invitations.renew_invitation(db.session, member, actor=_me(), now=utc_now())
    except invitations.InvitationUnusable:
        flash(f"{member.name} does not need an invitation")
        return redirect(url_for(".admin_member", user_id=member.id), 303)
    _show_link_once(invitation)
    return redirect(url_for(".admin_invitation_link", user_id=member.id), 303)


@bp.post("/admin/staff/<int:user_id>/reset")
@requires(Action.MANAGE_STAFF)
def admin_reset_sign_in(user_id: int):
    member = _member(user_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        invitation = administration.reset_sign_in(db.session, member, actor=_me(), now=utc_now())
    except invitations.InvitationUnusable:
        flash("Another administrator must reset your own sign-in")
        return redirect(url_for(".admin_member", user_id=member.id), 303)
    _show_link_once(invitation)
    return redirect(url_for(".admin_invitation_link", user_id=member.id), 303)


def _render_member(member: StaffUser, form: ChangeRoleForm, status: int = 200):
    page = render_template(
        "staff/admin/member.html",
        member=member,
        status=administration.status_of(member, utc_now()),
        last_signed_in=(
            format_datetime(member.last_signed_in_at, "d MMMM yyyy 'at' HH:mm")
            if member.last_signed_in_at
            else "Never"
        ),
        form=form,
        department_name=dict(_departments()).get(member.department_key or ""),
        role_hints=ROLE_HINTS,
        form_has_errors=status == 400,
    )
    return page, status


@bp.get("/admin/staff/<int:user_id>")
@requires(Action.MANAGE_STAFF)
def admin_member(user_id: int):
    member = _member(user_id)
    form = ChangeRoleForm(
        role=member.role, department=member.department_key or "", departments=_departments()
    )
    return _render_member(member, form)


@bp.post("/admin/staff/<int:user_id>/role")
@requires(Action.MANAGE_STAFF)
def admin_change_role(user_id: int):
    member = _member(user_id)
    form = ChangeRoleForm(departments=_departments())
    if not form.validate() or not member.is_active:
        if not member.is_active:
            form.role.errors = ["This account is disabled"]
        return _render_member(member, form, 400)
    try:
        changed = administration.change_role(
            db.session,
            member,
            Role(form.role.data),
            department_key=form.department_key(),
            actor=_me(),
            now=utc_now(),
        )
    except administration.LastAdmin:
        db.session.refresh(member)
        form.role.errors = [LAST_ADMIN]
        return _render_member(member, form, 400)
    if changed:
        department = dict(_departments()).get(member.department_key or "")
        searching = f", searching {department}'s records" if department else ""
        flash(f"{member.name}'s role is now {member.role_label.lower()}{searching}")
    return redirect(url_for(".admin_member", user_id=member.id), 303)


@bp.route("/admin/staff/<int:user_id>/disable", methods=["GET", "POST"])
@requires(Action.MANAGE_STAFF)
def admin_disable(user_id: int):
    member = _member(user_id)
    form = ConfirmForm()
    if request.method == "GET" or not member.is_active:
        if not member.is_active:
            return redirect(url_for(".admin_member", user_id=member.id), 303)
        return render_template("staff/admin/disable.html", member=member, form=form)
    if not form.validate():
        abort(400)
    myself = member.id == _me().id
    try:
        administration.disable(db.session, member, actor=_me(), now=utc_now())
    except administration.LastAdmin:
        page = render_template(
            "staff/admin/disable.html", member=member, form=form, error=LAST_ADMIN
        )
        return page, 400
    if myself:
        # This very session has just been deleted on the server.
        logout_user()
        session.clear()
        return redirect(url_for(".signed_out"), 303)
    flash(f"{member.name}'s account is disabled, and they have been signed out")
    return redirect(url_for(".admin_staff"), 303)
