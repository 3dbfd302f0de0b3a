"""PDF rendering: the portal against WeasyPrint alone, for a 1-page letter and a 100-page pack.

For each document, "portal" is the whole path the worker takes (reading the case, the
templates in the resident's language, WeasyPrint with the static-only fetcher, PDF/UA-1,
and for the pack the footers and bookmarks); "direct" is WeasyPrint given the same HTML
(captured from the portal's render) with the same base URL and PDF variant and its own
default fetcher. Each runs in a process of its own (the direct one never loads the
portal), kept alive for the whole measurement, and the renders are interleaved pair by pair
(portal then direct, then direct then portal, and so on), so drift in what else the
machine is doing reaches both alike. The overhead ratio is the median of the pairs'
ratios (portal time / direct time). Peak memory is each child process's maximum resident
set size, so the figures do not mix. Writes the "## PDF (bench/pdf.py)"
section of bench/RESULTS.md.

    .venv/bin/python bench/pdf.py            # --runs N --no-write
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## PDF (bench/pdf.py)"
PACK_ITEMS = 30  # typed records of about three pages each: a pack of about 100 pages
LINE = (
    "Home visit by the lead worker. The family talked about school attendance, the rent "
    "arrears plan and the next Team around the Family meeting; actions were agreed. "
)
GOAL_RATIO = 1.2
GOAL_PACK_SECONDS = 20.0


def make_app(folder: Path) -> Any:
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "SECRET_KEY": "bench-not-secret",
            "PUBLIC_BASE_URL": "http://portal.test",
        }
    )
    with app.app_context():
        upgrade()
    return app


def seed_pack_case(app: Any, items: int) -> int:
    """An approved access request with `items` typed records from four departments, made by
    the scenario builder (portal.cases.scenarios)."""
    from portal.cases.casework_models import ExemptionCode
    from portal.cases.models import CaseState
    from portal.cases.scenario_steps import Search
    from portal.cases.scenarios import Scenarios
    from portal.extensions import db

    received = datetime(2026, 10, 5, 10, tzinfo=UTC)
    with app.app_context():
        scenarios = Scenarios(db.session, cipher=app.extensions["evidence_cipher"])
        case = scenarios.case_in(CaseState.IN_PROGRESS, received=received)
        departments = ("Early Help", "Housing", "Schools", "Youth Justice")
        scenarios.search(case, searches=[Search(department) for department in departments])
        for number in range(items):
            scenarios.add_item(
                case,
                department=departments[number % len(departments)],
                title=f"Case note {number + 1}",
                content="\n\n".join(f"{index + 1}. {LINE * 3}" for index in range(14)),
                item_date=date(2026, 9, 1),
                exemptions=[ExemptionCode.THIRD_PARTY] if number % 5 == 0 else [],
                redaction_note="Names of other family members" if number % 5 == 0 else "",
            )
        return case.id


def render_pack(app: Any, case_id: int) -> tuple[bytes, str, int]:
    """The portal's pack, and the HTML it gave WeasyPrint."""
    from portal.cases.models import Case
    from portal.documents import packs
    from portal.extensions import db

    captured: list[str] = []
    original = packs.render_template

    def capture(*template: Any, **context: Any) -> str:
        html = original(*template, **context)
        captured.append(html)
        return html

    packs.render_template = capture  # type: ignore[assignment]
    try:
        with app.app_context():
            case = db.session.get(Case, case_id)
            pack = packs.build_response_pack(
                db.session, case, cipher=app.extensions["evidence_cipher"]
            )
    finally:
        packs.render_template = original  # type: ignore[assignment]
    return pack.pdf, captured[-1], pack.pages


def direct(html: str) -> bytes:
    """WeasyPrint alone: the same HTML, base URL and PDF variant; its default fetcher."""
    from weasyprint import HTML

    from portal.documents.pdf import STATIC_ROOT

    pdf = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/").write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf


def child(document: str, mode: str, html_file: Path) -> None:
    """One side of a measurement, in this (fresh) process: warm up, say "ready", then
    render once for each "render" line read from stdin and print the seconds it took; on
    "done", print the pages and peak RSS as JSON. The portal's side saves the HTML it
    rendered to `html_file` for the direct side, so the direct process never loads the
    portal."""
    if mode == "direct":
        html = html_file.read_text(encoding="utf-8")
        pdf = direct(html)  # warm-up: imports, fonts

        def work() -> object:
            return direct(html)
    else:
        app = make_app(Path(tempfile.mkdtemp(prefix="bench-pdf-")))
        case_id = seed_pack_case(app, PACK_ITEMS if document == "pack" else 0)
        render = RENDERERS[document]
        pdf, html, _pages = render(app, case_id)  # warm-up: imports, fonts, templates
        html_file.write_text(html, encoding="utf-8")

        def work() -> object:
            return render(app, case_id)

    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "render":
            break
        started = time.perf_counter()
        work()
        print(time.perf_counter() - started, flush=True)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"pages": pages, "peak_mib": peak_kib / 1024, "bytes": len(pdf)}))


def render_letter(app: Any, case_id: int) -> tuple[bytes, str, int]:
    """The portal's acknowledgement letter (one page), and the HTML it gave WeasyPrint."""
    from portal.cases.models import Case
    from portal.documents import letters
    from portal.extensions import db

    captured: list[str] = []
    original = letters.render_template

    def capture(*template: Any, **context: Any) -> str:
        html = original(*template, **context)
        captured.append(html)
        return html

    letters.render_template = capture  # type: ignore[assignment]
    try:
        with app.app_context():
            case = db.session.get(Case, case_id)
            letter = letters.render_letter(db.session, case, letters.LetterKind.ACKNOWLEDGEMENT)
    finally:
        letters.render_template = original  # type: ignore[assignment]
    return letter.pdf, captured[-1], letter.pages


