"""What one image upload costs a worker: peak memory added and seconds, per file.

`inspect_upload` (portal/evidence/inspection.py) decodes every JPEG and PNG and encodes its
pixels again. Issue 15 found a 131 KB, 6300 x 6300 PNG took 3-10 s and +318 MB in one
worker; the goal is under ~100 MB and ~2 s for any one upload. Each file is checked in its
own child process, so one file's peak does not hide another's: the figure is the child's
peak resident memory (VmHWM) less its resident memory just before the check, with the
portal already imported and the file already read. Writes the "## Image uploads: memory
and time (bench/uploads_memory.py)" section of bench/RESULTS.md.

    .venv/bin/python bench/uploads_memory.py      # --runs N --no-write
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Image uploads: memory and time (bench/uploads_memory.py)"
GOAL_MIB = 100
GOAL_SECONDS = 2.0


def uniform_png(width: int, height: int) -> bytes:
    """A white RGB PNG, its rows compressed as they are made (the whole image is never
    held): 6300 x 6300 gives the issue's ~131 KB file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    compressor = zlib.compressobj(9)
    row = b"\0" + b"\xff" * (width * 3)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def phone_photo(width: int = 4032, height: int = 3024) -> bytes:
    """A 12-megapixel JPEG at quality 90 with a photo's amount of detail (a few MB)."""
    from PIL import Image

    detail = Image.effect_noise((width, height), 24)
    shade = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (detail, shade, Image.blend(detail, shade, 0.5)))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=90)
    return output.getvalue()


def large_jpeg(width: int = 7200, height: int = 5400) -> bytes:
    """A 39-megapixel JPEG (under MAX_PIXELS): decoded at half its size."""
    from PIL import Image

    output = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(output, "JPEG")
    return output.getvalue()


def transparent_png(width: int = 4000, height: int = 4000) -> bytes:
    """The largest PNG decoded in full: 16 million pixels with transparency (RGBA)."""
    from PIL import Image

    shade = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGBA", (shade, shade.transpose(Image.Transpose.ROTATE_90), shade, shade))
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


CASES = {
    "png-6300": ("PNG 6300 x 6300, white (the issue's file)", lambda: uniform_png(6300, 6300)),
    "phone-jpeg": ("JPEG 4032 x 3024, phone photo", phone_photo),
    "jpeg-7200": ("JPEG 7200 x 5400 (39 megapixels)", large_jpeg),
    "png-rgba": ("PNG 4000 x 4000 with transparency (largest decoded)", transparent_png),
    "png-scan": ("PNG 2480 x 3508 (A4 at 300 dpi), white", lambda: uniform_png(2480, 3508)),
}


def _status_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, from Linux's /proc. Not ru_maxrss: it
    keeps the parent's peak across fork and exec, so the child would report the parent's
    memory from making the files."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def child(path: Path) -> dict[str, Any]:
    from portal.evidence.inspection import EvidenceRejected, inspect_upload

    data = path.read_bytes()
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    try:
        outcome = f"accepted, {len(inspect_upload(data, path.name).content) // 1024} KiB kept"
    except EvidenceRejected as refusal:
        outcome = f"refused: {refusal.reason}"
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM")
    return {"seconds": seconds, "extra_mib": max(0, peak - before) / 1024, "outcome": outcome}


def measure(path: Path, runs: int) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout))
    return {
        "seconds": max(r["seconds"] for r in results),
        "extra_mib": max(r["extra_mib"] for r in results),
        "outcome": results[0]["outcome"],
    }


def section(rows: list[tuple[str, int, dict[str, Any]]], runs: int, load: float) -> str:
    lines = [
        SECTION,
        "",
        f"- When: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work (load {load:.1f} at the start).",
        f"- Each file checked by `inspect_upload` in a fresh child process, {runs} run(s); "
        "the worst run is shown. Extra memory: the child's peak resident memory less its "
        "resident memory just before the check.",
        f"- Goal (issue 15 point 5): under {GOAL_MIB} MiB extra and {GOAL_SECONDS:g} s for any "
        "one upload. Before the change the 6300 x 6300 PNG took 3-10 s and +318 MB.",
        "",
        "| file | file KiB | outcome | seconds | extra MiB | within goal |",
        "|---|---:|---|---:|---:|---|",
    ]
    for label, size, result in rows:
        ok = result["seconds"] <= GOAL_SECONDS and result["extra_mib"] <= GOAL_MIB
        lines.append(
            f"| {label} | {size // 1024} | {result['outcome']} | {result['seconds']:.2f} | "
            f"{result['extra_mib']:.0f} | {'yes' if ok else 'NO'} |"
        )
    lines += ["", "```", ".venv/bin/python bench/uploads_memory.py   # --runs N --no-write", "```"]
    return "\n".join(lines) + "\n"


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return 0
    load = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    rows = []
    for name, (label, make) in CASES.items():
        path = folder / name
        path.write_bytes(make())
        result = measure(path, args.runs)
        rows.append((label, path.stat().st_size, result))
        print(f"{label}: {result}", file=sys.stderr)
    body = section(rows, args.runs, load)
    print(body)
    if not args.no_write:
        write_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
