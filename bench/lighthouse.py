"""What a phone downloads for the notice and a journey, and Lighthouse's scores for them.

Why: issue 17 point 3. The CSS and JavaScript a page loads must reach a phone in at most
30 KB, compressed by the portal itself (the .br and .gz `make css` builds, served by
WhiteNoise), every file versioned so that a second visit asks for nothing; and Lighthouse
(Chromium, its default mobile settings) must score performance 100 on `/en/` and on a
journey page.

This script migrates an SQLite database in a temporary folder, starts gunicorn itself
(`portal:create_app()`, gunicorn.conf.py, 2 workers on 127.0.0.1), then for each page:

* transfer: fetches the page and every stylesheet and script it loads (and the modules
  those import), once for each Accept-Encoding (none, gzip, br), and adds up the bytes
  received; counts the files a second visit would ask for again (not cached for good);
* Lighthouse: runs the lighthouse npm package (package.json) --runs times against
  Debian's Chromium and keeps the median performance score and its run's metrics.

It records both, and the figures of the portal before this work (measured with this
script's --url against a server started from commit a350f00), in bench/RESULTS.md.

Run from the repository root (after `make setup`):  .venv/bin/python bench/lighthouse.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "RESULTS.md"
SECTION_TITLE = "## Transfer and Lighthouse (bench/lighthouse.py)"
COMMAND = ".venv/bin/python bench/lighthouse.py"
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-dev-shm-usage"
)
BUDGET_BYTES = 30 * 1024
PERFORMANCE_GOAL = 100
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
LIGHTHOUSE_TIMEOUT_S = 240.0
ENCODINGS = ("identity", "gzip", "br")
NOTICE = "/en/"
JOURNEY_START = "/en/get-a-copy"
JOURNEY_BEGIN = "/en/get-a-copy/begin"  # 303 to the first question, with a session cookie
MODULE_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")
METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "SI"),
)

# The portal at commit a350f00 (before issue 17 point 3), measured on 2026-12-06 with
# `bench/lighthouse.py --url` against gunicorn started from that commit on this machine:
# CSS and JavaScript bytes received for /en/, by Accept-Encoding, and the files a second
# visit asked for again (modules imported without a version).
# (Lighthouse then: performance 97 on /en/ (runs 99, 97, 96), 99 on /en/get-a-copy, 98 on
# its first question; SEO 90, for want of a meta description; load average 12.5.)
BEFORE = {
    "commit": "a350f00",
    "notice_css_js": {"identity": 195_274, "gzip": 195_274, "br": 195_274},
    "revalidated": 2,
    "performance": {NOTICE: 97, JOURNEY_START: 99},
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--no-lighthouse", action="store_true", help="transfer sizes only")
    parser.add_argument(
        "--url", help="measure a server already running at this base URL (nothing started)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(base: str, path: str, *, encoding: str = "identity", cookie: str = ""):
    """One GET on a new connection: status, headers (lower-case names) and body as sent."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Accept-Encoding": encoding}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class _Loads(HTMLParser):
    """The stylesheets and scripts a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") in ("stylesheet", "modulepreload"):
            self.urls.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"] or "")


def _plain(headers: dict[str, str], body: bytes) -> bytes:
    encoding = headers.get("content-encoding")
    if encoding == "gzip":
        import gzip

        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def transfer(base: str, path: str, cookie: str = "") -> dict:
    """Bytes of CSS and JS received per Accept-Encoding, and what a second visit re-asks."""
    status, _headers, html = get(base, path, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    parser = _Loads()
    parser.feed(html.decode())
    result: dict = {"html": len(html), "files": {}, "revalidated": []}
    for encoding in ENCODINGS:
        queue, seen, total = [urljoin(path, url) for url in parser.urls], set(), 0
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            status, headers, body = get(base, url, encoding=encoding, cookie=cookie)
            if status != 200:
                raise RuntimeError(f"{url}: {status}")
            total += len(body)
            if url.split("?")[0].endswith((".mjs", ".js")):
                text = _plain(headers, body).decode()
                queue += [urljoin(url, ref) for ref in MODULE_IMPORT.findall(text)]
            if encoding == "br":
                cache = headers.get("cache-control", "")
                if "immutable" not in cache and not re.search(r"max-age=[1-9]", cache):
                    result["revalidated"].append(url)
        result[encoding] = total
        result["files"] = sorted(seen)
    return result


def first_question(base: str) -> tuple[str, str]:
    """The journey's first question page and the session cookie that reaches it."""
    status, headers, _body = get(base, JOURNEY_BEGIN)
    if status != 303:
        raise RuntimeError(f"{JOURNEY_BEGIN}: {status}")
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    return urlsplit(headers["location"]).path, cookie


