"""The checks every free-text, key and email field of membership shares."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from services.common.errors import FieldViolation, InvalidArgument, Violations

# Keys of custom roles and profile fields: stable identifiers that appear in APIs and exports.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_RULE = "a lower-case letter, then letters, digits or _ (at most 40)"
MAX_DISPLAY_NAME = 200
MAX_EMAIL = 320


def is_printable(text: str) -> bool:
    return not any(ord(ch) < 32 for ch in text)


def printable(value: str, field_name: str, limit: int, problems: Violations, required: bool = False) -> str:
    """`value` stripped; a violation is added when it is empty (if required), too long or has control characters."""
    text = value.strip()
    if (required and not text) or len(text) > limit or not is_printable(text):
        problems.add(field_name, f"{'1' if required else '0'} to {limit} printable characters")
    return text


def checked_display_name(raw: str, field_name: str) -> str:
    """A person's or organization's name, stripped (may be empty); InvalidArgument when too long or unprintable."""
    name = raw.strip()
    if len(name) > MAX_DISPLAY_NAME or not is_printable(name):
        raise InvalidArgument(
            f"{field_name} is too long or has control characters.",
            [FieldViolation(field_name, f"at most {MAX_DISPLAY_NAME} printable characters")],
        )
    return name


def normalize_email(raw: str) -> str:
    """Lower-cased, syntax-checked email; InvalidArgument otherwise. No DNS look-ups."""
    if len(raw) > MAX_EMAIL:
        raise InvalidArgument("Email is too long.", [FieldViolation("email", f"at most {MAX_EMAIL} characters")])
    try:
        return validate_email(raw.strip(), check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidArgument(f"Invalid email {raw!r}: {exc}", [FieldViolation("email", str(exc))]) from exc
