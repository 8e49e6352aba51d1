"""VerifyChain, the operators' check of an organization's audit chain: over gRPC against a running audit
service, and through `tenantry audit verify`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from pydantic import SecretStr
from sqlalchemy import delete, update
from tenantry.audit.v1 import audit_service_pb2 as pb
from tenantry.audit.v1 import audit_service_pb2_grpc as pb_grpc
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.audit.events.consume import AuditRecorder
from services.audit.main import MIGRATIONS_DIR, build
from services.audit.settings import AuditSettings
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries
from services.cli import main as tenantry
from services.cli import verify_audit_chain
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.messaging import EventTarget, new_envelope
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


@dataclass
class RunningAudit:
    address: str
    data_dir: Path
    db: Database
    signer: PrincipalSigner

    async def verify(self, principal: Principal) -> pb.VerifyChainResponse:
        token, _ = self.signer.mint(principal)
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await pb_grpc.AuditServiceStub(channel).VerifyChain(
                pb.VerifyChainRequest(organization_id=ORG), metadata=outgoing_metadata(token), timeout=10
            )


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
    db = Database(database_url)
    await _record_invitations(db, 4)
    runtime = build(settings)
    port = await runtime.start()
    try:
        running = RunningAudit(
            f"127.0.0.1:{port}", tmp_path, db, PrincipalSigner(signing_key_path(tmp_path).read_text())
        )
        await _checkpoint_signed(running)
        yield running
    finally:
        await db.dispose()
        await runtime.stop()


async def _checkpoint_signed(audit: RunningAudit) -> None:
    """The worker signs a new chain's head at once; wait (boundedly) for it, as an auditor would."""
    token, _ = audit.signer.mint(OWNER)
    async with grpc.aio.insecure_channel(audit.address) as channel:
        stub = pb_grpc.AuditServiceStub(channel)
        for _ in range(300):
            reply = await stub.ListCheckpoints(
                pb.ListCheckpointsRequest(organization_id=ORG), metadata=outgoing_metadata(token), timeout=10
            )
            if reply.checkpoints:
                assert [c.sequence for c in reply.checkpoints] == [4]
                return
            await asyncio.sleep(0.1)
    raise AssertionError("no checkpoint signed within 30 s")


async def _record_invitations(db: Database, count: int) -> None:
    """Entries in ORG's chain, written as the audit consumer writes a delivered event."""
    recorder = AuditRecorder(SqlAuditStore(db), FrozenClock(datetime(2026, 3, 1, tzinfo=UTC)))
    for index in range(count):
        async with db.write() as connection:
            await recorder.record(connection, _invited(f"p{index}@acme.test"))


def _invited(email: str) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type="member.invited",
        organization_id=ORG,
        actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="acc-owner", display="owner@acme.test"),
        payload=membership_events_pb2.MemberInvited(),
        occurred_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        target=EventTarget("member", f"m-{email}", email),
    )


async def _tamper_with_entry(db: Database, sequence: int) -> None:
    async with db.write() as connection:
        await connection.execute(
            update(audit_entries)
            .where(audit_entries.c.organization_id == ORG, audit_entries.c.sequence == sequence)
            .values(target_display="nobody@acme.test")
        )


async def test_an_owner_cannot_verify_the_chain_of_their_own_organization(audit: RunningAudit) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await audit.verify(OWNER)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_an_operator_verifies_an_intact_chain(audit: RunningAudit) -> None:
    verdict = await audit.verify(system_principal("operator"))
    assert (verdict.intact, verdict.entries_checked, verdict.first_broken_sequence) == (True, 4, 0)


async def test_an_entry_updated_in_the_database_is_reported_with_its_sequence(audit: RunningAudit) -> None:
    await _tamper_with_entry(audit.db, 3)
    verdict = await audit.verify(system_principal("operator"))
    assert (verdict.intact, verdict.entries_checked, verdict.first_broken_sequence) == (False, 3, 3)


async def test_entries_deleted_from_the_end_of_the_chain_are_reported(audit: RunningAudit) -> None:
    async with audit.db.write() as connection:
        await connection.execute(
            delete(audit_entries).where(audit_entries.c.organization_id == ORG, audit_entries.c.sequence >= 3)
        )
    verdict = await audit.verify(system_principal("operator"))
    assert (verdict.intact, verdict.first_broken_sequence) == (False, 3)


async def test_the_cli_reports_an_intact_chain_and_then_the_tampered_entry(
    audit: RunningAudit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = await verify_audit_chain(data_dir=audit.data_dir, organization_id=ORG, audit_address=audit.address)
    assert report == {
        "organization_id": ORG,
        "intact": True,
        "entries_checked": 4,
        "first_broken_sequence": None,
        "checkpoints_checked": 1,
        "reason": "",
    }

    await _tamper_with_entry(audit.db, 2)
    monkeypatch.setenv("TENANTRY_GATEWAY_AUDIT_ADDRESS", audit.address)
    exit_code = await asyncio.to_thread(
        tenantry, ["--data-dir", str(audit.data_dir), "audit", "verify", "--organization", ORG]
    )
    printed = json.loads(capsys.readouterr().out)
    assert exit_code == 1
    assert (printed["intact"], printed["first_broken_sequence"]) == (False, 2)


async def test_an_operator_exports_the_log_and_an_auditor_verifies_it_offline(
    audit: RunningAudit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TENANTRY_GATEWAY_AUDIT_ADDRESS", audit.address)
    log_file, keys_file = audit.data_dir / "log.jsonl", audit.data_dir / "keys.json"
    cli = ["--data-dir", str(audit.data_dir), "audit"]
    exported = await asyncio.to_thread(
        tenantry, [*cli, "export", "--organization", ORG, "--output", str(log_file), "--keys-output", str(keys_file)]
    )
    assert exported == 0
    capsys.readouterr()

    verify_file = [*cli, "verify", "--file", str(log_file), "--keys", str(keys_file)]
    assert await asyncio.to_thread(tenantry, verify_file) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["intact"], printed["entries_checked"], printed["checkpoints_checked"]) == (True, 4, 1)

    # The export is edited after the fact: line 2 (sequence 2) names someone else.
    lines = log_file.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace("p1@acme.test", "nobody@acme.test")
    log_file.write_text("".join(lines))
    assert await asyncio.to_thread(tenantry, verify_file) == 1
    printed = json.loads(capsys.readouterr().out)
    assert (printed["intact"], printed["first_broken_sequence"]) == (False, 2)


async def test_the_key_set_is_public_and_names_the_key_of_the_checkpoints(audit: RunningAudit) -> None:
    async with grpc.aio.insecure_channel(audit.address) as channel:
        stub = pb_grpc.AuditServiceStub(channel)
        keys = await stub.GetCheckpointKeySet(pb.GetCheckpointKeySetRequest(), timeout=10)
        token, _ = audit.signer.mint(OWNER)
        checkpoints = await stub.ListCheckpoints(
            pb.ListCheckpointsRequest(organization_id=ORG), metadata=outgoing_metadata(token), timeout=10
        )
    assert [(k.algorithm, k.HasField("valid_until")) for k in keys.keys] == [("Ed25519", False)]
    assert checkpoints.checkpoints[0].key_id == keys.keys[0].key_id
