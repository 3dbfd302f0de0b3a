"""Evidence uploads: type from content, limits, images cleaned, hostile PDFs refused.

Every input is built here: images with Pillow, PDFs with pikepdf (a dev-only package the
runtime check must not need) or by hand where a hostile file needs bytes no library writes.
"""

from __future__ import annotations

import base64
import io
import struct
import warnings
import zlib

import pikepdf
import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from portal.evidence.inspection import (
    JPEG,
    MAX_BYTES,
    MAX_PDF_DECODED_BYTES,
    MAX_PIXELS,
    PDF,
    PNG,
    EvidenceRejected,
    RejectionReason,
    clean_file_name,
    inspect_upload,
)

# --- Builders ---------------------------------------------------------------------------


def image_bytes(image: Image.Image, pil_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, pil_format, **options)
    return output.getvalue()


def noisy_image(size=(64, 48), mode="RGB") -> Image.Image:
    needed = size[0] * size[1] * len(mode)
    return Image.frombytes(mode, size, (bytes(range(7, 256, 3)) * needed)[:needed])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims width x height RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def png_chunk_types(data: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        types.append(data[position + 4 : position + 8])
        position += 12 + length
    return types


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 41.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 29.0, 0.0)
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def pdf_bytes(pdf: pikepdf.Pdf, **options) -> bytes:
    output = io.BytesIO()
    pdf.save(output, **options)
    return output.getvalue()


def one_page_pdf() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def with_javascript_on_open(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = pdf.make_indirect(action)
    return pdf


UNCOMPRESSED = {
    "compress_streams": False,
    "object_stream_mode": pikepdf.ObjectStreamMode.disable,
}

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def stream_object(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def handmade_pdf(*objects: bytes) -> bytes:
    """A PDF with a classic xref table; objects are numbered from 1 in the order given."""
    output = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return output + b"startxref\n%d\n%%%%EOF\n" % xref


def object_stream(objects: dict[int, bytes]) -> bytes:
    """The decoded content of an object stream holding ``objects``."""
    header, body = b"", b""
    for number, text in objects.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    return header + body


def rejection(data: bytes, name: str = "upload") -> RejectionReason:
    with pytest.raises(EvidenceRejected) as caught:
        inspect_upload(data, name)
    return caught.value.reason


# --- Size and type -----------------------------------------------------------------------


def test_empty_file_is_refused_as_empty():
    assert rejection(b"", "passport.jpg") == RejectionReason.EMPTY


def test_one_byte_over_the_limit_is_refused_before_parsing():
    data = pdf_bytes(one_page_pdf())
    too_big = data + b"\n" * (MAX_BYTES + 1 - len(data))
    assert len(too_big) == MAX_BYTES + 1
    assert rejection(too_big, "scan.pdf") == RejectionReason.TOO_LARGE


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Name: Jan Kowalski\nDate of birth: 27/03/1990\n", "passport.pdf"),
        (b"<html><script>alert(1)</script></html>", "licence.png"),
        (b"GIF89a\x01\x00\x01\x00", "photo.jpg"),
        (b"PK\x03\x04 a zip or an Office document", "statement.pdf"),
        (b"\0" * 2000 + b"%PDF-1.7\n", "late-header.pdf"),
    ],
)
def test_content_that_is_not_pdf_jpeg_or_png_is_the_wrong_type(data, name):
    assert rejection(data, name) == RejectionReason.WRONG_TYPE


def test_png_named_jpg_is_accepted_as_png():
    clean = inspect_upload(image_bytes(noisy_image(), "PNG"), "passport.jpg")
    assert clean.media_type == PNG
    assert clean.extension == ".png"
    assert Image.open(io.BytesIO(clean.content)).format == "PNG"


def test_jpeg_named_pdf_is_accepted_as_jpeg():
    clean = inspect_upload(image_bytes(noisy_image(), "JPEG"), "passport.pdf")
    assert (clean.media_type, clean.extension) == (JPEG, ".jpg")


def test_pdf_header_may_follow_a_little_leading_junk():
    data = b"\r\n" * 10 + pdf_bytes(one_page_pdf())
    assert inspect_upload(data, "scan.pdf").media_type == PDF


# --- Names ------------------------------------------------------------------------------


