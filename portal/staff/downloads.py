"""CSV downloads for staff: the same headers everywhere, and a byte order mark so that
Excel, which most council staff open a CSV in, reads the file as UTF-8 (without it,
'Łucja Wiśniewska' shows as 'Å\x81ucja WiÅ\x9bniewska')."""

from __future__ import annotations

from flask import Response

BYTE_ORDER_MARK = "\ufeff"


def csv_download(text: str, filename: str) -> Response:
    """`text` as a CSV attachment named `filename` (made by the caller from fixed words and
    dates, never from what anyone typed), not stored by the browser or any proxy."""
    response = Response(BYTE_ORDER_MARK + text, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
