"""The notice page's latency, quiet and during a flood of anonymous staff sign-in attempts.

Why: issue 15 point 4. Eight concurrent anonymous sign-in posts (argon2 costs ~0.7 s each)
once pushed the notice page from p50 39 ms to 2,826 ms. The per-client limits (checked
before any password is hashed) and the cap on concurrent hashes per worker should keep the
notice page's p50 and p95 during the flood within 3 times its quiet figures.

This script builds an SQLite database with the demonstration data (`flask db upgrade`,
`flask demo seed`) in a temporary folder, starts gunicorn itself with the repository's
gunicorn.conf.py (2 workers of 8 threads on 127.0.0.1, the portal's default limits and
PASSWORD_HASH_CONCURRENCY=1), measures the notice page quiet, then during 8 concurrent
sign-in posts (each with its own session and CSRF token, a real staff address and a wrong
password), then during 32 (more than the threads set aside to hold refused clients: for
information, not judged), in one run, and records p50/p95 and the verdict in
bench/RESULTS.md.

Run from the repository root:  .venv/bin/python bench/abuse.py
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "RESULTS.md"
SECTION_TITLE = "## Abuse (bench/abuse.py)"
COMMAND = ".venv/bin/python bench/abuse.py"
HOST = "127.0.0.1"
WORKERS = 2
THREADS = 8  # gunicorn.conf.py's
GOAL = 3.0  # flood p50 and p95 at most this many times the quiet ones
NOTICE = "/en/"
SIGN_IN = "/staff/sign-in"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
REQUEST_TIMEOUT_S = 30.0
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STAFF_EMAIL = re.compile(r"([a-z0-9.\-]+@[a-z0-9.\-]+)", re.IGNORECASE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quiet-seconds", type=float, default=15.0, help="quiet phase length")
    parser.add_argument("--flood-seconds", type=float, default=20.0, help="flood phase length")
    parser.add_argument("--attackers", type=int, default=8, help="concurrent sign-in posters")
    parser.add_argument(
        "--heavy-attackers",
        type=int,
        default=32,
        help="a second, heavier flood reported for information (0: none)",
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per worker")
    parser.add_argument(
        "--unbounded",
        action="store_true",
        help="for comparison: no sign-in limit and no hashing cap (implies --no-write)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(
    port: int, method: str, path: str, *, body: str = "", cookie: str = ""
) -> tuple[int, bytes, str]:
    """One request on a new connection: status, body and any session cookie set."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        set_cookie = response.getheader("Set-Cookie") or ""
        return response.status, response.read(), set_cookie.split(";", 1)[0]
    finally:
        conn.close()


def server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # the embedded default: counters in the database
    env.update(
        SECRET_KEY="bench-not-secret",  # noqa: S106  (a throwaway key for a local benchmark)
        PORTAL_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite'}",
        DELETION_LEDGER=str(tmp / "deletion-ledger.jsonl"),
        MAIL_FILE_DIR=str(tmp / "mail"),
    )
    env["PASSWORD_HASH_CONCURRENCY"] = "1"  # noqa: S105  (a number, not a password)
    return env


def seed(env: dict[str, str], tmp: Path) -> str:
    """Migrate and seed the demonstration data; a staff address from its table."""
    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [*flask, "demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    match = STAFF_EMAIL.search(seeded.stdout)
    return match.group(1) if match else "nobody@example.org"


@contextmanager
def gunicorn(env: dict[str, str], tmp: Path, workers: int, threads: int) -> Iterator[int]:
    """gunicorn in its own process group, stopped (or killed) whatever happens."""
    port = free_port()
    log = tmp / "gunicorn.log"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",  # gthread and the refusal gate's slots come from gunicorn.conf.py
        str(threads),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--no-control-socket",
        "portal:create_app()",
    ]
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')}")
            try:
                if request(port, "GET", NOTICE)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer in time")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure_notice(port: int, seconds: float) -> list[float]:
    """Sequential GETs of the notice page for `seconds`; each latency in ms."""
    cuts: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        status, body, _ = request(port, "GET", NOTICE)
        cuts.append((time.perf_counter() - started) * 1000)
        if status != 200 or b"<main" not in body:
            raise RuntimeError(f"GET {NOTICE} answered {status}")
    return cuts


def attacker(job: tuple[int, str, float]) -> dict[int, int]:
    """One attacking client, in a process of its own (so it never competes with the
    measuring client for a GIL): a session and CSRF token as a browser gets them, then
    sign-in posts with wrong passwords, one after another, until the deadline."""
    port, email, seconds = job
    statuses: Counter[int] = Counter()
    _, page, cookie = request(port, "GET", SIGN_IN)
    token = CSRF.search(page.decode("utf-8", "replace"))
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        body = urlencode(
            {"csrf_token": token.group(1) if token else "", "email": email, "password": f"x{n}"}
        )
        status, _, _ = request(port, "POST", SIGN_IN, body=body, cookie=cookie)
        statuses[status] += 1
        n += 1
    return dict(statuses)


