"""Membership in process, against a real nats-server and a real database."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import grpc
import pytest
from pydantic import SecretStr
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc

from services.billing.main import MIGRATIONS_DIR as BILLING_MIGRATIONS_DIR
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.common import migrations
from services.common.idempotency import IDEMPOTENCY_KEY_METADATA_KEY
from services.common.messaging import Bus
from services.common.nats_server import NatsServer, free_port
from services.common.principal import Principal, outgoing_metadata, system_principal
from services.common.runtime import ServiceRuntime
from services.common.testing import eventually
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings


def billing_on(port: int, tmp_path: Path, nats_server: NatsServer, principal_keys: tuple[str, str]) -> ServiceRuntime:
    """Billing (not started yet) on `port`, with its own database."""
    settings = BillingSettings(
        data_dir=tmp_path / "billing",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'billing.db'}",
        grpc_port=port,
        nats_url=nats_server.url,
        principal_public_key=SecretStr(principal_keys[1]),
        secret_key=SecretStr("b" * 48),
        shutdown_grace_seconds=1,
    )
    migrations.upgrade(BILLING_MIGRATIONS_DIR, settings.database_url)
    return build_billing(settings)


def membership_with_billing_at(
    billing_port: int, tmp_path: Path, database_url: str, nats_server: NatsServer, principal_keys: tuple[str, str]
) -> ServiceRuntime:
    settings = MembershipSettings(
        data_dir=tmp_path,
        database_url=database_url,
        grpc_port=free_port(),
        nats_url=nats_server.url,
        principal_public_key=SecretStr(principal_keys[1]),
        secret_key=SecretStr("s" * 48),
        shutdown_grace_seconds=1,
        billing_address=f"127.0.0.1:{billing_port}",
    )
    migrations.upgrade(MIGRATIONS_DIR, settings.database_url)
    return build(settings)


@pytest.fixture
async def membership(
    tmp_path: Path, database_url: str, nats_server: NatsServer, principal_keys: tuple[str, str]
) -> AsyncIterator[tuple[ServiceRuntime, pb_grpc.MembershipServiceStub]]:
    """Membership with the billing it reserves seats from, both in process, each with its own database."""
    billing = billing_on(free_port(), tmp_path, nats_server, principal_keys)
    billing_port = await billing.start()
    runtime = membership_with_billing_at(billing_port, tmp_path, database_url, nats_server, principal_keys)
    port = await runtime.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    yield runtime, pb_grpc.MembershipServiceStub(channel)
    await channel.close()
    await runtime.stop()
    await billing.stop()


@pytest.mark.parametrize("key_sent_as", ["request field", "Idempotency-Key metadata"])
async def test_an_invitation_that_failed_while_billing_was_down_is_tried_again_with_the_same_idempotency_key(
    key_sent_as: str,
    tmp_path: Path,
    database_url: str,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> None:
    # Billing's port stays bound, not listening, while billing is down: calls to it are refused, and no other
    # socket (not even membership's own outgoing connection) can take it before billing starts.
    placeholder = socket.socket()
    placeholder.bind(("127.0.0.1", 0))
    billing_port = int(placeholder.getsockname()[1])
    runtime = membership_with_billing_at(billing_port, tmp_path, database_url, nats_server, principal_keys)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{await runtime.start()}")
    stub = pb_grpc.MembershipServiceStub(channel)
    billing = billing_on(billing_port, tmp_path, nats_server, principal_keys)
    billing_started = False
    try:
        created = await stub.CreateOrganization(
            pb.CreateOrganizationRequest(display_name="Acme", owner_account_id="acc-1", owner_email="o@acme.test"),
            metadata=outgoing_metadata(mint(system_principal())),
        )
        owner = Principal(
            actor_type="user",
            actor_id="acc-1",
            account_id="acc-1",
            organization_id=created.organization.id,
            permissions=frozenset({"members.invite", "members.read", "seat.use"}),
        )
        # Over REST the key comes as metadata (and the whole reply is kept by the gRPC layer); gRPC callers may put
        # it in the request. Either way a passing failure is not kept as the answer.
        in_field = key_sent_as == "request field"
        request = pb.InviteMembersRequest(
            organization_id=created.organization.id,
            invitees=[pb.Invitee(email="new@acme.test")],
            idempotency_key="i-1" if in_field else "",
        )

        def as_owner() -> tuple[tuple[str, str], ...]:
            return outgoing_metadata(mint(owner)) + (() if in_field else ((IDEMPOTENCY_KEY_METADATA_KEY, "i-1"),))

        refused = await stub.InviteMembers(request, metadata=as_owner())
        assert refused.results[0].error_reason == "UNAVAILABLE"

        placeholder.close()
        await billing.start()
        billing_started = True

        async def invited_on_retry() -> pb.InvitationResult | None:
            # The same request id each time: the passing failure was not kept as the request's answer.
            retried = await stub.InviteMembers(request, metadata=as_owner())
            result = retried.results[0]
            return result if result.member.id else None

        result = await eventually(invited_on_retry, timeout=30)
        assert isinstance(result, pb.InvitationResult)
        assert result.member.status == pb.MEMBER_STATUS_INVITED
        replayed = await stub.InviteMembers(request, metadata=as_owner())
        assert replayed.results[0].member.id == result.member.id
    finally:
        placeholder.close()
        await channel.close()
        await runtime.stop()
        if billing_started:
            await billing.stop()


async def test_owner_invites_a_member_and_the_event_and_email_go_out(
    membership: tuple[ServiceRuntime, pb_grpc.MembershipServiceStub],
    mint: Callable[[Principal], str],
    nats_server: NatsServer,
    tmp_path: Path,
) -> None:
    _runtime, stub = membership
    created = await stub.CreateOrganization(
        pb.CreateOrganizationRequest(
            display_name="Acme", owner_account_id="acc-1", owner_email="Owner@Acme.test", idempotency_key="r1"
        ),
        metadata=outgoing_metadata(mint(system_principal())),
    )
    org_id = created.organization.id
    assert created.owner.email == "owner@acme.test"
    owner = Principal(
        actor_type="user",
        actor_id="acc-1",
        account_id="acc-1",
        organization_id=org_id,
        permissions=frozenset({"members.invite", "members.read", "seat.use"}),
    )
    invited = await stub.InviteMembers(
        pb.InviteMembersRequest(
            organization_id=org_id, invitees=[pb.Invitee(email="new@acme.test")], idempotency_key="i1"
        ),
        metadata=outgoing_metadata(mint(owner)),
    )
    assert invited.results[0].member.status == pb.MEMBER_STATUS_INVITED

    again = await stub.InviteMembers(
        pb.InviteMembersRequest(
            organization_id=org_id, invitees=[pb.Invitee(email="new@acme.test")], idempotency_key="i1"
        ),
        metadata=outgoing_metadata(mint(owner)),
    )
    assert again.results[0].member.id == invited.results[0].member.id

    bus = Bus(nats_server.url, "test")
    bus.start()
    await bus.connected.wait()
    subscription = await bus.jetstream.pull_subscribe("tenantry.membership.>", durable="probe")
    types: list[str] = []
    while len(types) < 3:
        types += [envelope_pb2.Envelope.FromString(m.data).type for m in await subscription.fetch(3, timeout=5)]
    assert types == ["membership.organization.created", "membership.member.added", "membership.member.invited"]
    await bus.close()

    mail = await eventually(lambda: list((tmp_path / "mail").glob("*.eml")))
    assert isinstance(mail, list)
    assert "accept-invitation?invitation=" in mail[0].read_text()


async def test_another_organizations_members_are_not_found_and_the_refusal_is_recorded(
    membership: tuple[ServiceRuntime, pb_grpc.MembershipServiceStub],
    mint: Callable[[Principal], str],
    nats_server: NatsServer,
) -> None:
    _, stub = membership
    created = await stub.CreateOrganization(
        pb.CreateOrganizationRequest(display_name="Acme", owner_account_id="acc-1", owner_email="o@acme.test"),
        metadata=outgoing_metadata(mint(system_principal())),
    )
    stranger = Principal(
        actor_type="user", actor_id="x", organization_id="other-org", permissions=frozenset({"members.read"})
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.ListMembers(
            pb.ListMembersRequest(organization_id=created.organization.id), metadata=outgoing_metadata(mint(stranger))
        )
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.InviteMembers(
            pb.InviteMembersRequest(organization_id="other-org", invitees=[pb.Invitee(email="n@other.test")]),
            metadata=outgoing_metadata(mint(stranger)),
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

    bus = Bus(nats_server.url, "test")
    bus.start()
    await bus.connected.wait()
    subscription = await bus.jetstream.pull_subscribe("tenantry.membership.authz.denied", durable="denials")
    denials: list[envelope_pb2.Envelope] = []
    while len(denials) < 2:
        denials += [envelope_pb2.Envelope.FromString(m.data) for m in await subscription.fetch(2, timeout=5)]
    await bus.close()
    # Recorded in the caller's organization, never in the one it probed.
    assert {d.organization_id for d in denials} == {"other-org"}
    details = [common_pb2.AuthorizationDenied() for _ in denials]
    for denial, detail in zip(denials, details, strict=True):
        denial.payload.Unpack(detail)
    assert [(d.method.rsplit("/", 1)[1], d.code) for d in details] == [
        ("ListMembers", "NOT_FOUND"),
        ("InviteMembers", "PERMISSION_DENIED"),
    ]
    assert details[1].permission == "members.invite"
    assert denials[0].actor.id == "x"


async def test_a_call_without_a_principal_is_refused(
    membership: tuple[ServiceRuntime, pb_grpc.MembershipServiceStub],
) -> None:
    _, stub = membership
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.ListMembers(pb.ListMembersRequest(organization_id="x"))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
