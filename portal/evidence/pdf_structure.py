"""The structure check of an uploaded PDF, as pikepdf runs it inside a budgeted child process.

``portal.evidence.pdfs`` runs this file as a script (``python -I pdf_structure.py``), the PDF
on standard input and the verdict, one line of JSON, on standard output. pikepdf's C++ core
(qpdf) decodes object and cross-reference streams with no size limit while opening a file
(a 1 MB upload can claim a gigabyte) and hostile files are what fuzzers find C++ bugs with,
so it only ever meets an upload in a process that may run out of memory, be stopped for
time, or crash, without harm to the portal: ``limit_resources`` sets the budget first. For
that reason this module imports nothing but the standard library and pikepdf.

Rules (the detail of each refusal names where it was found, for logs):

* ENCRYPTED: a password-protected file can be neither checked nor read by staff.
* ACTIVE_CONTENT: scripts (/JavaScript, /JS), actions that run by themselves (/AA on open,
  close, focus, keystroke...), actions that leave the document (/Launch runs a program,
  /SubmitForm and /ImportData send or fetch data, /GoToR and /GoToE open other files, and
  a UNC path leaks Windows credentials), attached files (/EmbeddedFile(s), /EF,
  /FileAttachment), XFA forms (/XFA) and media with players of their own (/RichMedia,
  /Rendition, /Movie, /Sound, /3D). Any such name, as a key or a value, refuses the file,
  whichever object holds it. Links to websites (/URI) and opening at a page (/OpenAction
  with a destination) are kept: letters and bank statements carry them.
* CORRUPT: what pikepdf cannot open, an object stream that is damaged or cannot be decoded,
  a stream whose filters fail, data nested deeper than MAX_NESTING, streams that decode to
  more than MAX_PDF_DECODED_BYTES together, a file without a page.

Where it looks, because readers do not all read a file the same way:

1. every object pikepdf reads through the file's cross-reference data;
2. every object qpdf finds when it rebuilds that data from the objects in the file, as a
   reader does with a damaged file (made to happen by hiding ``startxref``): an object no
   cross-reference entry lists, or a later copy of one, is read by a reader that repairs;
3. everything in every object stream, parsed by qpdf, including streams nothing refers to,
   streams without /Type (readers find object streams through the cross-reference data,
   not their /Type) and whatever a stream holds beyond the objects its header lists;
4. the raw data of every stream, and the decoded data of every stream but images, for the
   active names of three letters or more: a reader repairing a file, or sent by a
   cross-reference entry into the middle of a stream, could read objects there. Short names
   (/JS, /AA, /EF, /3D) turn up by chance about once in 100 MB of compressed or image data
   and would refuse real scans at random; nothing is lost: a script action also needs
   /JavaScript, and an attached file /EmbeddedFiles, /FileAttachment, /GoToE or /Launch.

It is a filter, not a proof: staff still open PDFs in a viewer with scripts off.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import sys
from io import BytesIO
from typing import Any

import pikepdf

# The child's budget. Python with pikepdf takes 50 MB before reading anything; a 300-page
# letter from WeasyPrint (2.6 MB, 21,000 objects) needs about 1.2 s of CPU and 130 MB, a
# file of 46,000 small objects 2.5 s and 280 MB; real evidence (a statement, a bill, a
# scanned passport) a tenth of a second. Five uploads at the CPU limit stay within a web
# worker's 30 seconds.
MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
CPU_LIMIT_SECONDS = 5
# All the streams this check decodes, together: enough for any real document (images, the
# big ones, are not decoded), far below a zip bomb's gigabytes.
MAX_PDF_DECODED_BYTES = 50 * 1024 * 1024
# Objects written inside objects (dictionaries, arrays) beyond this depth: no real document
# comes near; a hostile one nests to exhaust a reader's stack.
MAX_NESTING = 64

# The verdict's reasons: the values of portal.evidence.rejections.RejectionReason.
ACTIVE_CONTENT = "active_content"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"

ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"EF",  # the key that holds an embedded file's stream, with or without /Type
        b"FileAttachment",
        b"Launch",
        b"RichMedia",
        b"XFA",
        b"AA",  # additional actions: run on open, close, focus, keystroke...
        b"SubmitForm",
        b"ImportData",
        b"GoToE",
        b"GoToR",  # opens another file; a UNC path leaks Windows credentials
        b"Rendition",
        b"Movie",
        b"Sound",
        b"3D",  # 3D artwork carries its own scripts
    }
)
# Long enough that random bytes practically never spell them (under 1e-10 per byte).
LONG_ACTIVE_NAMES = frozenset(name for name in ACTIVE_NAMES if len(name) >= 3)

# The filters qpdf decodes at StreamDecodeLevel.specialized, with their abbreviations. Image
# codecs (DCT, JPX, JBIG2, CCITTFax) and /Crypt are not decoded: their data holds no syntax.
DECODED_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/Fl",
        "/LZWDecode",
        "/LZW",
        "/ASCII85Decode",
        "/A85",
        "/ASCIIHexDecode",
        "/AHx",
        "/RunLengthDecode",
        "/RL",
    }
)

# JSON strings (in qpdf's JSON, names and strings are both), and the brackets between them.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class Refused(Exception):
    """The file is refused: ``reason`` is one of the reasons above."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def check_structure(data: bytes) -> tuple[str, str] | None:
    """None if the PDF may be kept, else its refusal as (reason, detail).

    Every exception from pikepdf or from reading the file (qpdf's errors, memory running
    out, a structure this check cannot follow) is CORRUPT: never an error page.
    """
    try:
        _check(data)
    except Refused as refused:
        return refused.reason, refused.detail
    except pikepdf.PasswordError:
        return ENCRYPTED, "needs a password to open"
    except Exception as exc:
        return CORRUPT, f"{type(exc).__name__}: {exc}"
    return None


