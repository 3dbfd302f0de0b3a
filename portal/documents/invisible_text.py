"""Invisible text over a page that is drawn as a picture, so its words can still be found,
selected and copied where they show (as a scanner's OCR layer does).

The text is written in rendering mode 3 (neither filled nor stroked) in a font with one
glyph, embedded, whose every character code is its own Unicode value (Identity-H,
with a ToUnicode map saying so). Each character is placed on its own, stretched to the box
it had on the original page, so a reader highlights the right place. Characters outside
Unicode's basic plane (emoji, some historic scripts) are written as U+FFFD: the font has
two bytes a character.
"""

from __future__ import annotations

import functools
import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from pikepdf import Name

__all__ = ["FONT_RESOURCE", "PlacedText", "add_text_font", "text_layer"]

FONT_RESOURCE = "/Fh"  # the font's name in a page's resources
_ADVANCE = 500  # of 1000 units to the em: each glyph is half as wide as the size set
_REPLACEMENT = 0xFFFD


@dataclass(frozen=True)
class PlacedText:
    """Characters to write from (left, bottom) in page points, `width` wide and `height`
    high in all; the characters share the width evenly."""

    text: str
    left: float
    bottom: float
    width: float
    height: float


def text_layer(
    pieces: Iterable[PlacedText], matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
) -> bytes:
    """Content stream operators writing `pieces` invisibly with the font FONT_RESOURCE, in
    the space `matrix` maps onto the page (a turned record's lines stay its lines)."""
    lines = [b"q %.6f %.6f %.6f %.6f %.4f %.4f cm" % tuple(matrix)]
    lines.append(b"BT 3 Tr %s 1 Tf" % FONT_RESOURCE.encode())
    for piece in pieces:
        if not piece.text or piece.height <= 0:
            continue
        advance = max(piece.width, 0.01) / len(piece.text)
        for n, char in enumerate(piece.text):
            code = ord(char)
            if code > 0xFFFF or 0xD800 <= code <= 0xDFFF:
                code = _REPLACEMENT
            lines.append(
                b"%.3f 0 0 %.3f %.3f %.3f Tm <%04X> Tj"
                % (
                    advance * 1000 / _ADVANCE,
                    piece.height,
                    piece.left + n * advance,
                    piece.bottom,
                    code,
                )
            )
    lines.append(b"ET Q")
    return b"\n".join(lines)


def add_text_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The glyphless font, added to `pdf` once; put it in each page's resources."""
    descriptor = pikepdf.Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name.GlyphLessFont,
        Flags=4,
        FontBBox=pikepdf.Array([0, 0, _ADVANCE, 1000]),
        ItalicAngle=0,
        Ascent=1000,
        Descent=0,
        CapHeight=1000,
        StemV=80,
        FontFile2=pikepdf.Stream(pdf, _glyphless_truetype()),
    )
    descendant = pikepdf.Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=_ADVANCE,
        CIDToGIDMap=_every_code_to_glyph_one(pdf),
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=Name.GlyphLessFont,
            Encoding=Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([pdf.make_indirect(descendant)]),
            ToUnicode=pikepdf.Stream(pdf, _identity_to_unicode()),
        )
    )


def _every_code_to_glyph_one(pdf: pikepdf.Pdf) -> pikepdf.Object:
    stream = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 0x10000, 9))
    stream.Filter = Name.FlateDecode
    return pdf.make_indirect(stream)


@functools.cache
def _identity_to_unicode() -> bytes:
    """Each two-byte code is its own UTF-16 value (surrogates excepted). A bfrange may only
    vary its last byte, so there is one range per first byte."""
    ranges = [
        b"<%02X00> <%02XFF> <%02X00>" % (high, high, high)
        for high in range(0x100)
        if not 0xD8 <= high <= 0xDF
    ]
    return b"\n".join(
        [
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *(
                b"%d beginbfrange\n" % len(chunk) + b"\n".join(chunk) + b"\nendbfrange"
                for chunk in (ranges[i : i + 100] for i in range(0, len(ranges), 100))
            ),
            b"endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    )


@functools.cache
def _glyphless_truetype() -> bytes:
    """A TrueType font with an empty .notdef and one glyph, a box half an em wide."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({})
    empty = TTGlyphPen(None).glyph()
    # The glyph has an outline, a box, though it is never painted (rendering mode 3): PDFium
    # leaves out of a page's text a lone character whose glyph has no extent.
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, 1000))
    pen.lineTo((_ADVANCE, 1000))
    pen.lineTo((_ADVANCE, 0))
    pen.closePath()
    builder.setupGlyf({".notdef": empty, "blank": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (_ADVANCE, 0), "blank": (_ADVANCE, 0)})
    builder.setupHorizontalHeader(ascent=1000, descent=0)
    builder.setupNameTable({"familyName": "GlyphLessFont", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000, sTypoDescender=0, usWinAscent=1000, usWinDescent=0)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