RENDERERS: dict[str, Callable[[Any, int], tuple[bytes, str, int]]] = {
    "letter": render_letter,
    "pack": render_pack,
}


class Side:
    """A child process rendering one side (portal or direct) on command."""

    def __init__(self, document: str, mode: str, html_file: Path) -> None:
        command = [sys.executable, __file__, "--child", document, mode, str(html_file)]
        self.name = f"{document}/{mode}"
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._expect("ready")

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} stopped (exit {self.process.wait()})")
        return line.strip()

    def _expect(self, word: str) -> None:
        while (line := self._line()) != word:
            print(f"  {self.name}: {line}")

    def render(self) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write("render\n")
        self.process.stdin.flush()
        return float(self._line())

    def finish(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write("done\n")
        self.process.stdin.flush()
        result = json.loads(self._line())
        self.process.wait()
        return result


def measure(document: str, runs: int, html_file: Path) -> dict[str, Any]:
    """Interleaved renders, pair by pair, alternating which side goes first."""
    portal = Side(document, "portal", html_file)
    plain = Side(document, "direct", html_file)  # after the portal wrote the HTML
    times: dict[str, list[float]] = {"portal": [], "direct": []}
    try:
        for pair in range(runs):
            order = [("portal", portal), ("direct", plain)]
            for name, side in order if pair % 2 == 0 else order[::-1]:
                times[name].append(side.render())
    finally:
        finished = {"portal": portal.finish(), "direct": plain.finish()}
    return {"times": times, **finished}


def section(rows: list[dict[str, Any]], runs: dict[str, int]) -> tuple[str, bool]:
    loads = ", ".join(f"{row['load']:.2f} / {row['load_after']:.2f}" for row in rows)
    lines = [
        SECTION,
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; 1-minute load average before / after "
        f"each document: {loads}.",
        "- portal: the worker's path (case read from SQLite, templates in English, "
        "WeasyPrint with the static-only fetcher, PDF/UA-1, footers and bookmarks). direct: "
        "WeasyPrint given the HTML the portal rendered, with the same base URL and PDF "
        "variant and its default fetcher. Each in its own long-lived process after one "
        "untimed render; the timed renders alternate pair by pair (portal then direct, "
        "then direct then portal); time is the median of each side's renders, the ratio "
        "the median of the pairs' ratios; memory is the process's peak RSS.",
        f"- Pack: an access request with {PACK_ITEMS} typed records (about three pages "
        "each), four department searches, exemptions on every fifth record, and the "
        "privacy notice as its last section. Letter: the acknowledgement, the shortest "
        "letter the portal writes (two pages: the letter, then contacts and rights).",
        "",
        "| document | pages | runs | portal s (median) | direct s (median) | overhead ratio "
        "| portal peak MiB | direct peak MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    passed = True
    for row in rows:
        ratio = row["ratio"]
        passed &= ratio <= GOAL_RATIO
        if row["document"] == "pack":
            passed &= row["portal_s"] < GOAL_PACK_SECONDS
        lines.append(
            f"| {row['label']} | {row['pages']} | {runs[row['document']]} | "
            f"{row['portal_s']:.2f} | {row['direct_s']:.2f} | {ratio:.3f} | "
            f"{row['portal_mib']:.0f} | {row['direct_mib']:.0f} |"
        )
    verdict = "PASS" if passed else "FAIL"
    lines += [
        "",
        f"Goals: overhead ratio at most {GOAL_RATIO}; the 100-page pack in under "
        f"{GOAL_PACK_SECONDS:.0f} s. **Verdict: {verdict}.**",
        "",
        "Reproduce from the repository root:",
        "",
        "```sh",
        ".venv/bin/python bench/pdf.py   # --runs N --no-write",
        "```",
        "",
    ]
    return "\n".join(lines), passed


def write_section(body: str) -> None:
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in existing:
        before, _, rest = existing.partition(SECTION)
        following = rest.find("\n## ")
        after = rest[following + 1 :] if following != -1 else ""
        updated = before + body + ("\n" + after if after else "")
    else:
        updated = existing.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(updated, encoding="utf-8")


DOCUMENTS = {"letter": "Acknowledgement letter", "pack": "Response pack"}
# The goal speaks of a 1-page letter; the portal's shortest is two pages.


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0, help="timed renders (default: per doc)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        document, mode, html_file = args.child
        child(document, mode, Path(html_file))
        return 0
    runs = {"letter": args.runs or 10, "pack": args.runs or 3}
    rows = []
    for document, label in DOCUMENTS.items():
        load = os.getloadavg()[0]
        html_file = Path(tempfile.mkdtemp(prefix="bench-pdf-")) / f"{document}.html"
        measured = measure(document, runs[document], html_file)
        portal, plain = measured["times"]["portal"], measured["times"]["direct"]
        ratios = [p / d for p, d in zip(portal, plain, strict=True)]
        row = {
            "document": document,
            "label": label,
            "load": load,
            "load_after": os.getloadavg()[0],
            "pages": measured["portal"]["pages"],
            "portal_s": statistics.median(portal),
            "direct_s": statistics.median(plain),
            "ratio": statistics.median(ratios),
            "portal_mib": measured["portal"]["peak_mib"],
            "direct_mib": measured["direct"]["peak_mib"],
        }
        print(
            f"{label}: {row['pages']} pages, portal {row['portal_s']:.2f} s, "
            f"direct {row['direct_s']:.2f} s, ratio {row['ratio']:.3f} "
            f"(pairs: {', '.join(f'{r:.3f}' for r in ratios)})"
        )
        rows.append(row)
    body, passed = section(rows, runs)
    print(body)
    if not args.no_write:
        write_section(body)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
