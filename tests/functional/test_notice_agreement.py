"""The notice, the Easy Read and the access pack say the same about retention, transfers
and rights (issue 13, acceptance b), for whichever council profile the portal runs with.

Each is rendered for the same profile and read as a person reads it (the pages' visible
text, the pack's pdftotext); then the profile's values are changed in a test council and
all three follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from portal.cases.models import CaseState
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import Search
from portal.council import Council, load_council
from portal.extensions import db
from tests.conftest import ROOT, building, get_page, make_app, translated
from tests.functional.test_response_pack import all_text, build
from tests.visible import visible_text

OTHERTOWN = ROOT / "tests" / "fixtures" / "othertown.toml"

# How each document words each retention period (the numbers are what must agree).
RETENTION = {
    "notice": {
        "programme": r"Programme records: (\d+) years? after",
        "impact_study": r"National Impact Study data: destroyed after (\d+) years?",
        "requests": r"Records of requests and objections you make to us: (\d+) years?",
    },
    "easy_read": {
        "programme": r"Think Family records for (\d+) years? after your help ends",
        "impact_study": r"The research information is destroyed after (\d+) years?",
        "requests": r"We keep it for (\d+) years? after we finish",
    },
}
RETENTION["pack"] = RETENTION["notice"]

# The rights each document must name, and how each names them.
RIGHTS = {
    "notice": {
        "correct": "To have it corrected",
        "delete": "To have it deleted",
        "limit": "To limit how we use it",
        "object": "To object",
        "automated decisions": "No decision about you or your family is made by a computer alone",
        "complain to the ICO": "0303 123 1113",
    },
    "easy_read": {
        "correct": "ask us to correct it",
        "delete": "ask us to delete your information",
        "limit": "ask us to limit how we use your information",
        "object": "You can object",
        "automated decisions": "A computer does not make decisions about your family on its own",
        "complain to the ICO": "0303 123 1113",
    },
    "pack letter": {
        "correct": "To have it corrected",
        "delete": "To have it deleted",
        "limit": "To limit how we use it",
        "object": "To object",
        "automated decisions": "We do not make decisions about you by automated means alone",
        "complain to the ICO": "0303 123 1113",
    },
}
# Deleting: the three give the same limit (UK GDPR Article 17(3)(b)).
DELETION = {
    "notice": "unless the law says we must keep it or we still need it for our work as a council",
    "easy_read": "unless the law says we must keep it. Or unless we still need it for our work "
    "as a council",
    "pack letter": "unless the law says we must keep it or we still need it for our work as a "
    "council",
}


@dataclass(frozen=True)
class Documents:
    council: Council
    notice: str
    easy_read: str
    pack: str

    @property
    def pack_letter(self) -> str:
        return self.pack[: self.pack.index("List of the items in this pack")]


def read_all(app) -> Documents:
    client = app.test_client()
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            received=datetime(2026, 10, 5, 10, tzinfo=UTC),
            subject=person(full_name="Ana Popescu", email=f"ana.{id(app)}@example.com"),
        )
        scenarios.search(case, searches=[Search("Early Help")])
        case_id = case.id
    return Documents(
        council=app.extensions["council"],
        notice=visible_text(get_page(client, "/en/").html),
        easy_read=visible_text(get_page(client, "/en/easy-read").html),
        pack=all_text(build(app, case_id).pdf),
    )


@pytest.fixture(scope="module")
def wakefield(app) -> Documents:
    return read_all(app)


@pytest.fixture(scope="module")
def changed(database_url, tmp_path_factory) -> Documents:
    """A test council whose retention periods and transfers differ from Wakefield's."""
    folder = tmp_path_factory.mktemp("changed")
    text = OTHERTOWN.read_text()
    text = re.sub(r"programme_records_years = \d+", "programme_records_years = 9", text)
    text = re.sub(r"impact_study_years = \d+", "impact_study_years = 4", text)
    text = re.sub(r"request_records_years = \d+", "request_records_years = 1", text)
    profile = folder / "changed.toml"
    profile.write_text(text)
    app = make_app(database_url, folder / "instance", COUNCIL_PROFILE=str(profile))
    try:
        return read_all(app)
    finally:
        # Close this app's pooled connections now, not whenever the collector finds them
        # (a PostgreSQL connection collected while open is a ResourceWarning in a later test).
        with app.app_context():
            db.engine.dispose()


