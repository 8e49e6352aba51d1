"""A7: the session cookie's attributes, as the gateway sets them behind TLS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import Response

from gateway.cookies import set_session_cookie
from gateway.settings import GatewaySettings
from services.common.ids import new_secret_token


def test_the_session_cookie_is_host_prefixed_secure_httponly_lax_and_small(tmp_path: Path) -> None:
    settings = GatewaySettings(cookie_secure=True, data_dir=tmp_path)
    response = Response()
    expires = Timestamp()
    expires.FromDatetime(datetime.now(UTC) + timedelta(hours=12))
    set_session_cookie(response, settings, new_secret_token(), expires)
    cookies = [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]
    session = next(c for c in cookies if c.startswith("__Host-tenantry_session="))
    attributes = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite", "max-age"} <= attributes
    assert "domain" not in attributes and "Path=/" in session and "SameSite=lax" in session
    assert len(session) <= 4096
    # The CSRF companion is readable by scripts, but it is not a credential.
    csrf = next(c for c in cookies if c.startswith("__Host-tenantry_csrf="))
    assert "HttpOnly" not in csrf and "Secure" in csrf
