"""Field helpers for GOV.UK-style forms: clean text, real dates, UK identifiers.

Messages say exactly what to fix, in the resident's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectField, SelectMultipleField, ValidationError
from wtforms.fields.choices import SelectChoice

# C0/C1 control characters (but newline and tab) and the bidi embedding/override/isolate
# controls, which can make text display differently from what it says.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def clean_text(value: object) -> object:
    """Strip unsafe control characters and surrounding space; normalise to NFC."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", _UNSAFE.sub("", value))
    return value.replace("\r\n", "\n").strip()


def western_digits(text: str) -> str:
    """Digits from any script read as 0-9: a Sorani or Arabic keyboard types ١٤, an Urdu
    one ۱۴, and both mean 14."""
    return "".join(
        str(digit) if (digit := unicodedata.decimal(character, None)) is not None else character
        for character in text
    )


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class DateParts(Field):
    """A date typed as day, month and year (GOV.UK date input): name-day, name-month, name-year.

    `example` (like "27 3 2007") is the one example the hint and the error messages give, so
    they never disagree. Errors follow the GOV.UK date input pattern
    (https://design-system.service.gov.uk/components/date-input/): say which part is missing
    or wrong, and `error_parts` names the inputs to highlight (all three when the date as a
    whole is wrong). Missing parts in the POST are treated as empty, never as an error page.
    """

    PARTS = ("day", "month", "year")

    def __init__(
        self, label=None, validators=None, *, required_message=None, example=None, **kwargs
    ):
        if example and "description" not in kwargs:
            kwargs["description"] = _l("For example, %(example)s", example=example)
        super().__init__(label, validators, **kwargs)
        self.parts = {"day": "", "month": "", "year": ""}
        self.required_message = required_message
        self.example = example
        self.error_parts: tuple[str, ...] = ()
        self.data: date | None = None

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.error_parts = ()
        self.data = data if isinstance(data, date) else None
        if isinstance(data, date):
            self.parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is not None:
            self.parts = {
                part: western_digits(str(clean_text(formdata.get(f"{self.name}-{part}", ""))))[:10]
                for part in self.PARTS
            }
            self.data = None
        self.raw_data = [self.parts["day"], self.parts["month"], self.parts["year"]]

    def pre_validate(self, form):
        self.error_parts = self.PARTS
        parts = self.parts
        if not any(parts.values()):
            if self.required_message:
                raise ValidationError(self.required_message)
            self.data = None
            self.error_parts = ()
            return
        missing = tuple(part for part in self.PARTS if not parts[part])
        if missing:
            self.error_parts = missing
            raise ValidationError(MISSING_PARTS[missing])
        not_numbers = tuple(part for part in self.PARTS if not _digits(parts[part]))
        if not_numbers:
            self.error_parts = not_numbers
            raise ValidationError(self._real_date_message())
        if len(parts["year"]) != 4:  # "90": the year must not be guessed
            self.error_parts = ("year",)
            raise ValidationError(_l("Year must include 4 numbers"))
        wrong = tuple(part for part in self.PARTS if not _in_range(part, parts[part]))
        if wrong:
            self.error_parts = wrong
            raise ValidationError(self._real_date_message())
        try:
            self.data = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:  # 31 2, 29 2 in a common year: the date as a whole is wrong
            self.data = None
            raise ValidationError(self._real_date_message()) from None
        self.error_parts = ()

    def post_validate(self, form, validation_stopped):
        if self.errors and not self.error_parts:
            self.error_parts = self.PARTS  # a rule about the whole date (in the past, the order)

    def _real_date_message(self):
        if self.example:
            return _l("Enter a real date, for example %(example)s", example=self.example)
        return _l("Enter a real date")

    def _value(self):
        return self.parts


# GOV.UK: "[whatever it is] must include a [whatever is missing]", for every part left out
# while another was given.
MISSING_PARTS = {
    ("day",): _l("The date must include a day"),
    ("month",): _l("The date must include a month"),
    ("year",): _l("The date must include a year"),
    ("day", "month"): _l("The date must include a day and month"),
    ("day", "year"): _l("The date must include a day and year"),
    ("month", "year"): _l("The date must include a month and year"),
}

_PART_RANGES = {"day": (1, 31), "month": (1, 12), "year": (1000, 9999)}


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _in_range(part: str, value: str) -> bool:
    """A part that could belong to a real date: day 1-31, month 1-12, a 4-digit year."""
    low, high = _PART_RANGES[part]
    return low <= int(value) <= high


def past_date(message):
    def check(form, field):
        if field.data and field.data > date.today():  # noqa: DTZ011  (a calendar date, not an instant)
            raise ValidationError(message)

    return check


NI_NUMBER = re.compile(
    r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[ABCEGHJ-PRSTW-Z][ABCEGHJ-NPRSTW-Z][0-9]{6}[A-D]$"
)


def normalise_ni_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def valid_ni_number(form, field):
    if field.data and not NI_NUMBER.match(normalise_ni_number(field.data)):
        raise ValidationError(
            _l("Enter a National Insurance number in the right format, like QQ 12 34 56 C")
        )


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def valid_nhs_number(form, field):
    if field.data and not nhs_number_is_valid(field.data):
        raise ValidationError(
            _l("Enter a 10-digit NHS number, like 943 476 5919. Check it for mistakes")
        )


UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    return compact[:-3] + " " + compact[-3:] if len(compact) > 3 else compact


def valid_postcode(form, field):
    if field.data and not UK_POSTCODE.match(normalise_postcode(field.data)):
        raise ValidationError(_l("Enter a real postcode, like WF1 2EB"))


# Choice fields whose messages never repeat what was sent (it may be hostile) and are
# always in the resident's language.
class Radios(RadioField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _l("Select one of the options shown"))
        kwargs.setdefault("invalid_value_message", _l("Select one of the options shown"))
        super().__init__(*args, **kwargs)


class Checkboxes(SelectMultipleField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _l("Select only the options shown"))
        kwargs.setdefault("invalid_value_message", _l("Select only the options shown"))
        super().__init__(*args, **kwargs)


class Choice(SelectField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _l("Select one of the options shown"))
        kwargs.setdefault("invalid_value_message", _l("Select one of the options shown"))
        super().__init__(*args, **kwargs)
