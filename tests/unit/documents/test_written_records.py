"""Records that arrive as writing (issue 18 point 1, its stretch): an email file, plain
text and a Word document are found in, redacted and released as pages, with the third
party's name gone from every byte and the rest still readable."""

from __future__ import annotations

import io
import subprocess
import zipfile
from email.message import EmailMessage

import pikepdf
import pytest

from portal.cases import record_redactions
from portal.cases.casework_models import ExemptionCode
from portal.cases.models import CaseState
from portal.documents import packs
from portal.documents.page_reading import RedactionError
from portal.documents.released_records import find_places
from portal.documents.written_records import EMAIL, TEXT, WORD, written_as_pdf, written_kind
from tests.unit.documents import redaction_corpus as corpus
from tests.unit.documents.conftest import RECEIVED, all_text
from tests.unit.documents.test_packs import add_item
from tests.unit.documents.test_redacted_packs import STAFF, content_of


def an_email() -> bytes:
    message = EmailMessage()
    message["From"] = "School office <office@school.example>"
    message["To"] = "Early Help <earlyhelp@wakefield.example>"
    message["Date"] = "Tue, 3 Nov 2026 09:15:00 +0000"
    message["Subject"] = f"Pick-up by {corpus.NAME}"
    message.set_content(
        f"Good morning,\n\n{corpus.NAME} collected the children at 3pm.\n"
        f"The family moved to {corpus.KEPT} last month.\n"
    )
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="x.pdf")
    return message.as_bytes()


def a_word_document() -> bytes:
    """The least a .docx holds: its parts list, its relationships and one document."""
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
        for text in (
            "Housing visit notes",
            f"The tenant's sister {corpus.NAME} was present.",
            f"Rent account for the flat in {corpus.KEPT} is up to date.",
        )
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{paragraphs}</w:body></w:document>"
        ),
    }
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return data.getvalue()


def plain_text() -> bytes:
    return (
        f"Phone note\n{corpus.NAME} rang about the school run.\nFamily in {corpus.KEPT}.\n".encode()
    )


RECORDS = {"email": (an_email, EMAIL), "word": (a_word_document, WORD), "text": (plain_text, TEXT)}


@pytest.mark.parametrize("kind", RECORDS)
def test_a_written_record_is_set_as_pages_a_person_can_read(kind):
    make, expected = RECORDS[kind]
    content = make()
    assert written_kind(content) == expected
    text = all_text(written_as_pdf(content))
    assert corpus.NAME in text and corpus.KEPT in text
    if kind == "email":
        assert f"Pick-up by {corpus.NAME}" in text
        assert "From School office <office@school.example>" in text
        assert "Date Tue, 03 Nov 2026 09:15:00 +0000" in text
        assert "Attachments (each to be added as a record of its own) • x.pdf" in text


def test_the_same_record_is_set_the_same_way_each_time():
    """Places found on a page are the places burned in: the pages must not move."""
    content = an_email()
    assert all_text(written_as_pdf(content)) == all_text(written_as_pdf(content))
    first = find_places(content, [corpus.NAME])[corpus.NAME]
    again = find_places(content, [corpus.NAME])[corpus.NAME]
    assert [p.boxes for p in first] == [p.boxes for p in again]


def test_other_files_are_refused_with_what_can_be_used():
    assert written_kind(b"\x00\x01binary") is None
    with pytest.raises(RedactionError, match="email, text and Word"):
        written_as_pdf(b"\x00\x01binary")


@pytest.mark.parametrize("kind", RECORDS)
def test_a_name_in_a_written_record_is_gone_from_the_pack(session, scenarios, kind):
    make, _ = RECORDS[kind]
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    item = add_item(scenarios, case, f"A {kind}", make(), media_type="application/octet-stream")
    places = find_places(content_of(scenarios, case, item), [corpus.NAME])[corpus.NAME]
    assert len(places) >= 1
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
    assert "Nowicka" not in pdftotext
    assert corpus.KEPT in pdftotext
    with pikepdf.open(io.BytesIO(pack.pdf)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                assert b"Nowicka" not in obj.read_bytes()


def test_an_unredacted_email_reaches_the_pack_as_its_pages(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    add_item(scenarios, case, "School email", an_email(), media_type="message/rfc822")
    pack = packs.build_response_pack(session, case, cipher=scenarios.cipher)
    text = all_text(pack.pdf)
    assert f"{corpus.NAME} collected the children at 3pm." in text
