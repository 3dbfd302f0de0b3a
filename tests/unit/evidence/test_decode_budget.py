"""One image upload stays within a memory and time budget (issue 15 point 5).

A 131 KB, 6300 x 6300 PNG (under MAX_PIXELS) used to take 3-10 s and +318 MB in a worker.
Now a PNG over MAX_DECODED_PIXELS is refused from its header, and a JPEG over it is decoded
at a half, quarter or eighth of its size (bench/uploads_memory.py measures both).
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from portal.evidence.images import MAX_DECODED_PIXELS
from portal.evidence.inspection import MAX_PIXELS, EvidenceRejected, RejectionReason, inspect_upload

ROOT = Path(__file__).resolve().parents[3]


def white_png(width: int, height: int) -> bytes:
    """A white RGB PNG made row by row, so the test never holds the whole image."""

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


def grey_jpeg(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).save(output, "JPEG")
    return output.getvalue()


def test_the_issues_6300_square_png_is_refused_at_once_as_too_big():
    data = white_png(6300, 6300)
    assert len(data) < 200 * 1024 and MAX_DECODED_PIXELS < 6300 * 6300 < MAX_PIXELS
    started = time.perf_counter()
    with pytest.raises(EvidenceRejected) as refusal:
        inspect_upload(data, "scan.png")
    assert time.perf_counter() - started < 2.0
    assert refusal.value.reason == RejectionReason.TOO_MANY_PIXELS


def test_the_6300_square_png_adds_under_100_mb_to_a_fresh_process(tmp_path):
    # Peak resident memory (VmHWM) of a fresh interpreter, less its memory before the check.
    path = tmp_path / "scan.png"
    path.write_bytes(white_png(6300, 6300))
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from portal.evidence.inspection import EvidenceRejected, inspect_upload
        def kib(field):
            for line in open("/proc/self/status"):
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        data = open({str(path)!r}, "rb").read()
        before = kib("VmRSS")
        try:
            inspect_upload(data, "scan.png")
        except EvidenceRejected:
            pass
        print(kib("VmHWM") - before)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(out.stdout) < 100 * 1024


def test_a_png_within_the_decode_budget_is_accepted():
    clean = inspect_upload(white_png(2480, 3508), "a4-at-300-dpi.png")  # A4 at 300 dpi
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.size == (2480, 3508)


def test_a_twelve_megapixel_phone_photo_keeps_its_full_size():
    clean = inspect_upload(grey_jpeg(4032, 3024), "photo.jpg")
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.size == (4032, 3024)


def test_a_jpeg_over_the_decode_budget_is_accepted_at_half_its_size():
    width, height = 5000, 4000
    assert width * height > MAX_DECODED_PIXELS
    started = time.perf_counter()
    clean = inspect_upload(grey_jpeg(width, height), "photo.jpg")
    assert time.perf_counter() - started < 2.0
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.size == (2500, 2000)
