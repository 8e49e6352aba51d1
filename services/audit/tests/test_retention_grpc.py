"""AuditRetentionService over gRPC against a running audit service: who may set what, and the errors it answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import grpc
import pytest
from pydantic import SecretStr
from tenantry.audit.v1 import retention_service_pb2 as pb
from tenantry.audit.v1 import retention_service_pb2_grpc as pb_grpc

from services.audit.main import MIGRATIONS_DIR, build
from services.audit.settings import AuditSettings
from services.common import migrations
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.nats_server import NatsServer, free_port
from services.common.permissions import AUDIT_READ, SECURITY_MANAGE
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata, system_principal

ORG = "org-1"
OWNER = Principal(
    actor_type="user",
    actor_id="acc-owner",
    account_id="acc-owner",
    organization_id=ORG,
    permissions=frozenset({AUDIT_READ, SECURITY_MANAGE}),
    credential_id="session-1",
)
OPERATOR = system_principal("operator")


RetentionReply: TypeAlias = pb.GetRetentionResponse | pb.UpdateRetentionResponse | pb.SetLegalHoldResponse


@dataclass
class RunningAudit:
    address: str
    signer: PrincipalSigner

    async def call(self, principal: Principal, method: str, request: object) -> RetentionReply:
        """Any of the service's calls; every reply holds the `retention` as it stands after the call."""
        token, _ = self.signer.mint(principal)
        async with grpc.aio.insecure_channel(self.address) as channel:
            rpc = getattr(pb_grpc.AuditRetentionServiceStub(channel), method)
            reply: RetentionReply = await rpc(request, metadata=outgoing_metadata(token), timeout=10)
            return reply


@pytest.fixture
async def audit(database_url: str, nats_server: NatsServer, tmp_path: Path) -> AsyncIterator[RunningAudit]:
    ensure_local_keys(tmp_path)
    settings = AuditSettings(
        data_dir=tmp_path,
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=free_port(),
        principal_public_key=SecretStr(public_key_path(tmp_path).read_text()),
        shutdown_grace_seconds=1,
    )
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    runtime = build(settings)
    port = await runtime.start()
    try:
        yield RunningAudit(f"127.0.0.1:{port}", PrincipalSigner(signing_key_path(tmp_path).read_text()))
    finally:
        await runtime.stop()


async def test_an_owner_sets_retention_and_reads_it_back(audit: RunningAudit) -> None:
    before = await audit.call(OWNER, "GetRetention", pb.GetRetentionRequest(organization_id=ORG))
    assert not before.retention.configured
    await audit.call(OWNER, "UpdateRetention", pb.UpdateRetentionRequest(organization_id=ORG, days=60))
    after = await audit.call(OWNER, "GetRetention", pb.GetRetentionRequest(organization_id=ORG))
    assert (after.retention.configured, after.retention.days, after.retention.legal_hold) == (True, 60, False)


async def test_retention_outside_30_to_365_days_is_invalid(audit: RunningAudit) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await audit.call(OWNER, "UpdateRetention", pb.UpdateRetentionRequest(organization_id=ORG, days=7))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_only_an_operator_places_a_legal_hold_and_it_needs_a_reason(audit: RunningAudit) -> None:
    hold = pb.SetLegalHoldRequest(organization_id=ORG, hold=True, reason="case 2026-17")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await audit.call(OWNER, "SetLegalHold", hold)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as unexplained:
        await audit.call(OPERATOR, "SetLegalHold", pb.SetLegalHoldRequest(organization_id=ORG, hold=True))
    assert unexplained.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    held = await audit.call(OPERATOR, "SetLegalHold", hold)
    assert (held.retention.legal_hold, held.retention.legal_hold_reason) == (True, "case 2026-17")
