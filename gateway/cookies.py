"""The session cookie and its CSRF companion, as the REST API and the portal set and clear them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import Response

from gateway.auth import csrf_token_for
from gateway.settings import GatewaySettings


def set_session_cookie(response: Response, settings: GatewaySettings, token: str, expires: Timestamp) -> None:
    """The session cookie (HttpOnly, SameSite=Lax, __Host- behind TLS) and its CSRF companion, which scripts
    may read to echo in X-CSRF-Token; it authenticates nothing by itself."""
    max_age = max(int(expires.seconds - datetime.now(UTC).timestamp()), 0)
    common: dict[str, Any] = {"max_age": max_age, "path": "/", "secure": settings.cookie_secure, "samesite": "lax"}
    response.set_cookie(settings.cookie_name, token, httponly=True, **common)
    response.set_cookie(settings.csrf_cookie_name, csrf_token_for(token, settings), httponly=False, **common)


def rotated_cookie_expiry() -> Timestamp:
    """Cookie lifetime after a rotation: identity enforces the session's own limits, so the cookie may outlive
    it harmlessly; a day keeps browsers from dropping it early."""
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC) + timedelta(hours=24))
    return stamp


def clear_session_cookie(response: Response, settings: GatewaySettings) -> None:
    for name in (settings.cookie_name, settings.csrf_cookie_name):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=name == settings.cookie_name)
