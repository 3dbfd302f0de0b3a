"""The case queue's query time over 100,000 cases, on SQLite and on PostgreSQL.

Seeds 100,000 cases (with their people and assignments) by bulk insert into a temporary
SQLite file and into a throwaway PostgreSQL database (created here and dropped at the
end; never the `test` database), then times portal.cases.queue.queue_page for several
filter combinations and page depths. Writes the "## Queue (bench/case_queue.py)" section of
bench/RESULTS.md and leaves the other sections alone.

    .venv/bin/python bench/case_queue.py            # --cases N --runs N --no-postgres --no-write
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from bench import case_events  # noqa: E402
from portal import outbox  # noqa: E402
from portal.accounts import models as account_models  # noqa: E402
from portal.cases import case_months, casework_models, clock, references  # noqa: E402
from portal.cases import queue as q  # noqa: E402
from portal.cases.models import Case, CaseKind, CaseState, Channel, Person  # noqa: E402
from portal.cases.person_search import fold, search_text  # noqa: E402
from portal.extensions import Base, engine_options  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Queue (bench/case_queue.py)"
PG_HOST, PG_USER, PG_DB = "127.0.0.1", "postgres", "bench_queue"
TODAY = date(2026, 11, 24)
GOAL_MS = 50.0
HUBS = ["wakefield-central", "castleford-airedale", "pontefract-knottingley", "south-east"]
STAFF = [f"staff:{n}" for n in range(1, 21)]
FIRST = "Anna Jan Maria Piotr Ioana Andrei Ayesha Imran Ruta Jonas Sarah David Emma Tom".split()
LAST = (
    "Kowalska Nowak Popescu Ionescu Khan Hussain Kazlauskas Petrauskas Smith Jones Taylor "
    "Brown Wilson Walker Wright Green Hall Wood Clarke Hughes Wójcik Żółć Bērziņa"
).split()
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward part may end in
OPEN_SHARE = 0.2  # a fifth of the cases still open: a busy office with a long history
HISTORY_DAYS = 1500  # about four years
assert casework_models and outbox and account_models  # every table in the metadata


def bulk_insert_cases(
    engine: Engine, cases: int, rng: random.Random, *, steady: bool = False, events: bool = False
) -> list[str]:
    """Bulk-insert `cases` cases with people and assignments; returns the references.

    By default a fifth of the cases are open, all received in the last 60 days (the
    queue's worst case). `steady`: the cases arrive at an even rate over four years, and
    those received in the last six weeks are mostly still open (as are a few older ones);
    the rest closed 5 to 40 days after receipt, at any hour of the day. The case_months
    counts (portal.cases.case_months) are recounted from the rows either way.

    Rows written straight into the tables, not cases built by the scenario builder
    (portal.cases.scenarios), which the tests and the demo use: the builder takes each case
    through the service functions, a commit a step (about 7 ms a case in progress and 20 ms
    a completed one on SQLite here), so 100,000 cases would take half an hour or more where
    this takes seconds. The queue reads only these columns, so the timing is the same."""
    Base.metadata.create_all(engine)
    people, rows, assignments, refs = [], [], [], set()
    open_states = list(q.OPEN_STATES)
    closed_states = [CaseState.COMPLETED] * 8 + [CaseState.REFUSED, CaseState.WITHDRAWN]
    channels = [Channel.ONLINE] * 6 + [Channel.PHONE, Channel.LETTER, Channel.EMAIL]
    channels += [Channel.IN_PERSON]
    while len(refs) < cases:
        refs.add(references.new_reference())
    ordered_refs = sorted(refs, key=lambda _: rng.random())
    person_id = 0
    for case_id in range(1, cases + 1):
        person_id += 1
        subject_id = person_id
        people.append(seeded_person(subject_id, rng))
        requester_id = subject_id
        if rng.random() < 0.1:
            person_id += 1
            requester_id = person_id
            people.append(seeded_person(requester_id, rng, surname="Parent"))
        if steady:
            received = TODAY - timedelta(days=rng.randrange(0, HISTORY_DAYS))
            recent = (TODAY - received).days < 42
            is_open = rng.random() < (0.85 if recent else 0.005)
            took = timedelta(days=rng.randrange(5, 40), hours=rng.randrange(-4, 12))
            is_open = is_open or received + took > TODAY
        else:
            is_open = rng.random() < OPEN_SHARE
            received = TODAY - timedelta(
                days=rng.randrange(30, HISTORY_DAYS) if not is_open else rng.randrange(0, 60)
            )
            took = timedelta(days=rng.randrange(5, 40))
        due_on: date | None = received + timedelta(days=30)
        state = rng.choice(open_states) if is_open else rng.choice(closed_states)
        if state in (CaseState.RECEIVED, CaseState.AWAITING_IDENTITY) and rng.random() < 0.3:
            due_on = None
        received_at = datetime(received.year, received.month, received.day, 12, tzinfo=UTC)
        rows.append(
            {
                "id": case_id,
                "reference": ordered_refs[case_id - 1],
                "kind": CaseKind.OBJECTION if rng.random() < 0.25 else CaseKind.ACCESS,
                "state": state,
                "channel": rng.choice(channels),
                "hub_source": rng.choice(HUBS) if rng.random() < 0.4 else None,
                "notice_version": "2.0",
                "language": "en",
                "received_at": received_at,
                "received_on": received,
                "clock_started_on": received if due_on else None,
                "extended": False,
                "due_on": due_on,
                "closed_at": None if is_open else received_at + took,
                "closed_on": None if is_open else clock.received_on(received_at + took),
                "idempotency_key": f"bench-{case_id}",
                "requester_id": requester_id,
                "subject_id": subject_id,
                "acting_for": "myself" if requester_id == subject_id else "my_child",
                "relationship_to_subject": "",
                "identity_at_hub": False,
                "details": {},
            }
        )
        if rng.random() < 0.7:
            assignments.append(
                {
                    "case_id": case_id,
                    "assignee": rng.choice(STAFF),
                    "assigned_by": "staff:1",
                    "assigned_at": received_at,
                }
            )
    later = case_events.seed_events(rows, rng, TODAY) if events else {}
    with engine.begin() as connection:
        for table, values in (
            (Person.__table__, people),
            (Case.__table__, rows),
            (casework_models.CaseAssignment.__table__, assignments),
            *((model.__table__, values) for model, values in later.items()),
        ):
            for start in range(0, len(values), 10000):
                connection.execute(insert(table), values[start : start + 10000])
        case_months.recount(Session(bind=connection))
        connection.execute(text("ANALYZE"))
    return [row["reference"] for row in rows]


@dataclass(frozen=True)
class Scenario:
    name: str
    filters: q.QueueFilters
    depth: int = 0  # pages skipped before the timed page (followed by keyset)


def seeded_person(person_id: int, rng: random.Random, surname: str = "") -> dict[str, object]:
    """A person with every detail staff search by (issue 19 point 3): a name (a numbered
    surname, some with accents), email, postcode, phone and date of birth, and the folded
    text the model would keep for them."""
    first = rng.choice(FIRST)
    number = rng.randrange(10000)
    last = surname or f"{rng.choice(LAST)}-{number}"
    details = {
        "full_name": f"{first} {last}",
        "email": f"{fold(first)}.{fold(last)}@example.com".replace(" ", ""),
        "postcode": f"WF{rng.randrange(1, 17)} {rng.randrange(1, 10)}{rng.choice(LETTERS)}"
        f"{rng.choice(LETTERS)}",
        "phone": f"07700 9{rng.randrange(100000):05d}",
        "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(25_000)),
    }
    return {"id": person_id, **details, "search_text": search_text(**details)}


def scenarios(sample_reference: str, sample: Any) -> list[Scenario]:
    """Every filter, and a search by each detail of one person in the middle of the data
    (`sample`), typed as staff would type it."""
    born = (
        sample.date_of_birth
        if isinstance(sample.date_of_birth, date)
        else (date.fromisoformat(str(sample.date_of_birth)))
    )
    f = q.QueueFilters
    return [
        Scenario("open cases, page 1", f()),
        Scenario("open cases, page 20", f(), depth=19),
        Scenario("open cases, page 200", f(), depth=199),
        Scenario("open cases, newest first, page 1", f(order=q.QueueOrder.NEWEST)),
        Scenario("open cases, oldest first, page 20", f(order=q.QueueOrder.OLDEST), depth=19),
        Scenario("state in_progress, page 1", f(states=(CaseState.IN_PROGRESS,))),
        Scenario("state completed, page 50", f(states=(CaseState.COMPLETED,)), depth=49),
        Scenario(
            "objection + in_review",
            f(kinds=(CaseKind.OBJECTION,), states=(CaseState.IN_REVIEW,)),
        ),
        Scenario("assignee staff:3", f(assignees=("staff:3",))),
        Scenario("unassigned", f(assignees=(q.UNASSIGNED,))),
        Scenario("channel phone", f(channels=(Channel.PHONE,))),
        Scenario("hub castleford-airedale", f(hub_sources=("castleford-airedale",))),
        Scenario("due within 5 working days", f(due=q.DueWindow.SOON)),
        Scenario("overdue", f(due=q.DueWindow.OVERDUE)),
        Scenario(
            "access + online + unassigned + overdue",
            f(
                kinds=(CaseKind.ACCESS,),
                channels=(Channel.ONLINE,),
                assignees=(q.UNASSIGNED,),
                due=q.DueWindow.OVERDUE,
            ),
        ),
        Scenario(
            "search by reference", f(search=sample_reference.lower(), states=tuple(CaseState))
        ),
        Scenario("search by name, open cases", f(search="kowalska-12")),
        Scenario("search by name, all states", f(search="nowak-77", states=tuple(CaseState))),
        Scenario("search by name without accents", f(search="zolc-12", states=tuple(CaseState))),
        Scenario(
            "search by full name, without accents",
            f(search=fold(sample.full_name), states=tuple(CaseState)),
        ),
        Scenario(
            "search by part of an email",
            f(search=sample.email.split("@")[0][2:], states=tuple(CaseState)),
        ),
        Scenario(
            "search by date of birth",
            f(search=f"{born.day}/{born.month}/{born.year}", states=tuple(CaseState)),
        ),
        Scenario("search by postcode", f(search=sample.postcode.lower(), states=tuple(CaseState))),
        Scenario(
            "search by phone",
            f(search="+44 " + sample.phone.removeprefix("0"), states=tuple(CaseState)),
        ),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_scenarios(engine: Engine, items: list[Scenario], runs: int) -> list[dict[str, object]]:
    results = []
    with Session(engine) as session:
        for scenario in items:
            after = None
            for _ in range(scenario.depth):
                page = q.queue_page(session, scenario.filters, today=TODAY, after=after)
                after = page.next_cursor
            timings = []
            for run in range(runs + 10):
                started = time.perf_counter()
                page = q.queue_page(session, scenario.filters, today=TODAY, after=after)
                elapsed = (time.perf_counter() - started) * 1000
                if run >= 10:  # the first ten warm the caches
                    timings.append(elapsed)
            results.append(
                {
                    "name": scenario.name,
                    "rows": len(page.rows),
                    "p50": statistics.median(timings),
                    "p95": percentile(timings, 0.95),
                }
            )
            last = results[-1]
            print(f"  {scenario.name}: p50 {last['p50']:.2f} ms, p95 {last['p95']:.2f} ms")
    return results


def run_postgres(action: Callable[[str], list[dict[str, object]]]) -> list[dict[str, object]]:
    subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", PG_DB], check=True)
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, PG_DB], check=True)
    try:
        return action(f"postgresql+psycopg://{PG_USER}@{PG_HOST}/{PG_DB}")
    finally:
        subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", PG_DB], check=True)


def measure(url: str, cases: int, runs: int) -> list[dict[str, object]]:
    engine = create_engine(url, **engine_options(url))  # the portal's own engine options
    try:
        started = time.perf_counter()
        refs = bulk_insert_cases(engine, cases, random.Random(20261124))
        print(f"  seeded {cases} cases in {time.perf_counter() - started:.1f} s")
        with engine.connect() as connection:  # someone in the middle, searched for by each detail
            sample = connection.execute(
                text(
                    "SELECT full_name, email, postcode, phone, date_of_birth FROM people "
                    "WHERE id = :id"
                ),
                {"id": cases // 2},
            ).one()
        return time_scenarios(engine, scenarios(refs[len(refs) // 2], sample), runs)
    finally:
        engine.dispose()


def section(
    cases: int,
    runs: int,
    results: dict[str, list[dict[str, object]]],
    load: tuple[float, float],
) -> str:
    engines = list(results)
    worst = max(float(r["p95"]) for rows in results.values() for r in rows)  # type: ignore[arg-type]
    lines = [
        SECTION,
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average (1 minute) {load[0]:.2f} "
        f"before the run and {load[1]:.2f} after it (this run itself adds about 1; more "
        "means other work shared the machine, and the timings are pessimistic).",
        f"- Data: {cases:,} cases by bulk insert, about {OPEN_SHARE:.0%} open (received in the "
        "last 60 days), the rest completed, refused or withdrawn over four years; a quarter "
        "objections; 40% from a hub; 70% assigned among 20 staff; 10% with a separate "
        "requester; some awaiting identity with no due date. Every person has a name (a "
        "numbered surname from 23, three with accents), an email, a postcode, a phone number "
        "and a date of birth, and the folded search text the model keeps "
        "(portal/cases/person_search.py). ANALYZE after seeding. Schema from the models (the "
        "same as the migrations, which a test checks), so the queue's indexes are in place: "
        "the partial index of open cases, ix_cases_received_on for the sort by day received, "
        "and the search's trigram index (pg_trgm on PostgreSQL; on SQLite the FTS5 trigram "
        "table the models' DDL makes, filled by its triggers as the rows go in). PostgreSQL "
        "connections use the portal's own engine options (portal/extensions.py: jit=off, no "
        "server-side prepared statements). Each search is what staff would type for one "
        "person in the middle of the data: a part of a name without its accents, a full "
        "name, part of an email address, a date of birth as d/m/yyyy, a postcode, a phone "
        "number as +44.",
        f"- Timed: `portal.cases.queue.queue_page` (50 rows, keyset), in one session, "
        f'{runs} timed runs per scenario after 10 untimed; "page N" follows the keyset '
        "cursor N-1 times first, untimed. Time includes building the row objects.",
        "- Today is fixed at " + TODAY.isoformat() + " so the due windows are reproducible.",
        "",
        "| scenario | rows | " + " | ".join(f"{e} p50 ms | {e} p95 ms" for e in engines) + " |",
        "|---|---:|" + "---:|---:|" * len(engines),
    ]
    first = results[engines[0]]
    for index, row in enumerate(first):
        cells = []
        for engine in engines:
            other = results[engine][index]
            cells += [f"{float(other['p50']):.2f}", f"{float(other['p95']):.2f}"]  # type: ignore[arg-type]
        lines.append(f"| {row['name']} | {row['rows']} | " + " | ".join(cells) + " |")
    verdict = "PASS" if worst < GOAL_MS else "FAIL"
    lines += [
        "",
        f"Goal: p95 under {GOAL_MS:.0f} ms for every scenario on every engine. Worst p95: "
        f"{worst:.2f} ms. **Verdict: {verdict}.**",
        "",
        "Reproduce from the repository root (needs `createdb`/`dropdb` for PostgreSQL on "
        "127.0.0.1 as `postgres`; it creates and drops `bench_queue`):",
        "",
        "```sh",
        ".venv/bin/python bench/case_queue.py   # --cases N --runs N --no-postgres --no-write",
        "```",
        "",
    ]
    return "\n".join(lines)


def write_section(body: str, title: str = SECTION) -> None:
    """Put `body` in RESULTS.md in place of the section headed `title` (or at the end)."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if title in existing:
        before, _, rest = existing.partition(title)
        following = rest.find("\n## ")
        after = rest[following + 1 :] if following != -1 else ""
        updated = before + body + ("\n" + after if after else "")
    else:
        updated = existing.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    results: dict[str, list[dict[str, object]]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        results["SQLite"] = measure(f"sqlite:///{folder}/queue.sqlite", args.cases, args.runs)
    if not args.no_postgres:
        print("PostgreSQL")
        results["PostgreSQL"] = run_postgres(lambda url: measure(url, args.cases, args.runs))
    body = section(args.cases, args.runs, results, (load_before, os.getloadavg()[0]))
    if not args.no_write:
        write_section(body)
    print(body)
    worst = max(float(r["p95"]) for rows in results.values() for r in rows)  # type: ignore[arg-type]
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
