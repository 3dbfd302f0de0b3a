"""Checks on identity evidence uploads: type from content, size limits, cleaning, refusal.

A resident may send up to ``MAX_FILES`` files of up to ``MAX_BYTES`` each: PDF, JPEG or PNG.
The type comes from the first bytes of the file; the name and the browser's content type
are never trusted. Images are decoded and encoded again, so what is kept holds pixels and
nothing else (no EXIF with GPS positions, no text chunks, no colour profile, no comment).
PDFs are kept as received, but only after a byte-level check finds no scripts, embedded
files or other active content (see the PDF section below). Images are checked and cleaned
in ``images``.

Pure functions, no Flask: ``inspect_upload`` returns a ``CleanFile`` or raises
``EvidenceRejected``, whose ``reason`` the web layer turns into a message.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import zlib
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from portal.evidence.images import MAX_PIXELS, reencode_image
from portal.evidence.rejections import EvidenceRejected, RejectionReason

__all__ = [
    "EXTENSIONS",
    "JPEG",
    "MAX_BYTES",
    "MAX_FILES",
    "MAX_NAME_LENGTH",
    "MAX_PDF_DECODED_BYTES",
    "MAX_PIXELS",
    "PDF",
    "PNG",
    "CleanFile",
    "EvidenceRejected",
    "RejectionReason",
    "clean_file_name",
    "detect_media_type",
    "inspect_upload",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# All the PDF streams this check decompresses, together: enough for any real document
# (images, the big ones, are not decompressed), far below a zip bomb's gigabytes.
MAX_PDF_DECODED_BYTES = 50 * 1024 * 1024
# PDF syntax tokens read (and brackets inside strings), together: a 250 KB manual has about
# 10,000. Bounds the time a file built of nothing but tiny tokens takes (about 3 s).
MAX_PDF_TOKENS = 1_000_000
MAX_NAME_LENGTH = 120

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_HEADER = b"%PDF-"
# ISO 32000 puts the header at the start; readers accept it within the first 1024 bytes.
PDF_HEADER_WINDOW = 1024
# The same tolerance for the end-of-file marker after it (readers accept trailing junk).
PDF_EOF_WINDOW = 1024


@dataclass(frozen=True)
class CleanFile:
    """An accepted upload: the bytes to keep, their type, and a name safe to display."""

    content: bytes = field(repr=False)
    media_type: str
    extension: str  # with the dot, as Path.suffix: ".pdf", ".jpg", ".png"
    original_name: str


def inspect_upload(data: bytes, original_name: str) -> CleanFile:
    """Check one uploaded file and return what may be kept, or raise ``EvidenceRejected``.

    Length is checked before any parsing. The type comes from the content alone; images
    come back re-encoded without metadata, PDFs come back as received.
    """
    if not data:
        raise EvidenceRejected(RejectionReason.EMPTY)
    if len(data) > MAX_BYTES:
        raise EvidenceRejected(RejectionReason.TOO_LARGE, f"{len(data)} bytes")
    media_type = detect_media_type(data)
    if media_type is None:
        raise EvidenceRejected(RejectionReason.WRONG_TYPE, f"starts with {data[:8]!r}")
    if media_type == PDF:
        _inspect_pdf(data)
        content = data
    else:
        content = reencode_image(data, "JPEG" if media_type == JPEG else "PNG")
    extension = EXTENSIONS[media_type]
    return CleanFile(
        content=content,
        media_type=media_type,
        extension=extension,
        original_name=clean_file_name(original_name, fallback=f"evidence{extension}"),
    )


def detect_media_type(data: bytes) -> str | None:
    """PDF, JPEG or PNG from the leading bytes, or None. Images are tested first: they are
    re-encoded, so a JPEG that also holds a PDF header keeps only its pixels."""
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.find(PDF_HEADER, 0, PDF_HEADER_WINDOW) >= 0:
        return PDF
    return None


# Invisible and control characters, including the right-to-left override that makes
# "photo\u202egpj.exe" display as "photoexe.jpg"; line and paragraph separators; private use.
_UNSAFE_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_file_name(name: str, *, fallback: str) -> str:
    """The name a resident gave, safe to show to staff: its last path component, without
    control or bidirectional-override characters, at most MAX_NAME_LENGTH characters
    (keeping a short extension), and never empty (``fallback`` then)."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in _UNSAFE_NAME_CATEGORIES)
    kept = " ".join(kept.split()).strip(". ")
    if len(kept) > MAX_NAME_LENGTH:
        stem, dot, suffix = kept.rpartition(".")
        if dot and stem and len(suffix) <= 10:
            stem = stem[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip(". ")
            kept = f"{stem}.{suffix}"
        else:
            kept = kept[:MAX_NAME_LENGTH].rstrip(". ")
    return kept or fallback


# --- PDFs --------------------------------------------------------------------------------
#
# The runtime has no PDF library (pikepdf and pypdf are for tests), so this is a small
# reader of PDF syntax: enough to find every object, every stream and its filters, and
# every name. It is deliberately conservative: anything it cannot follow is refused, and a
# refused resident is told to send a photo instead or to show the document at a hub. It is
# a filter, not a proof: staff still open PDFs in a viewer with scripts off.
#
# What it catches:
# * active content by name (``_ACTIVE_NAMES``), wherever the name is a key or a value;
# * names spelt with #xx escapes (/J#61vaScript is /JavaScript): names are decoded first;
# * names hidden in object streams, whatever filter chain of Flate, ASCIIHex, ASCII85 and
#   RunLength wraps them, with decompression capped (``MAX_PDF_DECODED_BYTES``);
# * encrypted files, whose object streams cannot be read.
#
# Names are read from the syntax, not searched for in raw bytes: a two-letter name such as
# /JS turns up by chance about once in 100 MB of compressed or image data, which would
# refuse real scans at random. Object streams are the only streams that hold dictionaries,
# so they are decoded and read in full. Every other stream is searched, raw and (unless it
# is an image) decoded, for the names of three letters or more, which chance practically
# never spells: a reader repairing a damaged file, or sent by a cross-reference into the
# middle of a stream, could read objects there. Nothing is lost by leaving out /JS, /AA
# and /EF there: a script action also needs /JavaScript, and an attached file needs
# /EmbeddedFiles, /FileAttachment, /GoToE or /Launch to be reached.

_ACTIVE_NAMES = frozenset(
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
_LONG_ACTIVE_NAMES = frozenset(name for name in _ACTIVE_NAMES if len(name) >= 3)

_WHITESPACE = b"\x00\t\n\x0c\r "
_WS = rb"[\x00\t\n\x0c\r ]"
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_LEX = re.compile(
    rb"(?P<skip>(?:" + _WS + rb"|%[^\r\n]*)+)"
    rb"|(?P<name>/" + _REGULAR + rb"*)"
    rb"|(?P<open_dict><<)|(?P<close_dict>>>)"
    rb"|(?P<hex><[^>]*>)"
    rb"|(?P<open_string>\()"
    rb"|(?P<open_array>\[)|(?P<close_array>\])"
    rb"|(?P<regular>" + _REGULAR + rb"+)"
)
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_NUMBER = re.compile(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_STRING_SPECIAL = re.compile(rb"[()\\]")
_EOL = re.compile(rb"\r\n|\n|\r")
_ENDSTREAM_AFTER_LENGTH = re.compile(_WS + rb"*endstream")
_LENGTH_OBJECT = re.compile(
    rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj" + _WS + rb"*(\d+)" + _WS + rb"*endobj"
)
_MAX_NESTING = 64


class _Unreadable(Exception):
    """The PDF cannot be followed: refused as CORRUPT."""


class _Name(bytes):
    """A PDF name, #xx escapes decoded, without the slash."""


class _Ref(NamedTuple):
    number: int
    generation: int


_STRING = object()  # string values are not needed, only skipped


def _decode_name(raw: bytes) -> _Name:
    return _Name(_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw))


@dataclass
class _Budget:
    tokens: int = MAX_PDF_TOKENS
    decoded_bytes: int = MAX_PDF_DECODED_BYTES

    def spend_bytes(self, count: int) -> None:
        self.decoded_bytes -= count
        if self.decoded_bytes < 0:
            raise _Unreadable("streams decompress to more than the limit")


@dataclass
class _Stream:
    number: int
    dictionary: dict[bytes, Any]
    start: int
    end: int


@dataclass
class _Findings:
    names: set[bytes] = field(default_factory=set)
    pages: int = 0
    trailer: bool = False
    xref_stream: bool = False
    startxref: bool = False
    streams: list[_Stream] = field(default_factory=list)


class _Token(NamedTuple):
    kind: str
    value: Any
    end: int


class _Parser:
    """Reads PDF objects from ``data``, recording names and page dictionaries."""

    def __init__(self, data: bytes, position: int, budget: _Budget, findings: _Findings):
        self.data = data
        self.position = position
        self.budget = budget
        self.findings = findings
        self.pending: list[_Token] = []

    def next(self) -> _Token:
        if self.pending:
            return self.pending.pop()
        self._spend_token()
        match = _LEX.match(self.data, self.position)
        if match and match.lastgroup == "skip":
            self.position = match.end()
            match = _LEX.match(self.data, self.position)
        if self.position >= len(self.data):
            return _Token("eof", None, self.position)
        if match is None:
            raise _Unreadable(f"unexpected byte at {self.position}")
        kind, text = match.lastgroup or "", match.group()
        self.position = match.end()
        if kind == "name":
            name = _decode_name(text[1:])
            self.findings.names.add(name)
            return _Token("name", name, self.position)
        if kind == "open_string":
            self.position = self._end_of_string(self.position)
            return _Token("string", _STRING, self.position)
        if kind == "hex":
            return _Token("string", _STRING, self.position)
        if kind == "regular":
            if _NUMBER.fullmatch(text):
                number = float(text) if b"." in text else int(text)
                return _Token("number", number, self.position)
            return _Token("keyword", text, self.position)
        return _Token(kind, text, self.position)

    def _spend_token(self) -> None:
        self.budget.tokens -= 1
        if self.budget.tokens < 0:
            raise _Unreadable("too many tokens")

    def push_back(self, *tokens: _Token) -> None:
        self.pending.extend(reversed(tokens))

    def _end_of_string(self, position: int) -> int:
        depth = 1
        while depth:
            special = _STRING_SPECIAL.search(self.data, position)
            if special is None:
                raise _Unreadable("unterminated string")
            position = special.end()
            self._spend_token()
            char = special.group()
            if char == b"\\":
                position += 1
            elif char == b"(":
                depth += 1
            else:
                depth -= 1
        return position

    def value(self, token: _Token, depth: int = 0) -> Any:
        if depth > _MAX_NESTING:
            raise _Unreadable("nested too deeply")
        if token.kind == "number":
            if isinstance(token.value, int):
                second = self.next()
                third = self.next()
                if second.kind == "number" and isinstance(second.value, int):
                    if third.kind == "keyword" and third.value == b"R":
                        return _Ref(token.value, second.value)
                self.push_back(second, third)
            return token.value
        if token.kind in ("name", "string"):
            return token.value
        if token.kind == "open_array":
            items = []
            while (item := self.next()).kind != "close_array":
                items.append(self.value(item, depth + 1))
            return items
        if token.kind == "open_dict":
            dictionary: dict[bytes, Any] = {}
            while (key := self.next()).kind != "close_dict":
                if key.kind != "name":
                    raise _Unreadable(f"dictionary key is {key.kind}")
                dictionary[key.value] = self.value(self.next(), depth + 1)
            self._note(dictionary)
            return dictionary
        if token.kind == "keyword" and token.value in (b"true", b"false", b"null"):
            return None if token.value == b"null" else token.value == b"true"
        raise _Unreadable(f"unexpected {token.kind} {token.value!r}")

    def _note(self, dictionary: dict[bytes, Any]) -> None:
        kind = dictionary.get(b"Type")
        if kind == b"Page" and isinstance(kind, _Name):
            self.findings.pages += 1
        elif kind == b"XRef" and isinstance(kind, _Name):
            self.findings.xref_stream = True

    def file_body(self, lengths: dict[_Ref, list[int]]) -> None:
        """The top level of a PDF file: objects, xref tables, trailers, startxref."""
        while (token := self.next()).kind != "eof":
            if token.kind == "number":
                second, third = self.next(), self.next()
                if second.kind == "number" and third.kind == "keyword" and third.value == b"obj":
                    self._indirect_object(token.value, lengths)
                else:
                    self.push_back(second, third)
            elif token.kind == "keyword" and token.value == b"trailer":
                if not isinstance(self.value(self.next()), dict):
                    raise _Unreadable("trailer is not a dictionary")
                self.findings.trailer = True
            elif token.kind == "keyword" and token.value == b"startxref":
                self.findings.startxref = True
            elif not (token.kind == "keyword" and token.value in (b"xref", b"n", b"f", b"endobj")):
                raise _Unreadable(f"unexpected {token.kind} {token.value!r} at top level")

    def _indirect_object(self, number: int, lengths: dict[_Ref, list[int]]) -> None:
        token = self.next()
        if token.kind == "keyword" and token.value == b"endobj":
            return
        value = self.value(token)
        token = self.next()
        if token.kind == "keyword" and token.value == b"stream":
            if not isinstance(value, dict):
                raise _Unreadable("stream without a dictionary")
            self._stream(number, value, token.end, lengths)
            token = self.next()
        if not (token.kind == "keyword" and token.value == b"endobj"):
            self.push_back(token)  # readers forgive a missing endobj

    def _stream(
        self,
        number: int,
        dictionary: dict[bytes, Any],
        after_keyword: int,
        lengths: dict[_Ref, list[int]],
    ) -> None:
        eol = _EOL.match(self.data, after_keyword)
        start = eol.end() if eol else after_keyword
        length: Any = dictionary.get(b"Length")
        candidates = lengths.get(length, []) if isinstance(length, _Ref) else [length]
        for candidate in candidates:
            if isinstance(candidate, int) and candidate >= 0:
                after = _ENDSTREAM_AFTER_LENGTH.match(self.data, start + candidate)
                if after:
                    end, self.position = start + candidate, after.end()
                    break
        else:  # no usable /Length: the data runs to the next endstream, as readers do
            keyword = self.data.find(b"endstream", start)
            if keyword < 0:
                raise _Unreadable("stream without endstream")
            end, self.position = keyword, keyword + len(b"endstream")
        self.findings.streams.append(_Stream(number, dictionary, start, end))

    def object_stream_body(self) -> None:
        """The inside of an object stream: numbers, then objects, none of them streams."""
        while (token := self.next()).kind != "eof":
            self.value(token)


def _inspect_pdf(data: bytes) -> None:
    header = data.find(PDF_HEADER, 0, PDF_HEADER_WINDOW)
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise EvidenceRejected(RejectionReason.CORRUPT, "no %%EOF at the end: cut short?")
    budget = _Budget()
    findings = _Findings()
    try:
        lengths: dict[_Ref, list[int]] = {}
        for match in _LENGTH_OBJECT.finditer(data):
            ref = _Ref(int(match[1]), int(match[2]))
            lengths.setdefault(ref, []).append(int(match[3]))
        _Parser(data, header, budget, findings).file_body(lengths)
        if not (findings.startxref and (findings.trailer or findings.xref_stream)):
            raise _Unreadable("no trailer or cross-reference stream")
        if b"Encrypt" in findings.names:
            raise EvidenceRejected(RejectionReason.ENCRYPTED)
        _refuse_active_names(findings.names, "in the file")
        for stream in findings.streams:
            _inspect_stream(data, stream, budget, findings)
        if not findings.pages:
            raise _Unreadable("no page")
    except _Unreadable as exc:
        raise EvidenceRejected(RejectionReason.CORRUPT, str(exc)) from exc


def _refuse_active_names(names: AbstractSet[bytes], where: str) -> None:
    found = names & _ACTIVE_NAMES
    if found:
        listed = ", ".join(sorted("/" + name.decode("latin-1") for name in found))
        raise EvidenceRejected(RejectionReason.ACTIVE_CONTENT, f"{listed} {where}")


def _inspect_stream(data: bytes, stream: _Stream, budget: _Budget, findings: _Findings) -> None:
    dictionary = stream.dictionary
    body = memoryview(data)[stream.start : stream.end]
    _refuse_long_active_names(body, f"in the raw data of stream {stream.number}")
    # A reader needs /First to find the objects in an object stream, so any stream with
    # /First is treated as one, whatever its /Type says.
    if dictionary.get(b"Type") == b"ObjStm" or b"First" in dictionary:
        filters = _filters(dictionary)
        if filters is None:
            raise _Unreadable(f"object stream {stream.number} uses filters this check cannot read")
        decoded = _decode(body, filters, budget)
        _Parser(decoded, 0, budget, findings).object_stream_body()
        _refuse_active_names(findings.names, f"in object stream {stream.number}")
        return
    if dictionary.get(b"Subtype") == b"Image":
        return
    filters = _filters(dictionary, allow_predictor=True)
    # None: filters this check cannot decode; harmless here, outside an object stream.
    if filters:
        _refuse_long_active_names(_decode(body, filters, budget), f"in stream {stream.number}")


def _refuse_long_active_names(data: bytes | memoryview, where: str) -> None:
    names = {_decode_name(match[1]) for match in _NAME.finditer(data)}
    _refuse_active_names(names & _LONG_ACTIVE_NAMES, where)


def _filters(dictionary: dict[bytes, Any], *, allow_predictor: bool = False) -> list[bytes] | None:
    """The stream's filter chain if this check can decode all of it, else None."""
    chain = dictionary.get(b"Filter")
    if chain is None:
        chain = []
    elif isinstance(chain, _Name):
        chain = [chain]
    if not isinstance(chain, list) or not all(isinstance(name, _Name) for name in chain):
        return None
    if any(name not in _DECODERS for name in chain):
        return None
    parameters = dictionary.get(b"DecodeParms", dictionary.get(b"DP"))
    if not allow_predictor and not _no_predictor(parameters):
        return None
    return chain


def _no_predictor(parameters: Any) -> bool:
    if parameters is None:
        return True
    if isinstance(parameters, list):
        return all(_no_predictor(item) for item in parameters)
    if isinstance(parameters, dict):
        predictor = parameters.get(b"Predictor", 1)
        return isinstance(predictor, int) and predictor <= 1
    return False


def _decode(body: memoryview, filters: list[bytes], budget: _Budget) -> bytes:
    data: bytes | memoryview = body
    for name in filters:
        data = _DECODERS[name](data, budget.decoded_bytes)
        budget.spend_bytes(len(data))
    return bytes(data)


def _inflate(data: bytes | memoryview, limit: int) -> bytes:
    # Raw deflate after the two-byte zlib header: like readers, forgive a bad checksum.
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        output = inflater.decompress(memoryview(data)[2:], limit + 1)
    except zlib.error as exc:
        raise _Unreadable(f"Flate data: {exc}") from exc
    if len(output) > limit:
        raise _Unreadable("streams decompress to more than the limit")
    return output


def _ascii_hex(data: bytes | memoryview, limit: int) -> bytes:
    text = bytes(data).split(b">", 1)[0]
    digits = re.sub(_WS, b"", text)
    if len(digits) % 2:
        digits += b"0"
    try:
        return bytes.fromhex(digits.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Unreadable("ASCIIHex data") from exc


def _ascii85(data: bytes | memoryview, limit: int) -> bytes:
    text = bytes(data).split(b"~>", 1)[0].lstrip(_WHITESPACE).removeprefix(b"<~")
    if text.count(b"z") * 4 > limit:
        raise _Unreadable("streams decompress to more than the limit")
    try:
        return base64.a85decode(text, ignorechars=b" \t\n\r\x0b\x0c\x00")
    except ValueError as exc:
        raise _Unreadable("ASCII85 data") from exc


def _run_length(data: bytes | memoryview, limit: int) -> bytes:
    source = bytes(data)
    output = bytearray()
    position = 0
    while position < len(source) and (length := source[position]) != 128:
        if length < 128:
            output += source[position + 1 : position + 2 + length]
            position += 2 + length
        else:
            output += source[position + 1 : position + 2] * (257 - length)
            position += 2
        if len(output) > limit:
            raise _Unreadable("streams decompress to more than the limit")
    return bytes(output)


_DECODERS: dict[bytes, Callable[[bytes | memoryview, int], bytes]] = {
    b"FlateDecode": _inflate,
    b"Fl": _inflate,
    b"ASCIIHexDecode": _ascii_hex,
    b"AHx": _ascii_hex,
    b"ASCII85Decode": _ascii85,
    b"A85": _ascii85,
    b"RunLengthDecode": _run_length,
    b"RL": _run_length,
}