def retention_in(documents: Documents, name: str) -> dict[str, int]:
    text = documents.pack if name == "pack" else getattr(documents, name)
    found = {}
    for period, pattern in RETENTION[name].items():
        match = re.search(pattern, text)
        assert match, f"{name} does not say how long it keeps {period}"
        found[period] = int(match.group(1))
    return found


def transfers_statement(council: Council) -> str:
    if council.transfers.outside_uk:
        assert council.transfers.details is not None
        return (
            f"Some of this information is sent outside the UK. {council.transfers.details.english}"
        )
    return "We do not send this information outside the UK."


def rights_in(text: str, name: str) -> set[str]:
    return {right for right, words in RIGHTS[name].items() if words in text}


def check_agreement(documents: Documents) -> None:
    retention = documents.council.retention
    expected = {
        "programme": retention.programme_records_years,
        "impact_study": retention.impact_study_years,
        "requests": retention.request_records_years,
    }
    for name in ("notice", "easy_read", "pack"):
        assert retention_in(documents, name) == expected, name

    statement = transfers_statement(documents.council)
    texts = {
        "notice": documents.notice,
        "easy_read": documents.easy_read,
        "pack letter": documents.pack_letter,
    }
    for name, text in texts.items():
        assert statement in text, f"{name} does not say {statement!r}"
        assert rights_in(text, name) == set(RIGHTS["notice"]), name
        assert DELETION[name] in text, name
    # How to ask for correction, deletion or restriction: the same team and phone.
    ig = documents.council.information_governance
    asking = f"contact the {ig.name.english} by phone on {ig.phone}"
    assert asking in documents.notice
    assert asking in documents.pack_letter
    assert ig.phone in documents.easy_read


def test_notice_easy_read_and_pack_agree_for_wakefield(wakefield):
    check_agreement(wakefield)
    assert "We do not send this information outside the UK." in wakefield.pack_letter
    assert retention_in(wakefield, "easy_read")["programme"] == 6


def test_notice_easy_read_and_pack_follow_a_changed_profile(wakefield, changed):
    check_agreement(changed)
    for name in ("notice", "easy_read", "pack"):
        assert retention_in(changed, name) == {"programme": 9, "impact_study": 4, "requests": 1}
        assert retention_in(wakefield, name) != retention_in(changed, name)
    for text in (changed.notice, changed.easy_read, changed.pack_letter):
        assert "Our case system's backups are kept in Ireland" in text
        assert "We do not send this information outside the UK." not in text


def test_the_changed_council_is_read_from_its_profile(changed):
    council = load_council(OTHERTOWN)
    assert changed.council.name == council.name
    assert "the Ministry for Families (a test department)" in changed.notice
    assert "Othertown Data Trust: links the data and removes names" in changed.easy_read


@pytest.mark.parametrize("locale", ("pl", "ro", "ur", "lt", "lv"))
def test_the_translated_notice_gives_the_profiles_law_in_its_language(client, locale):
    council = load_council(ROOT / "portal" / "councils" / "wakefield.toml")
    text = visible_text(get_page(client, f"/{locale}/", lang=locale).html)
    study = council.national_study
    department = study.department.text_for(locale)
    expected = [
        translated(locale, "We do not send this information outside the UK."),
        translated(locale, "Sending information outside the UK"),
        translated(locale, "Finding families is profiling"),
        department,
        *(processor.role.text_for(locale) for processor in study.processors),
    ]
    for statute in council.lawful_basis.statutes:
        expected += [statute.citation, statute.purpose.text_for(locale)]
    for words in expected:
        assert " ".join(words.split()) in text, f"{locale}: {words!r}"
    assert "(DCLG" in text  # the history: who set the programme up
