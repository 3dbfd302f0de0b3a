"""The access response pack as a resident reads it: parsed from the PDF with pdftotext and
pikepdf, never by looking at the HTML that made it."""

from __future__ import annotations

import io
import secrets
import subprocess
from datetime import UTC, date, datetime

import pikepdf
import pytest

from portal.cases.casework_models import DisclosureKind, ExemptionCode, SearchOutcome
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import person, tiny_png
from portal.cases.scenario_steps import Search
from portal.documents import packs
from portal.extensions import db
from tests.conftest import building, translated

RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)
HOSTILE = (
    '<img src="file:///etc/passwd"> <a rel="attachment" href="file:///etc/passwd">x</a> '
    '<link rel="attachment" href="http://127.0.0.1:9/leak"> '
    '<div style="background: url(http://127.0.0.1:9/bg)">y</div>'
)


def uploaded_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_case(app, *, language: str = "en", appended_pages: int = 2, **extra) -> int:
    """An access request with a search, a typed record (with markup in it), an image and
    an uploaded PDF, ready to send for review. Each has its own email address (tracking
    sign-ins are limited per address)."""
    email = f"ana.{secrets.token_hex(5)}@example.com"
    subject = person(full_name="Ana Popescu", email=email)
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS, received=RECEIVED, subject=subject, language=language, **extra
        )
        searches = [Search("Early Help"), Search("Housing", SearchOutcome.NONE_HELD)]
        scenarios.search(case, searches=searches)
        made = {"department": "Early Help", "item_date": date(2026, 9, 1)}
        scenarios.add_item(
            case,
            title="Lead worker notes",
            content="Home visit went well.\n" + HOSTILE,
            exemptions=[ExemptionCode.THIRD_PARTY],
            redaction_note="A neighbour's name",
            **made,
        )
        scenarios.add_item(
            case,
            title="Photo of the family plan",
            kind=DisclosureKind.UPLOADED,
            content=tiny_png(90),
            media_type="image/png",
            original_name="plan.png",
            **made,
        )
        if appended_pages:
            scenarios.add_item(
                case,
                title="Attendance report",
                kind=DisclosureKind.UPLOADED,
                content=uploaded_pdf(appended_pages),
                media_type="application/pdf",
                original_name="attendance.pdf",
                **{**made, "department": "Schools"},
            )
        return case.id


def build(app, case_id: int, **options) -> packs.RenderedDocument:
    with app.app_context(), app.test_request_context():
        case = db.session.get(Case, case_id)
        return packs.build_response_pack(
            db.session, case, cipher=app.extensions["evidence_cipher"], **options
        )


def page_texts(pdf: bytes, *, layout: bool = True) -> list[str]:
    """Each page's text; without layout, a table's cells come out one after another."""
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    text = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()
    return text.split("\f")[:-1]


def all_text(pdf: bytes) -> str:
    return " ".join(" ".join(page_texts(pdf, layout=False)).split())


@pytest.fixture(scope="module")
def english(app):
    case_id = make_case(app)
    with app.app_context():
        reference = db.session.get(Case, case_id).reference
    return reference, build(app, case_id)


def test_every_page_says_page_x_of_y_the_reference_and_who_it_was_disclosed_to(english):
    reference, pack = english
    pages = page_texts(pack.pdf)
    assert len(pages) == pack.pages
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert f"Page {number} of {pack.pages}" in flat, number
        assert reference in flat, number
        assert "Disclosed to Ana Popescu" in flat, number
    assert pack.filename == f"{reference}-your-information.pdf"


def test_the_letter_schedule_and_records_say_what_was_found_and_removed(english):
    _reference, pack = english
    text = all_text(pack.pdf)
    assert "Early Help: we found information about you." in text
    assert "Housing: we hold no information about you." in text
    assert "Some information is about other people. We removed it to protect their privacy." in text
    assert "A neighbour's name" not in text  # the staff note stays in the case file (C8)
    assert "Home visit went well." in text
    assert "Attendance report" in text
    # Rights (C7) and complaints (C10), from the notice and the letter.
    for words in (
        "Information Commissioner",
        "automated means",
        "To have it corrected",
        "To have it deleted",
        "To limit how we use it",
        "To object",
        "How long we keep it",
        "Who we share it with",
    ):
        assert words.lower() in text.lower(), words


def test_markup_in_a_typed_record_is_shown_as_text_and_nothing_is_fetched(english):
    _reference, pack = english
    text = all_text(pack.pdf)
    assert 'rel="attachment" href="file:///etc/passwd"' in text
    assert "root:" not in text
    with pikepdf.open(io.BytesIO(pack.pdf)) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments


def test_the_pack_is_tagged_with_bookmarks_for_each_section(english):
    reference, pack = english
    with pikepdf.open(io.BytesIO(pack.pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en"
        assert reference in str(pdf.docinfo["/Title"])
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            nested = [child.title for item in outline.root for child in item.children]
    every = titles + nested
    assert "Item 1: Lead worker notes" in every
    assert "Item 3: Attendance report" in every
    assert "List of the items in this pack" in every


def test_appended_documents_follow_in_order_with_footers(english):
    reference, pack = english
    pages = page_texts(pack.pdf)
    last_two = [" ".join(page.split()) for page in pages[-2:]]
    assert last_two[0].startswith(reference) or reference in last_two[0]
    assert f"Page {pack.pages - 1} of {pack.pages}" in last_two[0]
    assert f"Page {pack.pages} of {pack.pages}" in last_two[1]


def test_a_pack_over_the_page_cap_is_not_made(app):
    case_id = make_case(app, appended_pages=4)
    with pytest.raises(packs.PackTooLong, match="the limit is 3"):
        build(app, case_id, page_cap=3)


def test_large_print_uses_bigger_type(app, english):
    case_id = make_case(app, appended_pages=0)
    standard = build(app, case_id, large_print=False)
    large = build(app, case_id, large_print=True)
    assert large.pages > standard.pages


@pytest.mark.parametrize(
    ("language", "words"),
    [("pl", "Gdzie szukaliśmy"), ("ur", "ہم نے کہاں تلاش کیا")],
)
def test_polish_and_urdu_packs_read_in_their_language(app, language, words):
    case_id = make_case(app, language=language, appended_pages=0)
    pack = build(app, case_id)
    text = all_text(pack.pdf)
    assert words in text
    assert translated(language, "Where we looked") == words
    with pikepdf.open(io.BytesIO(pack.pdf)) as pdf:
        assert str(pdf.Root.Lang) == language
        fonts = {
            str(font.get("/BaseFont")).replace("-", "")
            for page in pdf.pages
            for _, font in page.Resources.get("/Font", {}).items()
        }
    if language == "ur":
        assert any("NotoNaskhArabic" in font for font in fonts), fonts
    # The footer is translated too.
    assert translated(language, "Page %(page)s of %(pages)s").split("%")[0].strip() in text
