"""Throughput and latency of every public page, the staff queue and the monthly report,
against a bare Flask page, under gunicorn.

Why: issue 17's goals are ratios to a bare Flask page served the same way: the notice at
0.8 or more, every other public page at 0.5 or more, the staff queue and report at 0.1 or
more. This script seeds the demonstration data into a temporary SQLite database, starts
gunicorn itself (2 workers of 8 threads on 127.0.0.1, as gunicorn.conf.py serves the
portal), once for the portal and once for
bench/bare_app.py, signs a demo caseworker in the way a browser does (form, password, TOTP
code), drives each target with the same closed-loop Python load generator in ONE run of
interleaved rounds (the order of the targets rotating each round, so drift in the machine's
other work hits every target alike), and records requests per second, p50/p95/p99 latency,
the ratio to bare in the same round and the load average in bench/RESULTS.md.

Run from the repository root:  .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from multiprocessing.pool import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from bench.staff_session import CASEWORKER, seed_demo, sign_in  # noqa: E402

RESULTS_FILE = ROOT / "bench" / "RESULTS.md"
SECTION_TITLE = "## Pages (bench/pages.py)"
COMMAND = ".venv/bin/python bench/pages.py"
HOST = "127.0.0.1"
WORKERS = 2
THREADS = 8
NOTICE_GOAL = 0.8
PUBLIC_GOAL = 0.5
STAFF_GOAL = 0.1
BARE_EVERY = 3  # the bare page is timed again before every this many targets
START_TIMEOUT_S = 30.0  # gunicorn must answer within this after launch
STOP_TIMEOUT_S = 20.0  # then the whole process group is killed
REQUEST_TIMEOUT_S = 10.0  # socket timeout for one request
URDU_MO = ROOT / "translations" / "ur" / "LC_MESSAGES" / "messages.mo"
POT_FILE = ROOT / "translations" / "messages.pot"

# The WSGI entry point of each server; everything else on the command line is identical.
APPS = {
    "bare": "bench.bare_app:app",
    "portal": "portal:create_app()",
}


@dataclass(frozen=True)
class Target:
    """One page to load: which server serves it, and text its body must contain."""

    label: str
    server: str
    path: str
    marker: bytes
    goal: float = PUBLIC_GOAL
    staff: bool = False  # sent with the signed-in caseworker's cookie


def _public(label: str, path: str, marker: bytes = b'<html lang="en" dir="ltr"') -> Target:
    return Target(f"{label} `{path}`", "portal", path, marker)


def _staff(label: str, path: str, marker: bytes) -> Target:
    return Target(f"{label} `{path}`", "portal", path, marker, STAFF_GOAL, staff=True)


TARGETS = (
    Target("bare Flask page `/`", "bare", "/", b"<h1>Bare page</h1>", goal=1.0),
    Target("English notice `/en/`", "portal", "/en/", b'<html lang="en" dir="ltr"', NOTICE_GOAL),
    Target("Urdu notice `/ur/`", "portal", "/ur/", b'<html lang="ur" dir="rtl"', NOTICE_GOAL),
    _public("Easy Read notice", "/en/easy-read"),
    _public("hub directory", "/en/hubs"),
    _public("a hub's page", "/en/hubs/castleford-airedale"),
    _public("links for hub workers", "/en/hubs/links"),
    _public("get a copy: start page", "/en/get-a-copy"),
    _public("get a copy: first question", "/en/get-a-copy/who", b'name="csrf_token"'),
    _public("objection: start page", "/en/object"),
    _public("objection: first question", "/en/object/who", b'name="csrf_token"'),
    _public("complaint: first question", "/ur/complain/who", b'name="csrf_token"'),
    _public("follow your request", "/en/track", b'name="csrf_token"'),
    _public("Early Help check", "/en/early-help-check"),
    _public(
        "Early Help check result",
        "/en/early-help-check/result?criteria=crime&criteria=school&area=wakefield-central",
    ),
    _public("accessibility statement", "/en/accessibility"),
    _public("cookies", "/en/cookies"),
    _staff("staff queue", "/staff/queue", b"<title>Case queue"),
    # No throughput goal for the report page (issue 17 sets its goal on the report's
    # queries: bench/reports.py); measured here for information.
    Target(
        "monthly report `/staff/reports`",
        "portal",
        "/staff/reports",
        b"<title>Monthly report",
        goal=0.0,
        staff=True,
    ),
)


@dataclass(frozen=True)
class ClientResult:
    """What one closed-loop client saw; perf_counter is system-wide, so clocks compare."""

    started: float
    finished: float
    latencies_s: list[float]
    errors: int
    attempted: int


@dataclass(frozen=True)
class TargetResult:
    """The timed phase of one target, summarised."""

    target: Target
    requests: int
    errors: int
    rps: float  # median over the rounds
    round_rps: list[float]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    body_bytes: int
    warmup_errors: int


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=2000, help="timed requests per target in each round"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds over all targets; rps is their median"
    )
    parser.add_argument(
        "--staff-requests", type=int, default=400, help="the same for the staff pages"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests per target")
    parser.add_argument(
        "--deadline", type=float, default=300.0, help="seconds allowed for one target's load"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated paths to measure (with the bare page); implies --no-write",
    )
    args = parser.parse_args(argv)
    if args.only:
        args.no_write = True
    if args.concurrency < 1 or args.requests < args.concurrency or args.rounds < 1:
        parser.error("need --concurrency >= 1, --requests >= --concurrency and --rounds >= 1")
    if args.warmup < 0:
        parser.error("need --warmup >= 0")
    return args


def free_port() -> int:
    """Ask the kernel for a free port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, bool]:
    """One GET on a fresh connection: status, body, and whether the server closed it."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.will_close
    finally:
        conn.close()


def server_env(tmp: Path) -> dict[str, str]:
    """The portal's settings for the run: a throwaway SQLite file with the demo data."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # the embedded default
    env.update(
        SECRET_KEY="bench-not-secret",  # noqa: S106  (a throwaway key for a local benchmark)
        PORTAL_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite'}",
        DELETION_LEDGER=str(tmp / "deletion-ledger.jsonl"),
        MAIL_FILE_DIR=str(tmp / "mail"),
    )
    return env


