"""The order in which a line of plain text is shown, by the Unicode Bidirectional Algorithm
(UAX #9, isolates included) as GNU FriBidi implements it.

FriBidi is the library Pango lays text out with, so it is on every machine that renders the
portal's PDFs (WeasyPrint needs Pango); it is called through ctypes, so the tests need no
package of their own for it. An email client showing an Urdu email right to left orders
each line the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

# FriBidiParType values (fribidi-bidi-types.h): FRIBIDI_PAR_LTR and FRIBIDI_PAR_RTL.
_PAR_LTR = 0x110
_PAR_RTL = 0x111


@cache
def _fribidi() -> ctypes.CDLL:
    library = ctypes.CDLL(ctypes.util.find_library("fribidi") or "libfribidi.so.0")
    log2vis = library.fribidi_log2vis
    log2vis.restype = ctypes.c_int8  # the highest level plus one; 0 on failure
    log2vis.argtypes = [
        ctypes.POINTER(ctypes.c_uint32),  # const FriBidiChar *str
        ctypes.c_int,  # FriBidiStrIndex len
        ctypes.POINTER(ctypes.c_uint32),  # FriBidiParType *pbase_dir
        ctypes.POINTER(ctypes.c_uint32),  # FriBidiChar *visual_str
        ctypes.POINTER(ctypes.c_int),  # FriBidiStrIndex *positions_L_to_V
        ctypes.POINTER(ctypes.c_int),  # FriBidiStrIndex *positions_V_to_L
        ctypes.POINTER(ctypes.c_int8),  # FriBidiLevel *embedding_levels
    ]
    return library


def visual_positions(line: str, *, rtl: bool) -> list[int]:
    """For each character of a line (one paragraph: no line breaks), the place it is shown
    at, counted from the left; in a right-to-left paragraph when `rtl`."""
    assert "\n" not in line, "one line at a time: a line break ends a paragraph"
    size = len(line)
    if not size:
        return []
    characters = (ctypes.c_uint32 * size)(*map(ord, line))
    base = ctypes.c_uint32(_PAR_RTL if rtl else _PAR_LTR)
    visual = (ctypes.c_uint32 * size)()
    positions = (ctypes.c_int * size)()
    levels = (ctypes.c_int8 * size)()
    if not _fribidi().fribidi_log2vis(
        characters, size, ctypes.byref(base), visual, positions, None, levels
    ):
        raise RuntimeError(f"FriBidi could not order {line!r}")
    return list(positions)


def as_shown(line: str, *, rtl: bool) -> str:
    """The line's characters in the order they are shown, left to right."""
    positions = visual_positions(line, rtl=rtl)
    shown = [""] * len(line)
    for index, position in enumerate(positions):
        shown[position] = line[index]
    return "".join(shown)


def reads_in_order(line: str, start: int, end: int, *, rtl: bool) -> bool:
    """Whether line[start:end] is shown left to right in the order it is written (spaces
    aside): true of a phone number or a reference kept whole."""
    positions = visual_positions(line, rtl=rtl)
    shown = [positions[i] for i in range(start, end) if not line[i].isspace()]
    return shown == sorted(shown)