def test_name_with_path_and_right_to_left_override_is_cleaned():
    data = image_bytes(noisy_image(), "PNG")
    clean = inspect_upload(data, "C:\\fakepath\\..\\../etc/passport\u202egnp.exe")
    assert clean.original_name == "passportgnp.exe"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Ana\\Desktop\\buletin.jpg", "buletin.jpg"),
        ("zdj\u0119cie paszportu \u0141ukasz.pdf", "zdjęcie paszportu Łukasz.pdf"),
        ("شناختی کارڈ.jpg", "شناختی کارڈ.jpg"),
        ("bill\u200b\u2066.pdf\x00\n", "bill.pdf"),
        ("  tabs\tand\u00a0spaces  .png", "tabsand spaces .png"),
        ("..", "evidence.pdf"),
        ("", "evidence.pdf"),
        ("\u202e\u200f\x07", "evidence.pdf"),
        ("folder/", "evidence.pdf"),
    ],
)
def test_clean_file_name(given, shown):
    assert clean_file_name(given, fallback="evidence.pdf") == shown


def test_long_name_is_cut_to_120_characters_keeping_its_extension():
    shown = clean_file_name("a" * 300 + ".jpeg", fallback="evidence.jpg")
    assert len(shown) == 120
    assert shown.endswith("a.jpeg")


# --- Images ------------------------------------------------------------------------------


def test_jpeg_loses_gps_exif_comment_and_colour_profile():
    original = image_bytes(
        noisy_image(),
        "JPEG",
        exif=gps_exif(),
        comment=b"scanned at 12 Acacia Avenue",
        icc_profile=srgb_profile(),
    )
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test input really has GPS

    clean = inspect_upload(original, "photo.jpg")

    after = Image.open(io.BytesIO(clean.content))
    assert after.format == "JPEG"
    assert after.mode == "RGB"
    assert not after.getexif()
    assert not after.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "icc_profile" not in after.info
    assert "comment" not in after.info
    for trace in (b"Exif", b"PhoneMaker", b"Acacia", b"ICC_PROFILE"):
        assert trace not in clean.content


def test_jpeg_is_turned_upright_from_its_exif_orientation():
    # Orientation 6: the camera was turned, and viewers rotate the picture 90 degrees.
    original = image_bytes(noisy_image((40, 20)), "JPEG", exif=gps_exif(orientation=6))
    clean = inspect_upload(original, "sideways.jpg")
    assert Image.open(io.BytesIO(clean.content)).size == (20, 40)


def test_png_loses_text_chunks_exif_and_colour_profile():
    text = PngInfo()
    text.add_text("Comment", "home address: 12 Acacia Avenue")
    text.add_text("Author", "Jan Kowalski", zip=True)
    text.add_itxt("Description", "zdjęcie paszportu", lang="pl")
    original = image_bytes(
        noisy_image(), "PNG", pnginfo=text, exif=gps_exif(), icc_profile=srgb_profile()
    )
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunk_types(original))

    clean = inspect_upload(original, "scan.png")

    assert png_chunk_types(clean.content) == [b"IHDR", b"IDAT", b"IEND"]
    after = Image.open(io.BytesIO(clean.content))
    assert after.text == {}
    assert not after.getexif()


def test_reencoded_image_keeps_its_pixels():
    image = noisy_image()
    clean = inspect_upload(image_bytes(image, "PNG", pnginfo=PngInfo()), "scan.png")
    assert Image.open(io.BytesIO(clean.content)).tobytes() == image.tobytes()


@pytest.mark.parametrize(
    ("image", "pil_format", "expected_mode"),
    [
        (Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG", "RGB"),
        (Image.new("L", (8, 8), 128), "JPEG", "RGB"),
        (Image.new("L", (8, 8), 128), "PNG", "L"),
        (Image.new("1", (8, 8), 1), "PNG", "L"),
        (Image.new("LA", (8, 8), (128, 50)), "PNG", "RGBA"),
        (Image.new("RGBA", (8, 8), (1, 2, 3, 4)), "PNG", "RGBA"),
        (Image.new("RGB", (8, 8), (1, 2, 3)).convert("P"), "PNG", "RGB"),
    ],
)
def test_images_are_converted_to_a_plain_mode(image, pil_format, expected_mode):
    clean = inspect_upload(image_bytes(image, pil_format), "image")
    assert Image.open(io.BytesIO(clean.content)).mode == expected_mode


def test_palette_png_with_transparency_keeps_it_as_alpha():
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 0, 0, 0, 255, 0])
    image.putpixel((0, 0), 1)
    clean = inspect_upload(image_bytes(image, "PNG", transparency=0), "stamp.png")
    after = Image.open(io.BytesIO(clean.content))
    assert after.mode == "RGBA"
    assert after.getpixel((1, 1)) == (255, 0, 0, 0)
    assert after.getpixel((0, 0)) == (0, 255, 0, 255)


