"""Response packs made of an uploaded 100-page PDF: with its fonts, and without them.

An uploaded page goes into the pack as a tagged figure whose alt text holds the page's
words (portal/documents/uploaded_pages.py). A page whose font the file does not carry is
drawn as a picture instead (150 dpi), so that every font in the pack is embedded. This
measures what that costs on a whole pack: the time `packs.build_response_pack` takes, the
pack's size, and the process's peak memory, for the same 100 pages of text (a) with their
fonts embedded and (b) naming Helvetica without carrying it. Each case is rendered in its
own child process so that the peak memory figures do not mix. Writes the
"## Uploaded PDFs in a pack (bench/uploaded_pages.py)" section of bench/RESULTS.md.

    .venv/bin/python bench/uploaded_pages.py      # --pages N --runs N --no-write
"""

from __future__ import annotations

import argparse
import importlib.util
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

SECTION = "## Uploaded PDFs in a pack (bench/uploaded_pages.py)"
GOAL_PACK_SECONDS = 20.0  # the goal for a 100-page pack
LINES_A_PAGE = 45
LINE = "Tenancy visit {n}: rent account reviewed, repairs reported and a follow-up agreed."


def _pdf_bench() -> Any:
    """bench/pdf.py, for its app and its RESULTS.md writer (one copy of each)."""
    spec = importlib.util.spec_from_file_location("bench_pdf", ROOT / "bench" / "pdf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upload(pages: int, *, fonts: bool) -> bytes:
    """`pages` pages of LINES_A_PAGE lines: made by WeasyPrint (fonts embedded), or drawn
    in Helvetica that the file names but does not carry."""
    lines = [
        [LINE.format(n=page * LINES_A_PAGE + n + 1) for n in range(LINES_A_PAGE)]
        for page in range(pages)
    ]
    if fonts:
        from weasyprint import HTML

        body = "".join(
            "<section style='break-before: page; font: 10pt sans-serif'>"
            + "".join(f"<p style='margin: 0'>{line}</p>" for line in page)
            + "</section>"
            for page in lines
        )
        return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()
    import pikepdf

    pdf = pikepdf.new()
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for page in lines:
        text = (
            b"BT /F1 10 Tf 56 790 Td 16 TL "
            + b"".join(b"(%s) Tj T* " % line.encode("latin-1") for line in page)
            + b"ET"
        )
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=[0, 0, 595, 842],
                    Contents=pdf.make_stream(text),
                    Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helvetica)),
                )
            )
        )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def child(pages: int, fonts: bool, runs: int) -> dict[str, Any]:
    """In a process of its own: seed a case with the upload (by the scenario builder), render
    its pack `runs` times."""
    from portal.cases.casework_models import DisclosureKind
    from portal.cases.models import Case, CaseState
    from portal.cases.scenario_steps import Search
    from portal.cases.scenarios import Scenarios
    from portal.documents import packs
    from portal.extensions import db

    received = datetime(2026, 10, 5, 10, tzinfo=UTC)
    app = _pdf_bench().make_app(Path(tempfile.mkdtemp(prefix="bench-uploads-")))
    content = upload(pages, fonts=fonts)
    with app.app_context():
        cipher = app.extensions["evidence_cipher"]
        scenarios = Scenarios(db.session, cipher=cipher)
        case = scenarios.case_in(CaseState.IN_PROGRESS, received=received)
        scenarios.search(case, searches=[Search("Housing")])
        scenarios.add_item(
            case,
            department="Housing",
            title="Tenancy file",
            kind=DisclosureKind.UPLOADED,
            content=content,
            media_type="application/pdf",
            original_name="tenancy.pdf",
            item_date=date(2026, 9, 1),
        )
        case_id = case.id
        times, size, total = [], 0, 0
        for _ in range(runs):
            case = db.session.get(Case, case_id)
            started = time.perf_counter()
            pack = packs.build_response_pack(db.session, case, cipher=cipher)
            times.append(time.perf_counter() - started)
            size, total = len(pack.pdf), pack.pages
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "times": times,
        "size": size,
        "pages": total,
        "upload": len(content),
        "peak_mib": peak_mib,
    }


def measure(pages: int, fonts: bool, runs: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(pages),
            "1" if fonts else "0",
            "--runs",
            str(runs),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def section(
    rows: list[dict[str, Any]], pages: int, runs: int, load: tuple[float, float]
) -> tuple[str, bool]:
    worst = max(statistics.median(row["times"]) for row in rows)
    passed = worst < GOAL_PACK_SECONDS
    lines = [
        SECTION,
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average (1 minute) {load[0]:.2f} before "
        f"and {load[1]:.2f} after.",
        f"- Case: one uploaded PDF of {pages} A4 pages, {LINES_A_PAGE} lines of text each. "
        '"Fonts embedded": made by WeasyPrint. "Font not in the file": drawn in Helvetica that '
        "the file names but does not carry, as older records systems do; each such page is "
        "drawn as a 150 dpi picture (grey: 16 shades, 4 bits a pixel, no loss).",
        f"- Timed: `packs.build_response_pack` (decrypt, read each page's words with PDFium, "
        f"picture the pages that need it, WeasyPrint the rest of the pack, draw the pages in), "
        f"median of {runs} runs, in a child process per case; peak RSS is that process's.",
        "",
        "| upload | pack pages | upload MiB | pack MiB | seconds | ms an uploaded page "
        "| peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds = statistics.median(row["times"])
        lines.append(
            f"| {row['label']} | {row['pages']} | {row['upload'] / 2**20:.1f} | "
            f"{row['size'] / 2**20:.1f} | {seconds:.2f} | {seconds / pages * 1000:.0f} | "
            f"{row['peak_mib']:.0f} |"
        )
    verdict = "PASS" if passed else "FAIL"
    lines += [
        "",
        f"Goal: a {pages}-page pack in under {GOAL_PACK_SECONDS:.0f} s. Slowest: {worst:.2f} s. "
        f"**Verdict: {verdict}.**",
        "",
        "```sh",
        ".venv/bin/python bench/uploaded_pages.py   # --pages N --runs N --no-write",
        "```",
        "",
    ]
    return "\n".join(lines), passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pages, fonts = int(args.child[0]), args.child[1] == "1"
        print(json.dumps(child(pages, fonts, args.runs)))
        return 0
    load_before = os.getloadavg()[0]
    rows = []
    for label, fonts in (("Fonts embedded", True), ("Font not in the file", False)):
        row = measure(args.pages, fonts, args.runs) | {"label": label}
        print(f"{label}: {statistics.median(row['times']):.2f} s, {row['size'] / 2**20:.1f} MiB")
        rows.append(row)
    body, passed = section(rows, args.pages, args.runs, (load_before, os.getloadavg()[0]))
    print(body)
    if not args.no_write:
        _write(body)
    return 0 if passed else 1


def _write(body: str) -> None:
    """Replace this script's section of bench/RESULTS.md, leaving the others alone."""
    module = _pdf_bench()
    module.SECTION = SECTION
    module.write_section(body)


if __name__ == "__main__":
    sys.exit(main())
