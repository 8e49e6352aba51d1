"""The checks membership's free-text and key fields share (emails and names: services/common/people.py)."""

from __future__ import annotations

import re

from services.common.errors import Violations
from services.common.people import is_printable

# Keys of custom roles and profile fields: stable identifiers that appear in APIs and exports.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_RULE = "a lower-case letter, then letters, digits or _ (at most 40)"


def printable(value: str, field_name: str, limit: int, problems: Violations, required: bool = False) -> str:
    """`value` stripped; a violation is added when it is empty (if required), too long or has control characters."""
    text = value.strip()
    if (required and not text) or len(text) > limit or not is_printable(text):
        problems.add(field_name, f"{'1' if required else '0'} to {limit} printable characters")
    return text