def gunicorn_argv(app: str, port: int) -> list[str]:
    """The server set-up shared by every target: only the WSGI app differs."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        # As gunicorn.conf.py runs the portal: threaded workers (gunicorn turns "sync" with
        # more than one thread into gthread anyway), said here so both apps get the same.
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        # gunicorn 25.1+ would open a control socket in $HOME (one path for every instance)
        "--no-control-socket",
        app,
    ]


def log_tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def gunicorn(server: str, env: dict[str, str], tmp: Path, probe: str) -> Iterator[int]:
    """Run gunicorn for one app until the block ends, then stop it whatever happened.

    gunicorn gets its own process group, so if the master ignores SIGTERM for too long the
    whole group (master and workers) is killed and nothing is left behind.
    """
    port = free_port()
    log = tmp / f"gunicorn-{server}.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            gunicorn_argv(APPS[server], port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(proc, port, probe, log)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        noise = log_tail(log)
        if noise:
            print(f"gunicorn ({server}) logged:\n{noise}", file=sys.stderr)


def wait_until_answering(proc: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    """Poll until the server returns 200, failing fast if gunicorn exits."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log_tail(log)}")
        try:
            status, _, _ = fetch(port, path)
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
        raise RuntimeError(f"GET {path} answered {status} at start-up:\n{log_tail(log)}")
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S:.0f} s:\n{log_tail(log)}")


def preflight(port: int, target: Target, headers: dict[str, str]) -> tuple[int, bool]:
    """Check the page is the one meant (not an error page) before timing it."""
    status, body, closed = fetch(port, target.path, headers)
    if status != 200 or target.marker not in body:
        raise RuntimeError(f"{target.path}: status {status}, marker {target.marker!r} missing")
    return len(body), closed


def client(job: tuple[int, str, int, float, dict[str, str]]) -> ClientResult:
    """One closed-loop client: send the next request as soon as the last one is read.

    http.client keeps the connection alive when the server allows it and reopens it
    transparently when the server closes it.
    """
    port, path, count, deadline, headers = job
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    latencies: list[float] = []
    errors = attempted = 0
    started = time.perf_counter()
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            attempted += 1
            begin = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if ok:
                latencies.append(time.perf_counter() - begin)
            else:
                errors += 1
    finally:
        conn.close()
    return ClientResult(started, time.perf_counter(), latencies, errors, attempted)


