"""The check-your-answers page: each answer as the resident would read it, with a link to
change it; a request for someone else in three parts (about them, about you, the request)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import RadioField, SelectField, SelectMultipleField

from portal.bidi import isolate_text
from portal.cases.about_whom import AboutWhom
from portal.cases.models import DraftUpload, EvidencePurpose
from portal.forms.evidence import purpose_names
from portal.public.journey_steps import Answers, Journey, Step


def summary_rows(
    journey: Journey,
    answers: Answers,
    *,
    form_for: Callable[[Step], FlaskForm],
    uploads: Sequence[DraftUpload],
) -> list[dict[str, Any]]:
    """Check-your-answers rows: each answer as the resident would read it, with a Change
    link and the step it answers. `form_for` gives a step's form filled with the answers;
    `uploads` are the files the resident added."""
    rows: list[dict[str, Any]] = []
    for step in journey.applicable(answers):
        if step.slug in ("declaration",):
            continue
        form = form_for(step)
        change = url_for(".journey_step", journey=journey.path, step=step.slug, change=1)
        for name, field in form._fields.items():
            if name == "csrf_token" or field.type in ("MultipleFileField",):
                continue
            value = field.data
            if isinstance(field, RadioField | SelectField) and not isinstance(
                field, SelectMultipleField
            ):
                shown = next((c.label for c in field.iter_choices() if c.value == value), "")
            elif isinstance(field, SelectMultipleField):
                labels = [str(c.label) for c in field.iter_choices() if c.value in (value or [])]
                shown = Markup("<br>").join(escape(label) for label in labels)
            elif field.type == "DateParts":
                shown = format_date(value, "long") if value else ""
            elif field.type == "BooleanField":
                shown = _("Yes") if value else _("No")
            else:
                shown = value or ""
            if not shown and step.slug not in ("who",):
                continue
            rows.append(
                {"key": field.label.text, "value": shown, "change": change, "step": step.slug}
            )
        if step.multipart:
            names = [
                f"{u.original_name} ({purpose_names()[u.purpose]})"
                + (f". {held_note()}" if u.held else "")
                for u in uploads
                # Evidence of what is correct on its own page; proof of identity on its own.
                if (u.purpose == EvidencePurpose.MORE_EVIDENCE) == (step.slug == "evidence")
            ]
            if names:
                rows.append(
                    {
                        "key": _("Files"),
                        "value": Markup("<br>").join(escape(n) for n in names),
                        "change": change,
                        "step": step.slug,
                    }
                )
    return rows


def held_note() -> str:
    """For a file the council's virus check could not scan: kept, and checked later."""
    return _(
        "Received. Our virus check is not working at the moment, so we will check this file before anyone opens it"  # noqa: E501
    )


# On the check-your-answers page, a request for someone else is read in three parts.
SUBJECT_STEPS = frozenset({"who", "name", "date-of-birth", "address", "identifiers"})
REQUESTER_STEPS = frozenset({"you", "authority", "contact"})


def check_sections(rows: Sequence[dict[str, Any]], about: AboutWhom) -> list[dict[str, Any]]:
    """The answers in sections, each with its heading (none for a request for oneself,
    which is all about the resident)."""
    if about.myself:
        return [{"heading": "", "rows": list(rows)}]
    subject = about.words(
        "",
        _l("About your child, %(name)s"),
        _l("About %(name)s"),
        name=isolate_text(about.name),
    )
    sections = [
        {"heading": subject, "rows": [r for r in rows if r["step"] in SUBJECT_STEPS]},
        {"heading": _("About you"), "rows": [r for r in rows if r["step"] in REQUESTER_STEPS]},
        {
            "heading": _("Your request"),
            "rows": [r for r in rows if r["step"] not in SUBJECT_STEPS | REQUESTER_STEPS],
        },
    ]
    return [section for section in sections if section["rows"]]
