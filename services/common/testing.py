"""Test fixtures every service's tests share: a real nats-server on a free port, SQLite and PostgreSQL
databases, principal keys. Registered for all tests by the root conftest.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from services.common.keys import generate_principal_key_pair
from services.common.nats_server import NatsServer
from services.common.principal import Principal, PrincipalSigner

POSTGRES_ADMIN_URL = os.environ.get("TENANTRY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


class PostgresDatabases:
    """Creates throw-away databases on the local PostgreSQL server and drops them afterwards."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self) -> str:
        name = f"tenantry_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)

    def drop_all(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@pytest.fixture
def postgres_databases() -> Iterator[PostgresDatabases]:
    if not postgres_available():
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs a test once on a SQLite file and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create()


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server of the test's own, with JetStream on disk; tests may stop and start it."""
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def principal_keys() -> tuple[str, str]:
    """(private PEM, public PEM) of a principal signing key made for this test session."""
    return generate_principal_key_pair()


@pytest.fixture
def principal_signer(principal_keys: tuple[str, str]) -> PrincipalSigner:
    return PrincipalSigner(principal_keys[0])


@pytest.fixture
def mint(principal_signer: PrincipalSigner) -> Callable[[Principal], str]:
    def _mint(principal: Principal) -> str:
        return principal_signer.mint(principal)[0]

    return _mint


async def eventually(check: Callable[[], object], timeout: float = 10.0, interval: float = 0.05) -> object:
    """Poll an async or sync check until it returns a truthy value or the deadline passes."""
    import asyncio
    import inspect
    import time

    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        last = check()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)
