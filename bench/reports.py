"""The monthly report and the dashboard over 1,000, 10,000 and 100,000 cases, on SQLite
and on PostgreSQL.

Seeds each size by bulk insert (bench/case_queue.py's seeder, steady: cases arriving at
an even rate over four years, with complaints, extensions, internal reviews and ICO cases
from bench/case_events.py) into a temporary SQLite file and into a throwaway PostgreSQL
database a size (created here and dropped at the end), then times
portal.cases.reports.monthly_report (with its 12-month trend) and
portal.cases.queue.dashboard_figures at every size in turn. Writes the "## Reports
(bench/reports.py)" section of bench/RESULTS.md and leaves the other sections alone.

    .venv/bin/python bench/reports.py   # --sizes 1000,10000 --runs N --no-postgres --no-write
    .venv/bin/python bench/reports.py --busy   # the queue bench's busier data, not written
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from bench.case_queue import (  # noqa: E402
    PG_HOST,
    PG_USER,
    TODAY,
    bulk_insert_cases,
    percentile,
    write_section,
)
from portal.cases import queue, reports  # noqa: E402
from portal.extensions import engine_options  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Reports (bench/reports.py)"
PG_DB = "bench_reports"  # one a size: bench_reports_1000, ...
GOAL_MS = 50.0
FLAT_RATIO = 1.5  # "about flat": the largest size's worst p95 within 1.5 times the smallest's
WARM_RUNS = 5
Timing = tuple[float, float]  # p50, p95 in ms
TIMED: dict[str, Callable[[Session], object]] = {
    "monthly report, this month": lambda s: reports.monthly_report(s, TODAY),
    "monthly report, June 2026": lambda s: reports.monthly_report(s, date(2026, 6, 1)),
    "dashboard figures": lambda s: queue.dashboard_figures(s, today=TODAY),
}
REPORTS = [name for name in TIMED if name.startswith("monthly report")]
DASHBOARD = "dashboard figures"
BUSY_LOAD = 1.5  # a 1-minute load average above this on 2 cores: other work was running


def busy_note(load: tuple[float, float]) -> str:
    if max(load) > BUSY_LOAD:
        return (
            "other work shared the 2 cores: the timings are pessimistic, and the ratios "
            "within this run are what count"
        )
    return "the machine was otherwise quiet; this run itself adds about 1"


def seed(url: str, cases: int, busy: bool) -> Engine:
    engine = create_engine(url, **engine_options(url))  # the portal's own engine options
    started = time.perf_counter()
    bulk_insert_cases(engine, cases, random.Random(20261124), steady=not busy, events=True)
    if engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load: marks the pages all-visible, so the
        # report's covering indexes can be read without visiting the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"  seeded {cases} cases in {time.perf_counter() - started:.1f} s")
    return engine


def time_in_turns(engines: dict[int, Engine], runs: int) -> dict[int, dict[str, Timing]]:
    """Each function at each size, a call at a time in turn (size after size, then the
    next function, then the next run), each size in its own session: load from other work
    on the machine falls on every size alike, so the ratios between sizes are fair."""
    timings: dict[int, dict[str, list[float]]] = {n: {name: [] for name in TIMED} for n in engines}
    sessions = {n: Session(engine) for n, engine in engines.items()}
    try:
        for run in range(runs + WARM_RUNS):
            for name, work in TIMED.items():
                for n, session in sessions.items():
                    began = time.perf_counter()
                    work(session)
                    if run >= WARM_RUNS:
                        timings[n][name].append((time.perf_counter() - began) * 1000)
    finally:
        for session in sessions.values():
            session.close()
    results = {}
    for n, by_name in timings.items():
        results[n] = {
            name: (statistics.median(values), percentile(values, 0.95))
            for name, values in by_name.items()
        }
        for name, (p50, p95) in results[n].items():
            print(f"  {n} {name}: p50 {p50:.2f} p95 {p95:.2f}")
    return results


def measure(urls: dict[int, str], runs: int, busy: bool) -> dict[int, dict[str, Timing]]:
    engines = {}
    try:
        for n, url in urls.items():
            engines[n] = seed(url, n, busy)
        return time_in_turns(engines, runs)
    finally:
        for engine in engines.values():
            engine.dispose()


@contextlib.contextmanager
def postgres_databases(sizes: list[int]) -> Iterator[dict[int, str]]:
    """A throwaway database for each size, dropped afterwards."""
    names = {n: f"{PG_DB}_{n}" for n in sizes}
    drop = ["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists"]
    try:
        for name in names.values():
            subprocess.run([*drop, name], check=True)
            subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True)
        yield {n: f"postgresql+psycopg://{PG_USER}@{PG_HOST}/{name}" for n, name in names.items()}
    finally:
        for name in names.values():
            subprocess.run([*drop, name], check=True)


def section(results, sizes: list[int], runs: int, load: tuple[float, float]) -> tuple[str, bool]:
    engines = list(results)
    worst = max(
        p95
        for per_size in results.values()
        for rows in per_size.values()
        for _, p95 in rows.values()
    )
    passed = worst < GOAL_MS
    header = " | ".join(f"{e} {n:,} p95 ms" for e in engines for n in sizes)
    lines = [
        SECTION,
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average (1 minute) {load[0]:.2f} "
        f"before the run and {load[1]:.2f} after it ({busy_note(load)}).",
        "- Data: bench/case_queue.py's bulk seeder at each size, steady: cases arrive at an "
        "even rate over four years (at 100,000 about 2,000 a month, far more than Wakefield "
        "gets; at 1,000 about 20), those received in the last six weeks mostly still open, "
        "the rest closed 5 to 40 days after receipt at any hour; a quarter objections; 40% "
        "from a hub. Events at a steady rate (bench/case_events.py): a twentieth of the cases "
        "are complaints acknowledged on receipt, a tenth extended, a twentieth of the closed "
        "ones get an internal review (four in five decided), one in a hundred an ICO case "
        "(half closed), so a month at 100,000 holds about 100 times the events of one at "
        "1,000. The counts kept as cases arrive, close and have these events (case_months: "
        "a row a month, a row a group and month, a row a number of days, a median row a "
        "breakdown and month) recounted after "
        "the bulk insert, as migrations 0024, 0026 and 0027 do. ANALYZE after seeding "
        "(VACUUM ANALYZE on PostgreSQL, as autovacuum would do after a bulk load); schema "
        "from the models. "
        f"Today fixed at {TODAY.isoformat()}.",
        f"- Timed: every size seeded first, then each function called at each size in turn "
        f"(a session a size), {runs} timed calls after {WARM_RUNS} untimed, so load from "
        "other work falls on every size alike; the monthly report includes its 12-month "
        "trend (received, completed, on time, a row a month) and every breakdown (kind, "
        "channel, hub): every figure, "
        "extensions, complaints and after-decision figures included, is read from the "
        "month's rows a group, summed by the database for each breakdown, and each "
        "breakdown's median days from a row kept as cases complete. The dashboard "
        "figures count the open cases from the state and due-date index (by state, due soon, "
        "overdue) and read this month's completions from its row of counts.",
        "",
        f"| what | {header} |",
        "|---|" + "---:|" * (len(engines) * len(sizes)),
    ]
    for name in TIMED:
        cells = [f"{results[e][n][name][1]:.2f}" for e in engines for n in sizes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    flat = "not measured (one size)"
    if len(sizes) > 1:

        def worst_report(engine: str, size: int, at: int = 1) -> float:
            return max(results[engine][size][name][at] for name in REPORTS)

        ratios = {e: worst_report(e, sizes[-1]) / worst_report(e, sizes[0]) for e in engines}
        growth = ", ".join(f"{e} {ratio:.2f}x" for e, ratio in ratios.items())
        medians = ", ".join(
            f"{e} {worst_report(e, sizes[-1], 0) / worst_report(e, sizes[0], 0):.2f}x "
            f"({worst_report(e, sizes[0], 0):.2f} to {worst_report(e, sizes[-1], 0):.2f} ms)"
            for e in engines
        )
        dashboard = ", ".join(
            f"{e} {results[e][sizes[-1]][DASHBOARD][1] / results[e][sizes[0]][DASHBOARD][1]:.2f}x"
            for e in engines
        )
        flat = "yes" if max(ratios.values()) < FLAT_RATIO else f"no ({growth})"
        lines += [
            "",
            f"Flatness: the monthly report's worst p95 at {sizes[-1]:,} over that at "
            f"{sizes[0]:,}: {growth}, with {sizes[-1] // sizes[0]} times the cases and events "
            f"a month; its worst p50, less swayed by other work on the machine: {medians}. "
            "The report gets back a row for each kind, channel and hub that has "
            "figures (14 here), a median row for each, and the trend twelve rows, at every "
            "size; what the database still reads grows only with how many groups (kind, "
            "channel, hub) a month has, which stops growing once every group has cases. The "
            "dashboard figures (not in the rule) at "
            f"{sizes[-1]:,} over {sizes[0]:,}: {dashboard}; counting the open cases by state "
            "reads every open case's index entry, and there are about 100 times as many open "
            "cases here (about 3,000 at 100,000).",
        ]
    lines += [
        "",
        f"Goal: p95 under {GOAL_MS:.0f} ms at 100,000 cases on both engines, and about flat "
        f"from 1,000 to 100,000. Worst p95: {worst:.2f} ms. "
        f"**Verdict: {'PASS' if passed else 'FAIL'} on {GOAL_MS:.0f} ms; about flat (under "
        f"{FLAT_RATIO}x): {flat}.**",
        "",
        "Reproduce from the repository root (needs `createdb`/`dropdb` for PostgreSQL on "
        f"127.0.0.1 as `postgres`; it creates and drops `{PG_DB}_<size>`):",
        "",
        "```sh",
        ".venv/bin/python bench/reports.py   # --sizes 1000,10000,100000 --runs N "
        "--no-postgres --no-write",
        ".venv/bin/python bench/reports.py --busy   # the queue bench's busier data "
        "(a fifth open, received in the last 60 days), not written",
        "```",
        "",
    ]
    return "\n".join(lines), passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--busy",
        action="store_true",
        help="the queue bench's data: a fifth of the cases open, all received in the last "
        "60 days (about 8,000 a month at 100,000); implies --no-write",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    load_before = os.getloadavg()[0]
    results: dict[str, dict[int, dict[str, Timing]]] = {}
    print("SQLite")
    with tempfile.TemporaryDirectory() as folder:
        urls = {n: f"sqlite:///{folder}/reports-{n}.sqlite" for n in sizes}
        results["SQLite"] = measure(urls, args.runs, args.busy)
    if not args.no_postgres:
        print("PostgreSQL")
        with postgres_databases(sizes) as urls:
            results["PostgreSQL"] = measure(urls, args.runs, args.busy)
    body, passed = section(results, sizes, args.runs, (load_before, os.getloadavg()[0]))
    print(body)
    if not (args.no_write or args.busy):
        write_section(body, SECTION)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
