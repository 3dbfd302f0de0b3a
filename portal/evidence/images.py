"""JPEG and PNG evidence: decoded within a pixel budget, and encoded again holding pixels only.

Threats: a decompression bomb (a small file whose header claims billions of pixels, which a
worker would try to hold in memory); metadata a resident did not mean to send (EXIF with the
GPS position of their home, text chunks, comments, colour profiles); a damaged or truncated
file padded out with grey. Pure functions, no Flask.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from PIL import Image, ImageFile, ImageOps

from portal.evidence.rejections import EvidenceRejected, RejectionReason

# A4 scanned at 600 dpi is 4960 x 7016 = 34.8 million pixels and a 12-megapixel phone photo
# is well inside, so 40 million refuses no real document. It bounds what one upload can make
# a worker decode: 40 million RGBA pixels are 160 MB of memory, where a hostile 10 MB PNG
# could otherwise claim billions.
MAX_PIXELS = 40_000_000
# What one upload may make a worker hold decoded (issue 15: a 131 KB 6300 x 6300 PNG took
# 3-10 s and 318 MB). 16 million pixels are 64 MB as RGBA: a 12-megapixel phone photo
# (4032 x 3024) and an A4 page scanned at 300 dpi (8.7 million) fit. A larger JPEG is
# decoded at a half, quarter or eighth of its size (libjpeg scales while decoding, so the
# full size is never held); a PNG cannot be scaled while decoding, so a larger PNG is
# refused, and the resident is told to send a photo at a lower resolution or a PDF.
MAX_DECODED_PIXELS = 16_000_000
JPEG_QUALITY = 90


def reencode_image(data: bytes, pil_format: str) -> bytes:
    """Decode the image and encode its pixels again in the same format, without metadata.

    The pixel count is checked from the header before anything is decoded (``Image.open``
    is lazy). Pillow's own decompression-bomb guard is a second line: its warning is made
    an error here so it cannot slip through as a log line.
    """
    try:
        with _strict_pillow():
            with Image.open(BytesIO(data), formats=[pil_format]) as probe:
                _check_pixel_count(probe.size)
                probe.verify()  # checksums and structure, without decoding the pixels
            with Image.open(BytesIO(data), formats=[pil_format]) as image:
                _check_pixel_count(image.size)
                _decode_within_budget(image, pil_format)
                image.load()  # a truncated or damaged file fails here
                ImageOps.exif_transpose(image, in_place=True)
                pixels = _pixels_to_keep(image, pil_format)
    except EvidenceRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceRejected(RejectionReason.TOO_MANY_PIXELS, str(exc)) from exc
    except Exception as exc:
        # Pillow's decoders raise many exception types (OSError, SyntaxError, ValueError,
        # struct.error...) for hostile input; any of them means the file cannot be used.
        raise EvidenceRejected(RejectionReason.CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    # convert() copies the source's info (EXIF, ICC profile, XMP, comments, text chunks)
    # and the encoders write some of it back unasked: keep the pixels only.
    pixels.info = {}
    output = BytesIO()
    if pil_format == "JPEG":
        pixels.save(output, "JPEG", quality=JPEG_QUALITY)
    else:
        pixels.save(output, "PNG")
    return output.getvalue()


_PILLOW_SETTINGS = threading.Lock()


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Pillow's bomb warning as an error, and truncated files refused, for this decode.

    Both settings are process-wide. WeasyPrint sets LOAD_TRUNCATED_IMAGES when imported
    (so a cut-off logo still renders); evidence must not be padded with grey instead.
    The lock stops two uploads restoring each other's settings mid-decode; should other
    code change them meanwhile, the pixel count is still checked after every open.
    """
    with _PILLOW_SETTINGS, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        tolerated = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerated


def _check_pixel_count(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise EvidenceRejected(RejectionReason.TOO_MANY_PIXELS, f"{width} x {height}")


def _decode_within_budget(image: Image.Image, pil_format: str) -> None:
    """Arrange for at most MAX_DECODED_PIXELS to be decoded, before anything is: a JPEG is
    set to decode at the largest of 1/1, 1/2, 1/4, 1/8 of its size within the budget
    (``draft``); a PNG over the budget is refused."""
    width, height = image.size
    if width * height <= MAX_DECODED_PIXELS:
        return
    if pil_format != "JPEG":
        raise EvidenceRejected(
            RejectionReason.TOO_MANY_PIXELS, f"{width} x {height}, too many to decode"
        )
    scale = next(s for s in (2, 4, 8) if (width // s) * (height // s) <= MAX_DECODED_PIXELS)
    image.draft("RGB", (width // scale, height // scale))


def _pixels_to_keep(image: Image.Image, pil_format: str) -> Image.Image:
    """The image in the mode to encode: RGB for JPEG (CMYK and greyscale included); L,
    RGB or RGBA for PNG, keeping transparency. 16-bit grey is scaled to 8 bits. An image
    already in that mode is used as it is: a copy would double the memory an upload takes."""
    if pil_format == "JPEG":
        return _in_mode(image, "RGB")
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return _in_mode(image, "RGBA")
    if image.mode in ("L", "1"):
        return _in_mode(image, "L")
    return _in_mode(image, "RGB")


def _in_mode(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)