def test_sixteen_bit_grey_png_is_scaled_to_eight_bits():
    image = Image.new("I;16", (2, 1))
    image.putpixel((0, 0), 0)
    image.putpixel((1, 0), 65535)
    clean = inspect_upload(image_bytes(image, "PNG"), "scan.png")
    after = Image.open(io.BytesIO(clean.content))
    assert after.mode == "L"
    assert (after.getpixel((0, 0)), after.getpixel((1, 0))) == (0, 255)


@pytest.fixture(params=[False, True], ids=["pillow-default", "as-weasyprint-sets-it"])
def truncated_images_tolerated(request, monkeypatch):
    """WeasyPrint, once imported, makes Pillow pad truncated images by default."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", request.param)
    return request.param


@pytest.mark.parametrize("pil_format", ["JPEG", "PNG"])
def test_truncated_image_is_corrupt(truncated_images_tolerated, pil_format):
    data = image_bytes(noisy_image((256, 256)), pil_format)
    assert rejection(data[: len(data) // 2], "photo") == RejectionReason.CORRUPT
    assert ImageFile.LOAD_TRUNCATED_IMAGES is truncated_images_tolerated  # restored


def test_png_with_a_damaged_chunk_is_corrupt():
    data = bytearray(image_bytes(noisy_image(), "PNG"))
    data[data.index(b"IDAT") + 10] ^= 0xFF
    assert rejection(bytes(data), "scan.png") == RejectionReason.CORRUPT


@pytest.mark.parametrize("data", [b"\xff\xd8\xff" + b"\0" * 100, b"\x89PNG\r\n\x1a\n" + b"junk"])
def test_image_signature_followed_by_junk_is_corrupt(data):
    assert rejection(data, "photo") == RejectionReason.CORRUPT


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (100_000, 100_000),  # Pillow's own bomb error (over twice its warning limit)
        (10_000, 10_000),  # Pillow's bomb warning
        (7_000, 7_000),  # over MAX_PIXELS, under Pillow's limits
    ],
)
def test_png_claiming_too_many_pixels_is_refused_before_decoding(width, height):
    assert width * height > MAX_PIXELS
    with warnings.catch_warnings():
        # Production may ignore warnings: the refusal must not depend on pytest's filter.
        warnings.simplefilter("ignore")
        assert rejection(png_claiming(width, height), "huge.png") == RejectionReason.TOO_MANY_PIXELS


def test_png_header_just_inside_the_decode_limit_is_not_refused_for_size():
    # The IDAT holds far fewer pixels than the header claims, so decoding fails instead.
    assert rejection(png_claiming(4_000, 4_000), "big.png") == RejectionReason.CORRUPT


def test_png_header_over_the_decode_limit_is_refused_before_decoding():
    # Under MAX_PIXELS, but a PNG cannot be decoded at a smaller size (test_decode_budget.py).
    assert rejection(png_claiming(4_000, 10_000), "big.png") == RejectionReason.TOO_MANY_PIXELS


# --- PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        UNCOMPRESSED,
        {"object_stream_mode": pikepdf.ObjectStreamMode.generate},
        {"linearize": True},
    ],
    ids=["default", "uncompressed", "object-streams", "linearized"],
)
def test_plain_one_page_pdf_is_accepted_as_received(options):
    data = pdf_bytes(one_page_pdf(), **options)
    clean = inspect_upload(data, "statement.pdf")
    assert clean == inspect_upload(data, "statement.pdf")
    assert (clean.content, clean.media_type, clean.extension) == (data, PDF, ".pdf")
    assert clean.original_name == "statement.pdf"


def test_pdf_from_weasyprint_with_fonts_and_an_image_is_accepted():
    from weasyprint import HTML

    png = base64.b64encode(image_bytes(noisy_image((32, 32)), "PNG")).decode()
    html = (
        '<html lang="en"><title>Council tax bill</title><body>'
        "<h1>Council tax 2026/27</h1><p>Band C, £1,234.56 for 12 Acacia Avenue.</p>"
        f'<img src="data:image/png;base64,{png}" alt="logo"></body></html>'
    )
    data = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert inspect_upload(data, "bill.pdf").media_type == PDF


def test_pdf_that_opens_at_a_page_or_links_to_a_website_is_accepted():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    pdf.pages[0].Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=[0, 0, 100, 20],
                    A=pikepdf.Dictionary(
                        S=pikepdf.Name.URI, URI=pikepdf.String("https://www.gov.uk")
                    ),
                )
            ]
        )
    )
    assert inspect_upload(pdf_bytes(pdf), "letter.pdf").media_type == PDF


def test_active_words_inside_strings_are_not_names():
    pdf = one_page_pdf()
    pdf.docinfo[pikepdf.Name.Title] = "A guide to /JavaScript, /JS and /Launch"
    assert inspect_upload(pdf_bytes(pdf, **UNCOMPRESSED), "guide.pdf").media_type == PDF


def pdf_with_jpeg(jpeg: bytes) -> bytes:
    pdf = one_page_pdf()
    image = pikepdf.Stream(pdf, jpeg)
    image.write(jpeg, filter=pikepdf.Name.DCTDecode)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 64, 48, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    return pdf_bytes(pdf)


def test_short_names_inside_image_data_are_not_read_as_syntax():
    # JPEG data is effectively random: names such as /JS turn up in it by chance.
    data = pdf_with_jpeg(image_bytes(noisy_image(), "JPEG", comment=b"x /JS /AA /EF y"))
    assert b"/JS /AA /EF y" in data
    assert inspect_upload(data, "scan.pdf").media_type == PDF


def test_script_action_written_inside_image_data_is_refused():
    # A cross-reference entry (or a reader repairing the file) can point into a stream.
    hidden = b"9 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj"
    data = pdf_with_jpeg(image_bytes(noisy_image(), "JPEG", comment=hidden))
    assert rejection(data, "scan.pdf") == RejectionReason.ACTIVE_CONTENT


def test_embedded_files_name_in_an_unfiltered_stream_is_refused():
    hidden = b"9 0 obj << /Type /Catalog /Names << /Emb#65ddedFiles 10 0 R >> >> endobj"
    data = handmade_pdf(CATALOG, PAGES, PAGE, stream_object(b"", hidden))
    assert rejection(data, "scan.pdf") == RejectionReason.ACTIVE_CONTENT


def test_pdf_with_javascript_on_open_is_refused():
    data = pdf_bytes(with_javascript_on_open(one_page_pdf()), **UNCOMPRESSED)
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


def test_pdf_with_an_embedded_file_is_refused():
    pdf = one_page_pdf()
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00", filename="payload.exe"
    )
    assert rejection(pdf_bytes(pdf), "statement.pdf") == RejectionReason.ACTIVE_CONTENT


def test_pdf_with_additional_actions_is_refused():
    pdf = one_page_pdf()
    pdf.pages[0].AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    )
    assert rejection(pdf_bytes(pdf), "statement.pdf") == RejectionReason.ACTIVE_CONTENT


def test_javascript_names_spelt_with_hex_escapes_are_refused():
    data = pdf_bytes(with_javascript_on_open(one_page_pdf()), **UNCOMPRESSED)
    data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in data
    assert b"/JS" not in data
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


def test_javascript_hidden_in_a_compressed_object_stream_is_refused():
    data = pdf_bytes(
        with_javascript_on_open(one_page_pdf()),
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    assert b"JavaScript" not in data  # only the decompressed object stream holds it
    assert b"/ObjStm" in data
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


def _ascii_hex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def _ascii85(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def _run_length(data: bytes) -> bytes:
    chunks = [data[i : i + 128] for i in range(0, len(data), 128)]
    return b"".join(bytes([len(chunk) - 1]) + chunk for chunk in chunks) + b"\x80"


HIDDEN_ACTION = object_stream({5: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"})
HIDDEN_FIRST = HIDDEN_ACTION.index(b"<<")


@pytest.mark.parametrize(
    ("filters", "encoded"),
    [
        (b"/FlateDecode", zlib.compress(HIDDEN_ACTION)),
        (b"[/ASCIIHexDecode /FlateDecode]", _ascii_hex(zlib.compress(HIDDEN_ACTION))),
        (b"[/A85 /Fl]", _ascii85(zlib.compress(HIDDEN_ACTION))),
        (b"[/RunLengthDecode /FlateDecode]", _run_length(zlib.compress(HIDDEN_ACTION))),
        (b"[/FlateDecode /FlateDecode]", zlib.compress(zlib.compress(HIDDEN_ACTION))),
    ],
)
def test_javascript_hidden_behind_a_chain_of_filters_is_refused(filters, encoded):
    objects = b"/Type /ObjStm /N 1 /First %d /Filter %s" % (HIDDEN_FIRST, filters)
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        PAGES,
        PAGE,
        stream_object(objects, encoded),
    )
    assert b"JavaScript" not in data
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


def test_object_stream_without_its_type_is_still_read():
    # Readers find object streams through the cross-reference data, not their /Type.
    objects = b"/N 1 /First %d /Filter /FlateDecode" % HIDDEN_FIRST
    data = handmade_pdf(CATALOG, PAGES, PAGE, stream_object(objects, zlib.compress(HIDDEN_ACTION)))
    assert rejection(data, "form.pdf") == RejectionReason.ACTIVE_CONTENT


@pytest.mark.parametrize(
    "unreadable",
    [
        b"/Filter /LZWDecode",
        b"/Filter /DCTDecode",
        b"/Filter /Crypt",
        b"/Filter 9 0 R",
        b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>",
    ],
)
def test_object_stream_this_check_cannot_read_is_refused(unreadable):
    objects = b"/Type /ObjStm /N 1 /First %d %s" % (HIDDEN_FIRST, unreadable)
    data = handmade_pdf(CATALOG, PAGES, PAGE, stream_object(objects, b"\x00" * 40))
    assert rejection(data, "form.pdf") == RejectionReason.CORRUPT


def test_long_active_names_in_a_compressed_page_stream_are_refused():
    content = zlib.compress(b"q /EmbeddedFiles gs Q")
    data = handmade_pdf(
        CATALOG,
        PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream_object(b"/Filter /FlateDecode", content),
    )
    assert rejection(data, "letter.pdf") == RejectionReason.ACTIVE_CONTENT


def test_handmade_pdf_without_active_content_is_accepted():
    objects = object_stream({5: b"<< /Title (Statement) >>"})
    stream = stream_object(
        b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % objects.index(b"<<"),
        zlib.compress(objects),
    )
    assert inspect_upload(handmade_pdf(CATALOG, PAGES, PAGE, stream), "x.pdf").media_type == PDF


def test_pdf_stream_that_decompresses_past_the_limit_is_refused():
    bomb = zlib.compress(b"\0" * (MAX_PDF_DECODED_BYTES + 1), 9)
    data = handmade_pdf(CATALOG, PAGES, PAGE, stream_object(b"/Filter /FlateDecode", bomb))
    assert len(data) < MAX_BYTES
    assert rejection(data, "bomb.pdf") == RejectionReason.CORRUPT


def test_damaged_flate_stream_is_corrupt():
    data = handmade_pdf(
        CATALOG, PAGES, PAGE, stream_object(b"/Filter /FlateDecode", b"x\x9c\xff" * 9)
    )
    assert rejection(data, "letter.pdf") == RejectionReason.CORRUPT


def test_password_protected_pdf_is_refused_as_encrypted():
    data = pdf_bytes(one_page_pdf(), encryption=pikepdf.Encryption(owner="bank", user=""))
    assert rejection(data, "statement.pdf") == RejectionReason.ENCRYPTED


def test_pdf_cut_short_is_corrupt():
    data = pdf_bytes(one_page_pdf())
    assert rejection(data[: len(data) // 2], "statement.pdf") == RejectionReason.CORRUPT


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        pdf_bytes(pikepdf.new()),  # no pages
        handmade_pdf(CATALOG, PAGES, PAGE) + b"\x9c(unbalanced garbage after the end",
        handmade_pdf(CATALOG, PAGES, PAGE).replace(b">>\nendobj", b">\nendobj", 1),
        handmade_pdf(CATALOG, PAGES, b"[" * 100 + b"]" * 100, PAGE),
    ],
    ids=["header-only", "no-trailer", "no-pages", "junk-at-end", "broken-dict", "deep-nesting"],
)
def test_structurally_broken_pdf_is_corrupt(data):
    assert rejection(data, "statement.pdf") == RejectionReason.CORRUPT


def test_rejection_carries_its_reason_and_a_detail_for_logs():
    data = pdf_bytes(with_javascript_on_open(one_page_pdf()))
    with pytest.raises(EvidenceRejected) as caught:
        inspect_upload(data, "form.pdf")
    assert caught.value.reason == "active_content"
    assert "/JavaScript" in caught.value.detail
