"""The four services and the gateway in the test's own process, over real gRPC, NATS and SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from gateway.main import create_app
from gateway.settings import GatewaySettings
from services.audit.main import build as build_audit
from services.audit.settings import AuditSettings
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.cli import create_organization
from services.common import migrations
from services.common.clock import Clock
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.nats_server import free_port
from services.common.runtime import ServiceRuntime
from services.common.testing import eventually
from services.identity.main import build as build_identity
from services.identity.settings import IdentitySettings
from services.membership.main import build as build_membership
from services.membership.settings import MembershipSettings

OWNER_EMAIL = "owner@acme.test"
OWNER_PASSWORD = "correct horse battery staple"


@asynccontextmanager
async def running_services(
    data_dir: Path,
    nats_url: str,
    billing_settings: dict[str, Any] | None = None,
    clocks: dict[str, Clock] | None = None,
    membership_settings: dict[str, Any] | None = None,
    started: dict[str, ServiceRuntime] | None = None,
    identity_settings: dict[str, Any] | None = None,
) -> AsyncIterator[dict[str, str]]:
    """The services, migrated and started, with an organization Acme owned by OWNER_EMAIL; yields the
    gateway's address settings (identity_address, …). `clocks` injects a service's clock by name; `started`, when
    given, receives each running service by name (a test that stops one of its consumers); `identity_settings` adds
    to identity's settings (e.g. its DNS servers)."""
    ensure_local_keys(data_dir)
    common: dict[str, Any] = {
        "data_dir": data_dir,
        "nats_url": nats_url,
        "principal_public_key": SecretStr(public_key_path(data_dir).read_text()),
        "shutdown_grace_seconds": 1,
    }
    builders = {
        "identity": (
            build_identity,
            IdentitySettings(
                **common,
                principal_signing_key=SecretStr(signing_key_path(data_dir).read_text()),
                **(identity_settings or {}),
            ),
        ),
        "membership": (build_membership, MembershipSettings(**common, **(membership_settings or {}))),
        "billing": (build_billing, BillingSettings(**common, **(billing_settings or {}))),
        "audit": (build_audit, AuditSettings(**common)),
    }
    ports = {name: free_port() for name in builders}
    addresses = {f"{name}_address": f"127.0.0.1:{port}" for name, port in ports.items()}
    for name, (_, settings) in builders.items():
        settings.grpc_port = ports[name]
        # Services that call one another: identity and billing ask membership, membership reserves seats.
        for peer in ("identity", "membership", "billing"):
            if hasattr(settings, f"{peer}_address"):
                setattr(settings, f"{peer}_address", addresses[f"{peer}_address"])
    runtimes: list[ServiceRuntime] = []
    try:
        for name, (build, settings) in builders.items():
            module = __import__(f"services.{name}.main", fromlist=["MIGRATIONS_DIR"])
            migrations.upgrade(module.MIGRATIONS_DIR, settings.database_url)
            runtime = build(settings, (clocks or {}).get(name))  # type: ignore[operator]
            await runtime.start()
            runtimes.append(runtime)
            if started is not None:
                started[name] = runtime
        await create_organization(
            data_dir=data_dir,
            name="Acme",
            owner_email=OWNER_EMAIL,
            owner_password=OWNER_PASSWORD,
            identity_address=addresses["identity_address"],
            membership_address=addresses["membership_address"],
        )
        yield addresses
    finally:
        for runtime in reversed(runtimes):
            await runtime.stop()


async def sign_in_owner(client: httpx.AsyncClient) -> None:
    """Sign the client in as the Owner; it echoes the CSRF token from then on."""
    signed_in = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert signed_in.status_code == 201, signed_in.text
    client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]


@asynccontextmanager
async def owner_client(data_dir: Path, addresses: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app in process (no socket), and a client signed in as the Owner of Acme."""
    settings = {**addresses, "public_url": "http://testserver", "data_dir": data_dir}
    app = create_app(GatewaySettings.model_validate(settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Origin": "http://testserver"},
        ) as client,
    ):
        await sign_in_owner(client)

        async def known_everywhere() -> bool:
            """The organization reached every service (membership's events are asynchronous)."""
            paths = ("/v1/organization", "/v1/security-policy", "/v1/billing/subscription", "/v1/audit/entries")
            return all([(await client.get(path)).status_code == 200 for path in paths])

        await eventually(known_everywhere, timeout=15)
        yield client