def drive(
    pool: Pool,
    port: int,
    path: str,
    total: int,
    concurrency: int,
    budget_s: float,
    headers: dict[str, str] | None = None,
) -> list[ClientResult]:
    """Split `total` requests over the clients and run them together, bounded in time."""
    base, extra = divmod(total, concurrency)
    shares = [base + (1 if i < extra else 0) for i in range(concurrency)]
    deadline = time.monotonic() + budget_s
    jobs = [(port, path, share, deadline, headers or {}) for share in shares if share]
    return pool.map_async(client, jobs).get(timeout=budget_s + 2 * REQUEST_TIMEOUT_S)


def percentile_ms(cuts: list[float], p: int) -> float:
    return cuts[p - 1] * 1000


@dataclass(frozen=True)
class Round:
    """One timed run of one target."""

    attempted: int
    errors: int
    latencies_s: list[float]
    rps: float


def requests_for(target: Target, args: argparse.Namespace) -> int:
    return args.staff_requests if target.staff else args.requests


def run_round(
    pool: Pool, port: int, target: Target, args: argparse.Namespace, headers: dict[str, str]
) -> Round:
    """Time a fixed number of requests; throughput counts only the 200s."""
    wanted = requests_for(target, args)
    results = drive(pool, port, target.path, wanted, args.concurrency, args.deadline, headers)
    latencies = [latency for r in results for latency in r.latencies_s]
    attempted = sum(r.attempted for r in results)
    if attempted < wanted:
        print(f"{target.path}: deadline hit after {attempted} requests", file=sys.stderr)
    wall = max(r.finished for r in results) - min(r.started for r in results)
    return Round(
        attempted=attempted,
        errors=sum(r.errors for r in results) + (wanted - attempted),
        latencies_s=latencies,
        rps=len(latencies) / wall if wall > 0 else 0.0,
    )


def summarise(
    target: Target, rounds: list[Round], body_bytes: int, warmup_errors: int
) -> TargetResult:
    """Median throughput over the rounds; latency percentiles over every request."""
    latencies = [latency for r in rounds for latency in r.latencies_s]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else []
    nan = float("nan")
    return TargetResult(
        target=target,
        requests=sum(r.attempted for r in rounds),
        errors=sum(r.errors for r in rounds),
        rps=statistics.median(r.rps for r in rounds),
        round_rps=[r.rps for r in rounds],
        p50_ms=percentile_ms(cuts, 50) if cuts else nan,
        p95_ms=percentile_ms(cuts, 95) if cuts else nan,
        p99_ms=percentile_ms(cuts, 99) if cuts else nan,
        body_bytes=body_bytes,
        warmup_errors=warmup_errors,
    )


def urdu_catalogue() -> str:
    """Say what the Urdu page was rendered with: translation is in progress elsewhere."""
    if not URDU_MO.exists():
        return "not compiled (the /ur/ page fell back to English text)"
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with URDU_MO.open("rb") as fh:
        translated = sum(1 for m in read_mo(fh) if m.id and m.string)
    with POT_FILE.open("rb") as fh:
        total = sum(1 for m in read_po(fh) if m.id)
    return f"compiled .mo with {translated} of the {total} messages in messages.pot translated"


def load_average() -> str:
    """Other work on the machine skews every figure; record how busy it was."""
    return f"{os.getloadavg()[0]:.2f}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def bracketing_ratios(log: list[tuple[Target, Round]]) -> dict[Target, list[float]]:
    """Each timed round of a portal page over the mean of the bare rounds just before and
    just after it: the bare page is timed every few targets, so a ratio compares runs
    seconds apart, whatever the machine's other work did in between."""
    ratios: dict[Target, list[float]] = {}
    bare_at = [i for i, (target, _) in enumerate(log) if target.server == "bare"]
    for i, (target, measured) in enumerate(log):
        if target.server == "bare":
            continue
        before = max((b for b in bare_at if b < i), default=None)
        after = min((b for b in bare_at if b > i), default=None)
        neighbours = [log[b][1].rps for b in (before, after) if b is not None]
        base = statistics.fmean(neighbours) if neighbours else 0.0
        ratios.setdefault(target, []).append(measured.rps / base if base else 0.0)
    return ratios


