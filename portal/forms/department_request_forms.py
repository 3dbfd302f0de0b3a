"""Forms for department requests (issue 19 point 4): a caseworker asks a department contact
to search; the contact uploads a record or answers that none is held. Staff pages are
English only: plain strings.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms.fields import DateParts, Radios, choices, clean_text

MESSAGE_LENGTH = 2_000


class SendDepartmentRequestForm(FlaskForm):
    """`contacts` are (staff id, "Name, Department") pairs: department-contact accounts."""

    contact = Radios(
        "Who should search",
        validators=[DataRequired("Select the department contact to ask")],
    )
    message = TextAreaField(
        "What to search for",
        description=(
            "What the department needs to find the records: the name, date of birth or address "
            "and the years. No more about the person than the search needs."
        ),
        filters=[clean_text],
        validators=[
            DataRequired("Say what the department should search for"),
            Length(max=MESSAGE_LENGTH, message="The message must be 2000 characters or fewer"),
        ],
    )
    due_on = DateParts(
        "Their due date (optional)",
        description=(
            "On or before the request's due date. Leave it empty for five working days before it."
        ),
    )

    def __init__(self, *args, contacts: Sequence[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact.choices = choices(contacts)


# What a department may upload: pages, or writing the portal sets as pages
# (portal.documents.written_records).
RECORD_FILES = (
    "a PDF, JPEG or PNG, an email saved as a file (.eml), a text file or a Word document (.docx)"
)
WHAT_CAN_BE_UPLOADED = f"The file must be {RECORD_FILES}"
RECORD_ACCEPT = (
    "application/pdf,image/jpeg,image/png,.eml,message/rfc822,.txt,text/plain,.docx,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class UploadRecordForm(FlaskForm):
    title = StringField(
        "What the record is",
        description="For example, Tenancy file 2019 to 2024",
        filters=[clean_text],
        validators=[
            DataRequired("Say what the record is"),
            Length(max=300, message="The title must be 300 characters or fewer"),
        ],
    )
    document = FileField("The record", description=RECORD_FILES[0].upper() + RECORD_FILES[1:])
    item_date = DateParts("Date of the record (optional)", description="For example 27 3 2026")


class NoneHeldForm(FlaskForm):
    note = TextAreaField(
        "How you searched (optional)",
        description="For example, the systems and the names or addresses you searched by",
        filters=[clean_text],
        validators=[Length(max=2000, message="The note must be 2000 characters or fewer")],
    )