class _Progress:
    """Decoded bytes left to spend, and digests of what was checked (an object's JSON; a
    stream's dictionary and data), so that the second view and the parse of the object
    streams check only what differs from what was read before."""

    def __init__(self) -> None:
        self.decoded_bytes = MAX_PDF_DECODED_BYTES
        self.objects_seen: set[bytes] = set()
        self.streams_seen: set[bytes] = set()

    def spend(self, count: int) -> None:
        self.decoded_bytes -= count
        if self.decoded_bytes < 0:
            raise Refused(CORRUPT, "streams decompress to more than the limit")

    def new_object(self, text: bytes) -> bool:
        return _first_time(self.objects_seen, hashlib.sha256(text).digest())

    def new_stream(self, text: bytes, raw: bytes) -> bool:
        digest = hashlib.sha256(len(text).to_bytes(8, "big") + text + raw).digest()
        return _first_time(self.streams_seen, digest)


def _first_time(seen: set[bytes], digest: bytes) -> bool:
    if digest in seen:
        return False
    seen.add(digest)
    return True


def _check(data: bytes) -> None:
    progress = _Progress()
    with pikepdf.open(BytesIO(data), inherit_page_attributes=False) as pdf:
        if pdf.is_encrypted:
            raise Refused(ENCRYPTED, "the file is encrypted")
        _check_objects(pdf, "", progress)
        if not len(pdf.pages):
            raise Refused(CORRUPT, "no page")
    # Without a startxref to start from, qpdf rebuilds the cross-reference data. Every one is
    # hidden: a file could carry a spare after its end, in a comment.
    hidden = data.replace(b"startxref", b"startxreF")
    with pikepdf.open(BytesIO(hidden), inherit_page_attributes=False) as rebuilt:
        _check_objects(rebuilt, " (read when repairing the file)", progress)


def _check_objects(pdf: pikepdf.Pdf, view: str, progress: _Progress) -> None:
    held: list[tuple[str, bytes]] = []  # the objects in object streams, and which stream
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Object):
            continue  # a number, boolean or null, which pikepdf gives as Python's own
        number, generation = obj.objgen
        where = f"object {number} {generation}{view}"
        # qpdf's JSON (version 2), one call per object: names are "/Name" (or "n:/..." in
        # PDF syntax when not UTF-8), strings "u:..." or "b:...", references "12 0 R"; for
        # a stream, its dictionary.
        text = obj.to_json(dereference=True)
        if progress.new_object(text):
            _check_object(text, where)
        if isinstance(obj, pikepdf.Stream):
            _check_stream(obj, text, where, progress, held)
    if held:
        _check_held_objects(held, progress)


def _check_object(text: bytes, where: str, *, wrapping: int = 0) -> None:
    """An object, as qpdf's JSON: no active name, not nested too deeply (``wrapping``: the
    levels of brackets this check put around it)."""
    names = set()
    for token in _JSON_STRING.findall(text):
        if token.startswith(b'"/'):
            names.add(token[2:-1])
        elif token.startswith(b'"n:/'):
            names.add(_decode_name(token[4:-1]))
    found = names & ACTIVE_NAMES
    if found:
        listed = ", ".join(sorted("/" + name.decode("latin-1") for name in found))
        raise Refused(ACTIVE_CONTENT, f"{listed} in {where}")
    if text.count(b"[") + text.count(b"{") > MAX_NESTING:
        depth = 0
        for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", text)):
            depth += 1 if bracket in b"[{" else -1
            if depth > MAX_NESTING + 1 + wrapping:  # the outermost: the object itself
                raise Refused(CORRUPT, f"{where} is nested too deeply")


def _decode_name(raw: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)


