"""An organization's deletion on its deletion date, in process over real gRPC, NATS and SQLite, with every
service's clock moved past the date (the seeds: a canceled subscription ends, the data goes 90 days later).

Two organizations: Acme (A), whose subscription is canceled and ends, and Beta (B), whose Owner is Acme's too.
Each service's database file is then read directly, table by table: no row names A but what each service's
README says it keeps, B lost nothing, and the person who also belongs to B keeps their account. An operator's
legal hold stops the deletion until lifted; more passes of the worker change nothing more."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.audit.v1 import audit_service_pb2_grpc as audit_grpc
from tenantry.membership.v1 import deletion_service_pb2 as deletion_pb
from tenantry.membership.v1 import deletion_service_pb2_grpc as deletion_grpc
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import membership_service_pb2_grpc as membership_grpc

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, running_services
from services.cli import set_deletion_hold
from services.common.clock import Clock
from services.common.keys import signing_key_path
from services.common.nats_server import NatsServer
from services.common.principal import PrincipalSigner, outgoing_metadata, system_principal
from services.common.testing import eventually
from tests.test_organization_end_api import ShiftedClock

SERVICES = ("membership", "identity", "billing", "audit")
# What may still name a deleted organization, each service's README says why: the tombstone; the invoicing
# records the law requires; the one audit entry recording the deletion, its chain head and the checkpoints over it.
KEEPERS = {
    "membership": {"deleted_organizations"},
    "identity": set(),
    "billing": {"invoices", "credit_notes", "payments"},
    "audit": {"audit_entries", "chain_heads", "audit_checkpoints"},
}
# The event plumbing every service shares: envelopes and their delivery records, pruned by housekeeping.
PLUMBING = {"outbox", "processed_events", "parked_events", "leases", "mail_outbox", "alembic_version"}


@dataclass
class Suite:
    client: httpx.AsyncClient
    addresses: dict[str, str]
    data_dir: Path
    clock: ShiftedClock


@pytest.fixture
async def suite(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[Suite]:
    clock = ShiftedClock()
    clocks: dict[str, Clock] = dict.fromkeys(SERVICES, clock)
    async with (
        running_services(
            tmp_path,
            nats_server.url,
            {"renewal_interval_seconds": 0.2},
            clocks,
            {"deletion_pass_seconds": 0.2},
        ) as addresses,
        in_process.owner_client(tmp_path, addresses) as client,
    ):
        yield Suite(client, addresses, tmp_path, clock)


def read(data_dir: Path, service: str, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
    """A query on the service's database file, opened read-only."""
    with sqlite3.connect(f"file:{data_dir / (service + '.db')}?mode=ro", uri=True) as connection:
        return connection.execute(sql, parameters).fetchall()