def percentile(cuts: list[float], p: int) -> float:
    return statistics.quantiles(cuts, n=100, method="inclusive")[p - 1]


def run(
    args: argparse.Namespace,
) -> tuple[dict[str, list[float]], dict[str, Counter[int]]]:
    with tempfile.TemporaryDirectory(prefix="bench-abuse-") as folder:
        tmp = Path(folder)
        env = server_env(tmp)
        if args.unbounded:
            env["RATE_LIMITS"] = "staff_sign_in=1000000/60"
            env["PASSWORD_HASH_CONCURRENCY"] = "1000"  # noqa: S105  (a number)
        email = seed(env, tmp)
        with gunicorn(env, tmp, args.workers, args.threads) as port:
            measure_notice(port, 2.0)  # warm-up, untimed
            phases = {"quiet": measure_notice(port, args.quiet_seconds)}
            statuses: dict[str, Counter[int]] = {}
            floods = {"flood": args.attackers, "heavy flood": args.heavy_attackers}
            for name, attackers in floods.items():
                if attackers > 0:
                    phases[name], statuses[name] = flood(port, email, attackers, args)
    return phases, statuses


def flood(
    port: int, email: str, attackers: int, args: argparse.Namespace
) -> tuple[list[float], Counter[int]]:
    """The notice page measured while `attackers` clients post sign-ins."""
    statuses: Counter[int] = Counter()
    jobs = [(port, email, args.flood_seconds)] * attackers
    with multiprocessing.Pool(attackers) as pool:
        pending = pool.map_async(attacker, jobs)
        time.sleep(0.5)  # the attackers have their sessions and are posting
        cuts = measure_notice(port, args.flood_seconds - 1.0)
        for result in pending.get(timeout=args.flood_seconds + 60):
            statuses.update(result)
    return cuts, statuses


def render_section(
    phases: dict[str, list[float]],
    statuses: dict[str, Counter[int]],
    args: argparse.Namespace,
) -> tuple[str, bool]:
    figures = {name: (percentile(c, 50), percentile(c, 95)) for name, c in phases.items()}
    quiet_p50, quiet_p95 = figures["quiet"]
    ratios = {name: (p50 / quiet_p50, p95 / quiet_p95) for name, (p50, p95) in figures.items()}
    passed = max(ratios["flood"]) <= GOAL
    rows = [
        f"| {name} | {len(phases[name])} | {p50:.1f} | {p95:.1f} | "
        f"{ratios[name][0]:.2f}x | {ratios[name][1]:.2f}x |"
        for name, (p50, p95) in figures.items()
    ]
    posts = [
        f"- Sign-in posts answered during the {name}, by status: "
        + ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
        + "."
        for name, counts in statuses.items()
    ]
    section = "\n".join(
        [
            SECTION_TITLE,
            "",
            f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            "",
            f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; 1-minute load average at the end "
            f"{os.getloadavg()[0]:.2f} (the attackers run on the same cores as the server).",
            f"- Server: gunicorn {version('gunicorn')} with `gunicorn.conf.py`, {args.workers} "
            f"gthread workers of {args.threads} threads on {HOST} ({args.threads} - 2 of each "
            "may hold a refused client), SQLite with the demonstration data (`flask demo "
            "seed`), the default per-client limits (database counters) and "
            "`PASSWORD_HASH_CONCURRENCY=1`.",
            f"- Quiet: one client GETs `{NOTICE}` back to back for {args.quiet_seconds:.0f} s "
            f"(after 2 s untimed). Flood: the same for {args.flood_seconds:.0f} s while "
            f"{args.attackers} clients post anonymous sign-ins (processes of their own, each "
            "with a session and CSRF token got as a browser would, then a demo staff address and "
            "wrong passwords) one after another, as fast as they are answered; the notice "
            "is measured from 0.5 s after they start until 0.5 s before they stop. Heavy "
            f"flood: the same with {args.heavy_attackers} clients, more than the threads set "
            "aside to hold them (for information; the goal is for the flood).",
            *posts,
            "",
            "| phase | notice requests | p50 ms | p95 ms | p50 / quiet | p95 / quiet |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Flood / quiet: p50 {ratios['flood'][0]:.2f}x, p95 {ratios['flood'][1]:.2f}x "
            f"(goal: each at most {GOAL:.0f}x).",
            "",
            f"**Verdict: {'PASS' if passed else 'FAIL'}.**",
            "",
            "Reproduce from the repository root:",
            "",
            "```sh",
            COMMAND,
            "```",
            "",
        ]
    )
    return section, passed


def replace_section(text: str, section: str) -> str:
    """Swap in this script's section, leaving any other benchmark's sections untouched."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION_TITLE), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "".join(lines[end:])
    return "".join(lines[:start]) + section + ("\n" + rest if rest else "")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    phases, statuses = run(args)
    section, passed = render_section(phases, statuses, args)
    print(section)
    if not (args.no_write or args.unbounded):
        text = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.exists() else ""
        RESULTS_FILE.write_text(replace_section(text, section), encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