def lighthouse_binary() -> Path:
    found = os.environ.get("LIGHTHOUSE") or str(ROOT / "node_modules" / ".bin" / "lighthouse")
    if not Path(found).exists():
        raise SystemExit(f"no Lighthouse at {found}: run `make setup` (npm ci) first")
    return Path(found)


def lighthouse(base: str, path: str, runs: int, tmp: Path, cookie: str = "") -> dict:
    """Median performance score over the runs, with that run's metrics and other scores."""
    reports = []
    for run in range(runs):
        output = tmp / f"lighthouse-{len(reports)}-{run}.json"
        argv = [
            str(lighthouse_binary()),
            base + path,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--chrome-flags={CHROMIUM_FLAGS}",
        ]
        if cookie:
            argv.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = dict(os.environ, CHROME_PATH=CHROMIUM)
        subprocess.run(argv, check=True, env=env, timeout=LIGHTHOUSE_TIMEOUT_S, cwd=tmp)
        reports.append(json.loads(output.read_text(encoding="utf-8")))
    scores = [round(report["categories"]["performance"]["score"] * 100) for report in reports]
    median = sorted(scores)[len(scores) // 2]
    chosen = reports[scores.index(median)]
    return {
        "scores": scores,
        "performance": median,
        "metrics": {label: chosen["audits"][audit]["displayValue"] for audit, label in METRICS},
        "others": {
            name: round(category["score"] * 100)
            for name, category in chosen["categories"].items()
            if name != "performance"
        },
        "version": chosen["lighthouseVersion"],
        "browser": chosen["environment"]["hostUserAgent"],
    }


def server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        SECRET_KEY="bench-not-secret",  # noqa: S106  (a throwaway key for a local benchmark)
        PORTAL_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite'}",
        DELETION_LEDGER=str(tmp / "deletion-ledger.jsonl"),
        MAIL_FILE_DIR=str(tmp / "mail"),
    )
    return env


