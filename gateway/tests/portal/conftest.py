"""The portal's handlers called in process: a request as a browser sends it, built against the gateway app
(its settings, service clients and authenticator), and the four services on real gRPC, NATS and SQLite."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from gateway.main import create_app
from gateway.portal.shared import LOGIN_CSRF_COOKIE
from gateway.portal.sign_in import home, sign_in
from gateway.settings import GatewaySettings
from gateway.tests.in_process import OWNER_EMAIL, OWNER_PASSWORD, running_services
from services.common.nats_server import NatsServer, free_port

PUBLIC_URL = "http://testserver"
SERVICES = ("identity", "membership", "billing", "audit")


@dataclass
class Browser:
    """Builds the requests a browser on the portal's own pages sends, and keeps the cookies it is given."""

    app: Starlette
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request (e.g. its Accept-Language)

    def request(self, method: str, path: str, form: dict[str, str] | None = None, **headers: str) -> Request:
        path, _, query = path.partition("?")
        body = urlencode(form or {}).encode()
        sent = {
            "origin": PUBLIC_URL,
            "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
            **self.headers,
            **headers,
        }
        if form is not None:
            sent["content-type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        scope: dict[str, Any] = {
            "type": "http",
            "method": method,
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "scheme": "http",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "headers": [(name.encode(), value.encode()) for name, value in sent.items()],
            "app": self.app,
        }
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return Request(scope, receive)

    def keep_cookies(self, response: Response) -> Response:
        for header in response.headers.getlist("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response


@pytest.fixture
async def gateway_app(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[Starlette]:
    """The gateway app, started (its state holds settings, clients and authenticator), over the four
    services in this process; Acme exists with its Owner."""
    async with running_services(tmp_path, nats_server.url) as addresses:
        app = create_app(gateway_settings(tmp_path, addresses))
        async with app.router.lifespan_context(app):
            yield app


@pytest.fixture
async def idle_app(tmp_path: Path) -> AsyncIterator[Starlette]:
    """The gateway app, started, with no service behind it: for pages that must answer without asking one."""
    unreachable = f"127.0.0.1:{free_port()}"
    app = create_app(gateway_settings(tmp_path, {f"{name}_address": unreachable for name in SERVICES}))
    async with app.router.lifespan_context(app):
        yield app


def gateway_settings(data_dir: Path, addresses: dict[str, str]) -> GatewaySettings:
    settings = GatewaySettings(public_url=PUBLIC_URL, data_dir=data_dir)
    for name, address in addresses.items():
        setattr(settings, name, address)
    return settings


async def signed_in_owner(app: Starlette) -> Browser:
    """A browser in which the Owner of Acme signed in through the sign-in page."""
    browser = Browser(app)
    browser.keep_cookies(await home(browser.request("GET", "/")))
    form = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": browser.cookies[LOGIN_CSRF_COOKIE]}
    signed_in = browser.keep_cookies(await sign_in(browser.request("POST", "/portal/sign-in", form)))
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/portal")
    return browser


def form_token_on(response: Response) -> str:
    """The CSRF token a page put in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', bytes(response.body).decode())
    assert found, "the page has a form with its token"
    return found.group(1)
