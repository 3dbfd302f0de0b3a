"""The department a search or a disclosure item comes from, on the staff case page: one the
council profile lists, or another, typed. Staff pages are English only."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.forms.fields import Radios, choices, clean_text

OTHER_DEPARTMENT = "other"  # a key the council profile may not use (portal.council)


class DepartmentChoice:
    """Mixed into a form that names a department in `choice_field`, with
    `typed_field` for a name typed when it is not in the list.

    `departments` are the profile's (key, English name) pairs. The chosen key is stored,
    so letters name the department in the requester's language; a typed name is shown to
    residents as typed, in English."""

    choice_field = "department"
    typed_field = "other_department"

    def __init__(self, *args, departments: Sequence[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = dict(departments)
        chosen = getattr(self, self.choice_field)
        chosen.choices = choices([*departments, (OTHER_DEPARTMENT, "Another department")])

    def chosen_department(self) -> tuple[str, str | None]:
        """(the department's English name, its key in the profile or None)."""
        key = getattr(self, self.choice_field).data
        if key in self.departments:
            return self.departments[key], key
        return getattr(self, self.typed_field).data or "", None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        other = getattr(self, self.typed_field)
        if getattr(self, self.choice_field).data == OTHER_DEPARTMENT and not other.data:
            other.errors = [*other.errors, "Type the name of the other department"]
            return False
        return valid


def department_field(label: str, message: str) -> Radios:
    """The department, from the choices the form is given."""
    return Radios(label, validators=[DataRequired(message)])


def other_department_field() -> StringField:
    return StringField(
        "Name of the other department",
        description="Only if it is not in the list. Residents see this name in English.",
        filters=[clean_text],
        validators=[Length(max=200, message="The name must be 200 characters or fewer")],
    )
