"""Fixtures for end-to-end tests: the whole suite as real processes, a real SMTP server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

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


def start_suite(data_dir: Path, smtp_port: int | None = None) -> Suite:
    extra = (
        {"TENANTRY_MEMBERSHIP_SMTP_HOST": "127.0.0.1", "TENANTRY_MEMBERSHIP_SMTP_PORT": str(smtp_port)}
        if smtp_port
        else {}
    )
    suite = Suite(data_dir=data_dir, ports=SuitePorts.free(), extra_env=extra)
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
    return Owner(created["organization_id"], email, password)
