"""Idempotency-Key on every call that changes state: membership (and the billing it reserves seats from) in
process over real gRPC, NATS and SQLite or PostgreSQL, with the injectable clock."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import scim_token_service_pb2 as scim_token_pb
from tenantry.membership.v1 import group_service_pb2 as group_pb
from tenantry.membership.v1 import group_service_pb2_grpc as group_grpc
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc

from services.billing.main import MIGRATIONS_DIR as BILLING_MIGRATIONS_DIR
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import Aborted, FailedPrecondition, Unavailable
from services.common.grpc_server import error_reason
from services.common.idempotency import (
    ABANDONED_AFTER,
    IDEMPOTENCY_KEY_METADATA_KEY,
    RETENTION,
    IdempotencyRules,
    IdempotentCalls,
    response_type_of,
)
from services.common.nats_server import NatsServer, free_port
from services.common.permissions import CATALOGUE
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata, system_principal
from services.common.runtime import ServiceRuntime
from services.common.testing import eventually
from services.identity.api.idempotency import IDEMPOTENCY_RULES as IDENTITY_RULES
from services.membership.api.idempotency import IDEMPOTENCY_RULES as MEMBERSHIP_RULES
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings
from services.membership.store.tables import idempotency_keys

OWNER_ACCOUNT = "acc-owner"


@dataclass
class Membership:
    """Membership in process; billing is not started until a test starts it (on the address membership knows)."""

    runtime: ServiceRuntime
    groups: group_grpc.GroupServiceStub
    members: pb_grpc.MembershipServiceStub
    signer: PrincipalSigner
    clock: FrozenClock
    db: Database
    organization_id: str
    billing_settings: BillingSettings

    def metadata(self, principal: Principal, key: str = "") -> tuple[tuple[str, str], ...]:
        metadata = outgoing_metadata(self.signer.mint(principal)[0])
        return (*metadata, (IDEMPOTENCY_KEY_METADATA_KEY, key)) if key else metadata

    def owner(self, actor_id: str = OWNER_ACCOUNT) -> Principal:
        return Principal(
            actor_type="user",
            actor_id=actor_id,
            account_id=actor_id,
            organization_id=self.organization_id,
            permissions=CATALOGUE,
        )

    async def create_group(self, name: str, key: str, principal: Principal | None = None) -> group_pb.Group:
        reply = await self.groups.CreateGroup(
            group_pb.CreateGroupRequest(organization_id=self.organization_id, group=group_pb.Group(name=name)),
            metadata=self.metadata(principal or self.owner(), key),
        )
        return reply.group

    async def group_names(self) -> list[str]:
        reply = await self.groups.ListGroups(
            group_pb.ListGroupsRequest(organization_id=self.organization_id), metadata=self.metadata(self.owner())
        )
        return sorted(group.name for group in reply.groups)

    async def stored_keys(self) -> int:
        async with self.db.read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(idempotency_keys)) or 0)


@pytest.fixture
async def membership(
    tmp_path: Path, database_url: str, nats_server: NatsServer, principal_keys: tuple[str, str]
) -> AsyncIterator[Membership]:
    clock = FrozenClock(datetime.now(UTC))
    billing_settings = BillingSettings(
        data_dir=tmp_path / "billing",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'billing.db'}",
        grpc_port=free_port(),
        nats_url=nats_server.url,
        principal_public_key=SecretStr(principal_keys[1]),
        secret_key=SecretStr("b" * 48),
        shutdown_grace_seconds=1,
    )
    settings = MembershipSettings(
        data_dir=tmp_path,
        database_url=database_url,
        grpc_port=free_port(),
        nats_url=nats_server.url,
        principal_public_key=SecretStr(principal_keys[1]),
        secret_key=SecretStr("s" * 48),
        shutdown_grace_seconds=1,
        billing_address=f"127.0.0.1:{billing_settings.grpc_port}",
    )
    migrations.upgrade(MIGRATIONS_DIR, settings.database_url)
    runtime = build(settings, clock)
    port = await runtime.start()
    signer = PrincipalSigner(principal_keys[0], clock=clock)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    members = pb_grpc.MembershipServiceStub(channel)
    created = await members.CreateOrganization(
        pb.CreateOrganizationRequest(display_name="Acme", owner_account_id=OWNER_ACCOUNT, owner_email="o@acme.test"),
        metadata=outgoing_metadata(signer.mint(system_principal())[0]),
    )
    db = Database(database_url)
    yield Membership(
        runtime,
        group_grpc.GroupServiceStub(channel),
        members,
        signer,
        clock,
        db,
        created.organization.id,
        billing_settings,
    )
    await db.dispose()
    await channel.close()
    await runtime.stop()


async def test_a_retried_call_with_the_same_key_returns_the_first_reply_and_creates_one_group(
    membership: Membership,
) -> None:
    first = await membership.create_group("Platform", key="create-platform")
    retry = await membership.create_group("Platform", key="create-platform")

    assert retry == first
    assert await membership.group_names() == ["Platform"]
    with pytest.raises(grpc.aio.AioRpcError) as without_key:  # what the retry would have met without its key
        await membership.create_group("Platform", key="")
    assert without_key.value.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_a_key_sent_again_with_another_request_or_by_another_person_is_refused(membership: Membership) -> None:
    await membership.create_group("Platform", key="k-1")

    with pytest.raises(grpc.aio.AioRpcError) as other_body:
        await membership.create_group("Design", key="k-1")
    with pytest.raises(grpc.aio.AioRpcError) as other_person:
        await membership.create_group("Platform", key="k-1", principal=membership.owner("acc-colleague"))

    for refused in (other_body.value, other_person.value):
        assert (refused.code(), error_reason(refused)) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "IDEMPOTENCY_KEY_REUSED",
        )
    assert await membership.group_names() == ["Platform"]


async def test_an_invitation_batch_settled_by_its_use_case_replays_once_and_refuses_another_request(
    membership: Membership,
) -> None:
    def invite(*emails: str) -> pb.InviteMembersRequest:
        return pb.InviteMembersRequest(
            organization_id=membership.organization_id,
            invitees=[pb.Invitee(email=email, role="billing_admin") for email in emails],  # no seat: billing unasked
        )

    metadata = membership.metadata(membership.owner(), "invite-two")
    first = await membership.members.InviteMembers(invite("ann@acme.test", "bob@acme.test"), metadata=metadata)
    retry = await membership.members.InviteMembers(invite("ann@acme.test", "bob@acme.test"), metadata=metadata)
    assert retry == first and all(result.member.id for result in first.results)

    with pytest.raises(grpc.aio.AioRpcError) as other_body:
        await membership.members.InviteMembers(invite("cy@acme.test"), metadata=metadata)
    with pytest.raises(grpc.aio.AioRpcError) as other_person:
        await membership.members.InviteMembers(
            invite("ann@acme.test", "bob@acme.test"),
            metadata=membership.metadata(membership.owner("acc-colleague"), "invite-two"),
        )
    for refused in (other_body.value, other_person.value):
        assert (refused.code(), error_reason(refused)) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "IDEMPOTENCY_KEY_REUSED",
        )
    listed = await membership.members.ListMembers(
        pb.ListMembersRequest(organization_id=membership.organization_id),
        metadata=membership.metadata(membership.owner()),
    )
    assert sorted(m.email for m in listed.members if m.email != "o@acme.test") == ["ann@acme.test", "bob@acme.test"]


async def test_the_same_key_on_another_operation_is_another_call(membership: Membership) -> None:
    group = await membership.create_group("Platform", key="shared")
    await membership.groups.DeleteGroup(
        group_pb.DeleteGroupRequest(organization_id=membership.organization_id, group_id=group.id),
        metadata=membership.metadata(membership.owner(), "shared"),
    )
    # DeleteGroup has no request id of its own: the replay of the key answers the retry, not NOT_FOUND.
    await membership.groups.DeleteGroup(
        group_pb.DeleteGroupRequest(organization_id=membership.organization_id, group_id=group.id),
        metadata=membership.metadata(membership.owner(), "shared"),
    )
    assert await membership.group_names() == []


async def test_concurrent_calls_with_one_key_create_one_group_and_the_others_are_aborted(
    membership: Membership,
) -> None:
    outcomes = await asyncio.gather(
        *(membership.create_group("Platform", key="burst") for _ in range(6)), return_exceptions=True
    )

    replies = [outcome for outcome in outcomes if isinstance(outcome, group_pb.Group)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, group_pb.Group)]
    assert replies and all(reply == replies[0] for reply in replies)
    for error in refused:
        assert isinstance(error, grpc.aio.AioRpcError), error
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.ABORTED, "IDEMPOTENCY_KEY_IN_USE")
    assert await membership.group_names() == ["Platform"]


async def test_a_read_ignores_the_key(membership: Membership) -> None:
    for _ in range(2):
        await membership.groups.ListGroups(
            group_pb.ListGroupsRequest(organization_id=membership.organization_id),
            metadata=membership.metadata(membership.owner(), "listing"),
        )
    assert await membership.stored_keys() == 0


async def test_a_role_change_that_failed_while_billing_was_down_runs_again_on_retry(membership: Membership) -> None:
    invited = await membership.members.InviteMembers(  # a role without a seat: billing is not asked
        pb.InviteMembersRequest(
            organization_id=membership.organization_id,
            invitees=[pb.Invitee(email="new@acme.test", role="billing_admin")],
        ),
        metadata=membership.metadata(membership.owner(), "invite-new"),
    )
    member_id = invited.results[0].member.id
    change = pb.ChangeMemberRoleRequest(organization_id=membership.organization_id, member_id=member_id, role="member")
    metadata = membership.metadata(membership.owner(), "give-a-seat")
    with pytest.raises(grpc.aio.AioRpcError) as down:  # the Member role holds a seat, and billing is down
        await membership.members.ChangeMemberRole(change, metadata=metadata)
    assert down.value.code() == grpc.StatusCode.UNAVAILABLE

    migrations.upgrade(BILLING_MIGRATIONS_DIR, membership.billing_settings.database_url)
    billing = build_billing(membership.billing_settings)
    await billing.start()
    try:

        async def changed() -> pb.ChangeMemberRoleResponse | None:
            try:  # billing learns the organization from membership's events first
                return await membership.members.ChangeMemberRole(change, metadata=metadata)
            except grpc.aio.AioRpcError as error:
                assert error.code() == grpc.StatusCode.UNAVAILABLE, error
                return None

        first = await eventually(changed, timeout=30)
        assert isinstance(first, pb.ChangeMemberRoleResponse) and first.member.role == "member"
        assert await membership.members.ChangeMemberRole(change, metadata=metadata) == first
    finally:
        await billing.stop()


async def test_keys_older_than_a_day_are_pruned_and_the_key_can_be_used_again(membership: Membership) -> None:
    await membership.create_group("Platform", key="daily")
    membership.clock.advance(RETENTION - timedelta(minutes=1))
    with pytest.raises(grpc.aio.AioRpcError) as still_known:
        await membership.create_group("Design", key="daily")
    assert error_reason(still_known.value) == "IDEMPOTENCY_KEY_REUSED"

    membership.clock.advance(timedelta(minutes=2))
    await membership.create_group("Design", key="daily")  # the expired key was pruned by this call's claim

    assert await membership.group_names() == ["Design", "Platform"]
    # The new call's key, kept twice: by the call (whole reply) and by the use case in its own transaction (which
    # still answers a retry if the process dies between committing and keeping the reply).
    assert await membership.stored_keys() == 2


@pytest.fixture
async def calls(database_url: str) -> AsyncIterator[tuple[IdempotentCalls, FrozenClock]]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock()
    yield IdempotentCalls(db, idempotency_keys, clock), clock
    await db.dispose()


PERSON = Principal(actor_type="user", actor_id="acc-1", organization_id="org-1")
REQUEST = group_pb.CreateGroupRequest(organization_id="org-1", group=group_pb.Group(name="Platform"))
METHOD = "/tenantry.membership.v1.GroupService/CreateGroup"


async def test_a_call_still_running_holds_its_key_until_it_answers(
    calls: tuple[IdempotentCalls, FrozenClock],
) -> None:
    idempotent, _ = calls
    entered, finish = asyncio.Event(), asyncio.Event()
    runs = 0

    async def slow_create() -> group_pb.CreateGroupResponse:
        nonlocal runs
        runs += 1
        entered.set()
        await finish.wait()
        return group_pb.CreateGroupResponse(group=group_pb.Group(id="g-1", name="Platform"))

    first = asyncio.create_task(idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, slow_create))
    await entered.wait()
    with pytest.raises(Aborted) as in_use:
        await idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, slow_create)
    assert in_use.value.reason == "IDEMPOTENCY_KEY_IN_USE"

    finish.set()
    answered = await first
    replayed = await idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, slow_create)
    assert (replayed, runs) == (answered, 1)


async def test_a_call_that_failed_runs_again_on_retry_and_its_success_is_replayed(
    calls: tuple[IdempotentCalls, FrozenClock],
) -> None:
    idempotent, _ = calls
    runs = 0

    async def flaky_create() -> group_pb.CreateGroupResponse:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise Unavailable("Billing is unreachable.")
        return group_pb.CreateGroupResponse(group=group_pb.Group(id=f"g-{runs}"))

    with pytest.raises(Unavailable):
        await idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, flaky_create)
    retried = await idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, flaky_create)
    replayed = await idempotent.run(PERSON, METHOD, "k", REQUEST, group_pb.CreateGroupResponse, flaky_create)

    assert (retried.group.id, replayed.group.id, runs) == ("g-2", "g-2", 2)


async def test_an_abandoned_call_gives_its_key_over_after_a_few_minutes(
    calls: tuple[IdempotentCalls, FrozenClock],
) -> None:
    idempotent, clock = calls
    await idempotent.claim("org-1", METHOD, "k", "fingerprint")  # its process died before answering

    with pytest.raises(Aborted):
        await idempotent.claim("org-1", METHOD, "k", "fingerprint")
    with pytest.raises(FailedPrecondition):
        await idempotent.claim("org-1", METHOD, "k", "another fingerprint")
    clock.advance(ABANDONED_AFTER + timedelta(seconds=1))
    taken_over = await idempotent.claim("org-1", METHOD, "k", "fingerprint")

    assert not isinstance(taken_over, bytes) and taken_over.started_at == clock.now()


async def test_pruning_deletes_only_keys_older_than_a_day_in_small_batches(
    calls: tuple[IdempotentCalls, FrozenClock],
) -> None:
    idempotent, clock = calls
    for number in range(3):
        await idempotent.claim("org-1", METHOD, f"old-{number}", "fingerprint")
    clock.advance(RETENTION)
    await idempotent.claim("org-1", METHOD, "recent", "fingerprint")  # exactly a day old keys are kept
    clock.advance(timedelta(seconds=1))

    assert await idempotent.prune() == 3
    assert await idempotent.prune() == 0
    with pytest.raises(Aborted):
        await idempotent.claim("org-1", METHOD, "recent", "fingerprint")


def test_changes_honour_keys_but_reads_and_replies_with_one_time_secrets_do_not() -> None:
    for method in IDENTITY_RULES.one_time_secrets:
        # Names a real RPC of identity's.
        assert response_type_of(method).DESCRIPTOR.file in (identity_pb.DESCRIPTOR, scim_token_pb.DESCRIPTOR)
        assert not IDENTITY_RULES.honours_key(method)
    # A SCIM token's secret is shown once too: never kept under a key.
    assert not IDENTITY_RULES.honours_key("/tenantry.identity.v1.ScimTokenService/CreateScimToken")
    assert not IDENTITY_RULES.honours_key("/tenantry.identity.v1.ScimTokenService/RotateScimToken")
    rules = IdempotencyRules()
    assert not rules.honours_key("/tenantry.membership.v1.GroupService/ListGroups")
    assert not rules.honours_key("/tenantry.billing.v1.BillingService/GetInvoicePdf")
    assert rules.honours_key("/tenantry.membership.v1.GroupService/CreateGroup")
    assert IDENTITY_RULES.honours_key("/tenantry.identity.v1.IdentityService/UpdateSecurityPolicy")


def test_batch_calls_a_service_settles_in_its_use_cases_are_not_claimed_by_the_interceptor() -> None:
    for method in MEMBERSHIP_RULES.settled_by_use_case:
        assert response_type_of(method).DESCRIPTOR.file == pb.DESCRIPTOR  # names a real RPC
        assert MEMBERSHIP_RULES.honours_key(method) and not MEMBERSHIP_RULES.claimed_by_interceptor(method)
    assert MEMBERSHIP_RULES.claimed_by_interceptor("/tenantry.membership.v1.GroupService/CreateGroup")


@pytest.mark.parametrize("service", ["identity", "membership", "billing"])
def test_every_service_that_changes_state_finds_its_idempotency_table(service: str) -> None:
    """The runtime looks the table up beside the service's messaging tables (see Wiring.runtime)."""
    tables = importlib.import_module(f"services.{service}.store.tables")
    found = IdempotentCalls.in_database_of(Database("sqlite://"), tables.messaging.outbox.metadata, FrozenClock())
    assert found is not None
