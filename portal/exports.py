"""CSV files staff download and open in a spreadsheet (the restriction register, the monthly
report): every cell shows as text, so nothing anyone typed (a name, a hub) can run as a
formula (OWASP: CSV injection); and the download starts with a byte order mark so that
Excel, which most council staff open a CSV in, reads the file as UTF-8 (without it,
'Łucja Wiśniewska' shows as 'Å\x81ucja WiÅ\x9bniewska').
"""

from __future__ import annotations

from datetime import date

from flask import Response

# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection),
# also after leading spaces or line breaks, which some spreadsheets skip before reading a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

BYTE_ORDER_MARK = "\ufeff"


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: dates as ISO, formula starts quoted."""
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    formula = text.startswith(_FORMULA_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)
    return f"'{text}" if formula else text


def csv_download(text: str, filename: str) -> Response:
    """`text` as a CSV attachment named `filename` (made by the caller from fixed words and
    dates, never from what anyone typed), not stored by the browser or any proxy."""
    response = Response(BYTE_ORDER_MARK + text, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
