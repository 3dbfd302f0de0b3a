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


def _pixels_to_keep(image: Image.Image, pil_format: str) -> Image.Image:
    """A new image in the mode to encode: RGB for JPEG (CMYK and greyscale included); L,
    RGB or RGBA for PNG, keeping transparency. 16-bit grey is scaled to 8 bits."""
    if pil_format == "JPEG":
        return image.convert("RGB")
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("L", "1"):
        return image.convert("L")
    return image.convert("RGB")
