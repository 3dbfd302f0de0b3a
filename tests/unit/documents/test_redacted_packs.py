"""Redactions staff accept on an uploaded record reach the resident burned in (issue 18,
points 2-4): the pack carries the record's released copy, and its list of items says,
page by page, how many places were removed and with which mark."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from PIL import Image, ImageDraw
from weasyprint import HTML

from portal.cases import record_redactions
from portal.cases.casework_models import DisclosureItem, ExemptionCode
from portal.cases.errors import CaseworkError, MissingText
from portal.cases.models import CaseState
from portal.cases.redaction_models import RedactionSource, RedactionStatus
from portal.documents import packs
from portal.documents.released_records import (
    area_box,
    find_places,
    page_count,
    page_lines,
    page_preview,
)
from tests.unit.documents import redaction_corpus as corpus
from tests.unit.documents.conftest import RECEIVED, all_text, flat
from tests.unit.documents.test_packs import add_item, tagged_pdf

STAFF = "staff:7"


def record_naming_a_neighbour() -> bytes:
    """Two pages of case notes, as a records system prints them: the neighbour named twice
    on page 1 and once on page 2, a white copy of the name on page 2 that no one can see,
    and words to keep."""
    html = f"""<html lang="en"><body style="font: 12pt sans-serif">
    <p>Visit on 3 May. {corpus.NAME} called the police.</p>
    <p>{corpus.KEPT} office notes. Neighbour {corpus.NAME} again.</p>
    <p style="break-before: page">Follow-up in {corpus.KEPT}: {corpus.NAME} moved away.</p>
    <p style="color: white">{corpus.NAME}</p>
    </body></html>"""
    return HTML(string=html).write_pdf()


@pytest.fixture()
def redacted_case(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    item = add_item(
        scenarios,
        case,
        "Police notes",
        record_naming_a_neighbour(),
        media_type="application/pdf",
        original_name="notes.pdf",
    )
    return case, item


def content_of(scenarios, case, item: DisclosureItem) -> bytes:
    from portal.cases import disclosure

    return disclosure.decrypt_disclosure_item(case, item, cipher=scenarios.cipher)


def test_a_term_found_accepted_and_rejected_reaches_the_pack_burned_in(
    session, scenarios, redacted_case
):
    case, item = redacted_case
    places = find_places(content_of(scenarios, case, item), [corpus.NAME])[corpus.NAME]
    # The white copy is found too: staff see everything the file holds, even unseen.
    assert [place.page for place in places] == [0, 0, 1, 1]
    assert all(corpus.NAME in place.context for place in places)

    proposed = record_redactions.propose_places(
        session, case, item, term=corpus.NAME, places=places, actor=STAFF
    )
    assert len(proposed) == 4
    # Searching again proposes nothing twice.
    assert not record_redactions.propose_places(
        session, case, item, term=corpus.NAME, places=places, actor=STAFF
    )
    first, second, third, _white = proposed  # the white copy is left unjudged
    for row in (first, third):
        record_redactions.decide(
            session, case, row.id, accept=True, code=ExemptionCode.THIRD_PARTY, actor=STAFF
        )
    record_redactions.decide(session, case, second.id, accept=False, code=None, actor=STAFF)
    with pytest.raises(MissingText, match="exemption"):
        record_redactions.decide(session, case, second.id, accept=True, code="", actor=STAFF)

    pack = packs.build_response_pack(session, case, cipher=scenarios.cipher)
    text = flat(all_text(pack.pdf))
    # The rejected place stays; the two accepted ones and the white copy are gone.
    assert text.count(corpus.NAME) == 1
    assert f"Neighbour {corpus.NAME} again" in text
    assert "Follow-up in Wakefield:" in text and "moved away" in text
    # The list of items says what was removed, page by page, with the mark on the page.
    assert "Page 1: 1 place removed, marked “Sch 2 para 16”." in text
    assert "Page 2: 1 place removed, marked “Sch 2 para 16”." in text
    assert "Some information is about other people." in text
    # The released record's page itself carries the mark.
    assert text.count("Sch 2 para 16") >= 4


def test_nothing_of_a_redacted_name_is_left_in_the_packs_bytes(session, scenarios, redacted_case):
    case, item = redacted_case
    places = find_places(content_of(scenarios, case, item), [corpus.NAME])[corpus.NAME]
    for row in record_redactions.propose_places(
        session, case, item, term=corpus.NAME, places=places, actor=STAFF
    ):
        record_redactions.decide(
            session, case, row.id, accept=True, code=ExemptionCode.THIRD_PARTY, actor=STAFF
        )
    pack = packs.build_response_pack(session, case, cipher=scenarios.cipher)
    pdftotext = subprocess.run(
        ["pdftotext", "-", "-"], input=pack.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert corpus.NAME not in pdftotext
    assert corpus.KEPT in pdftotext
    with pikepdf.open(io.BytesIO(pack.pdf)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                assert b"Nowicka" not in obj.read_bytes()
            else:
                assert "Nowicka" not in str(obj)


def test_an_area_and_picked_lines_are_redacted_with_their_exemption(
    session, scenarios, redacted_case
):
    case, item = redacted_case
    content = content_of(scenarios, case, item)
    pages = page_count(content)
    lines = page_lines(content, 0)
    assert [line.number for line in lines] == [1, 2]
    assert lines[0].text == f"Visit on 3 May. {corpus.NAME} called the police."
    # Staff pick the first line with the keyboard, and draw a box over the top of page 2.
    record_redactions.add_area(
        session,
        case,
        item,
        page=0,
        boxes=[lines[0].box],
        code=ExemptionCode.CRIME_PREVENTION,
        source=RedactionSource.LINE,
        pages=pages,
        actor=STAFF,
    )
    top_of_page_two = area_box(content, 1, (0.0, 0.0, 1.0, 0.25))
    record_redactions.add_area(
        session,
        case,
        item,
        page=1,
        boxes=[top_of_page_two],
        code=ExemptionCode.THIRD_PARTY,
        source=RedactionSource.AREA,
        pages=pages,
        actor=STAFF,
    )
    with pytest.raises(CaseworkError, match="page is not in the record"):
        record_redactions.add_area(
            session,
            case,
            item,
            page=2,
            boxes=[top_of_page_two],
            code=ExemptionCode.THIRD_PARTY,
            source=RedactionSource.AREA,
            pages=pages,
            actor=STAFF,
        )
    with pytest.raises(MissingText, match="Mark the area"):
        record_redactions.add_area(
            session,
            case,
            item,
            page=1,
            boxes=[(10.0, 10.0, 10.5, 10.5)],  # a click, not a box
            code=ExemptionCode.THIRD_PARTY,
            source=RedactionSource.AREA,
            pages=pages,
            actor=STAFF,
        )
    rows = record_redactions.redactions_of(session, item)
    assert [(row.page, row.source, row.status) for row in rows] == [
        (0, RedactionSource.LINE, RedactionStatus.ACCEPTED),
        (1, RedactionSource.AREA, RedactionStatus.ACCEPTED),
    ]
    text = flat(all_text(packs.build_response_pack(session, case, cipher=scenarios.cipher).pdf))
    assert "called the police" not in text
    assert f"Neighbour {corpus.NAME} again" in text  # the second line of page 1 is kept
    assert "moved away" not in text
    assert "Page 1: 1 place removed, marked “Sch 2 para 2”." in text


def test_a_picture_record_is_redacted_as_the_page_of_its_picture(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    image = Image.new("RGB", (1200, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 500, 300), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    item = add_item(scenarios, case, "Photo of a letter", out.getvalue(), media_type="image/png")
    content = content_of(scenarios, case, item)
    assert page_count(content) == 1
    preview = page_preview(content, 0, width=600)
    assert Image.open(io.BytesIO(preview.png)).size[0] == 600
    box = area_box(content, 0, (0.5, 0.25, 0.9, 0.75))
    record_redactions.add_area(
        session,
        case,
        item,
        page=0,
        boxes=[box],
        code=ExemptionCode.THIRD_PARTY,
        source=RedactionSource.AREA,
        pages=1,
        actor=STAFF,
    )
    pack = packs.build_response_pack(session, case, cipher=scenarios.cipher)
    assert "Page 1: 1 place removed" in flat(all_text(pack.pdf))


def test_only_uploaded_records_of_an_access_request_in_progress_are_redacted(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    typed = add_item(scenarios, case, "Typed note", "Nothing to redact here")
    with pytest.raises(CaseworkError, match="Only an uploaded record"):
        record_redactions.add_area(
            session,
            case,
            typed,
            page=0,
            boxes=[(0.0, 0.0, 50.0, 50.0)],
            code=ExemptionCode.THIRD_PARTY,
            source=RedactionSource.AREA,
            pages=1,
            actor=STAFF,
        )
    other = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    item = add_item(scenarios, other, "Report", tagged_pdf(1), media_type="application/pdf")
    with pytest.raises(CaseworkError, match="not on this case"):
        record_redactions.add_area(
            session,
            case,
            item,
            page=0,
            boxes=[(0.0, 0.0, 50.0, 50.0)],
            code=ExemptionCode.THIRD_PARTY,
            source=RedactionSource.AREA,
            pages=1,
            actor=STAFF,
        )


def test_search_terms_are_checked_before_anything_is_read():
    assert record_redactions.clean_terms(" Jadwiga  Nowicka \n\n07700 900123\nJadwiga Nowicka") == [
        "Jadwiga Nowicka",
        "07700 900123",
    ]
    with pytest.raises(MissingText):
        record_redactions.clean_terms(" \n ")
    with pytest.raises(CaseworkError, match="too short"):
        record_redactions.clean_terms("J")
    with pytest.raises(CaseworkError, match="20 terms or fewer"):
        record_redactions.clean_terms("\n".join(f"name {n}" for n in range(21)))


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("pl", "Strona 1: usunęliśmy 2 miejsca, oznaczone „Sch 2 para 16”."),
        ("lt", "1 puslapis: pašalinome 2 vietas, pažymėtas „Sch 2 para 16“."),
        ("ro", "Pagina 1: am eliminat 2 locuri, marcate „Sch 2 para 16”."),
    ],
)
def test_the_list_of_items_says_what_was_removed_in_the_residents_language(
    session, scenarios, language, line
):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED, language=language)
    item = add_item(
        scenarios,
        case,
        "Police notes",
        record_naming_a_neighbour(),
        media_type="application/pdf",
        original_name="notes.pdf",
    )
    places = find_places(content_of(scenarios, case, item), [corpus.NAME])[corpus.NAME]
    for row in record_redactions.propose_places(
        session, case, item, term=corpus.NAME, places=places[:2], actor=STAFF
    ):
        record_redactions.decide(
            session, case, row.id, accept=True, code=ExemptionCode.THIRD_PARTY, actor=STAFF
        )
    pack = packs.build_response_pack(session, case, cipher=scenarios.cipher)
    text = flat(all_text(pack.pdf)).replace("\u2068", "").replace("\u2069", "")
    assert line in text
