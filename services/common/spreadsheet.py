"""CSV cells a spreadsheet shows as text: every CSV export (members, audit log, analytics) writes through here."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula: exported cells never start with one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