def render_section(
    results: list[TargetResult],
    ratios: dict[Target, list[float]],
    args: argparse.Namespace,
    notes: dict[str, str],
) -> str:
    """The Markdown section for RESULTS.md: set-up, table, ratios, verdict, command."""
    bare = next(r for r in results if r.target.server == "bare")
    rows = [
        f"| {r.target.label} | {r.requests} | {r.errors} | {r.rps:.1f} | "
        f"{', '.join(f'{x:.0f}' for x in r.round_rps)} | "
        f"{r.p50_ms:.2f} | {r.p95_ms:.2f} | {r.p99_ms:.2f} | {r.body_bytes} |"
        for r in results
    ]
    ratio_rows = []
    verdicts = []
    for r in results:
        if r.target.server == "bare":
            continue
        per_round = ratios[r.target]
        ratio = statistics.median(per_round)
        if r.target.goal:
            verdict = "PASS" if ratio >= r.target.goal and r.errors == 0 else "FAIL"
            verdicts.append(verdict)
            goal = f">= {r.target.goal:.2f}"
        else:
            verdict, goal = "for information", "none"
        ratio_rows.append(
            f"| {r.target.label} | {ratio:.3f} | {', '.join(f'{x:.3f}' for x in per_round)} | "
            f"{r.p95_ms / bare.p95_ms:.2f} | {goal} | {verdict} |"
        )
    overall = "PASS" if all(v == "PASS" for v in verdicts) else "FAIL"
    warmup_errors = sum(r.warmup_errors for r in results)
    return "\n".join(
        [
            SECTION_TITLE,
            "",
            f"Recorded {notes['date']}.",
            "",
            f"- Machine: nproc {notes['nproc']}, {notes['cpu']}, "
            f"Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}.",
            f"- Server: gunicorn {version('gunicorn')}, {WORKERS} gthread workers of {THREADS} "
            f"threads (as gunicorn.conf.py serves the portal), bound to "
            f"{HOST} on a free port, `--log-level warning`, run from the repository root. "
            f"Portal as `{APPS['portal']}`, baseline as `{APPS['bare']}`; the command line is "
            "otherwise identical.",
            "- Portal environment: `SECRET_KEY=bench-not-secret`, `PORTAL_ENV=development`, "
            "`DATABASE_URL=sqlite:///<temp dir>/bench.sqlite` holding the demonstration data "
            f"(`flask db upgrade`, `flask demo seed`: {notes['cases']} cases). Public pages are "
            "fetched without cookies, as a first visit. Staff pages are fetched with the cookie "
            "of a demo caseworker signed in over HTTP the way a browser does (sign-in form "
            "with its CSRF token, password, then a TOTP code from the printed secret).",
            f"- Load: {args.concurrency} closed-loop clients in separate processes using "
            f"`http.client`. Both servers stay up for the whole run; each target first gets "
            f"{args.warmup} untimed warm-up requests, then {args.rounds} rounds of "
            f"{args.requests} timed requests ({args.staff_requests} for staff pages), the "
            "order of the targets rotating each round, with the bare page timed again before "
            f"every {BARE_EVERY} targets and at the end. "
            "Every response must be 200. rps is the median over the rounds; latency is per "
            "request, measured at the client, over all rounds. A page's ratio in a round is "
            "its rps over the mean rps of the bare runs just before and just after it; the "
            "verdict uses the median over the rounds.",
            f"- Connections: {notes['connections']}",
            f"- The load generator shares the machine's {notes['nproc']} cores with gunicorn, so "
            "absolute figures understate what the server alone could do. Every target gets the "
            "same generator, so the ratio is fair.",
            f"- 1-minute load average before / after the run: {notes['load_before']} / "
            f"{notes['load_after']} (the run itself adds up to {args.concurrency + WORKERS}; "
            "more than that before the run means other work competed for the cores, so "
            "compare ratios rather than absolute figures across runs).",
            f"- Urdu catalogue: {notes['urdu']}.",
            f"- Warm-up errors: {warmup_errors}.",
            "",
            "| target | requests | errors | rps (median) | rps per round | p50 ms | p95 ms "
            "| p99 ms | body bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Goals (issue 17): the notice at {NOTICE_GOAL} of the bare page's throughput or "
            f"more, every other public page at {PUBLIC_GOAL} or more, the staff queue at "
            f"{STAFF_GOAL} or more (the report's goal is on its queries: bench/reports.py).",
            "",
            "| page | rps ratio (median) | rps ratio per round | p95 ratio to bare "
            "| goal | verdict |",
            "|---|---:|---:|---:|---:|---|",
            *ratio_rows,
            "",
            f"**Verdict: {overall}.**",
            "",
            "Reproduce from the repository root (compile translations first with "
            "`make translations` so /ur/ renders its catalogue):",
            "",
            "```sh",
            COMMAND,
            "```",
            "",
        ]
    )