def _check_stream(
    stream: pikepdf.Stream,
    text: bytes,
    where: str,
    progress: _Progress,
    held: list[tuple[str, bytes]],
) -> None:
    raw = stream.read_raw_bytes()
    if not progress.new_stream(text, raw):
        return
    _refuse_long_active_names(raw, f"the raw data of {where}")
    # The dictionary through pikepdf, which follows indirect references: a /Filter may be
    # kept in an object of its own. A reader needs /First to find the objects in an object
    # stream, so any stream with /First is treated as one, whatever its /Type says.
    if stream.get("/Type") == pikepdf.Name.ObjStm or "/First" in stream:
        where = where.replace("object", "object stream", 1)
        held.extend((where, held_text) for held_text in _held_objects(stream, where, progress))
    elif stream.get("/Subtype") != pikepdf.Name.Image and _decoded_here(stream.get("/Filter")):
        _refuse_long_active_names(_decode(stream, where, progress), where)


def _decoded_here(chain: Any) -> bool:
    """Whether the stream has filters and this check decodes all of them (without filters
    the raw data, already read, is the data; with other filters it holds no syntax)."""
    filters = chain.as_list() if isinstance(chain, pikepdf.Array) else [chain]
    return chain is not None and bool(filters) and all(str(f) in DECODED_FILTERS for f in filters)


def _decode(stream: pikepdf.Stream, where: str, progress: _Progress) -> bytes:
    try:
        data = stream.read_bytes(pikepdf.StreamDecodeLevel.specialized)
    except pikepdf.PdfError as exc:
        raise Refused(CORRUPT, f"{where} cannot be decoded: {exc}") from exc
    progress.spend(len(data))
    return data


def _refuse_long_active_names(data: bytes, where: str) -> None:
    names = {_decode_name(match[1]) for match in _NAME.finditer(data)}
    found = names & LONG_ACTIVE_NAMES
    if found:
        listed = ", ".join(sorted("/" + name.decode("latin-1") for name in found))
        raise Refused(ACTIVE_CONTENT, f"{listed} in {where}")


def _held_objects(stream: pikepdf.Stream, where: str, progress: _Progress) -> list[bytes]:
    """Rule 3: the text of each object in an object stream, cut out by its own header."""
    data = _decode(stream, where, progress)
    count, first = stream.get("/N"), stream.get("/First")
    if type(count) is not int or type(first) is not int or count < 0 or first < 0:
        raise Refused(CORRUPT, f"{where} has no usable /N and /First")
    header = data[:first].split()[: 2 * count]
    if len(header) < 2 * count or not all(number.isdigit() for number in header):
        raise Refused(CORRUPT, f"{where} does not list its {count} objects")
    starts = sorted({first + int(offset) for offset in header[1::2]})
    if starts and starts[-1] > len(data):
        raise Refused(CORRUPT, f"{where} lists an object past its end")
    return [data[start:end] for start, end in zip(starts, [*starts[1:], len(data)], strict=True)]


def _check_held_objects(held: list[tuple[str, bytes]], progress: _Progress) -> None:
    """Parse what object streams hold by qpdf, inside a small PDF made for the purpose (qpdf
    parses references only inside a file), and check the names. Each text goes inside an
    array, so that all of it is read: a second object, or a name after an ``endobj``,
    cannot hide in the space of one. Anything qpdf warns about (a stream, which object
    streams may not hold; a keyword; a string left open) refuses the file as CORRUPT."""
    scaffold = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    output = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate([*scaffold, *(text for _, text in held)], start=1):
        offsets.append(len(output))
        wrapped = body if number <= len(scaffold) else b"[\n%s\n]" % body
        output += b"%d 0 obj\n%s\nendobj\n" % (number, wrapped)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(offsets) + 1)
    output += b"startxref\n%d\n%%%%EOF\n" % xref
    with pikepdf.open(BytesIO(output), attempt_recovery=False) as parsed:
        for obj in parsed.objects:
            if not isinstance(obj, pikepdf.Object):
                continue
            number = obj.objgen[0]
            if number <= len(scaffold):
                continue
            where = held[number - len(scaffold) - 1][0]
            text = obj.to_json(dereference=True)
            if progress.new_object(text):
                _check_object(text, where, wrapping=1)
        if warnings := parsed.get_warnings():
            raise Refused(
                CORRUPT, f"an object stream holds an object qpdf cannot read: {warnings[0]}"
            )


def limit_resources() -> None:
    """The child's budget: address space, CPU time, no files written, no core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> None:
    """The child's side: budget first, then the file from standard input, the verdict out."""
    limit_resources()
    verdict = check_structure(sys.stdin.buffer.read())
    reason, detail = verdict if verdict else (None, "")
    sys.stdout.write(json.dumps({"reason": reason, "detail": detail}) + "\n")


if __name__ == "__main__":
    main()
