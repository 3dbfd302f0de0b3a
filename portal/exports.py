"""CSV files staff download and open in a spreadsheet: every cell shows as text, so what
anyone typed (a name, a hub) can never run as a formula (OWASP: CSV injection).
"""

from __future__ import annotations

from datetime import date

# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: dates as ISO, formula starts quoted."""
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