def replace_section(text: str, section: str) -> str:
    """Swap in this script's section, leaving any other benchmark's sections untouched."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION_TITLE), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "".join(lines[end:])
    return "".join(lines[:start]) + section + ("\n" + rest if rest else "")


def write_results(section: str) -> None:
    if RESULTS_FILE.exists():
        text = replace_section(RESULTS_FILE.read_text(encoding="utf-8"), section)
    else:
        text = "# Benchmark results\n\n" + section
    RESULTS_FILE.write_text(text, encoding="utf-8")


def stop_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into SystemExit so the finally blocks stop gunicorn and the clients."""
    raise SystemExit(128 + signum)


def demo_cases(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM cases").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    load_before = load_average()
    connection_notes: list[str] = []
    log: list[tuple[Target, Round]] = []
    body_bytes: dict[Target, int] = {}
    warmup_errors: dict[Target, int] = {}
    bare = TARGETS[0]
    only = {path for path in args.only.split(",") if path}
    targets = tuple(t for t in TARGETS if t is bare or not only or t.path in only)
    pages = [t for t in targets if t.server != "bare"]
    # spawn: the clients must not inherit the parent's server handles or open files.
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp_name,
        context.Pool(args.concurrency) as pool,
        ExitStack() as servers,
    ):
        tmp = Path(tmp_name)
        env = server_env(tmp)
        accounts = seed_demo(env)
        cases = demo_cases(tmp / "bench.sqlite")
        ports: dict[str, int] = {}
        for server in APPS:
            probe = next(t.path for t in TARGETS if t.server == server)
            ports[server] = servers.enter_context(gunicorn(server, env, tmp, probe))
        staff_cookie = {"Cookie": sign_in(ports["portal"], accounts[CASEWORKER])}
        headers = {t: staff_cookie if t.staff else {} for t in TARGETS}
        for target in targets:
            port = ports[target.server]
            body_bytes[target], closed = preflight(port, target, headers[target])
            connection_notes.append(f"{target.path}: {'closed' if closed else 'kept alive'}")
            warm = drive(
                pool,
                port,
                target.path,
                args.warmup,
                args.concurrency,
                args.deadline,
                headers[target],
            )
            warmup_errors[target] = sum(r.errors for r in warm)

        def timed(target: Target, number: int) -> None:
            result = run_round(pool, ports[target.server], target, args, headers[target])
            log.append((target, result))
            print(
                f"round {number + 1} {target.path:30.30} requests={result.attempted} "
                f"errors={result.errors} rps={result.rps:.1f}"
            )

        for number in range(args.rounds):
            shift = number * len(pages) // args.rounds
            for index, target in enumerate(pages[shift:] + pages[:shift]):
                if index % BARE_EVERY == 0:
                    timed(bare, number)
                timed(target, number)
        timed(bare, args.rounds - 1)
    rounds = {t: [r for target, r in log if target == t] for t in targets}
    results = [summarise(t, rounds[t], body_bytes[t], warmup_errors[t]) for t in targets]
    all_closed = all(note.endswith("closed") for note in connection_notes)
    notes = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu_model(),
        "urdu": urdu_catalogue(),
        "cases": str(cases),
        "load_before": load_before,
        "load_after": load_average(),
        "connections": (
            "gunicorn closed the connection after every response, so each request opens "
            "a new TCP connection to 127.0.0.1 (the same for every target)."
            if all_closed
            else "; ".join(connection_notes) + "."
        ),
    }
    section = render_section(results, bracketing_ratios(log), args, notes)
    print()
    print(section)
    if not args.no_write:
        write_results(section)
        print(f"Wrote {RESULTS_FILE.relative_to(ROOT)}")
    failed = sum(r.errors + r.warmup_errors for r in results)
    if failed:
        print(f"{failed} request(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
