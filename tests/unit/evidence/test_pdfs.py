"""PDF evidence on pikepdf: what the structure check finds that a reader of the bytes missed,
the budget of the child process it runs in, and refusals that are never an error page.

The hostile files of tests/unit/evidence/test_inspection.py hold for this check unchanged;
these are the cases it adds. Builders come from there.
"""

from __future__ import annotations

import logging
import re
import resource
import struct
import sys
import zlib

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from portal.evidence import pdf_structure, pdfs
from portal.evidence.inspection import (
    MAX_BYTES,
    PDF,
    EvidenceRejected,
    RejectionReason,
    inspect_upload,
)
from tests.unit.evidence.test_inspection import (
    CATALOG,
    HIDDEN_ACTION,
    HIDDEN_FIRST,
    PAGE,
    PAGES,
    handmade_pdf,
    object_stream,
    one_page_pdf,
    pdf_bytes,
    rejection,
    stream_object,
)

SCRIPT_OBJECT = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
PAGE_WITH_CONTENTS = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"


def with_unlisted_object(data: bytes, text: bytes) -> bytes:
    """``data`` (a handmade PDF) with one more object before its xref table, which the table
    does not list: only a reader that rebuilds the table finds it."""
    at = data.index(b"xref\n")
    data = data[:at] + text + data[at:]
    return re.sub(rb"startxref\n\d+", b"startxref\n%d" % (at + len(text)), data)


def png_predicted(data: bytes, columns: int) -> bytes:
    """``data`` as rows for the PNG predictor (/Predictor 12), each row unfiltered."""
    data += b"\0" * (-len(data) % columns)
    return b"".join(b"\0" + data[i : i + columns] for i in range(0, len(data), columns))


def object_stream_bomb(padding: int) -> bytes:
    """A one-page PDF whose objects live in an object stream that a cross-reference stream
    points to, the stream padded with ``padding`` spaces: qpdf decodes it whole on opening."""
    objects = {1: CATALOG, 2: PAGES, 3: PAGE}
    header, body = b"", b""
    for number, text in objects.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    packer = zlib.compressobj(1)
    chunk = b" " * 2**20
    packed = packer.compress(header + body)
    packed += b"".join(packer.compress(chunk) for _ in range(padding // len(chunk)))
    packed += packer.flush()
    output = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(output)
    output += b"4 0 obj\n" + stream_object(
        b"/Type /ObjStm /N 3 /First %d /Filter /FlateDecode" % len(header), packed
    )
    output += b"\nendobj\n"
    xref_at = len(output)
    rows = struct.pack(">BIH", 0, 0, 65535)
    rows += b"".join(struct.pack(">BIH", 2, 4, index) for index in range(3))
    rows += struct.pack(">BIH", 1, stream_at, 0) + struct.pack(">BIH", 1, xref_at, 0)
    xref = b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
    output += b"5 0 obj\n" + stream_object(xref, zlib.compress(rows)) + b"\nendobj\n"
    return output + b"startxref\n%d\n%%%%EOF\n" % xref_at


# --- What pikepdf resolves ---------------------------------------------------------------


def test_script_in_a_page_stream_whose_filter_is_in_another_object_is_refused():
    # A /Filter kept in an object of its own is legal; the hand parser left such a stream
    # undecoded and accepted the file.
    hidden = b"9 0 obj " + SCRIPT_OBJECT + b" endobj"
    data = handmade_pdf(
        CATALOG,
        PAGES,
        PAGE_WITH_CONTENTS,
        stream_object(b"/Filter 5 0 R", zlib.compress(hidden)),
        b"[/FlateDecode]",
    )
    assert b"JavaScript" not in data
    assert rejection(data, "letter.pdf") == RejectionReason.ACTIVE_CONTENT


def test_script_in_an_object_stream_with_a_predictor_is_refused_for_its_script():
    # The hand parser could not undo a predictor in an object stream and called the file
    # damaged; the resident is now told what is really wrong with it.
    objects = b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % HIDDEN_FIRST
    objects += b" /DecodeParms << /Predictor 12 /Columns 8 >>"
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        PAGES,
        PAGE,
        stream_object(objects, zlib.compress(png_predicted(HIDDEN_ACTION, 8))),
    )
    assert b"JavaScript" not in data
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


def test_script_behind_indirect_references_in_an_object_stream_is_refused():
    pdf = one_page_pdf()
    script = pdf.make_indirect(pikepdf.String("app.alert(1)"))
    kind = pdf.make_indirect(pikepdf.Name.JavaScript)
    action = pdf.make_indirect(pikepdf.Dictionary(S=kind, JS=script))
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(Next=action))
    data = pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in data
    with pytest.raises(EvidenceRejected) as caught:
        inspect_upload(data, "form.pdf")
    assert caught.value.reason == RejectionReason.ACTIVE_CONTENT
    assert "/JavaScript" in caught.value.detail


