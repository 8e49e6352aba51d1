"""The checks every free-text and key field of membership shares."""

from __future__ import annotations

import re

from services.common.errors import Violations

# Keys of custom roles and profile fields: stable identifiers that appear in APIs and exports.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_RULE = "a lower-case letter, then letters, digits or _ (at most 40)"


def is_printable(text: str) -> bool:
    return not any(ord(ch) < 32 for ch in text)


def printable(value: str, field_name: str, limit: int, problems: Violations, required: bool = False) -> str:
    """`value` stripped; a violation is added when it is empty (if required), too long or has control characters."""
    text = value.strip()
    if (required and not text) or len(text) > limit or not is_printable(text):
        problems.add(field_name, f"{'1' if required else '0'} to {limit} printable characters")
    return text
