"""Time-ordered identifiers (UUIDv7), so primary keys sort by creation and index well."""

from __future__ import annotations

import secrets

import uuid6


def new_id() -> str:
    """A new UUIDv7 as its canonical 36-character string."""
    return str(uuid6.uuid7())


def new_secret_token(num_bytes: int = 32) -> str:
    """A URL-safe token from the CSPRNG; 32 bytes gives 256 bits."""
    return secrets.token_urlsafe(num_bytes)
