"""Letters and packs are read back as a resident's PDF reader would: poppler's pdftotext
for the words and where they sit, pikepdf for tags, language, title and bookmarks. Their
cases come from the scenario builder (the `scenarios` fixture, on the app's database),
arriving at RECEIVED."""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser

import pikepdf
import pytest
from pikepdf import Name

from portal.cases.scenario_requests import person
from portal.documents.fetcher import StaticOnlyFetcher
from portal.documents.ocr import OcrUnavailable
from portal.documents.pdf import STATIC_ROOT
from tests.conftest import IN_CI

RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)  # Monday 5 October 2026
HOSTILE = (
    '<img src="file:///etc/passwd" alt="x"> '
    '<a rel="attachment" href="file:///etc/passwd">passwd</a> '
    '<link rel="attachment" href="http://127.0.0.1:1/x"> '
    '<div style="background: url(http://127.0.0.1:1/bg)">styled</div>'
)


NO_TESSERACT = "Tesseract is missing: install Debian's tesseract-ocr and tesseract-ocr-eng"


@pytest.fixture
def tesseract() -> str:
    """Debian's Tesseract, for tests of words drawn as pixels: missing, such a test is
    skipped on a developer's machine and fails in CI, as a missing Chromium does."""
    found = shutil.which("tesseract")
    if found is None:
        if IN_CI:
            pytest.fail(f"{NO_TESSERACT} (a missing OCR engine in CI is a failure)")
        pytest.skip(NO_TESSERACT)
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test whose record draws a picture runs OCR (ocr.py) without asking for the
    fixture above: without Tesseract it is skipped the same way."""
    try:
        return (yield)
    except OcrUnavailable as error:
        if IN_CI:
            raise
        pytest.skip(f"{NO_TESSERACT} ({error})")


def named(name: str, **changes):
    return person(full_name=name, **changes)


# Reading the PDF back ---------------------------------------------------------------------


def page_texts(pdf: bytes, *, layout: bool = True) -> list[str]:
    """The text of each page, with right-to-left marks dropped; laid out as on the page,
    or (layout=False) in reading order, a table's cells one after another."""
    result = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", result.stdout.decode("utf-8"))
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def all_text(pdf: bytes) -> str:
    return flat(" ".join(page_texts(pdf)))


def has_page_numbers(text: str, page: int, pages: int) -> bool:
    """'Page x of y' in any language: the two numbers next to each other, in either order
    (pdftotext gives right-to-left lines in visual order)."""
    x, y = rf"(?<!\d){page}(?!\d)", rf"(?<!\d){pages}(?!\d)"
    return re.search(rf"{x}\D{{0,20}}{y}|{y}\D{{0,20}}{x}", flat(text)) is not None


def word_heights(pdf: bytes) -> list[float]:
    """The height of every word pdftotext finds: it follows the type size."""
    result = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    )
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', result.stdout.decode())
    return [float(bottom) - float(top) for top, bottom in boxes]


def median_word_height(pdf: bytes) -> float:
    return statistics.median(word_heights(pdf))


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def font_names(pdf: bytes) -> set[str]:
    with open_pdf(pdf) as document:
        return {
            str(font.get("/BaseFont", ""))
            for page in document.pages
            for _name, font in (page.Resources.get("/Font") or {}).items()
        }


def outline_titles(pdf: bytes) -> list[str]:
    """Every bookmark's title, depth first."""
    titles: list[str] = []

    def walk(items):
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with open_pdf(pdf) as document, document.open_outline() as outline:
        walk(outline.root)
    return titles


def assert_tagged(pdf: bytes, *, language: str, title: str) -> None:
    """PDF/UA-1 as WeasyPrint makes it: structure tree, marked, language, title shown."""
    with open_pdf(pdf) as document:
        root = document.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == language
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(document.docinfo["/Title"]) == title
        with document.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            assert meta.get("dc:title") == title
        assert "/EmbeddedFiles" not in root.get("/Names", {})


class HtmlRoot(HTMLParser):
    """The <html> element's attributes and the <title>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.attrs = dict(attrs)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class RecordingFetcher(StaticOnlyFetcher):
    """The portal's fetcher, noting every URL a document asks for and what it served."""

    def __init__(self, static_root=STATIC_ROOT):
        super().__init__(static_root)
        self.asked: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


@pytest.fixture()
def fetch_spy(monkeypatch):
    """Every document rendered in the test goes through one recording fetcher."""
    spy = RecordingFetcher()
    monkeypatch.setattr("portal.documents.pdf.StaticOnlyFetcher", lambda root: spy)
    return spy


def saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def letter_without_its_font(
    lines: list[str], *, in_a_form: bool = False, colour: bytes = b""
) -> bytes:
    """What an older records system sends: an A4 page in Helvetica that the file names but
    does not carry, optionally drawn through a form XObject or under a band of colour (an
    operator such as b"0.1 0.5 0.8 rg")."""
    pdf = pikepdf.new()
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    text = (
        b"BT /F1 14 Tf 72 760 Td 18 TL "
        + b"".join(b"(%s) Tj T* " % line.encode("latin-1") for line in lines)
        + b"ET"
    )
    fonts = pikepdf.Dictionary(F1=helvetica)
    if in_a_form:
        form = pikepdf.Stream(
            pdf,
            text,
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=fonts),
        )
        content, resources = b"/Fm1 Do", pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=form))
    else:
        content, resources = text, pikepdf.Dictionary(Font=fonts)
    if colour:  # a band of that colour across the top of the page
        content = b"q %s 0 792 595 50 re f Q " % colour + content
    page = pikepdf.Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=pdf.make_stream(content),
        Resources=resources,
    )
    pdf.pages.append(pikepdf.Page(page))
    return saved(pdf)
