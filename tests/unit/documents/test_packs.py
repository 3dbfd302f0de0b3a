"""The access response pack (portal.documents.packs), read back from the PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from portal.cases import disclosure
from portal.cases.casework_models import DisclosureKind, ExemptionCode, SearchOutcome
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import tiny_png
from portal.cases.scenario_steps import Search
from portal.cases.scenarios import Scenarios
from portal.documents import packs
from portal.documents.packs import PackTooLong, UnusableItem
from tests.conftest import building
from tests.unit.documents.conftest import (
    HOSTILE,
    RECEIVED,
    HtmlRoot,
    RecordingFetcher,
    all_text,
    assert_tagged,
    flat,
    font_names,
    has_page_numbers,
    letter_without_its_font,
    median_word_height,
    named,
    open_pdf,
    outline_titles,
    page_texts,
)

REQUESTER = 'Ana "</style><b>" Popescu'  # what a footer must show, exactly, on every page
EXIF_SECRET = "SECRET-CAMERA-OWNER"


def tagged_pdf(pages: int, *, link: str = "") -> bytes:
    """A tagged PDF (marked-content ids and all) with words on each page, as a scanner's
    software or another council system might send; optionally a link and a script."""
    body = "".join(
        f"<p style='break-before: {'page' if n > 1 else 'auto'}'>"
        f"Uploaded page {n} of the attendance report</p>"
        for n in range(1, pages + 1)
    )
    if link:
        body += f'<p><a href="{link}">Open this</a></p>'
    html = f"<html lang='en'><head><title>Upload</title></head><body>{body}</body></html>"
    pdf = pikepdf.open(io.BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")))
    if link:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(script)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def photo_with_exif() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = EXIF_SECRET  # Artist
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def add_item(scenarios: Scenarios, case: Case, title: str, content, **options):
    """A record from Early Help dated 1 September 2026 unless said otherwise: typed text,
    or an uploaded file."""
    kind = DisclosureKind.TYPED if isinstance(content, str) else DisclosureKind.UPLOADED
    options.setdefault("department", "Early Help")
    options.setdefault("item_date", date(2026, 9, 1))
    return scenarios.add_item(case, title=title, content=content, kind=kind, **options)


def access_case(scenarios: Scenarios, *, pdf_pages: int = 2, **changes) -> Case:
    """Approved-style content: three searches (found, none held, not searched), a typed
    record with markup in it and an exemption, a photo, and an uploaded tagged PDF."""
    changes.setdefault("subject", named(REQUESTER))
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, **changes)
    not_asked = "You asked us not to"
    searches = [
        Search("Early Help", SearchOutcome.RECORDS_FOUND),
        Search("Housing", SearchOutcome.NONE_HELD),
        Search("Youth Justice", SearchOutcome.NOT_SEARCHED, reason=not_asked),
    ]
    scenarios.search(case, searches=searches)
    add_item(
        scenarios,
        case,
        "Lead worker notes",
        f"Home visit went well.\nThe children were at school.\n{HOSTILE}",
        exemptions=[ExemptionCode.THIRD_PARTY, ExemptionCode.HEALTH_SERIOUS_HARM],
        redaction_note="A neighbour's name and a GP's opinion",
    )
    add_item(
        scenarios,
        case,
        "Photo of the family plan",
        photo_with_exif(),
        media_type="application/pdf",  # what the browser said; the content says JPEG
        original_name="plan.pdf",
    )
    if pdf_pages:
        add_item(
            scenarios,
            case,
            "Attendance report",
            tagged_pdf(pdf_pages, link="https://evil.example/track"),
            department="Schools",
            media_type="application/pdf",
            original_name="attendance.pdf",
        )
    return case


@pytest.fixture(scope="module")
def english(app):
    """One pack for the tests that only read it: (reference, pack)."""
    with building(app) as scenarios:
        cipher = scenarios.cipher
        case = access_case(scenarios)
        spy = RecordingFetcher()
        original = packs.PackFetcher.fetch

        def recording(self, url, headers=None):
            spy.asked.append(url)
            response = original(self, url, headers)
            spy.served.append(url)
            return response

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(packs.PackFetcher, "fetch", recording)
            pack = packs.build_response_pack(scenarios.session, case, cipher=cipher)
        return case.reference, pack, spy


def test_every_page_has_page_x_of_y_the_reference_and_who_it_was_disclosed_to(english):
    reference, pack, _spy = english
    pages = page_texts(pack.pdf)
    assert len(pages) == pack.pages
    for number, text in enumerate(pages, start=1):
        words = flat(text)
        assert f"Page {number} of {pack.pages}" in words, number
        assert reference in words, number
        assert f"Disclosed to {REQUESTER}" in words, number
    assert pack.filename == f"{reference}-your-information.pdf"
    assert pack.language == "en"


def test_the_cover_letter_is_adapted_to_the_searches_and_gives_every_right(english):
    _reference, pack, _spy = english
    letter = flat(" ".join(page_texts(pack.pdf)[:3]))
    for words in (
        f"Dear {REQUESTER},",
        "Thank you for your request of 5 October 2026.",
        "Early Help: we found information about you.",
        "Housing: we hold no information about you.",
        "Youth Justice: we did not search, because: You asked us not to",
        "To have it corrected",
        "To have it deleted",
        "To limit how we use it",
        "To object",
        "We do not make decisions about you by automated means alone.",
        "please complain to us first",
        "Information Commissioner's Office (ICO)",
        "ico.org.uk/make-a-complaint",
    ):
        assert words in letter, words
    # Purposes, categories, recipients, retention and source: the notice, as an annex.
    text = all_text(pack.pdf)
    for heading in (
        "How we use your family's information",
        "What information we collect",
        "Why we use it, and our lawful basis",
        "Who we share it with",
        "How long we keep it",
    ):
        assert heading in text, heading


def test_the_list_of_items_says_where_each_came_from_and_what_was_removed_and_why(english):
    _reference, pack, _spy = english
    text = all_text(pack.pdf)
    for code in (ExemptionCode.THIRD_PARTY, ExemptionCode.HEALTH_SERIOUS_HARM):
        explanation = " ".join(disclosure.EXEMPTIONS[code].resident_explanation.split())
        assert explanation in text, code
    schedule = flat(
        next(page for page in page_texts(pack.pdf, layout=False) if "List of the items" in page)
    )
    for words in (
        "Lead worker notes",
        "Typed copy",
        "Photo of the family plan",
        "Image",
        "Attendance report",
        "Document",
        "Schools",
        "1 September 2026",
        "Nothing removed",
    ):
        assert words in schedule, words
    # C8: the staff note says what was withheld; the resident reads only the reasons.
    assert "GP's opinion" not in text


def test_typed_records_are_text_with_their_line_breaks_and_nothing_is_fetched(english):
    _reference, pack, spy = english
    record = next(page for page in page_texts(pack.pdf) if "Item 1: Lead worker notes" in page)
    lines = [line.strip() for line in record.splitlines()]
    assert "Home visit went well." in lines
    assert "The children were at school." in lines
    unbroken = "".join(all_text(pack.pdf).split())
    assert "".join(HOSTILE.split()) in unbroken
    # Only the stylesheet and the pack's own photo were read; nothing the record names.
    assert spy.asked == spy.served
    assert spy.served == [spy.base_url + "documents/letter.css", "pack:2"]
    with open_pdf(pack.pdf) as pdf:
        assert not pdf.attachments
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    assert b"root:x:0:0" not in pack.pdf


def test_the_pack_is_tagged_pdf_ua_with_bookmarks_for_every_part(english):
    reference, pack, _spy = english
    title = f"Your information: reference {reference}"
    assert pack.title == title
    assert_tagged(pack.pdf, language="en", title=title)
    titles = outline_titles(pack.pdf)
    for expected in (
        "A copy of the information we hold about you",
        "Where we looked",
        "List of the items in this pack",
        "Item 1: Lead worker notes",
        "Item 2: Photo of the family plan",
        "Item 3: Attendance report",
        "How we use your family's information",
    ):
        assert expected in titles, expected
    # The uploaded document has a bookmark where its pages begin, at the end.
    with open_pdf(pack.pdf) as pdf, pdf.open_outline() as outline:
        marks = [item for item in outline.root if item.title == "Item 3: Attendance report"]
        pages = [pikepdf.Page(mark.destination[0]).index for mark in marks]
    assert pack.pages - 2 in pages


def test_uploaded_pdf_pages_come_last_with_the_footer_and_as_tagged_figures(english):
    reference, pack, _spy = english
    pages = page_texts(pack.pdf)
    for offset, number in ((2, 1), (1, 2)):
        text = flat(pages[-offset])
        assert f"Uploaded page {number} of the attendance report" in text
        assert f"Page {pack.pages - offset + 1} of {pack.pages}" in text
        assert reference in text
        assert f"Disclosed to {REQUESTER}" in text
    with open_pdf(pack.pdf) as pdf:
        parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
        arrays = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
        for offset, number in ((2, 1), (1, 2)):
            page = pdf.pages[pack.pages - offset]
            contents = page.obj.Contents
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            content = b"".join(stream.read_bytes() for stream in streams)
            mcid = int(re.search(rb"/Figure <</MCID (\d+)>> BDC", content).group(1))
            figure = arrays[int(page.obj.StructParents)][mcid]
            assert figure.S == pikepdf.Name.Figure
            # A screen reader hears which page it is, then the words on it.
            assert str(figure.Alt) == (
                f"Item 3: Attendance report. Page {number} of 2. "
                f"The page reads: Uploaded page {number} of the attendance report"
                + (" Open this" if number == 2 else "")  # the link's words, not where it goes
            )
            assert figure.Pg.objgen == page.obj.objgen
            # Only the drawing came in: not its links, nor its own tags' ids.
            assert "/Annots" not in page.obj
            forms = [x for _n, x in page.Resources.XObject.items() if x.Subtype == "/Form"]
            assert forms
            for form in forms:
                assert b"/MCID" not in form.read_bytes()
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
    assert b"evil.example" not in pack.pdf


def test_photos_are_drawn_with_their_title_and_without_their_metadata(english):
    _reference, pack, _spy = english
    assert EXIF_SECRET.encode() not in pack.pdf
    with open_pdf(pack.pdf) as pdf:
        figures = []

        def walk(element):
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if kid.S == pikepdf.Name.Figure:
                        figures.append(str(kid.get("/Alt", "")))
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert "Photo of the family plan" in figures


def test_the_plain_english_of_each_exemption_is_casework_s(app):
    with app.test_request_context("/en/"):
        for code, exemption in disclosure.EXEMPTIONS.items():
            assert packs.exemption_explanation(code) == exemption.resident_explanation


def test_a_pack_over_the_cap_is_refused_before_anything_is_rendered(
    session, scenarios, cipher, monkeypatch
):
    case = access_case(scenarios, pdf_pages=4)

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered a pack that was already over the cap")

    monkeypatch.setattr(packs, "render_document", must_not_render)
    monkeypatch.setattr(packs, "inspect_upload", must_not_render)
    with pytest.raises(PackTooLong, match="the limit is 8") as refused:
        packs.build_response_pack(session, case, cipher=cipher, page_cap=8)
    assert refused.value.pages > 8


def test_a_pack_that_lays_out_over_the_cap_is_refused(session, scenarios, cipher):
    case = access_case(scenarios, pdf_pages=0)
    add_item(scenarios, case, "Case history", "A long history.\n" * 400)
    least = packs.FIXED_PAGES + 3
    with pytest.raises(PackTooLong, match=f"the limit is {least}") as refused:
        packs.build_response_pack(session, case, cipher=cipher, page_cap=least)
    assert refused.value.pages > least


def test_a_file_that_cannot_be_used_is_named(session, scenarios, cipher):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    scenarios.search(case, searches=[Search("Early Help", SearchOutcome.RECORDS_FOUND)])
    add_item(scenarios, case, "Spreadsheet", b"PK\x03\x04 not a pdf", media_type="image/png")
    with pytest.raises(
        UnusableItem, match=r"Item 1 \(Spreadsheet\).*PDF, PNG, JPEG, email, text and Word"
    ):
        packs.build_response_pack(session, case, cipher=cipher)

    locked = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(tagged_pdf(1))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    add_item(scenarios, locked, "Locked report", out.getvalue(), media_type="application/pdf")
    with pytest.raises(UnusableItem, match="needs a password"):
        packs.build_response_pack(session, locked, cipher=cipher)


def test_nothing_found_says_so(session, scenarios, cipher):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    scenarios.search(case, searches=[Search("Housing", SearchOutcome.NONE_HELD)])
    pack = packs.build_response_pack(session, case, cipher=cipher)
    text = all_text(pack.pdf)
    assert "Housing: we hold no information about you." in text
    assert "We found no information about you in these records." in text
    assert f"Page {pack.pages} of {pack.pages}" in text


def test_large_print_when_asked_for(session, scenarios, cipher, monkeypatch):
    details = {"delivery": {"delivery": "post", "formats": ["large_print"]}}
    case = access_case(scenarios, pdf_pages=1, details=details)
    rendered: list[str] = []
    original = packs.render_template

    def keep(template, **context):
        rendered.append(original(template, **context))
        return rendered[-1]

    monkeypatch.setattr(packs, "render_template", keep)
    large = packs.build_response_pack(session, case, cipher=cipher)
    standard = packs.build_response_pack(session, case, cipher=cipher, large_print=False)
    assert "large-print" in (HtmlRoot(rendered[0]).attrs["class"] or "").split()
    assert "large-print" not in (HtmlRoot(rendered[1]).attrs["class"] or "").split()
    assert median_word_height(large.pdf) >= 1.35 * median_word_height(standard.pdf)
    assert large.pages > standard.pages
    last = flat(page_texts(large.pdf)[-1])
    assert "Uploaded page 1 of the attendance report" in last
    assert f"Page {large.pages} of {large.pages}" in last


@pytest.mark.parametrize(
    ("language", "direction"), [("pl", "ltr"), ("ur", "rtl"), ("lv", "ltr"), ("ckb", "rtl")]
)
def test_packs_in_polish_and_urdu(session, scenarios, cipher, monkeypatch, language, direction):
    case = access_case(scenarios, pdf_pages=1, language=language)
    rendered: list[str] = []
    original = packs.render_template

    def keep(template, **context):
        rendered.append(original(template, **context))
        return rendered[-1]

    monkeypatch.setattr(packs, "render_template", keep)
    pack = packs.build_response_pack(session, case, cipher=cipher)
    root = HtmlRoot(rendered[0])
    assert (root.attrs["lang"], root.attrs["dir"]) == (language, direction)
    assert pack.language == language
    with open_pdf(pack.pdf) as pdf:
        assert str(pdf.Root.Lang) == language
        assert "/StructTreeRoot" in pdf.Root
        assert case.reference in str(pdf.docinfo["/Title"])
    pages = page_texts(pack.pdf)
    assert len(pages) == pack.pages
    for number, text in enumerate(pages, start=1):
        assert has_page_numbers(text, number, pack.pages), number
        assert case.reference in text, number
    assert "Uploaded page 1 of the attendance report" in flat(pages[-1])
    if language == "lv":  # Latvian letters read back as drawn, in Noto Sans
        assert "Ko izņēmām un kāpēc" in flat(" ".join(pages))
        assert all(name.split("+")[-1].startswith("Noto") for name in font_names(pack.pdf))
    if language == "ckb":  # Sorani's own letters read back in reading order
        text = flat(" ".join(page_texts(pack.pdf, layout=False)))
        for words in ("چیمان لابرد و بۆچی", "لە کوێ گەڕاین", "لیستی بابەتەکانی ئەم پاکێتە"):
            assert words in text, words
    if direction == "rtl":
        fonts = {name.replace("-", "") for name in font_names(pack.pdf)}
        assert any("NotoNaskhArabic" in name for name in fonts), fonts
        assert not any("Nastaliq" in name for name in fonts)


def test_an_image_that_is_not_what_the_browser_said_is_still_an_image(session, scenarios, cipher):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    scenarios.search(case, searches=[Search("Early Help", SearchOutcome.RECORDS_FOUND)])
    add_item(scenarios, case, "Scan", tiny_png(120), media_type="text/plain")
    pack = packs.build_response_pack(session, case, cipher=cipher)
    with open_pdf(pack.pdf) as pdf:
        images = {image.objgen for page in pdf.pages for image in page.get_images().values()}
    assert len(images) == 1


def fonts_without_their_program(pdf: pikepdf.Pdf) -> list[str]:
    """Every font object in the file whose program the file does not carry."""
    missing = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != pikepdf.Name.Font:
            continue
        if obj.get("/Subtype") in (pikepdf.Name.Type0, pikepdf.Name.Type3):
            continue  # a Type 0 font's program is in its descendant, itself a font object
        descriptor = obj.get("/FontDescriptor")
        if descriptor is None or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            missing.append(str(obj.get("/BaseFont")))
    return missing


def test_an_uploaded_page_without_its_font_is_drawn_as_a_picture_and_read_out(
    session, scenarios, cipher
):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, subject=named(REQUESTER))
    scenarios.search(case, searches=[Search("Housing", SearchOutcome.RECORDS_FOUND)])
    upload = letter_without_its_font(["Tenancy visit on 3 March", "Rent account up to date"])
    with pikepdf.open(io.BytesIO(upload)) as original:
        assert fonts_without_their_program(original) == ["/Helvetica"]  # so the check can fail
    add_item(
        scenarios,
        case,
        "Tenancy letter",
        upload,
        department="Housing",
        media_type="application/pdf",
        original_name="tenancy.pdf",
    )

    pack = packs.build_response_pack(session, case, cipher=cipher)

    with open_pdf(pack.pdf) as pdf:
        assert fonts_without_their_program(pdf) == []  # PDF/UA-1: every font embedded
        page = pdf.pages[pack.pages - 1]
        parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
        arrays = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
        figures = [
            element
            for element in arrays[int(page.obj.StructParents)]
            if element.get("/S") == pikepdf.Name.Figure
        ]
        assert [str(figure.Alt) for figure in figures] == [
            "Item 1: Tenancy letter. Page 1 of 1. "
            "The page reads: Tenancy visit on 3 March Rent account up to date"
        ]
        (form,) = [x for _n, x in page.Resources.XObject.items() if x.Subtype == "/Form"]
        (picture,) = [x for _n, x in form.Resources.XObject.items()]
        assert picture.Subtype == pikepdf.Name.Image
        drawn = pikepdf.PdfImage(picture).as_pil_image()  # decodes as a PDF reader would
        assert drawn.mode == "L"  # a grey page, kept losslessly
        assert drawn.getextrema()[0] < 100  # its words are drawn
    # The page keeps its footer, which is the pack's own text.
    assert f"Page {pack.pages} of {pack.pages}" in flat(page_texts(pack.pdf)[-1])
