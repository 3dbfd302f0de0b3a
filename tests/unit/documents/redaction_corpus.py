"""Tricky records for the redaction tests: each hides the third party's name in one place a
released PDF could leak it from, on a page that also says something the requester keeps.

Every record is built here, with pikepdf (and Pillow for pictures), so the tests need no
files and each hiding place is exactly what its name says.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
from pikepdf import Dictionary, Name, String
from PIL import Image, ImageDraw, ImageFont

NAME = "Jadwiga Nowicka"
KEPT = "Wakefield"  # a word the requester keeps, on every record's page
KEPT_AT = (72.0, 650.0)  # where its line starts (left, baseline), in points
IMAGE_BOX = (300.0, 400.0, 500.0, 460.0)  # left, bottom, right, top of any picture drawn
_PAGE = (612, 792)


class Record:
    """One page with the kept line on it, and room for a hiding place."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.page = self.pdf.add_blank_page(page_size=_PAGE)
        helvetica = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        self.page.Resources = Dictionary(
            Font=Dictionary(F1=self.pdf.make_indirect(helvetica)), XObject=Dictionary()
        )
        self.drawing = [
            b"BT /F1 12 Tf %.1f %.1f Td (Visit to the family home in %s on Monday.) Tj ET"
            % (*KEPT_AT, KEPT.encode())
        ]

    def text(self, words: str, x: float = 72, y: float = 600, colour: bytes = b"0 g") -> None:
        self.drawing.append(
            b"q %s BT /F1 12 Tf %.1f %.1f Td (%s) Tj ET Q" % (colour, x, y, words.encode())
        )

    def picture(self, image: Image.Image, name: str = "Im1") -> None:
        left, bottom, right, top = IMAGE_BOX
        stream = pikepdf.Stream(self.pdf, _png_pixels(image))
        stream.Type, stream.Subtype = Name.XObject, Name.Image
        stream.Width, stream.Height = image.size
        stream.ColorSpace, stream.BitsPerComponent = Name.DeviceRGB, 8
        self.page.Resources.XObject[Name("/" + name)] = stream
        self.drawing.append(
            b"q %.1f 0 0 %.1f %.1f %.1f cm /%s Do Q"
            % (right - left, top - bottom, left, bottom, name.encode())
        )

    def bytes(self) -> bytes:
        self.page.Contents = self.pdf.make_stream(b"\n".join(self.drawing))
        out = io.BytesIO()
        self.pdf.save(out)
        return out.getvalue()


def _png_pixels(image: Image.Image) -> bytes:
    return image.convert("RGB").tobytes()


def _plain_picture(colour: str = "#3070b0") -> Image.Image:
    return Image.new("RGB", (400, 120), colour)


def _picture_saying(words: str) -> Image.Image:
    image = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(image).text((10, 40), words, fill="black", font=ImageFont.load_default(size=32))
    return image


# The hiding places -------------------------------------------------------------------------


def visible_text() -> bytes:
    record = Record()
    record.text(f"Seen with her neighbour {NAME} at the door.")
    return record.bytes()


def white_text() -> bytes:
    record = Record()
    record.text(f"Note: {NAME}", colour=b"1 g")
    return record.bytes()


def invisible_text() -> bytes:
    """Rendering mode 3, as an OCR layer is written."""
    record = Record()
    record.drawing.append(b"BT 3 Tr /F1 12 Tf 72 560 Td (%s phoned) Tj ET" % NAME.encode())
    return record.bytes()


def text_under_a_picture() -> bytes:
    record = Record()
    left, bottom, _right, _top = IMAGE_BOX
    record.text(NAME, x=left + 10, y=bottom + 20)
    record.picture(_plain_picture())
    return record.bytes()


def text_in_a_picture() -> bytes:
    """The name as pixels: only OCR reads it; staff redact it by area."""
    record = Record()
    record.picture(_picture_saying(NAME))
    return record.bytes()


def alternative_text() -> bytes:
    """A tagged figure whose alt text names her, and a span whose ActualText does."""
    record = Record()
    record.picture(_plain_picture())
    record.drawing.append(
        b"/Span <</ActualText (%s)>> BDC BT /F1 12 Tf 72 560 Td (J. N.) Tj ET EMC" % NAME.encode()
    )
    pdf = record.pdf
    figure = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Figure, Alt=String(f"Photo of {NAME}"))
    )
    pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=figure))
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    return record.bytes()


