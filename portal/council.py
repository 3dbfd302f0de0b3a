"""The council profile: one TOML file holds everything that differs between councils.

Another council running the same programme deploys the portal by writing its own profile
and pointing COUNCIL_PROFILE at it. Words a resident reads (team and hub names, areas,
opening hours, department names) may be given per language (portal.council_text).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from portal.council_confirmation import ProfileValue, demonstration_values
from portal.council_law import (
    LawfulBasis,
    NationalStudy,
    Transfers,
    lawful_basis,
    national_study,
    transfers,
)
from portal.council_retention import RetentionSchedule, retention_schedule
from portal.council_text import NO_TEXT, LocalText, local_text
from portal.i18n import LANGUAGES


@dataclass(frozen=True)
class Contact:
    name: LocalText
    phone: str
    email: str
    address: tuple[str, ...]  # a postal address, written as the post office needs it
    opening_hours: LocalText = NO_TEXT

    @property
    def phone_link(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class Hub:
    slug: str
    name: LocalText
    area: LocalText
    contact: Contact


@dataclass(frozen=True)
class Department:
    """A council department searched for subject access requests (C6). Searches record
    its key, so a letter names it in the requester's language."""

    key: str
    name: LocalText


@dataclass(frozen=True)
class Retention:
    """Retention periods, shown in the notice and applied to records: the programme's and
    the study's in years (the notice quotes them), and the portal's own schedule
    (portal.council_retention), whose case record is `request_records_years`."""

    programme_records_years: int
    impact_study_years: int
    request_records_years: int
    schedule: RetentionSchedule


@dataclass(frozen=True)
class Council:
    name: str
    short_name: str
    website: str
    information_governance: Contact
    data_protection_officer: Contact
    hubs: tuple[Hub, ...]
    languages: tuple[str, ...]
    retention: Retention
    lawful_basis: LawfulBasis
    national_study: NationalStudy
    transfers: Transfers
    departments: tuple[Department, ...] = ()
    ico_registration: str = ""
    hubs_page: str = ""
    # Working days the council gives itself for an internal review of a decision
    # (portal.cases.internal_reviews): the profile's [reviews] period_working_days.
    review_period_working_days: int = 20
    extra: dict[str, str] = field(default_factory=dict)
    # Values the profile's [confirmation] table does not mark confirmed (production refuses them).
    demonstration: tuple[ProfileValue, ...] = ()

    def hub(self, slug: str) -> Hub | None:
        return next((hub for hub in self.hubs if hub.slug == slug), None)

    def department(self, key: str | None) -> Department | None:
        return next((found for found in self.departments if found.key == key), None)

    def department_name(self, key: str | None, recorded: str) -> LocalText:
        """What residents read for a department recorded with `key` and the name
        `recorded`: the profile's name in their language, else the name as recorded (in
        English; a department the profile does not list, or no longer does)."""
        found = self.department(key)
        return found.name if found is not None else LocalText.of(recorded)


def _text(raw: dict, name: str, where: str, default: str | None = None) -> LocalText:
    value = raw.get(name, default) if default is not None else raw[name]
    return local_text(value, f"{where}.{name}", LANGUAGES)


def _contact(raw: dict, where: str) -> Contact:
    return Contact(
        name=_text(raw, "name", where),
        phone=raw["phone"],
        email=raw["email"],
        address=tuple(raw["address"]),
        opening_hours=_text(raw, "opening_hours", where, default=""),
    )


# Department keys are stored with each search; "other" is the staff form's own choice.
DEPARTMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_DEPARTMENT_KEYS = frozenset({"other"})


def _departments(raw: list) -> tuple[Department, ...]:
    departments = tuple(
        Department(key=item["key"], name=_text(item, "name", f"departments.{item['key']}"))
        for item in raw
    )
    keys = [department.key for department in departments]
    for key in keys:
        if not DEPARTMENT_KEY.match(key) or key in RESERVED_DEPARTMENT_KEYS:
            raise ValueError(
                f"Department key {key!r} must be lower-case letters, digits and underscores"
            )
    if len(set(keys)) != len(keys):
        raise ValueError("Two departments share a key")
    return departments


# Hub slugs appear in addresses (/en/hubs/<slug>); these words are taken by other pages.
RESERVED_SLUGS = frozenset({"links", "start"})
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def _check_hub_slugs(hubs: tuple[Hub, ...]) -> None:
    slugs = [hub.slug for hub in hubs]
    for slug in slugs:
        if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
            raise ValueError(f"Hub slug {slug!r} must be lower-case letters, digits and hyphens")
    if len(set(slugs)) != len(slugs):
        raise ValueError("Two hubs share a slug")


def _retention(raw: dict) -> Retention:
    def years(name: str) -> int:
        if name not in raw:
            raise KeyError(f"retention.{name}")
        return int(raw[name])

    if "staff_accounts_after_disablement" not in raw:
        raise KeyError("retention.staff_accounts_after_disablement")
    return Retention(
        programme_records_years=years("programme_records_years"),
        impact_study_years=years("impact_study_years"),
        request_records_years=years("request_records_years"),
        schedule=retention_schedule(raw, request_records_years=years("request_records_years")),
    )


def _review_period(raw: dict) -> int:
    days = raw.get("period_working_days", 20)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
        raise ValueError("reviews.period_working_days must be a whole number from 1 to 60")
    return days


def load_council(path: str | Path) -> Council:
    """Read and check a council profile; a missing field raises an error naming it."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    try:
        council = raw["council"]
        hubs = tuple(
            Hub(
                slug=hub["slug"],
                name=_text(hub, "name", f"hubs.{hub['slug']}"),
                area=_text(hub, "area", f"hubs.{hub['slug']}"),
                contact=_contact(hub, f"hubs.{hub['slug']}"),
            )
            for hub in raw["hubs"]
        )
        _check_hub_slugs(hubs)
        demonstration = demonstration_values(raw, f"Council profile {path}")
        retention = raw["retention"]
        return Council(
            name=council["name"],
            short_name=council.get("short_name", council["name"]),
            website=council["website"],
            ico_registration=council.get("ico_registration", ""),
            hubs_page=council.get("hubs_page", council["website"]),
            review_period_working_days=_review_period(raw.get("reviews", {})),
            information_governance=_contact(
                raw["information_governance"], "information_governance"
            ),
            data_protection_officer=_contact(
                raw["data_protection_officer"], "data_protection_officer"
            ),
            hubs=hubs,
            departments=_departments(raw["departments"]),
            languages=tuple(raw["languages"]["shipped"]),
            retention=_retention(retention),
            demonstration=demonstration,
            lawful_basis=lawful_basis(raw["lawful_basis"], _text),
            national_study=national_study(raw["national_study"], _text),
            # Not sent outside the UK unless the profile says otherwise.
            transfers=transfers(raw.get("transfers", {}), _text),
        )
    except KeyError as missing:
        raise ValueError(f"Council profile {path} lacks {missing}") from None
