"""`flask demo seed`: demonstration staff and cases for a developer's embedded instance.

Every case is made by the scenario builder (portal.cases.scenarios), which takes it through
the real service functions, each step with its own `now`, so the audit trail, the clock and
the outbox agree with what the screens show. The demo's own: its people, staff and mix of
cases, and a fixed random seed that gives the same people, kinds, channels, caseworkers and
timing each time; dates are relative to the day the command runs, so some cases are always
overdue and some always due soon.

The confirmation and message emails the cases queue are marked done straight after
seeding, so the job worker does not write dozens of old emails into instance/mail.
Never in production: the passwords printed are for demonstration only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from portal.accounts import directory, invitations, totp
from portal.accounts.models import Role, StaffUser, Team
from portal.cases import ico_cases, internal_reviews
from portal.cases.after_decision_models import ReviewOutcome
from portal.cases.casework_models import DecisionOutcome, SearchOutcome
from portal.cases.holds import HoldReason
from portal.cases.models import Case, CaseKind, CaseState, Channel, EvidencePurpose
from portal.cases.requests import Evidence, PersonDetails, Submission
from portal.cases.scenario_requests import (
    DETAILS,
    access_details,
    complaint_details,
    on_behalf_of,
    submission,
    tiny_png,
)
from portal.cases.scenario_steps import Record, Search
from portal.cases.scenarios import REVIEW_OUTCOME_REASONS, Scenarios
from portal.demo_department_requests import ask_the_demo_contact
from portal.demo_links import linked_family
from portal.demo_names import NAMES, NameGroup, Surname
from portal.extensions import db
from portal.instants import utc_now
from portal.outbox import Job, JobStatus

COMPLAINT = CaseKind.COMPLAINT

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
    department_key: str | None = None  # a department contact's department


DEMO_TEAM = "Information governance"
STAFF = (
    DemoStaff(ADMIN_EMAIL, "Helen Marsh", Role.ADMIN),
    DemoStaff("demo-caseworker-1@example.gov.uk", "Tomasz Nowak", Role.CASEWORKER),
    DemoStaff("demo-caseworker-2@example.gov.uk", "Aisha Rahman", Role.CASEWORKER),
    DemoStaff("demo-reviewer@example.gov.uk", "David Okafor", Role.REVIEWER),
    DemoStaff("demo-housing@example.gov.uk", "Joanne Hirst", Role.DEPARTMENT_CONTACT, "housing"),
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

HOLD_NOTE = "ICO complaint about the response, ICO reference IC-000000-DEMO; keep until closed."
NOTE = "Called the requester to confirm the address on the request."
FAMILY_PLAN = (
    "Family plan agreed at the hub: school attendance support and a referral to the debt "
    "advice service."
)


class DemoCases(Scenarios):
    """The demonstration cases: the scenario builder's histories, with the people, channels,
    caseworkers, departments and timing drawn from a fixed seed."""

    def __init__(self, now: datetime, staff: dict[Role | str, list[str]], hubs: list[str]):
        super().__init__(
            db.session,
            cipher=current_app.extensions["evidence_cipher"],
            reviewer=staff[Role.REVIEWER][0],
            assign=True,
        )
        self.now = now
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 (repeatable data, not secrets)
        self.caseworkers = staff[Role.CASEWORKER]
        self.hubs = hubs
        self.departments = current_app.extensions["council"].departments  # the profile's
        self.count = 0

    # The builder's choices, drawn from the seed ----------------------------------------

    def moment(self, arrived: datetime, days: int) -> datetime:
        """A moment `days` after arrival, moved off the weekend, never in the future."""
        moment = arrived + timedelta(days=days, minutes=self.rng.randint(5, 300))
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        return min(moment, self.now - timedelta(minutes=10))

    def worker(self) -> str:
        """One of the demo's caseworkers."""
        return self.rng.choice(self.caseworkers)

    def searches(self) -> list[Search]:
        """Two of the profile's departments, each holding records or not."""
        departments = self.rng.sample(self.departments, min(2, len(self.departments)))
        outcomes = [SearchOutcome.RECORDS_FOUND, SearchOutcome.NONE_HELD]
        return [Search(d.name.english, self.rng.choice(outcomes), d.key) for d in departments]

    def records(self, case: Case) -> list[Record]:
        """The family's Early Help plan, from months before the request."""
        plan = "Early Help assessment and family plan"
        made = case.received_on - timedelta(days=200)
        return [Record("Early Help", plan, FAMILY_PLAN, key="early_help", item_date=made)]

    # People and submissions ------------------------------------------------------------

    def received_at(self, age_days: int) -> datetime:
        """A working-hours moment about `age_days` ago, never later than two hours ago."""
        day = self.now - timedelta(days=age_days)
        moment = day.replace(
            hour=self.rng.randint(8, 15), minute=self.rng.randint(0, 59), second=0, microsecond=0
        )
        return min(moment, self.now - timedelta(hours=2, minutes=self.rng.randint(0, 90)))

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
        people: dict[str, Any] = {"subject": resident.details}
        evidence: list[Evidence] = []
        if kind == CaseKind.ACCESS and self.rng.random() < 0.2:
            parent = resident.details
            child = self.person(names=resident.names, family=resident.family, adult=False)
            subject = PersonDetails(
                full_name=child.details.full_name,
                date_of_birth=child.details.date_of_birth,
                address=parent.address,
                postcode=parent.postcode,
            )
            people = on_behalf_of(subject, requester=parent)
            evidence.append(
                Evidence(EvidencePurpose.AUTHORITY, "birth-certificate.png", "image/png", b"")
            )
        if channel in (Channel.ONLINE, Channel.EMAIL, Channel.IN_PERSON) and kind != COMPLAINT:
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
        if kind == COMPLAINT:
            details = complaint_details()  # C13: no proof of identity is needed
        elif kind == CaseKind.ACCESS:
            agencies = (
                self.rng.sample(["schools", "housing", "social_care", "health"], 2)
                if self.rng.random() < 0.35
                else None
            )
            delivery = self.rng.choice(["download", "download", "post", "hub"])
            details = access_details(delivery, agencies)
        elif kind in DETAILS:
            details = DETAILS[kind]()  # C14, C15: correction, restriction, deletion
        else:
            details = {
                "processing": {"processing": ["programme", "national_study"], "agencies": []},
                "reasons": {
                    "reasons": "I was not told my family's records were being linked and I "
                    "do not want them used for research."
                },
                # C12: every other objection asks for the uses to stop while we decide
                # (not drawn from the random stream, so the rest of the demo stays put).
                "restrict": {"restrict": "yes" if self.count % 2 else "no"},
            }
        hub = (
            self.rng.choice(self.hubs)
            if channel == Channel.IN_PERSON or self.rng.random() < 0.4
            else None
        )
        return submission(
            kind=kind,
            details=details,
            identity_at_hub=channel == Channel.IN_PERSON,
            language=resident.language,
            notice_version=NOTICE_VERSION,
            channel=channel,
            hub_source=hub,
            evidence=files,
            **people,
        )

    def new_case(self, kind: CaseKind, age_days: int, channel: Channel | None = None) -> Case:
        channel = channel or self.rng.choice(CHANNELS)
        request = self.submission(kind, channel)
        received = self.received_at(age_days)
        key = f"demo-{self.count}-{kind}-{age_days}"
        if channel == Channel.ONLINE:
            return self.filed(request, received=received, key=key)
        keyed_in = self.moment(received, 1) if channel == Channel.LETTER else received
        keyed_in = max(keyed_in, received) + timedelta(minutes=3)
        return self.filed(request, received=received, keyed_in=keyed_in, key=key)

    # The plan --------------------------------------------------------------------------

    def any_kind(self) -> CaseKind:
        return CaseKind.OBJECTION if self.rng.random() < 0.2 else CaseKind.ACCESS

    def add(
        self,
        history: Callable[..., Case] | None,
        age: int,
        kind: CaseKind | None = None,
        channel: Channel | None = None,
        **options: Any,
    ) -> None:
        """A new request received `age` days ago (of either kind unless given), taken
        through one of the builder's histories."""
        case = self.new_case(kind or self.any_kind(), age, channel)
        if history is not None:
            history(case, **options)

    def all_scenarios(self) -> None:
        """The plan: how many cases of each kind of history, and how long ago received."""
        rng, add, access = self.rng, self.add, CaseKind.ACCESS
        plan: list[Callable[[], None]] = []
        plan += [partial(add, None, age) for age in (0, 1, 2, 3, 5, 6)]
        plan += [partial(add, self.awaiting_identity, age) for age in (4, 9, 14, 20)]
        searched = partial(add, self.in_progress, searched=True, note=NOTE)
        plan += [partial(searched, age) for age in (5, 8, 11, 15, 19)]
        # Due within five working days, and overdue.
        plan += [partial(add, self.in_progress, age, note=NOTE) for age in (26, 28)]
        plan += [partial(add, self.in_review, age, access) for age in (27, 29)]
        plan += [partial(add, self.in_progress, age, note=NOTE) for age in (36, 44, 52, 63)]
        plan += [partial(add, self.in_review, 41, access)]
        plan += [partial(add, self.clarification, age, access) for age in (13, 22)]
        plan += [partial(add, self.clarification, 30, access, answered=True)]
        plan += [partial(add, self.clarification, 88, access, answered=True, completed_on=33)]
        plan += [partial(add, self.extended, age, access) for age in (40, 58, 77)]
        plan += [partial(add, self.extended, 96, access, completed_on=70)]
        plan += [partial(add, self.extended, 118, access, completed_on=82)]
        # Completed on time, then late (no extension).
        on_time = (36, 45, 57, 68, 79, 90, 104, 117)
        completed = partial(add, self.completed)
        plan += [partial(completed, age, access, on_day=rng.randint(16, 27)) for age in on_time]
        late = (55, 84, 112)
        plan += [partial(completed, age, access, on_day=rng.randint(37, 46)) for age in late]
        plan += [partial(add, self.ready, age, access) for age in (21, 25)]
        plan += [partial(add, self.returned, 18, access)]
        plan += [partial(add, self.refused, age) for age in (12, 71)]
        plan += [
            partial(add, self.withdrawn, 33, channel=Channel.ONLINE, online=True),
            partial(add, self.withdrawn, 61, channel=Channel.PHONE, online=False),
        ]
        objection = partial(add, self.objection, kind=CaseKind.OBJECTION)
        plan += [
            partial(objection, 48, outcome=DecisionOutcome.UPHELD, stage="completed"),
            partial(objection, 74, outcome=DecisionOutcome.PARTLY_UPHELD, stage="completed"),
            partial(objection, 101, outcome=DecisionOutcome.NOT_UPHELD, stage="completed"),
            partial(objection, 24, outcome=DecisionOutcome.UPHELD, stage="proposed"),
            partial(objection, 16, outcome=None, stage="assessed"),
            partial(objection, 47, outcome=None, stage="assessed"),
        ]
        # C14: a correction request decided and sent, and one being worked.
        correction = CaseKind.CORRECTION
        plan += [partial(add, self.rights, 32, correction), partial(add, None, 7, correction)]
        for step in plan:
            step()
        self.past_retention()
        # C13: complaints to the council, last, so the cases above keep their random draws.
        for age, state in (
            (2, CaseState.IN_PROGRESS),
            (9, CaseState.IN_REVIEW),
            (30, CaseState.COMPLETED),
        ):
            add(self.complaint, age, COMPLAINT, Channel.ONLINE, state=state)
        # C14, C15: a restriction agreed and on the register, one being decided, and a
        # request to delete refused because the programme still needs the notes.
        restriction, deletion = CaseKind.RESTRICTION, CaseKind.DELETION
        add(self.rights, 26, restriction, Channel.ONLINE)
        add(self.in_review, 12, restriction, Channel.ONLINE)
        add(self.rights, 29, deletion, Channel.ONLINE, outcome="not_deleted")
        self.after_decision()
        self.linked_and_duplicate()

    def past_retention(self) -> None:
        """Requests closed longer ago than the profile keeps them: the next retention run
        deletes them (`flask --app portal retention plan` lists them), one closes days
        before its period ends, and one is on legal hold, so never deleted."""
        record = current_app.extensions["council"].retention.schedule.case_record
        kept = record.after(self.now.date()) - self.now.date()
        add, access = self.add, CaseKind.ACCESS
        add(self.completed, kept.days + 45, access, on_day=20)
        add(self.withdrawn, kept.days + 20, channel=Channel.PHONE, online=False)
        add(self.objection, kept.days + 60, CaseKind.OBJECTION, outcome=DecisionOutcome.UPHELD)
        add(self.completed, kept.days + 12, access, on_day=20)  # due in a week or so
        held = self.new_case(access, kept.days + 90)
        self.completed(held, on_day=22)
        self.hold(held, HoldReason.ICO_COMPLAINT, HOLD_NOTE, at=self.now - timedelta(days=40))

    def after_decision(self) -> None:
        """Internal reviews (portal.cases.internal_reviews): one waiting for its outcome,
        one decided, by the only reviewer, who made the decision and says no one else
        could; and an open ICO case on the decided one, which holds it."""
        period = current_app.extensions["council"].review_period_working_days
        waiting = self.new_case(CaseKind.ACCESS, 30)
        self.refused(waiting)
        self.ask_review(waiting, period_working_days=period, at=self.now - timedelta(days=3))
        decided = self.new_case(CaseKind.ACCESS, 85)
        self.completed(decided, on_day=20)
        review = self.ask_review(
            decided, period_working_days=period, at=self.now - timedelta(days=50)
        )
        self._do(
            internal_reviews.record_outcome,
            decided,
            self.now - timedelta(days=30),
            review=review,
            outcome=ReviewOutcome.NOT_UPHELD,
            reasons=REVIEW_OUTCOME_REASONS,
            reviewer=self.reviewer,
            no_one_else_could=True,
        )
        ico_cases.record_ico_case(
            self.session,
            decided,
            ico_reference="IC-000123-D3M0",
            received_on=(self.now - timedelta(days=12)).date(),
            what_ico_asked="Explain the searches made and why no school records were found.",
            actor=self.reviewer,
            now=self.now - timedelta(days=10),
        )

    def linked_and_duplicate(self) -> None:
        """Issue 19 point 1: a family's linked requests and a possible duplicate."""
        parent = self.person()
        child = self.person(names=parent.names, family=parent.family, adult=False)
        common = {"language": parent.language, "notice_version": NOTICE_VERSION}
        linked_family(self, parent.details, child.details, common, self.received_at, self.now)