@pytest.mark.parametrize(
    "listed_as",
    [b"7 0 obj", b"3 0 obj"],
    ids=["an-object-no-table-lists", "a-later-copy-of-the-page"],
)
def test_object_only_a_repairing_reader_finds_is_refused(listed_as):
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 8 0 R >> >>"
    text = page if listed_as.startswith(b"3 ") else SCRIPT_OBJECT
    unlisted = listed_as + b"\n" + text + b"\nendobj\n"
    data = with_unlisted_object(handmade_pdf(CATALOG, PAGES, PAGE), unlisted)
    with pytest.raises(EvidenceRejected) as caught:
        inspect_upload(data, "statement.pdf")
    assert caught.value.reason == RejectionReason.ACTIVE_CONTENT
    assert "repairing" in caught.value.detail


@pytest.mark.parametrize(
    ("held", "reason"),
    [
        (b"<< /Title (Statement) >> endobj 9 0 obj " + SCRIPT_OBJECT, "active_content"),
        (b"<< /Title (Statement) >> " + SCRIPT_OBJECT, "active_content"),
        (b"<< /Length 5 >> stream\nhello\nendstream", "corrupt"),
        (b"<< /Title (Statement >>", "corrupt"),
    ],
    ids=["after-endobj", "second-object", "a-stream", "string-left-open"],
)
def test_everything_an_object_stream_holds_is_read(held, reason):
    # The header points at the first object only; a reader that parses on finds the rest.
    objects = object_stream({5: held})
    dictionary = b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % objects.index(b"<<")
    data = handmade_pdf(CATALOG, PAGES, PAGE, stream_object(dictionary, zlib.compress(objects)))
    assert rejection(data, "statement.pdf") == reason


def link_with(action: pikepdf.Dictionary) -> bytes:
    pdf = one_page_pdf()
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 20], A=action
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))
    return pdf_bytes(pdf)


@pytest.mark.parametrize(
    "action",
    [
        {"S": pikepdf.Name.Launch, "F": pikepdf.String("cmd.exe")},
        {"S": pikepdf.Name.SubmitForm, "F": pikepdf.String("https://evil.example/")},
        {"S": pikepdf.Name.ImportData, "F": pikepdf.String("data.fdf")},
        {"S": pikepdf.Name.GoToR, "F": pikepdf.String("\\\\evil.example\\share\\a.pdf")},
        {"S": pikepdf.Name.GoToE, "D": pikepdf.Array([0, pikepdf.Name.Fit])},
        {"S": pikepdf.Name.JavaScript, "JS": pikepdf.String("app.alert(1)")},
        {"S": pikepdf.Name.Rendition, "OP": 0},
    ],
    ids=lambda action: str(action["S"]),
)
def test_link_that_runs_or_opens_something_outside_the_document_is_refused(action):
    assert rejection(link_with(pikepdf.Dictionary(**action))) == RejectionReason.ACTIVE_CONTENT


def test_link_to_a_page_of_the_same_document_is_accepted():
    pdf_link = link_with(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[0, pikepdf.Name.Fit]))
    assert inspect_upload(pdf_link, "letter.pdf").media_type == PDF


def test_form_with_a_keystroke_script_or_an_xfa_form_is_refused():
    keystroke = one_page_pdf()
    field = keystroke.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("name"),
            AA=pikepdf.Dictionary(
                K=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("1"))
            ),
        )
    )
    keystroke.Root.AcroForm = pikepdf.Dictionary(Fields=[field])
    xfa = one_page_pdf()
    xfa.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=xfa.make_stream(b"<xdp:xdp/>"))
    assert rejection(pdf_bytes(keystroke)) == RejectionReason.ACTIVE_CONTENT
    assert rejection(pdf_bytes(xfa)) == RejectionReason.ACTIVE_CONTENT


# --- Files real programs write ---------------------------------------------------------


def test_stream_lengths_kept_in_objects_of_their_own_are_accepted():
    # Cairo (pdftocairo, Inkscape) writes each stream's /Length as a numeric object, which
    # pikepdf gives as a Python int rather than an object.
    content = zlib.compress(b"q 0 0 1 rg 0 0 100 100 re f Q")
    contents = b"<< /Length 5 0 R /Filter /FlateDecode >>\nstream\n%s\nendstream" % content
    data = handmade_pdf(CATALOG, PAGES, PAGE_WITH_CONTENTS, contents, b"%d" % len(content))
    assert inspect_upload(data, "drawing.pdf").media_type == PDF


