"""LogStreamService over gRPC against a running audit service, whose worker delivers to a real local receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from pydantic import SecretStr
from tenantry.audit.v1 import log_stream_service_pb2 as pb
from tenantry.audit.v1 import log_stream_service_pb2_grpc as pb_grpc

from services.audit.domain.log_streams import verify_signature
from services.audit.main import MIGRATIONS_DIR, build
from services.audit.settings import AuditSettings
from services.audit.tests.siem_receiver import Receiver
from services.common import migrations
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.nats_server import NatsServer, free_port
from services.common.permissions import AUDIT_READ, SECURITY_MANAGE
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata

ORG = "org-1"
OWNER = Principal(
    actor_type="user",
    actor_id="acc-owner",
    account_id="acc-owner",
    organization_id=ORG,
    permissions=frozenset({AUDIT_READ, SECURITY_MANAGE}),
    credential_id="session-1",
)
AUDITOR = Principal(
    actor_type="user",
    actor_id="acc-aud",
    account_id="acc-aud",
    organization_id=ORG,
    permissions=frozenset({AUDIT_READ}),
)


@dataclass
class RunningAudit:
    address: str
    signer: PrincipalSigner

    async def call(self, principal: Principal, method: str, request: object) -> Any:
        token, _ = self.signer.mint(principal)
        async with grpc.aio.insecure_channel(self.address) as channel:
            rpc = getattr(pb_grpc.LogStreamServiceStub(channel), method)
            return await rpc(request, metadata=outgoing_metadata(token), timeout=10)


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
        log_stream_pass_seconds=0.1,
        log_stream_timeout_seconds=1,
        log_stream_allowed_networks="127.0.0.0/8",  # the local receiver
    )
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    runtime = build(settings)
    port = await runtime.start()
    try:
        yield RunningAudit(f"127.0.0.1:{port}", PrincipalSigner(signing_key_path(tmp_path).read_text()))
    finally:
        await runtime.stop()


async def eventually(condition: Any, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_a_stream_created_over_grpc_receives_its_signed_log_and_shows_no_lag(
    audit: RunningAudit, receiver: Receiver
) -> None:
    created = await audit.call(
        OWNER, "CreateLogStream", pb.CreateLogStreamRequest(organization_id=ORG, name="SIEM", url=receiver.url)
    )
    stream_id = created.log_stream.id
    assert created.signing_secret.startswith("whsec_") and created.log_stream.status == "active"

    async def delivered() -> bool:
        return bool(receiver.kept)

    await eventually(delivered)
    header, body = receiver.requests[0]
    assert verify_signature(created.signing_secret, header, body)
    assert receiver.kept[0]["action"] == "log_stream.created"

    paused = await audit.call(
        OWNER, "PauseLogStream", pb.PauseLogStreamRequest(organization_id=ORG, log_stream_id=stream_id)
    )
    assert paused.log_stream.status == "paused"
    listed = await audit.call(OWNER, "ListLogStreams", pb.ListLogStreamsRequest(organization_id=ORG))
    [shown] = listed.log_streams
    assert (shown.id, shown.cursor, shown.lag) == (stream_id, 1, 1)  # the pause itself waits
    assert not any(field.name == "signing_secret" for field, _ in shown.ListFields())


async def test_bad_urls_unknown_streams_and_readers_are_refused(audit: RunningAudit, receiver: Receiver) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as insecure:
        request = pb.CreateLogStreamRequest(organization_id=ORG, name="x", url="http://siem.example.com/")
        await audit.call(OWNER, "CreateLogStream", request)
    assert insecure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await audit.call(OWNER, "GetLogStream", pb.GetLogStreamRequest(organization_id=ORG, log_stream_id="nope"))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as reader:
        await audit.call(AUDITOR, "ListLogStreams", pb.ListLogStreamsRequest(organization_id=ORG))
    assert reader.value.code() == grpc.StatusCode.PERMISSION_DENIED
    updated_name = pb.UpdateLogStreamRequest(organization_id=ORG, log_stream_id="nope", name="y")
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await audit.call(OWNER, "UpdateLogStream", updated_name)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
