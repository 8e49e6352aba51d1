"""One invite is one trace: gateway -> gRPC -> outbox -> NATS -> consumers, across every service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr

from gateway.main import create_app
from gateway.settings import GatewaySettings
from services.audit.main import build as build_audit
from services.audit.settings import AuditSettings
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.cli import create_organization
from services.common import migrations
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.nats_server import NatsServer, free_port
from services.common.runtime import ServiceRuntime
from services.common.telemetry import setup_tracing
from services.common.testing import eventually
from services.identity.main import build as build_identity
from services.identity.settings import IdentitySettings
from services.membership.main import build as build_membership
from services.membership.settings import MembershipSettings

EXPORTER = InMemorySpanExporter()


@pytest.fixture
async def in_process_suite(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[dict[str, int]]:
    setup_tracing("tenantry-tests", exporter=EXPORTER)
    ensure_local_keys(tmp_path)
    public_key = SecretStr(public_key_path(tmp_path).read_text())
    common: dict[str, Any] = {
        "data_dir": tmp_path,
        "nats_url": nats_server.url,
        "principal_public_key": public_key,
        "shutdown_grace_seconds": 1,
    }
    billing_port = free_port()  # membership reserves seats there
    builders = {
        "identity": (
            build_identity,
            IdentitySettings(**common, principal_signing_key=SecretStr(signing_key_path(tmp_path).read_text())),
        ),
        "membership": (build_membership, MembershipSettings(**common, billing_address=f"127.0.0.1:{billing_port}")),
        "billing": (build_billing, BillingSettings(**common, grpc_port=billing_port)),
        "audit": (build_audit, AuditSettings(**common)),
    }
    runtimes: list[ServiceRuntime] = []
    ports: dict[str, int] = {}
    for name, (build, settings) in builders.items():
        if name != "billing":
            settings.grpc_port = free_port()
        module = __import__(f"services.{name}.main", fromlist=["MIGRATIONS_DIR"])
        migrations.upgrade(module.MIGRATIONS_DIR, settings.database_url)
        runtime = build(settings)  # type: ignore[operator]
        ports[name] = await runtime.start()
        runtimes.append(runtime)
    yield ports
    for runtime in runtimes:
        await runtime.stop()


async def test_one_invitation_is_one_trace_across_gateway_services_and_consumers(
    in_process_suite: dict[str, int], tmp_path: Path
) -> None:
    ports = in_process_suite
    await create_organization(
        data_dir=tmp_path,
        name="Acme",
        owner_email="owner@acme.test",
        owner_password="correct horse battery staple",
        identity_address=f"127.0.0.1:{ports['identity']}",
        membership_address=f"127.0.0.1:{ports['membership']}",
    )
    settings = GatewaySettings(
        identity_address=f"127.0.0.1:{ports['identity']}",
        membership_address=f"127.0.0.1:{ports['membership']}",
        billing_address=f"127.0.0.1:{ports['billing']}",
        audit_address=f"127.0.0.1:{ports['audit']}",
        public_url="http://testserver",
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Origin": "http://testserver"},
        ) as client,
    ):
        signed_in = await client.post(
            "/v1/sessions", json={"email": "owner@acme.test", "password": "correct horse battery staple"}
        )
        assert signed_in.status_code in (200, 201), signed_in.text
        client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]

        async def in_organization() -> bool:
            return bool((await client.get("/v1/me")).json()["principal"]["organization_id"])

        await eventually(in_organization, timeout=10)
        EXPORTER.clear()
        invited = await client.post("/v1/invitations", json={"invitees": [{"email": "traced@acme.test"}]})
        assert invited.status_code in (200, 201), invited.text

        async def recorded() -> bool:
            entries = (await client.get("/v1/audit/entries", params={"action": "member.invited"})).json()
            seats = (await client.get("/v1/billing/seats")).json()
            return bool(entries.get("entries")) and seats.get("invited") == 1

        await eventually(recorded, timeout=15)
        await asyncio.sleep(0.5)

    spans = EXPORTER.get_finished_spans()
    root = next(s for s in spans if s.name == "POST /v1/invitations")
    trace_spans = [s for s in spans if s.context.trace_id == root.context.trace_id]
    names = {s.name for s in trace_spans}
    assert "/tenantry.membership.v1.MembershipService/InviteMembers" in names
    # Service to service too: membership's channel to billing carries the trace (the channel factory's interceptor).
    assert "/tenantry.billing.v1.BillingService/ReserveSeat" in names
    # And the SQL they ran (a span per statement, services/common/db.py).
    sql_services = {
        s.resource.attributes.get("service.name") for s in trace_spans if (s.attributes or {}).get("db.system")
    }
    assert sql_services, "no SQL span in the trace"
    consumers = {
        (s.attributes or {}).get("messaging.consumer.group.name") for s in trace_spans if s.name.startswith("consume")
    }
    assert {"billing-seats", "audit-log", "membership-mailer"} <= consumers
