"""`flask demo seed`: demonstration staff and cases for a developer's embedded instance.

Every case is made through the real service functions (submit_request, log_staff_intake
and the casework functions), each with its own `now`, so the audit trail, the clock and
the outbox agree with what the screens show. A fixed random seed gives the same people,
kinds and channels each time; dates are relative to the day the command runs, so some
cases are always overdue and some always due soon.

The confirmation and message emails the cases queue are marked done straight after
seeding, so the job worker does not write dozens of old emails into instance/mail.
Never in production: the passwords printed are for demonstration only.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from portal.accounts import directory, invitations, totp
from portal.accounts.models import Role, StaffUser
from portal.cases import (
    allocation,
    clock,
    closing,
    deadlines,
    disclosure,
    identity,
    intake,
    objections,
    review,
)
from portal.cases.casework_models import DecisionOutcome, DisclosureKind, SearchOutcome
from portal.cases.models import ActingFor, Case, CaseKind, Channel, EvidencePurpose
from portal.cases.requests import Evidence, PersonDetails, Submission
from portal.demo_names import NAMES, NameGroup, Surname
from portal.extensions import db
from portal.outbox import Job, JobStatus

demo_cli = AppGroup("demo", help="Demonstration data for a developer's instance.")

RANDOM_SEED = 20260401
# Long, clearly not for real use, and within the portal's password rules.
DEMO_PASSWORD = "rehearsal-only kettle harbour 58"  # noqa: S105 (printed as demo-only)
ADMIN_EMAIL = "demo-admin@example.gov.uk"
NOTICE_VERSION = "2.0"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    name: str
    role: Role


STAFF = (
    DemoStaff(ADMIN_EMAIL, "Helen Marsh", Role.ADMIN),
    DemoStaff("demo-caseworker-1@example.gov.uk", "Tomasz Nowak", Role.CASEWORKER),
    DemoStaff("demo-caseworker-2@example.gov.uk", "Aisha Rahman", Role.CASEWORKER),
    DemoStaff("demo-reviewer@example.gov.uk", "David Okafor", Role.REVIEWER),
)


@dataclass(frozen=True)
class DemoPerson:
    details: PersonDetails
    language: str  # the language they chose for the request
    names: NameGroup
    family: Surname


# Real street names in the district, with made-up house numbers; postcode districts only
# are real (the sectors and units are invented).
STREETS = (
    ("Westgate", "Wakefield", "WF1"),
    ("Northgate", "Wakefield", "WF1"),
    ("Stanley Road", "Wakefield", "WF1"),
    ("Agbrigg Road", "Wakefield", "WF1"),
    ("Dewsbury Road", "Wakefield", "WF2"),
    ("Denby Dale Road", "Wakefield", "WF2"),
    ("Horbury Road", "Wakefield", "WF2"),
    ("Leeds Road", "Outwood", "WF1"),
    ("Carlton Street", "Castleford", "WF10"),
    ("Aketon Road", "Castleford", "WF10"),
    ("Bridge Street", "Castleford", "WF10"),
    ("Ropergate", "Pontefract", "WF8"),
    ("Weeland Road", "Knottingley", "WF11"),
    ("Market Street", "Hemsworth", "WF9"),
    ("Barnsley Road", "South Elmsall", "WF9"),
    ("Doncaster Road", "Wakefield", "WF1"),
)

CHANNELS = (Channel.ONLINE, Channel.PHONE, Channel.LETTER, Channel.EMAIL, Channel.IN_PERSON)


def _received(case: Case) -> datetime:
    """The receipt time as an aware datetime (SQLite hands it back naive, in UTC)."""
    moment = case.received_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tiny_png(shade: int) -> bytes:
    """An 8 by 8 grey PNG: stands in for a photo of identity evidence."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([shade % 256]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Seeder:
    """Builds the demonstration cases, one scenario at a time, from a fixed seed."""

    def __init__(self, now: datetime, staff: dict[Role | str, list[str]], hubs: list[str]):
        self.now = now
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 (repeatable data, not secrets)
        self.session = db.session
        self.cipher = current_app.extensions["evidence_cipher"]
        self.caseworkers = staff[Role.CASEWORKER]
        self.reviewer = staff[Role.REVIEWER][0]
        self.hubs = hubs
        self.count = 0

    # Times ---------------------------------------------------------------------------

    def received_at(self, age_days: int) -> datetime:
        """A working-hours moment about `age_days` ago, never later than two hours ago."""
        day = self.now - timedelta(days=age_days)
        moment = day.replace(
            hour=self.rng.randint(8, 15), minute=self.rng.randint(0, 59), second=0, microsecond=0
        )
        return min(moment, self.now - timedelta(hours=2, minutes=self.rng.randint(0, 90)))

    def after(self, start: datetime, days: int) -> datetime:
        """A moment `days` after start, moved off the weekend, never in the future."""
        moment = start + timedelta(days=days, minutes=self.rng.randint(5, 300))
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        return min(moment, self.now - timedelta(minutes=10))

    # People and submissions ------------------------------------------------------------

    def person(
        self,
        *,
        names: NameGroup | None = None,
        family: Surname | None = None,
        adult: bool = True,
    ) -> DemoPerson:
        """Someone with a given name and surname that agree (a child: their parent's names
        and family, given as `names` and `family`)."""
        names = names or self.rng.choice(NAMES)
        first, gender = self.rng.choice(names.given)
        family = family or self.rng.choice(names.surnames)
        last = family.for_person(gender, adult=adult)
        street, town, district = self.rng.choice(STREETS)
        number = self.rng.randint(2, 180)
        year = self.rng.randint(1962, 2001) if adult else self.rng.randint(2009, 2014)
        birthday = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        self.count += 1
        local = f"{first}.{last}".lower().replace(" ", "")
        ascii_local = local.encode("ascii", "ignore").decode() or "resident"
        details = PersonDetails(
            full_name=f"{first} {last}",
            date_of_birth=birthday,
            address=f"{number} {street}, {town}",
            postcode=f"{district} {self.rng.randint(1, 9)}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            email=f"{ascii_local}.{self.count}@example.com" if adult else "",
            phone=f"07700 900{self.rng.randint(100, 999)}" if adult else "",
        )
        # Most residents keep to English; some choose their own language.
        language = names.language
        chosen = language if language != "en" and self.rng.random() < 0.6 else "en"
        return DemoPerson(details, chosen, names, family)

    def submission(self, kind: CaseKind, channel: Channel) -> Submission:
        resident = self.person()
        subject, language = resident.details, resident.language
        requester: PersonDetails | None = None
        acting_for = ActingFor.MYSELF
        relationship = ""
        evidence: list[Evidence] = []
        if kind == CaseKind.ACCESS and self.rng.random() < 0.2:
            parent = subject
            child = self.person(names=resident.names, family=resident.family, adult=False)
            subject = PersonDetails(
                full_name=child.details.full_name,
                date_of_birth=child.details.date_of_birth,
                address=parent.address,
                postcode=parent.postcode,
            )
            requester, acting_for, relationship = parent, ActingFor.MY_CHILD, "parent"
            evidence.append(
                Evidence(EvidencePurpose.AUTHORITY, "birth-certificate.png", "image/png", b"")
            )
        if channel in (Channel.ONLINE, Channel.EMAIL, Channel.IN_PERSON):
            evidence.insert(0, Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", b""))
            evidence.insert(
                1,
                Evidence(
                    EvidencePurpose.PROOF_OF_ADDRESS, "council-tax-bill.png", "image/png", b""
                ),
            )
        files = tuple(
            Evidence(e.purpose, e.original_name, e.media_type, tiny_png(40 + 30 * i))
            for i, e in enumerate(evidence)
        )
        if kind == CaseKind.ACCESS:
            scope: dict[str, Any] = {"scope": "everything"}
            if self.rng.random() < 0.35:
                scope = {
                    "scope": "agencies",
                    "agencies": self.rng.sample(["schools", "housing", "social_care", "health"], 2),
                }
            delivery = self.rng.choice(["download", "download", "post", "hub"])
            details: dict[str, Any] = {"what": scope, "delivery": {"delivery": delivery}}
        else:
            details = {
                "processing": {"processing": ["programme", "national_study"], "agencies": []},
                "reasons": {
                    "reasons": "I was not told my family's records were being linked and I "
                    "do not want them used for research."
                },
            }
        hub = (
            self.rng.choice(self.hubs)
            if channel == Channel.IN_PERSON or self.rng.random() < 0.4
            else None
        )
        return Submission(
            kind=kind,
            acting_for=acting_for,
            subject=subject,
            requester=requester,
            relationship_to_subject=relationship,
            details=details,
            identity_at_hub=channel == Channel.IN_PERSON,
            language=language,
            notice_version=NOTICE_VERSION,
            channel=channel,
            hub_source=hub,
            evidence=files,
        )

    def new_case(self, kind: CaseKind, age_days: int, channel: Channel | None = None) -> Case:
        channel = channel or self.rng.choice(CHANNELS)
        submission = self.submission(kind, channel)
        received = self.received_at(age_days)
        key = f"demo-{self.count}-{kind}-{age_days}"
        if channel == Channel.ONLINE:
            return intake.submit_request(
                self.session, submission, idempotency_key=key, cipher=self.cipher, now=received
            )
        keyed_in = self.after(received, 1) if channel == Channel.LETTER else received
        keyed_in = max(keyed_in, received)
        return intake.log_staff_intake(
            self.session,
            submission,
            channel=channel,
            received_at=received,
            actor=self.rng.choice(self.caseworkers),
            idempotency_key=key,
            cipher=self.cipher,
            now=keyed_in + timedelta(minutes=3),
        )

    # Steps -----------------------------------------------------------------------------

    def start(self, case: Case, t0: datetime, days: int = 1) -> str:
        """Identity accepted and the case assigned; returns the caseworker."""
        worker = self.rng.choice(self.caseworkers)
        moment = self.after(t0, days)
        identity.accept_identity(
            self.session,
            case,
            evidence_arrived_on=case.received_on,
            actor=worker,
            now=moment,
        )
        allocation.assign(self.session, case, assignee=worker, actor=self.reviewer, now=moment)
        return worker

    def search(self, case: Case, t0: datetime, worker: str, days: int) -> None:
        moment = self.after(t0, days)
        departments = current_app.extensions["council"].departments  # the profile's
        for department in self.rng.sample(departments, min(2, len(departments))):
            disclosure.record_search(
                self.session,
                case,
                department=department.name.english,
                department_key=department.key,
                searched_on=clock.received_on(moment),
                outcome=self.rng.choice([SearchOutcome.RECORDS_FOUND, SearchOutcome.NONE_HELD]),
                actor=worker,
                now=moment,
            )
        disclosure.add_disclosure_item(
            self.session,
            case,
            source_department="Early Help",
            source_department_key="early_help",
            title="Early Help assessment and family plan",
            kind=DisclosureKind.TYPED,
            content="Family plan agreed at the hub: school attendance support and a "
            "referral to the debt advice service.",
            item_date=case.received_on - timedelta(days=200),
            actor=worker,
            now=moment,
        )

    def review(self, case: Case, t0: datetime, worker: str, days: int) -> None:
        review.submit_for_review(
            self.session,
            case,
            actor=worker,
            summary="Records from two departments; third-party details redacted.",
            now=self.after(t0, days),
        )

    def approve(self, case: Case, t0: datetime, days: int) -> None:
        review.approve(self.session, case, actor=self.reviewer, now=self.after(t0, days))

    def finish_access(self, case: Case, t0: datetime, done_on: int, *, worker: str) -> None:
        self.search(case, t0, worker, max(2, done_on - 10))
        self.review(case, t0, worker, done_on - 4)
        self.approve(case, t0, done_on - 2)
        closing.complete(self.session, case, actor=worker, now=self.after(t0, done_on))

    # Scenarios -------------------------------------------------------------------------

    def any_kind(self) -> CaseKind:
        return CaseKind.OBJECTION if self.rng.random() < 0.2 else CaseKind.ACCESS

    def received(self, age: int) -> None:
        self.new_case(self.any_kind(), age)

    def awaiting_identity(self, age: int) -> None:
        case = self.new_case(self.any_kind(), age)
        identity.request_identity(
            self.session,
            case,
            what_is_needed="a recent utility bill or council tax bill showing your address",
            actor=self.rng.choice(self.caseworkers),
            now=self.after(_received(case), 1),
        )

    def in_progress(self, age: int, *, searched: bool = False) -> None:
        case = self.new_case(self.any_kind(), age)
        worker = self.start(case, _received(case))
        if searched and case.kind == CaseKind.ACCESS:
            self.search(case, _received(case), worker, 3)
        allocation.add_note(
            self.session,
            case,
            text="Called the requester to confirm the address on the request.",
            actor=worker,
            now=self.after(_received(case), 2),
        )

    def in_review(self, age: int) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        t0 = _received(case)
        worker = self.start(case, t0, 0)
        self.search(case, t0, worker, 5)
        self.review(case, t0, worker, 8)

    def ready(self, age: int) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        t0 = _received(case)
        worker = self.start(case, t0)
        self.search(case, t0, worker, 6)
        self.review(case, t0, worker, 10)
        self.approve(case, t0, 12)

    def returned(self, age: int) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        t0 = _received(case)
        worker = self.start(case, t0)
        self.search(case, t0, worker, 4)
        self.review(case, t0, worker, 6)
        review.return_for_changes(
            self.session,
            case,
            actor=self.reviewer,
            comments="The school report names another child: redact it before release.",
            now=self.after(t0, 8),
        )

    def clarification(self, age: int, *, answered: bool, complete_on: int = 0) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        t0 = _received(case)
        worker = self.start(case, t0)
        deadlines.ask_clarification(
            self.session,
            case,
            question="Do you want records from all years, or only since your family moved to "
            "Castleford in 2022?",
            actor=worker,
            now=self.after(t0, 4),
        )
        if not answered:
            return
        answered_at = self.after(t0, 9)
        deadlines.record_clarification_answer(
            self.session,
            case,
            answer="Only since 2022, please.",
            answered_on=clock.received_on(answered_at),
            actor=worker,
            now=answered_at,
        )
        if complete_on:
            self.finish_access(case, t0, complete_on, worker=worker)

    def extended(self, age: int, *, complete_on: int = 0) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        t0 = _received(case)
        worker = self.start(case, t0)
        deadlines.extend(
            self.session,
            case,
            reason="your request covers records held by five services over eight years",
            actor=self.reviewer,
            now=self.after(t0, 15),
        )
        if complete_on:
            self.finish_access(case, t0, complete_on, worker=worker)

    def completed(self, age: int, done_on: int) -> None:
        case = self.new_case(CaseKind.ACCESS, age)
        worker = self.start(case, _received(case))
        self.finish_access(case, _received(case), done_on, worker=worker)

    def refused(self, age: int) -> None:
        case = self.new_case(self.any_kind(), age)
        closing.refuse(
            self.session,
            case,
            actor=self.reviewer,
            actor_role=closing.REVIEWER_ROLE,
            reasons="this is the ninth identical request in six weeks, each answered in full",
            now=self.after(_received(case), 5),
        )

    def withdrawn(self, age: int, *, online: bool) -> None:
        channel = Channel.ONLINE if online else Channel.PHONE
        case = self.new_case(self.any_kind(), age, channel)
        moment = self.after(_received(case), 6)
        if online:
            closing.withdraw(self.session, case, reason="No longer needed", now=moment)
        else:
            closing.record_withdrawal(
                self.session,
                case,
                actor=self.rng.choice(self.caseworkers),
                how_received=Channel.PHONE,
                now=moment,
            )

    def objection(self, age: int, outcome: DecisionOutcome | None, *, stage: str) -> None:
        """stage: "assessed", "proposed" or "completed"."""
        case = self.new_case(CaseKind.OBJECTION, age)
        t0 = _received(case)
        worker = self.start(case, t0)
        grounds = {
            DecisionOutcome.UPHELD: ("", ""),
            DecisionOutcome.PARTLY_UPHELD: (
                "Linking is needed to keep the children's school attendance support in "
                "place; it outweighs the objection for the programme.",
                "",
            ),
            DecisionOutcome.NOT_UPHELD: (
                "Linking is needed to keep the children's school attendance support in place.",
                "The study is a task in the public interest and uses de-identified data.",
            ),
        }[outcome or DecisionOutcome.UPHELD]
        objections.assess_objection(
            self.session,
            case,
            grounds_raised="Worried that linked records could be seen by her former partner.",
            processing_affected=["programme", "national_study"],
            compelling_grounds=grounds[0],
            public_interest_research=grounds[1],
            actor=worker,
            now=self.after(t0, 5),
        )
        if stage == "assessed" or outcome is None:
            return
        upheld = {
            DecisionOutcome.UPHELD: [],
            DecisionOutcome.PARTLY_UPHELD: ["national_study"],
            DecisionOutcome.NOT_UPHELD: [],
        }[outcome]
        objections.propose_decision(
            self.session,
            case,
            outcome=outcome,
            upheld_processing=upheld,
            reasons="Weighed the requester's safety concerns against the support the "
            "family receives.",
            actor=worker,
            now=self.after(t0, 10),
        )
        if stage == "proposed":
            return
        objections.approve_decision(self.session, case, actor=self.reviewer, now=self.after(t0, 14))
        closing.complete(self.session, case, actor=worker, now=self.after(t0, 15))

    def all_scenarios(self) -> None:
        """The plan: how many cases of each kind of history, and how long ago received."""
        rng = self.rng
        plan: list[Callable[[], None]] = []
        plan += [partial(self.received, age) for age in (0, 1, 2, 3, 5, 6)]
        plan += [partial(self.awaiting_identity, age) for age in (4, 9, 14, 20)]
        plan += [partial(self.in_progress, age, searched=True) for age in (5, 8, 11, 15, 19)]
        # Due within five working days, and overdue.
        plan += [partial(self.in_progress, age) for age in (26, 28)]
        plan += [partial(self.in_review, age) for age in (27, 29)]
        plan += [partial(self.in_progress, age) for age in (36, 44, 52, 63)]
        plan += [partial(self.in_review, 41)]
        plan += [partial(self.clarification, age, answered=False) for age in (13, 22)]
        plan += [partial(self.clarification, 30, answered=True)]
        plan += [partial(self.clarification, 88, answered=True, complete_on=33)]
        plan += [partial(self.extended, age) for age in (40, 58, 77)]
        plan += [partial(self.extended, 96, complete_on=70)]
        plan += [partial(self.extended, 118, complete_on=82)]
        # Completed on time, then late (no extension).
        on_time = (36, 45, 57, 68, 79, 90, 104, 117)
        plan += [partial(self.completed, age, rng.randint(16, 27)) for age in on_time]
        plan += [partial(self.completed, age, rng.randint(37, 46)) for age in (55, 84, 112)]
        plan += [partial(self.ready, age) for age in (21, 25)]
        plan += [partial(self.returned, 18)]
        plan += [partial(self.refused, age) for age in (12, 71)]
        plan += [
            partial(self.withdrawn, 33, online=True),
            partial(self.withdrawn, 61, online=False),
        ]
        plan += [
            partial(self.objection, 48, DecisionOutcome.UPHELD, stage="completed"),
            partial(self.objection, 74, DecisionOutcome.PARTLY_UPHELD, stage="completed"),
            partial(self.objection, 101, DecisionOutcome.NOT_UPHELD, stage="completed"),
            partial(self.objection, 24, DecisionOutcome.UPHELD, stage="proposed"),
            partial(self.objection, 16, None, stage="assessed"),
            partial(self.objection, 47, None, stage="assessed"),
        ]
        for step in plan:
            step()


def _staff_table(rows: list[tuple[DemoStaff, str, str]]) -> None:
    click.echo("")
    click.echo("=" * 78)
    click.echo("DEMONSTRATION ONLY: these accounts and secrets are public. Never use them for")
    click.echo("real data, and never run this command on a live system.")
    click.echo("=" * 78)
    for person, secret, uri in rows:
        click.echo(f"{Role(person.role).label:<12} {person.email}")
        click.echo(f"  Password:     {DEMO_PASSWORD}")
        click.echo(f"  TOTP secret:  {totp.grouped(secret)}")
        click.echo(f"  otpauth URI:  {uri}")
    click.echo("=" * 78)


@demo_cli.command("seed")
def seed_command() -> None:
    """Seed demonstration staff and cases, once (not in production)."""
    if current_app.config.get("PORTAL_ENV") == "production":
        raise click.ClickException("Demo data is never seeded when PORTAL_ENV=production")
    session = db.session
    if session.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN_EMAIL)) is not None:
        click.echo("Demo data already present")
        return
    council = current_app.extensions["council"]
    first_job = (session.scalar(select(func.max(Job.id))) or 0) + 1
    now = datetime.now(UTC).replace(microsecond=0)
    actors: dict[Role | str, list[str]] = {role: [] for role in Role}
    rows: list[tuple[DemoStaff, str, str]] = []
    for person in STAFF:
        user, secret = invitations.create_account(
            session,
            email=person.email,
            name=person.name,
            role=person.role,
            password=DEMO_PASSWORD,
            cipher=current_app.extensions["evidence_cipher"],
            council_names=(council.name, council.short_name),
            actor="demo",
            now=now - timedelta(days=130),
        )
        actors[person.role].append(directory.actor_of(user))
        uri = totp.provisioning_uri(secret, account=user.email, issuer=f"{council.name} casework")
        rows.append((person, secret, uri))
    seeder = Seeder(now, actors, [hub.slug for hub in council.hubs])
    seeder.all_scenarios()
    # The demo's emails would all be old news: mark them sent rather than flood instance/mail.
    session.execute(
        update(Job)
        .where(Job.id >= first_job, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.DONE, done_at=now)
    )
    session.commit()
    cases = session.scalar(select(func.count(Case.id)))
    _staff_table(rows)
    click.echo(f"Seeded {len(STAFF)} staff accounts and {cases} demonstration cases.")