@contextmanager
def gunicorn(tmp: Path) -> Iterator[str]:
    """The portal under gunicorn in its own process group, stopped whatever happens."""
    env = server_env(tmp)
    flask = [sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"]
    subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = tmp / "gunicorn.log"
    argv = [
        *(sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"{HOST}:{port}"),
        *("--log-level", "warning", "--no-control-socket", "portal:create_app()"),
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
                if get(base, NOTICE)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer in time")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure(base: str, args: argparse.Namespace, tmp: Path) -> dict:
    question, cookie = first_question(base)
    pages = [(NOTICE, ""), (JOURNEY_START, ""), (question, cookie)]
    results = {}
    for path, page_cookie in pages:
        results[path] = {"transfer": transfer(base, path, page_cookie)}
        if not args.no_lighthouse:
            results[path]["lighthouse"] = lighthouse(base, path, args.runs, tmp, page_cookie)
    return results


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def render_section(results: dict, load: tuple[float, float], args: argparse.Namespace) -> tuple:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    notice = results[NOTICE]["transfer"]
    transfer_ok = notice["br"] <= BUDGET_BYTES and notice["gzip"] <= BUDGET_BYTES
    repeat_ok = all(not page["transfer"]["revalidated"] for page in results.values())
    lighthouse_ok = args.no_lighthouse or all(
        page["lighthouse"]["performance"] >= PERFORMANCE_GOAL for page in results.values()
    )
    passed = transfer_ok and repeat_ok and lighthouse_ok
    first = next(iter(results.values()))
    lines = [
        SECTION_TITLE,
        "",
        f"Recorded {now}.",
        "",
        f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"Linux {platform.release()}; 1-minute load average {load[0]:.2f} before the run and "
        f"{load[1]:.2f} after it (other work shared the machine; Lighthouse's simulated "
        "throttling makes its scores depend little on that).",
        "- Server: gunicorn, 2 workers (gunicorn.conf.py), 127.0.0.1, SQLite in a temporary "
        "folder; static files from WhiteNoise (the .br and .gz `make css` built).",
        "- Transfer: the bytes received (bodies as sent, headers not counted) for every "
        "stylesheet and script the page links, the print sheet included, and the modules "
        "those import. The page's own HTML is not compressed by the portal (it holds a CSRF "
        "token: compressing secrets next to reflected input invites BREACH).",
    ]
    if not args.no_lighthouse:
        lines.append(
            f"- Lighthouse {first['lighthouse']['version']}, default settings (mobile, "
            f"simulated slow 4G and 4x CPU slowdown), {args.runs} runs per page, the median "
            f"performance score kept; Chromium: `{first['lighthouse']['browser']}`."
        )
    lines += [
        "",
        "| page | CSS+JS none KB | gzip KB | br KB | files | asked again on a 2nd visit "
        "| HTML KB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    before = BEFORE["notice_css_js"]
    lines.append(
        f"| before ({BEFORE['commit']}, no compression): `{NOTICE}` | {kb(before['identity'])} "
        f"| {kb(before['gzip'])} | {kb(before['br'])} | 5 | {BEFORE['revalidated']} | 26.1 |"
    )
    for path, page in results.items():
        t = page["transfer"]
        lines.append(
            f"| `{path}` | {kb(t['identity'])} | {kb(t['gzip'])} | {kb(t['br'])} | "
            f"{len(t['files'])} | {len(t['revalidated'])} | {kb(t['html'])} |"
        )
    if not args.no_lighthouse:
        lines += [
            "",
            "| page | performance (median) | runs | FCP | LCP | TBT | CLS | SI | "
            "accessibility | best practices | SEO |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| before ({BEFORE['commit']}): `{NOTICE}` | {BEFORE['performance'][NOTICE]} | "
            "99, 97, 96 | 1.9 s | 2.3 s | 0 ms | 0 | 1.9 s | 100 | 100 | 90 |",
            f"| before ({BEFORE['commit']}): `{JOURNEY_START}` | "
            f"{BEFORE['performance'][JOURNEY_START]} | 98, 99, 99 | 1.7 s | 1.7 s | 0 ms | 0 "
            "| 1.7 s | 100 | 100 | 90 |",
        ]
        for path, page in results.items():
            lh = page["lighthouse"]
            metrics = " | ".join(lh["metrics"][label] for _audit, label in METRICS)
            others = lh["others"]
            lines.append(
                f"| `{path}` | {lh['performance']} | {', '.join(map(str, lh['scores']))} | "
                f"{metrics} | {others.get('accessibility')} | {others.get('best-practices')} "
                f"| {others.get('seo')} |"
            )
    lines += [
        "",
        f"Goals: CSS+JS for `{NOTICE}` at most {BUDGET_BYTES // 1024} KB compressed (br and "
        f"gzip): {'PASS' if transfer_ok else 'FAIL'}; nothing asked again on a second visit: "
        f"{'PASS' if repeat_ok else 'FAIL'}"
        + (
            ""
            if args.no_lighthouse
            else f"; Lighthouse performance {PERFORMANCE_GOAL} on every page measured: "
            f"{'PASS' if lighthouse_ok else 'FAIL'}"
        )
        + ".",
        "",
        f"**Verdict: {'PASS' if passed else 'FAIL'}.**",
        "",
        "Reproduce from the repository root (after `make setup`, which builds the static files "
        "and installs Lighthouse):",
        "",
        "```sh",
        COMMAND,
        "```",
        "",
    ]
    return "\n".join(lines), passed


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
    if not args.no_lighthouse:
        lighthouse_binary()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as folder:
        tmp = Path(folder)
        if args.url:
            results = measure(args.url.rstrip("/"), args, tmp)
        else:
            with gunicorn(tmp) as base:
                results = measure(base, args, tmp)
    section, passed = render_section(results, (load_before, os.getloadavg()[0]), args)
    print(section)
    print(json.dumps({path: page["transfer"] for path, page in results.items()}, indent=1))
    if not args.no_write:
        text = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.exists() else ""
        RESULTS_FILE.write_text(replace_section(text, section), encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