def text_columns(data_dir: Path, service: str) -> dict[str, list[str]]:
    tables = [name for (name,) in read(data_dir, service, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        table: [
            str(column[1])
            for column in read(data_dir, service, f"PRAGMA table_info('{table}')")
            if "CHAR" in str(column[2]).upper() or "TEXT" in str(column[2]).upper()
        ]
        for table in tables
        if table not in PLUMBING
    }


def rows_naming(data_dir: Path, service: str, value: str) -> dict[str, int]:
    """Per table, the rows with `value` in any text column (an id is never part of another value)."""
    found: dict[str, int] = {}
    for table, columns in text_columns(data_dir, service).items():
        if not columns:
            continue
        condition = " OR ".join(f'"{column}" = ?' for column in columns)
        (count,) = read(
            data_dir, service, f'SELECT count(*) FROM "{table}" WHERE {condition}', *[value] * len(columns)
        )[0]
        if count:
            found[table] = int(count)
    return found


def everything_naming(data_dir: Path, value: str) -> dict[str, dict[str, int]]:
    return {service: rows_naming(data_dir, service, value) for service in SERVICES}


def operator(suite: Suite) -> tuple[tuple[str, str], ...]:
    """An operator tool's call metadata, its token minted on the services' (moved) clock."""
    signer = PrincipalSigner(signing_key_path(suite.data_dir).read_text(), clock=suite.clock)
    token, _ = signer.mint(system_principal("test-operator"))
    return outgoing_metadata(token)


async def create_second_organization(suite: Suite, owner_account_id: str) -> str:
    """Beta, owned by Acme's Owner: one person in two organizations."""
    async with grpc.aio.insecure_channel(suite.addresses["membership_address"]) as channel:
        created = await membership_grpc.MembershipServiceStub(channel).CreateOrganization(
            membership_pb.CreateOrganizationRequest(
                display_name="Beta", owner_account_id=owner_account_id, owner_email=OWNER_EMAIL
            ),
            metadata=operator(suite),
            timeout=30,
        )
    return str(created.organization.id)


async def lift_hold(suite: Suite, organization_id: str) -> None:
    async with grpc.aio.insecure_channel(suite.addresses["membership_address"]) as channel:
        lifted = await deletion_grpc.OrganizationDeletionServiceStub(channel).SetDeletionHold(
            deletion_pb.SetDeletionHoldRequest(organization_id=organization_id, hold=False),
            metadata=operator(suite),
            timeout=30,
        )
    assert not lifted.status.hold


async def chain_intact(suite: Suite, organization_id: str) -> bool:
    async with grpc.aio.insecure_channel(suite.addresses["audit_address"]) as channel:
        verdict = await audit_grpc.AuditServiceStub(channel).VerifyChain(
            audit_pb.VerifyChainRequest(organization_id=organization_id), metadata=operator(suite), timeout=30
        )
    return bool(verdict.intact)


async def test_on_the_deletion_date_every_service_deletes_the_organization_and_only_it(suite: Suite) -> None:
    client, data_dir = suite.client, suite.data_dir
    clock = suite.clock
    acme = (await client.get("/v1/organization")).json()["organization"]["id"]
    assert (
        await client.post("/v1/api-keys", json={"name": "sync", "permissions": ["members.read"]})
    ).status_code == 201
    invited = await client.post("/v1/invitations", json={"invitees": [{"email": "new@acme.test"}]})
    assert invited.status_code in (200, 201), invited.text
    assert (await client.post("/v1/groups", json={"name": "Nurses"})).status_code == 201
    ((owner_account,),) = read(data_dir, "identity", "SELECT id FROM accounts WHERE email = ?", OWNER_EMAIL)
    beta = await create_second_organization(suite, str(owner_account))

    def beta_everywhere() -> bool:
        found = everything_naming(data_dir, beta)
        return all(
            table in found[service]
            for service, table in (
                ("membership", "members"),
                ("identity", "memberships"),
                ("billing", "subscriptions"),
                ("audit", "audit_entries"),
            )
        )

    await eventually(beta_everywhere, timeout=20)
    beta_before = everything_naming(data_dir, beta)

    # An operator's legal hold first: the date passes, nothing is deleted.
    held = await set_deletion_hold(
        data_dir=data_dir,
        organization_id=acme,
        hold=True,
        reason="case 42",
        membership_address=suite.addresses["membership_address"],
    )
    assert held["hold"] is True

    def hold_audited() -> bool:
        sql = "SELECT count(*) FROM audit_entries WHERE organization_id = ? AND action = ?"
        return bool(read(data_dir, "audit", sql, acme, "organization.deletion_hold_placed")[0][0])

    await eventually(hold_audited, timeout=20)
    assert (await client.post("/v1/billing/subscription/cancel")).status_code == 200
    clock.offset = timedelta(days=400)  # past the period's end and past the deletion date 90 days after it

    def deletion_scheduled() -> bool:
        rows = read(data_dir, "membership", "SELECT deletion_scheduled_at FROM organizations WHERE id = ?", acme)
        return bool(rows and rows[0][0])

    await eventually(deletion_scheduled, timeout=20)
    await asyncio.sleep(1.5)  # several passes of the deletion worker
    assert read(data_dir, "membership", "SELECT count(*) FROM members WHERE organization_id = ?", acme)[0][0] >= 2
    assert read(data_dir, "membership", "SELECT count(*) FROM deleted_organizations")[0][0] == 0

    await lift_hold(suite, acme)

    def acme_gone_everywhere() -> bool:
        found = everything_naming(data_dir, acme)
        return (
            all(set(found[service]) <= KEEPERS[service] for service in SERVICES) and "audit_entries" in found["audit"]
        )

    await eventually(acme_gone_everywhere, timeout=20)
    left = everything_naming(data_dir, acme)
    assert left["membership"] == {"deleted_organizations": 1}
    assert left["identity"] == {}
    assert set(left["billing"]) <= KEEPERS["billing"]
    kept_entries = read(data_dir, "audit", "SELECT action, sequence FROM audit_entries WHERE organization_id = ?", acme)
    assert [action for action, _ in kept_entries] == ["organization.deleted"]
    deletion_sequence = kept_entries[0][1]
    checkpoints = read(data_dir, "audit", "SELECT sequence FROM audit_checkpoints WHERE organization_id = ?", acme)
    assert all(int(sequence) >= int(deletion_sequence) for (sequence,) in checkpoints)
    # The kept deletion record still verifies: it anchors the chain after the deleted entries.
    assert await chain_intact(suite, acme)

    # Beta lost nothing (its subscription renewed meanwhile, so some tables grew), and the person who belongs to
    # Beta too keeps their account.
    beta_after = everything_naming(data_dir, beta)
    for service in SERVICES:
        for table, count in beta_before[service].items():
            assert beta_after[service].get(table, 0) >= count, (service, table)
    assert read(data_dir, "identity", "SELECT count(*) FROM accounts WHERE id = ?", owner_account)[0][0] == 1
    assert read(
        data_dir, "identity", "SELECT organization_id FROM memberships WHERE account_id = ?", owner_account
    ) == [(beta,)]

    # More passes of the worker (and the events' redeliveries, if any) change nothing more.
    await asyncio.sleep(1.5)
    assert everything_naming(data_dir, acme) == left
    assert read(data_dir, "membership", "SELECT count(*) FROM deleted_organizations")[0][0] == 1
