"""Fixtures for end-to-end tests: the whole suite as real processes, a real SMTP server."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from aiosmtpd.controller import Controller
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from services.cli import create_organization
from services.common.nats_server import free_port
from services.suite import Suite, SuitePorts


@dataclass
class SmtpInbox:
    """Messages received by a real SMTP server (aiosmtpd) on a free port."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def start_suite(data_dir: Path, smtp_port: int | None = None, extra_env: dict[str, str] | None = None) -> Suite:
    extra: dict[str, str] = dict(extra_env or {})
    for service in ("MEMBERSHIP", "IDENTITY") if smtp_port else ():
        extra |= {f"TENANTRY_{service}_SMTP_HOST": "127.0.0.1", f"TENANTRY_{service}_SMTP_PORT": str(smtp_port)}
    suite = Suite(data_dir=data_dir, ports=SuitePorts.free(), extra_env=extra, reassign_taken_ports=True)
    try:
        suite.start()
    except Exception:
        suite.stop()
        raise
    return suite


@pytest.fixture
def suite(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    running = start_suite(tmp_path / "data", smtp_inbox.port)
    yield running
    running.stop()


@dataclass(frozen=True)
class Owner:
    organization_id: str
    email: str
    password: str


def create_owner(suite: Suite, email: str = "owner@acme.test", password: str = "correct horse battery staple") -> Owner:
    created = asyncio.run(
        create_organization(
            data_dir=suite.data_dir,
            name="Acme",
            owner_email=email,
            owner_password=password,
            owner_name="Olivia Owner",
            identity_address=f"127.0.0.1:{suite.ports.identity}",
            membership_address=f"127.0.0.1:{suite.ports.membership}",
        )
    )
    wait_for(lambda: identity_knows_the_plan_of(suite, created["organization_id"]), timeout=30)
    return Owner(created["organization_id"], email, password)


def identity_knows_the_plan_of(suite: Suite, organization_id: str) -> bool:
    """Identity learns an organization's plan from billing's entitlements event, a moment after it is created;
    until then its SSO and SCIM checks answer "try again in a moment" (ENTITLEMENTS_UNKNOWN). Tests that act at
    once wait for it here, reading identity's projection (a read-only look at its SQLite file or PostgreSQL
    database)."""
    query = "SELECT 1 FROM entitlements WHERE organization_id = "
    postgres = suite.extra_env.get("TENANTRY_IDENTITY_DATABASE_URL", "").replace("+psycopg", "")
    if postgres:
        with psycopg.connect(postgres) as connection:
            return connection.execute(query + "%s", (organization_id,)).fetchone() is not None
    database = suite.data_dir / "identity.db"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        return connection.execute(query + "?", (organization_id,)).fetchone() is not None


def wait_for(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s; last value {value!r}")
        time.sleep(0.05)


def form_token(html: str) -> str:
    """The CSRF token a portal page put in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


@contextmanager
def signed_in_client(suite: Suite, owner: Owner) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}, timeout=15) as client:

        def signed_in_to_the_organization() -> bool:
            # The Owner's membership reaches identity through an event; until then a session has no organization.
            response = client.post("/v1/sessions", json={"email": owner.email, "password": owner.password})
            assert response.status_code in (200, 201), response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            return bool(response.json()["session"]["organization_id"])

        wait_for(signed_in_to_the_organization, timeout=15)
        yield client


def chromium(profile_dir: Path, accept_language: str = "") -> webdriver.Chrome:
    """A headless Chromium; `accept_language` is the languages its person set in the browser (e.g. "fr-FR,fr")."""
    chromium_binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium_binary or not driver:
        pytest.fail(
            "Chromium and chromedriver are needed: `make test` installs them (Debian: chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium_binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile_dir}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    if accept_language:
        options.add_argument(f"--lang={accept_language.split(',')[0]}")
        options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    session = chromium(tmp_path / "chromium")
    yield session
    session.quit()
