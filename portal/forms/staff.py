"""Forms for the staff workspace: signing in, invitations and staff administration.

Staff pages are English only, so these messages are plain strings, not translated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.accounts.models import ROLE_LABELS, Role
from portal.accounts.passwords import MAX_LENGTH, password_problem
from portal.forms.fields import choices, clean_text

CODE_LENGTH = 6
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.gov.uk"


def digits_only(value: object) -> object:
    """Spaces and dashes dropped ("123 456"), and digits from any script read as digits."""
    if not isinstance(value, str):
        return value
    kept = []
    for character in value.strip():
        if character in " -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212":
            continue
        digit = unicodedata.decimal(character, None)
        kept.append(str(digit) if digit is not None else character)
    return "".join(kept)


def six_digits(form, field):
    if field.data and not (
        len(field.data) == CODE_LENGTH and field.data.isascii() and field.data.isdigit()
    ):
        raise ValidationError("Enter the code as 6 digits, like 482913")


def role_choices():
    return choices((role.value, ROLE_LABELS[role]) for role in Role)


ROLE_HINTS = {
    Role.CASEWORKER.value: "Works on requests and objections: checks identity, searches records, drafts responses and decisions",
    Role.REVIEWER.value: "Does what a caseworker does, and approves or returns other people's drafts",
    Role.ADMIN.value: "Invites staff, changes their roles and disables their accounts. Does not see cases",
    Role.DEPARTMENT_CONTACT.value: "Searches one department's records when a caseworker asks, and uploads what it holds. Sees only the requests sent to them",
}


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[clean_text],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=320, message=EMAIL_FORMAT),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    # Passwords are not cleaned: every character counts, spaces included.
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password"),
            Length(max=MAX_LENGTH, message="Enter a correct email address and password"),
        ],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code your app shows now, for example 482913",
        filters=[digits_only],
        validators=[DataRequired("Enter the 6-digit code from your authenticator app"), six_digits],
    )


class NewPasswordForm(FlaskForm):
    """Setting a password. The rules need to know whose password it is and which council
    it is for: pass them in."""

    password = PasswordField(
        "Create a password",
        description="Use 12 characters or more. A good way is 3 random words. Do not use a password you use anywhere else",
        validators=[DataRequired("Enter a password")],
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[DataRequired("Type your password again")],
    )

    def __init__(
        self, *args, email: str = "", name: str = "", council_names: Iterable[str] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._email = email
        self._name = name
        self._council_names = tuple(council_names)

    def validate_password(self, field):
        problem = password_problem(
            field.data or "", email=self._email, name=self._name, council_names=self._council_names
        )
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError("The passwords do not match. Type the same password twice")


def _department_field() -> SelectField:
    return SelectField(
        "Department (for a department contact)",
        description="The department whose records they search",
        validate_choice=False,
    )


class _RoleWithDepartment(FlaskForm):
    """A role and, for a department contact, the one department they search for (its key
    in the council profile). The subclass declares `role` and `department` in the order
    its page shows them."""

    role: RadioField
    department: SelectField

    def __init__(self, *args, departments: Iterable[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        listed = list(departments)
        self.department.choices = choices([("", "Not a department contact"), *listed])
        self.department_keys = {key for key, _name in listed}

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError("Select a role")

    def validate_department(self, field):
        if self.role.data == Role.DEPARTMENT_CONTACT and field.data not in self.department_keys:
            raise ValidationError("Select the department this contact searches for")

    def department_key(self) -> str | None:
        """The department, for a department contact only."""
        return self.department.data if self.role.data == Role.DEPARTMENT_CONTACT else None


class InviteForm(_RoleWithDepartment):
    name = StringField(
        "Full name",
        filters=[clean_text],
        validators=[
            DataRequired("Enter their full name"),
            Length(max=200, message="Their name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Work email address",
        filters=[clean_text],
        validators=[
            DataRequired("Enter their work email address"),
            Length(max=320, message=EMAIL_FORMAT),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    role = RadioField("Role", choices=role_choices(), validate_choice=False)
    department = _department_field()


class ChangeRoleForm(_RoleWithDepartment):
    role = RadioField("Role", choices=role_choices(), validate_choice=False)
    department = _department_field()


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: disabling an account, a new invitation link."""
