"""Fixtures of the gateway's tests: the services in process and an Owner's client of the gateway app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.tests.in_process import owner_client, running_services
from services.common.nats_server import NatsServer


@pytest.fixture
async def addresses(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[dict[str, str]]:
    async with running_services(tmp_path, nats_server.url) as running:
        yield running


@pytest.fixture
async def owner(tmp_path: Path, addresses: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with owner_client(tmp_path, addresses) as client:
        yield client
