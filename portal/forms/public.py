"""Forms residents fill in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

# The six difficulties of the Supporting Families programme, as the notice lists them.
CRITERIA = (
    (
        "crime",
        _l("Crime or antisocial behaviour"),
        _l(
            "Someone in the family has been involved in crime or antisocial behaviour, or has been affected by it."
        ),
    ),
    (
        "school",
        _l("Children not going to school regularly"),
        _l("A child often misses school, has been excluded, or is not in school at all."),
    ),
    (
        "children-need-help",
        _l("Children who need help"),
        _l(
            "A child needs extra help, for example from a social worker, or is worried about something at home."
        ),
    ),
    (
        "work-money",
        _l("Work, money or debt"),
        _l(
            "An adult is out of work or has money or debt problems such as rent arrears, or a young person aged 16 to 18 is not in education, training or work."
        ),
    ),
    (
        "domestic-abuse",
        _l("Domestic violence and abuse"),
        _l(
            "Someone in the family has been hurt, threatened or controlled by a partner or family member."
        ),
    ),
    (
        "health",
        _l("Health problems"),
        _l(
            "A parent or child has physical or mental health problems, or problems with drugs or alcohol."
        ),
    ),
)


@dataclass(frozen=True)
class EligibilityAnswers:
    """The check's answers, read from the query string: nothing is stored, no cookie needed.

    Values that are not offered (a mistyped or tampered link) are dropped, not reported:
    the check is advice, and the result still offers every hub.
    """

    criteria: tuple[str, ...] = ()
    area: str | None = None

    @classmethod
    def from_query(
        cls, args: MultiDict[str, str], *, hub_slugs: Iterable[str]
    ) -> EligibilityAnswers:
        offered = {value for value, _label, _hint in CRITERIA}
        chosen = tuple(
            value for value in dict.fromkeys(args.getlist("criteria")) if value in offered
        )
        area = args.get("area")
        return cls(criteria=chosen, area=area if area in set(hub_slugs) else None)