def bookmark_title() -> bytes:
    record = Record()
    with record.pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(f"Letter from {NAME}", 0))
    return record.bytes()


def annotations() -> bytes:
    """A sticky note (not drawn: its words show only when opened) and a free-text note
    drawn on the page."""
    record = Record()
    pdf = record.pdf
    shown = pikepdf.Stream(
        pdf,
        b"BT /F1 10 Tf 2 6 Td (Call %s back) Tj ET" % NAME.encode(),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 200, 20],
        Resources=Dictionary(Font=record.page.Resources.Font),
    )
    record.page.Annots = pdf.make_indirect(
        [
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Text,
                Rect=[500, 700, 520, 720],
                Contents=String(f"Ask {NAME} about the visit"),
                F=4,
            ),
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.FreeText,
                Rect=[72, 540, 272, 560],
                Contents=String(f"Call {NAME} back"),
                DA=String("/F1 10 Tf 0 g"),
                F=4,
                AP=Dictionary(N=shown),
            ),
        ]
    )
    return record.bytes()


def form_field() -> bytes:
    """A text field holding her name, with no appearance drawn yet (NeedAppearances)."""
    record = Record()
    pdf = record.pdf
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("contact"),
            V=String(NAME),
            Rect=[72, 540, 300, 560],
            F=4,
            P=record.page.obj,
            DA=String("/F1 12 Tf 0 g"),
        )
    )
    record.page.Annots = pdf.make_indirect([field])
    pdf.Root.AcroForm = Dictionary(
        Fields=[field],
        NeedAppearances=True,
        DA=String("/F1 12 Tf 0 g"),
        DR=Dictionary(Font=record.page.Resources.Font),
    )
    return record.bytes()


def metadata() -> bytes:
    record = Record()
    record.pdf.docinfo[Name.Author] = NAME
    with record.pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [NAME]
        xmp["dc:description"] = f"Statement by {NAME}"
    return record.bytes()


def attachment() -> bytes:
    record = Record()
    attached = pikepdf.AttachedFileSpec(
        record.pdf, f"Statement of {NAME}.".encode(), description=NAME
    )
    record.pdf.attachments["jadwiga-nowicka.txt"] = attached
    return record.bytes()


def hidden_layer() -> bytes:
    record = Record()
    pdf = record.pdf
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Third parties")))
    pdf.Root.OCProperties = Dictionary(OCGs=[layer], D=Dictionary(OFF=[layer], Order=[layer]))
    record.page.Resources.Properties = Dictionary(L1=layer)
    record.drawing.append(b"/OC /L1 BDC BT /F1 12 Tf 72 560 Td (%s) Tj ET EMC" % NAME.encode())
    return record.bytes()


def earlier_revision() -> bytes:
    """The name in the first revision's page; an incremental update rewrote the page's
    drawing without it, as a redaction tool that only covers up might."""
    record = Record()
    record.text(f"Seen with {NAME}.")
    first = record.bytes()
    with pikepdf.open(io.BytesIO(first)) as opened:
        contents = opened.pages[0].obj.Contents.objgen[0]
        size = int(opened.trailer.Size)
        root = opened.trailer.Root.objgen[0]
    previous = int(re.findall(rb"startxref\s+(\d+)", first)[-1])
    drawing = b"BT /F1 12 Tf %.1f %.1f Td (Visit to the family home in %s on Monday.) Tj ET" % (
        *KEPT_AT,
        KEPT.encode(),
    )
    at = len(first)
    update = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        contents,
        len(drawing) + 1,
        drawing,
    )
    xref = len(first) + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d >>\n" % (
        contents,
        at,
        size,
        root,
        previous,
    )
    update += b"startxref\n%d\n%%%%EOF\n" % xref
    return first + update


HIDING_PLACES: dict[str, Callable[[], bytes]] = {
    "visible text": visible_text,
    "white text": white_text,
    "invisible text": invisible_text,
    "text under a picture": text_under_a_picture,
    "alt text and ActualText": alternative_text,
    "bookmark title": bookmark_title,
    "annotations": annotations,
    "form field value": form_field,
    "Info and XMP metadata": metadata,
    "embedded file": attachment,
    "hidden optional-content layer": hidden_layer,
    "earlier incremental revision": earlier_revision,
}
