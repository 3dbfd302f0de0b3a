"""Posters: one A4 page per hub and language, tagged, with a QR code that really scans."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from PIL import Image

from portal.config import DEFAULT_PROFILE
from portal.council import load_council
from portal.i18n import LANGUAGES
from tests.conftest import translated

COUNCIL = load_council(DEFAULT_PROFILE)
# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)


def render_page_image(pdf: bytes) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "poster.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-png",
                "-singlefile",
                str(source),
                str(source.with_suffix("")),
            ],
            check=True,
        )
        image = Image.open(source.with_suffix(".png"))
        image.load()
    return image


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("hub", COUNCIL.hubs[:2], ids=lambda hub: hub.slug)
def test_poster_qr_code_opens_that_hub_in_that_language(client, locale, hub):
    response = client.get(f"/{locale}/hubs/{hub.slug}/poster.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{hub.slug}-poster-{locale}.pdf"'
    )
    codes = zxingcpp.read_barcodes(render_page_image(response.data))
    assert [code.format for code in codes] == [zxingcpp.BarcodeFormat.QRCode]
    assert codes[0].text == f"http://portal.test/{locale}/hubs/{hub.slug}/start"

    follow = client.get(codes[0].text.removeprefix("http://portal.test"))
    assert follow.status_code == 303
    assert follow.headers["Location"] == f"/{locale}/hubs/{hub.slug}"


@pytest.mark.parametrize("locale", LOCALES)
def test_poster_is_one_tagged_a4_page_in_its_language(client, locale):
    hub = COUNCIL.hubs[-1]
    pdf_bytes = client.get(f"/{locale}/hubs/{hub.slug}/poster.pdf").data
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        box = pdf.pages[0].MediaBox
        width, height = float(box[2]), float(box[3])
        assert (round(width), round(height)) == (595, 842)
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == locale
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            assert translated(locale, "Your family's information: your rights") in meta.get(
                "dc:title"
            )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    assert "Wakefield Council" in text
    assert hub.contact.phone in text


def structure_elements(node, found=None) -> list:
    """Every element of a tagged PDF's structure tree, walked from /StructTreeRoot."""
    found = [] if found is None else found
    if isinstance(node, pikepdf.Array):
        for kid in node:
            structure_elements(kid, found)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            structure_elements(node.K, found)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_the_qr_code_figure_says_where_it_leads(client, locale):
    """PDF/UA: every figure has alternative text; the QR code's gives the address it opens."""
    hub = COUNCIL.hubs[0]
    pdf_bytes = client.get(f"/{locale}/hubs/{hub.slug}/poster.pdf").data
    link = f"http://portal.test/{locale}/hubs/{hub.slug}/start"
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        elements = structure_elements(pdf.Root.StructTreeRoot)
        figures = [element for element in elements if element.S == pikepdf.Name.Figure]
        assert elements and len(figures) == 1
        alt = str(figures[0].get("/Alt", "")).strip()
    assert link in alt
    assert alt.replace("\u2066", "").replace("\u2069", "") == translated(
        locale, "QR code that opens this hub's page: %(address)s"
    ) % {"address": link}


def test_poster_uses_the_configured_public_address(database_url, tmp_path):
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path, PUBLIC_BASE_URL="https://families.example.gov.uk/")
    pdf = app.test_client().get("/ro/hubs/south-east/poster.pdf").data
    codes = zxingcpp.read_barcodes(render_page_image(pdf))
    assert codes[0].text == "https://families.example.gov.uk/ro/hubs/south-east/start"


def test_unknown_hub_has_no_poster(client):
    assert client.get("/en/hubs/nowhere/poster.pdf").status_code == 404


def test_a_sorani_poster_is_set_in_naskh_and_reads_back_in_sorani(client):
    """Noto Naskh Arabic draws Sorani's letters, and pdftotext reads them back in reading
    order: the list of what a resident can do, and the hub's name from the profile."""
    hub = COUNCIL.hubs[-1]  # ناوەندی Early Help Hub لە باشووری ڕۆژهەڵات
    pdf_bytes = client.get(f"/ckb/hubs/{hub.slug}/poster.pdf").data
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        fonts = {
            str(font.get("/BaseFont")).replace("-", "")
            for page in pdf.pages
            for _, font in page.Resources.get("/Font", {}).items()
        }
    assert any("NotoNaskhArabic" in name for name in fonts), fonts
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode("utf-8")
    text = " ".join(re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).split())
    phrases = [
        translated("ckb", "Read how we use your family's information"),
        translated("ckb", "Ask for a copy of your information"),
        translated("ckb", "Object to how we use your information"),
        "باشووری ڕۆژهەڵات",
    ]
    assert set("ڕڵێۆە") <= set("".join(phrases)), "pick phrases with every Sorani letter"
    for phrase in phrases:
        assert phrase in text, phrase
