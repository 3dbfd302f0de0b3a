"""The council profile: one TOML file holds everything that differs between councils.

Another council running the same programme deploys the portal by writing its own profile
and pointing COUNCIL_PROFILE at it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    address: tuple[str, ...]
    opening_hours: str = ""

    @property
    def phone_link(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class Hub:
    slug: str
    name: str
    area: str
    contact: Contact


@dataclass(frozen=True)
class Retention:
    """Retention periods in years, shown in the notice and applied to records."""

    programme_records_years: int
    impact_study_years: int
    request_records_years: int


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
    ico_registration: str = ""
    hubs_page: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def hub(self, slug: str) -> Hub | None:
        return next((hub for hub in self.hubs if hub.slug == slug), None)


def _contact(raw: dict) -> Contact:
    return Contact(
        name=raw["name"],
        phone=raw["phone"],
        email=raw["email"],
        address=tuple(raw["address"]),
        opening_hours=raw.get("opening_hours", ""),
    )


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


def load_council(path: str | Path) -> Council:
    """Read and check a council profile; a missing field raises an error naming it."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    try:
        council = raw["council"]
        hubs = tuple(
            Hub(slug=hub["slug"], name=hub["name"], area=hub["area"], contact=_contact(hub))
            for hub in raw["hubs"]
        )
        _check_hub_slugs(hubs)
        retention = raw["retention"]
        return Council(
            name=council["name"],
            short_name=council.get("short_name", council["name"]),
            website=council["website"],
            ico_registration=council.get("ico_registration", ""),
            hubs_page=council.get("hubs_page", council["website"]),
            information_governance=_contact(raw["information_governance"]),
            data_protection_officer=_contact(raw["data_protection_officer"]),
            hubs=hubs,
            languages=tuple(raw["languages"]["shipped"]),
            retention=Retention(
                programme_records_years=int(retention["programme_records_years"]),
                impact_study_years=int(retention["impact_study_years"]),
                request_records_years=int(retention["request_records_years"]),
            ),
        )
    except KeyError as missing:
        raise ValueError(f"Council profile {path} lacks {missing}") from None