def test_pdf_updated_incrementally_by_pdfium_is_accepted_until_the_update_attaches_a_file(
    tmp_path,
):
    original = tmp_path / "original.pdf"
    original.write_bytes(pdf_bytes(one_page_pdf()))
    document = pdfium.PdfDocument(original)
    document.new_page(595, 842)
    updated = tmp_path / "updated.pdf"
    document.save(updated, flags=pdfium_c.FPDF_INCREMENTAL)
    document.new_attachment("payload.exe").set_data(b"MZ\x90\x00")
    attached = tmp_path / "attached.pdf"
    document.save(attached, flags=pdfium_c.FPDF_INCREMENTAL)
    document.close()

    assert updated.read_bytes().count(b"startxref") == 2
    assert inspect_upload(updated.read_bytes(), "updated.pdf").media_type == PDF
    assert rejection(attached.read_bytes()) == RejectionReason.ACTIVE_CONTENT


@pytest.mark.parametrize("ending", [b"\r\n", b"\n% signed by the bank\n", b"\n\x00\x00\x00 \n"])
def test_blank_lines_and_comments_after_the_end_are_accepted(ending):
    data = handmade_pdf(CATALOG, PAGES, PAGE) + ending
    assert inspect_upload(data, "statement.pdf").media_type == PDF


# --- The budget: never an error page ---------------------------------------------------


def test_object_stream_bomb_that_pikepdf_decodes_on_opening_is_refused_as_corrupt():
    data = object_stream_bomb(pdf_structure.MEMORY_LIMIT_BYTES + 2**20)
    assert len(data) < MAX_BYTES
    assert inspect_upload(object_stream_bomb(0), "small.pdf").media_type == PDF  # the shape
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes
    assert rejection(data, "bomb.pdf") == RejectionReason.CORRUPT
    # The portal's own process never held the decoded stream: the child ran out instead.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 256 * 1024


PYTHON = [sys.executable, "-I", "-c"]


@pytest.mark.parametrize(
    ("child", "detail"),
    [
        ([*PYTHON, "import os; os.abort()"], "stopped by signal 6"),
        ([*PYTHON, "import time; time.sleep(60)"], "ran out of time"),
        (
            [*PYTHON, "import resource as r; r.setrlimit(r.RLIMIT_CPU, (1, 2))\nwhile 1: pass"],
            "ran out of CPU time",
        ),
        ([*PYTHON, "raise SystemExit('pikepdf is missing')"], "pikepdf is missing"),
        ([*PYTHON, "print('{not json')"], "answered"),
        ([*PYTHON, 'print(\'{"reason": "format_disk", "detail": ""}\')'], "answered"),
        (["/nonexistent/python3"], "could not start"),
    ],
    ids=["crash", "hang", "cpu", "error", "garbage", "unknown-reason", "no-python"],
)
def test_structure_check_that_gives_no_verdict_refuses_the_file_and_says_so_in_the_log(
    monkeypatch, caplog, child, detail
):
    monkeypatch.setattr(pdfs, "_CHILD", child)
    # Long enough for a second of CPU on a busy machine; short for the child that hangs.
    monkeypatch.setattr(pdfs, "STRUCTURE_CHECK_SECONDS", 2 if "sleep" in child[-1] else 40)
    with caplog.at_level(logging.WARNING, logger="portal.evidence.pdfs"):
        with pytest.raises(EvidenceRejected) as caught:
            inspect_upload(pdf_bytes(one_page_pdf()), "statement.pdf")
    assert caught.value.reason == RejectionReason.CORRUPT
    assert detail in caught.value.detail
    assert detail in caplog.text


def test_structure_check_runs_without_the_portal_s_secrets(monkeypatch):
    monkeypatch.setenv("EVIDENCE_KEY", "c2VjcmV0")
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal:secret@db/portal")
    verdict = (
        "import os, json; print(json.dumps({'reason': 'corrupt' if "
        "{'EVIDENCE_KEY', 'DATABASE_URL'} & set(os.environ) else None, 'detail': ''}))"
    )
    monkeypatch.setattr(pdfs, "_CHILD", [*PYTHON, verdict])
    assert inspect_upload(pdf_bytes(one_page_pdf()), "statement.pdf").media_type == PDF


def test_every_reason_the_structure_check_gives_is_one_residents_have_words_for():
    given = {pdf_structure.ACTIVE_CONTENT, pdf_structure.CORRUPT, pdf_structure.ENCRYPTED}
    assert given <= {reason.value for reason in RejectionReason}
