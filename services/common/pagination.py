"""Opaque, signed page tokens (keyset cursors). A token names the last row of the previous page and the
query it belongs to; a token from another organization, filter or service is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from services.common.errors import FieldViolation, InvalidArgument

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size(requested: int) -> int:
    """How many rows a List call returns: `requested`, or DEFAULT_PAGE_SIZE for 0 (proto3's unset).

    The one rule for every list of every service. A size outside 0..MAX_PAGE_SIZE is refused, never clamped:
    a clamp still has to refuse a negative size, so it would be two rules; and a caller asking for 500 that
    silently gets 200 may take that short page for the last one (billing's lists have no page token at all).
    The refusal names the field and the range, so the caller corrects the request once."""
    if not 0 <= requested <= MAX_PAGE_SIZE:
        raise InvalidArgument(
            f"page_size must be between 0 and {MAX_PAGE_SIZE}.",
            [FieldViolation("page_size", f"between 1 and {MAX_PAGE_SIZE}, or 0 for {DEFAULT_PAGE_SIZE}")],
        )
    return requested or DEFAULT_PAGE_SIZE


class PageTokens:
    """Encodes and verifies page tokens with a service's secret keys: the first signs, any verifies, so a token
    handed out before a key rotation still works after it."""

    def __init__(self, secrets: str | Sequence[str]):
        keys = [secrets] if isinstance(secrets, str) else list(secrets)
        self._keys = [hashlib.sha256(("page-token:" + secret).encode()).digest() for secret in keys]

    @staticmethod
    def _mac_with(key: bytes, body: bytes) -> bytes:
        return hmac.new(key, body, hashlib.sha256).digest()[:16]

    def _mac(self, body: bytes) -> bytes:
        return self._mac_with(self._keys[0], body)

    def encode(self, scope: str, position: dict[str, Any]) -> str:
        """A token for `position` (the sort key of the last row) within `scope` (org + filter)."""
        body = json.dumps({"s": scope, "p": position}, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(self._mac(body) + body).decode().rstrip("=")

    def decode(self, scope: str, token: str) -> dict[str, Any] | None:
        """The position in a token, None for an empty token; InvalidArgument for anything forged or stale."""
        if not token:
            return None
        invalid = InvalidArgument(
            "page_token is invalid or belongs to another query.",
            [FieldViolation("page_token", "pass the next_page_token of the previous page unchanged")],
        )
        if len(token) > 2048:
            raise invalid
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError as exc:
            raise invalid from exc
        mac, body = raw[:16], raw[16:]
        if not any(hmac.compare_digest(mac, self._mac_with(key, body)) for key in self._keys):
            raise invalid
        data = json.loads(body)
        if data.get("s") != scope or not isinstance(data.get("p"), dict):
            raise invalid
        return dict(data["p"])


def split_page(
    items: list[T], limit: int, tokens: PageTokens, scope: str, position_of: Callable[[T], dict[str, Any]]
) -> tuple[list[T], str]:
    """The page to return from `limit + 1` fetched items, and the token of the next page ('' on the last)."""
    page = items[:limit]
    return page, tokens.encode(scope, position_of(page[-1])) if len(items) > limit else ""