def council_department(key: str) -> str:
    department = current_app.extensions["council"].department(key)
    return department.name.english if department is not None else key


def _staff_table(rows: list[tuple[DemoStaff, str, str]]) -> None:
    click.echo("")
    click.echo("=" * 78)
    click.echo("DEMONSTRATION ONLY: these accounts and secrets are public. Never use them for")
    click.echo("real data, and never run this command on a live system.")
    click.echo("=" * 78)
    for person, secret, uri in rows:
        click.echo(f"{Role(person.role).label:<12} {person.email}")
        if person.department_key:
            click.echo(f"  Department:   {council_department(person.department_key)}")
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
    now = utc_now().replace(microsecond=0)
    actors: dict[Role | str, list[str]] = {role: [] for role in Role}
    rows: list[tuple[DemoStaff, str, str]] = []
    members: list[StaffUser] = []
    contacts: list[StaffUser] = []
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
            department_key=person.department_key,
        )
        actors[person.role].append(directory.actor_of(user))
        contacts += [user] if person.role == Role.DEPARTMENT_CONTACT else []
        uri = totp.provisioning_uri(secret, account=user.email, issuer=f"{council.name} casework")
        rows.append((person, secret, uri))
        members.append(user)
    # The caseworkers and the reviewer share their work as one team (issue 19 point 2).
    team = Team(name=DEMO_TEAM, created_at=now - timedelta(days=130))
    session.add(team)
    session.flush()
    for user in members:
        user.team_id = team.id if user.role in (Role.CASEWORKER, Role.REVIEWER) else None
    DemoCases(now, actors, [hub.slug for hub in council.hubs]).all_scenarios()
    for contact in contacts:
        ask_the_demo_contact(session, contact, asked_by=actors[Role.CASEWORKER][0], now=now)
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
