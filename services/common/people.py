"""How every service reads a person's email address and display name.

Identity keys accounts by email and membership keys invitations and members by it; a person invited as
`Ana@Example.com ` must find the same string on both sides, so both normalise with this one rule.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from services.common.errors import FieldViolation, InvalidArgument

MAX_EMAIL_LENGTH = 320
MAX_DISPLAY_NAME_LENGTH = 200


def refuse_overlong_email(raw: str, field_name: str = "email") -> None:
    """InvalidArgument naming the field when `raw` is longer than any email address can be: checked first by the
    use cases that otherwise answer every bad address alike (sign-in, password reset), so an over-long one is
    refused, never cut and never recorded."""
    if len(raw.strip()) > MAX_EMAIL_LENGTH:
        raise InvalidArgument(
            "The email address is too long.", [FieldViolation(field_name, f"at most {MAX_EMAIL_LENGTH} characters")]
        )


def normalise_email(raw: str, field_name: str = "email") -> str:
    """The email trimmed, syntax-checked (no DNS look-up), Unicode-normalised (NFC, the domain as IDNA
    allows) and lower-cased, local part included: no mail system we deliver to treats case as
    significant, and two accounts differing only in case would be one person twice. InvalidArgument otherwise."""
    text = raw.strip()
    if not text:
        raise InvalidArgument("An email address is required.", [FieldViolation(field_name, "must not be empty")])
    refuse_overlong_email(text, field_name)
    try:
        # test_environment admits the reserved `.test` domains that local runs and tests use.
        checked = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise InvalidArgument(f"Invalid email address {text!r}: {exc}", [FieldViolation(field_name, str(exc))]) from exc
    return checked.normalized.lower()


def is_printable(text: str) -> bool:
    """No control characters (C0, DEL, C1): they forge line breaks and terminal colours in logs and exports."""
    return not any(unicodedata.category(ch) == "Cc" for ch in text)


def clean_display_name(raw: str, field_name: str = "display_name", *, required: bool = False) -> str:
    """A person's or an organization's name: trimmed and NFC-normalised (so a name typed on two keyboards
    compares equal), at most MAX_DISPLAY_NAME_LENGTH characters, no control characters; empty unless
    `required`. InvalidArgument otherwise."""
    name = unicodedata.normalize("NFC", raw.strip())
    if (required and not name) or len(name) > MAX_DISPLAY_NAME_LENGTH or not is_printable(name):
        low = 1 if required else 0
        raise InvalidArgument(
            f"{field_name} must have {low} to {MAX_DISPLAY_NAME_LENGTH} characters and no control characters.",
            [FieldViolation(field_name, f"{low} to {MAX_DISPLAY_NAME_LENGTH} printable characters")],
        )
    return name
