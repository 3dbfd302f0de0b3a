"""The monthly report and the dashboard over 1,000, 10,000 and 100,000 cases, on SQLite
and on PostgreSQL.

Seeds each size by bulk insert (bench/case_queue.py's seeder, steady: cases arriving at
an even rate over four years) into a temporary SQLite file and into a throwaway
PostgreSQL database (created here and dropped at the end), then times
portal.cases.reports.monthly_report (with its 12-month trend) and
portal.cases.queue.dashboard_figures. Writes the "## Reports (bench/reports.py)" section
of bench/RESULTS.md and leaves the other sections alone.

    .venv/bin/python bench/reports.py   # --sizes 1000,10000 --runs N --no-postgres --no-write
    .venv/bin/python bench/reports.py --busy   # the queue bench's busier data, not written
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
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine
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
PG_DB = "bench_reports"
GOAL_MS = 50.0
FLAT_RATIO = 1.5  # "about flat": the largest size's worst p95 within 1.5 times the smallest's
WARM_RUNS = 5
TIMED: dict[str, Callable[[Session], object]] = {
    "monthly report, this month": lambda s: reports.monthly_report(s, TODAY),
    "monthly report, June 2026": lambda s: reports.monthly_report(s, date(2026, 6, 1)),
    "dashboard figures": lambda s: queue.dashboard_figures(s, today=TODAY),
}
REPORTS = [name for name in TIMED if name.startswith("monthly report")]


def time_all(url: str, cases: int, runs: int, busy: bool) -> dict[str, tuple[float, float]]:
    engine = create_engine(url, **engine_options(url))  # the portal's own engine options
    try:
        started = time.perf_counter()
        bulk_insert_cases(engine, cases, random.Random(20261124), steady=not busy, events=True)
        if engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load: marks the pages all-visible, so the
            # report's covering indexes can be read without visiting the table.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        print(f"  seeded {cases} cases in {time.perf_counter() - started:.1f} s")
        results = {}
        with Session(engine) as session:
            for name, work in TIMED.items():
                timings = []
                for run in range(runs + WARM_RUNS):
                    began = time.perf_counter()
                    work(session)
                    if run >= WARM_RUNS:
                        timings.append((time.perf_counter() - began) * 1000)
                results[name] = (statistics.median(timings), percentile(timings, 0.95))
                print(f"  {cases} {name}: p50 {results[name][0]:.2f} p95 {results[name][1]:.2f}")
        return results
    finally:
        engine.dispose()


def postgres(action: Callable[[str], dict[str, tuple[float, float]]]):
    drop = ["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", PG_DB]
    subprocess.run(drop, check=True)
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, PG_DB], check=True)
    try:
        return action(f"postgresql+psycopg://{PG_USER}@{PG_HOST}/{PG_DB}")
    finally:
        subprocess.run(drop, check=True)


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
        f"before the run and {load[1]:.2f} after it (other work shared the 2 cores: the "
        "timings are pessimistic).",
        "- Data: bench/case_queue.py's bulk seeder at each size, steady: cases arrive at an "
        "even rate over four years (at 100,000 about 2,000 a month, far more than Wakefield "
        "gets; at 1,000 about 20), those received in the last six weeks mostly still open, "
        "the rest closed 5 to 40 days after receipt at any hour; a quarter objections; 40% "
        "from a hub. The counts kept as cases arrive and close (case_months: a row a month, "
        "a row a group and month, a row a number of days) recounted after the bulk insert, "
        "as migrations 0024 and 0026 do. ANALYZE after seeding (VACUUM ANALYZE on "
        "PostgreSQL, as autovacuum would do after a bulk load); schema from the models. "
        f"Today fixed at {TODAY.isoformat()}.",
        f"- Timed: each function in one session, {runs} timed calls after {WARM_RUNS} "
        "untimed; the monthly report includes its 12-month trend (received, completed, on "
        "time, a row a month) and every breakdown (kind, channel, hub), read from the "
        "month's counts by group and by days taken; extensions, complaints and the "
        "after-decision figures counted by the database from the month's events.",
        "",
        f"| what | {header} |",
        "|---|" + "---:|" * (len(engines) * len(sizes)),
    ]
    for name in TIMED:
        cells = [f"{results[e][n][name][1]:.2f}" for e in engines for n in sizes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    flat = "not measured (one size)"
    if len(sizes) > 1:

        def worst_report(engine: str, size: int) -> float:
            return max(results[engine][size][name][1] for name in REPORTS)

        ratios = {e: worst_report(e, sizes[-1]) / worst_report(e, sizes[0]) for e in engines}
        growth = ", ".join(f"{e} {ratio:.1f}x" for e, ratio in ratios.items())
        flat = "yes" if max(ratios.values()) < FLAT_RATIO else f"no ({growth})"
        lines += [
            "",
            f"Flatness: the monthly report's worst p95 at {sizes[-1]:,} over that at "
            f"{sizes[0]:,}: {growth}, with {sizes[-1] // sizes[0]} times the cases a month. "
            "The report reads a row a group (kind, channel, hub) and a row a number of days "
            "taken, and the trend twelve rows, at every size: what is left to grow is how "
            "many groups and numbers of days a month has, which stops growing once every "
            "group has cases.",
        ]
    lines += [
        "",
        f"Goal: p95 under {GOAL_MS:.0f} ms at 100,000 cases on both engines, and about flat "
        f"from 1,000 to 100,000. Worst p95: {worst:.2f} ms. "
        f"**Verdict: {'PASS' if passed else 'FAIL'} on {GOAL_MS:.0f} ms; about flat (under "
        f"{FLAT_RATIO}x): {flat}.**",
        "",
        "Reproduce from the repository root (needs `createdb`/`dropdb` for PostgreSQL on "
        f"127.0.0.1 as `postgres`; it creates and drops `{PG_DB}`):",
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
    results: dict[str, dict[int, dict[str, tuple[float, float]]]] = {"SQLite": {}}
    for size in sizes:
        print(f"SQLite, {size} cases")
        with tempfile.TemporaryDirectory() as folder:
            results["SQLite"][size] = time_all(
                f"sqlite:///{folder}/reports.sqlite", size, args.runs, args.busy
            )
    if not args.no_postgres:
        results["PostgreSQL"] = {}
        for size in sizes:
            print(f"PostgreSQL, {size} cases")
            results["PostgreSQL"][size] = postgres(
                lambda url, n=size: time_all(url, n, args.runs, args.busy)
            )
    body, passed = section(results, sizes, args.runs, (load_before, os.getloadavg()[0]))
    print(body)
    if not (args.no_write or args.busy):
        write_section(body, SECTION)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
