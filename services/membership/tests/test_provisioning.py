"""ProvisionMember: an identity provider makes people active members (SCIM, SSO just-in-time), with seats held
in a real billing, membership and billing in process against a real nats-server and database."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from pydantic import SecretStr
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.billing.v1 import billing_service_pb2_grpc as billing_grpc
from tenantry.membership.v1 import group_service_pb2 as group_pb
from tenantry.membership.v1 import group_service_pb2_grpc as group_grpc
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc
from tenantry.membership.v1 import provisioning_service_pb2 as prov_pb
from tenantry.membership.v1 import provisioning_service_pb2_grpc as prov_grpc
from tenantry.membership.v1 import scim_hold_service_pb2_grpc as hold_grpc

from services.billing.main import MIGRATIONS_DIR as BILLING_MIGRATIONS_DIR
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.common import migrations
from services.common.grpc_server import error_reason
from services.common.nats_server import NatsServer, free_port
from services.common.principal import ACTOR_SCIM, Principal, outgoing_metadata, system_principal
from services.common.testing import eventually
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings

# What identity gives a SCIM token's principal (enough for billing to hold seats on its behalf).
SCIM_PERMISSIONS = frozenset(
    {"members.read", "members.invite", "members.remove", "members.manage_roles", "groups.manage"}
)


@dataclass
class Suite:
    membership: pb_grpc.MembershipServiceStub
    provisioning: prov_grpc.ProvisioningServiceStub
    groups: group_grpc.GroupServiceStub
    billing: billing_grpc.BillingServiceStub
    mint: Callable[[Principal], str]
    scim_holds: hold_grpc.ScimHoldServiceStub
    organization_id: str = ""

    def as_(self, principal: Principal) -> tuple[tuple[str, str], ...]:
        return outgoing_metadata(self.mint(principal))

    def scim(self) -> tuple[tuple[str, str], ...]:
        return self.as_(
            Principal(
                actor_type=ACTOR_SCIM,
                actor_id="scim-token-1",
                organization_id=self.organization_id,
                permissions=SCIM_PERMISSIONS,
            )
        )

    def owner(self) -> tuple[tuple[str, str], ...]:
        return self.as_(
            Principal(
                actor_type="user",
                actor_id="acc-owner",
                account_id="acc-owner",
                organization_id=self.organization_id,
                permissions=frozenset({"members.read", "members.invite", "billing.read", "seat.use"}),
            )
        )

    async def members(self) -> list[pb.Member]:
        listed = await self.membership.ListMembers(
            pb.ListMembersRequest(organization_id=self.organization_id, page_size=100), metadata=self.owner()
        )
        return list(listed.members)

    async def seats_in_use(self) -> int:
        usage = await self.billing.GetSeatUsage(
            billing_pb.GetSeatUsageRequest(organization_id=self.organization_id), metadata=self.owner()
        )
        return int(usage.seat_usage.in_use)


async def _owner_seat_counted(suite: Suite) -> bool:
    try:
        return await suite.seats_in_use() == 1
    except grpc.aio.AioRpcError:
        return False  # the subscription opens when billing consumes organization.created


async def _suite(
    seats: int,
    tmp_path: Path,
    database_url: str,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> AsyncIterator[Suite]:
    billing_settings = BillingSettings(
        data_dir=tmp_path / "billing",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'billing.db'}",
        grpc_port=free_port(),
        nats_url=nats_server.url,
        principal_public_key=SecretStr(principal_keys[1]),
        secret_key=SecretStr("b" * 48),
        shutdown_grace_seconds=1,
        default_seats=seats,
    )
    migrations.upgrade(BILLING_MIGRATIONS_DIR, billing_settings.database_url)
    billing = build_billing(billing_settings)
    billing_port = await billing.start()
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
    runtime = build(settings)
    port = await runtime.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    billing_channel = grpc.aio.insecure_channel(f"127.0.0.1:{billing_port}")
    suite = Suite(
        pb_grpc.MembershipServiceStub(channel),
        prov_grpc.ProvisioningServiceStub(channel),
        group_grpc.GroupServiceStub(channel),
        billing_grpc.BillingServiceStub(billing_channel),
        mint,
        hold_grpc.ScimHoldServiceStub(channel),
    )
    created = await suite.membership.CreateOrganization(
        pb.CreateOrganizationRequest(display_name="Acme", owner_account_id="acc-owner", owner_email="o@acme.test"),
        metadata=suite.as_(system_principal()),
    )
    suite.organization_id = created.organization.id
    # Billing counts the Owner's seat once membership's events reach it; a provisioning before that would take
    # the Owner's seat and the seat counts below would be one short.
    await eventually(functools.partial(_owner_seat_counted, suite))
    try:
        yield suite
    finally:
        await channel.close()
        await billing_channel.close()
        await runtime.stop()
        await billing.stop()


@pytest.fixture
async def suite(
    tmp_path: Path,
    database_url: str,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> AsyncIterator[Suite]:
    async for running in _suite(10, tmp_path, database_url, nats_server, principal_keys, mint):
        yield running


@pytest.fixture
async def full_suite(
    tmp_path: Path,
    database_url: str,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> AsyncIterator[Suite]:
    """Two seats: the Owner's and one more."""
    async for running in _suite(2, tmp_path, database_url, nats_server, principal_keys, mint):
        yield running


def _request(suite: Suite, email: str, **fields: object) -> prov_pb.ProvisionMemberRequest:
    return prov_pb.ProvisionMemberRequest(organization_id=suite.organization_id, email=email, **fields)  # type: ignore[arg-type]


async def test_a_scim_principal_provisions_an_active_member_who_holds_a_seat(suite: Suite) -> None:
    reply = await suite.provisioning.ProvisionMember(
        _request(suite, "Ana@Acme.test", display_name="Ana", external_id="okta-ana", idempotency_key="k1"),
        metadata=suite.scim(),
    )
    assert reply.created
    assert reply.member.status == pb.MEMBER_STATUS_ACTIVE
    assert reply.member.email == "ana@acme.test"
    assert reply.member.role == "member"
    assert reply.external_id == "okta-ana"
    assert await suite.seats_in_use() == 2

    # A retry after a lost answer gets the first answer, with no second member nor seat.
    retried = await suite.provisioning.ProvisionMember(
        _request(suite, "Ana@Acme.test", display_name="Ana", external_id="okta-ana", idempotency_key="k1"),
        metadata=suite.scim(),
    )
    assert (retried.member.id, retried.created) == (reply.member.id, True)
    assert await suite.seats_in_use() == 2
    assert len(await suite.members()) == 2


async def test_the_same_person_by_email_in_another_case_or_by_external_id_is_linked_never_duplicated(
    suite: Suite,
) -> None:
    first = await suite.provisioning.ProvisionMember(_request(suite, "bo@acme.test"), metadata=suite.scim())
    by_email = await suite.provisioning.ProvisionMember(
        _request(suite, "BO@ACME.TEST", external_id="entra-bo", display_name="Bo Berg"), metadata=suite.scim()
    )
    assert not by_email.created
    assert by_email.member.id == first.member.id
    assert by_email.external_id == "entra-bo"
    assert by_email.member.display_name == "Bo Berg"

    # The provider renamed the address: its external id still finds the member.
    by_external_id = await suite.provisioning.ProvisionMember(
        _request(suite, "bo.berg@acme.test", external_id="entra-bo", account_id="acc-bo"), metadata=suite.scim()
    )
    assert (by_external_id.member.id, by_external_id.created) == (first.member.id, False)
    assert by_external_id.member.account_id == "acc-bo"
    assert len(await suite.members()) == 2
    assert await suite.seats_in_use() == 2


async def test_an_email_and_an_external_id_of_two_different_members_conflict(suite: Suite) -> None:
    await suite.provisioning.ProvisionMember(_request(suite, "a@acme.test", external_id="x-a"), metadata=suite.scim())
    await suite.provisioning.ProvisionMember(_request(suite, "b@acme.test", external_id="x-b"), metadata=suite.scim())
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await suite.provisioning.ProvisionMember(
            _request(suite, "a@acme.test", external_id="x-b"), metadata=suite.scim()
        )
    assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert error_reason(refused.value) == "EXTERNAL_ID_IN_USE"


async def test_an_invited_person_becomes_active_with_the_seat_of_the_invitation(suite: Suite) -> None:
    invited = await suite.membership.InviteMembers(
        pb.InviteMembersRequest(organization_id=suite.organization_id, invitees=[pb.Invitee(email="cy@acme.test")]),
        metadata=suite.owner(),
    )
    assert invited.results[0].member.status == pb.MEMBER_STATUS_INVITED
    linked = await suite.provisioning.ProvisionMember(
        _request(suite, "cy@acme.test", account_id="acc-cy"), metadata=suite.scim()
    )
    assert not linked.created
    assert linked.member.id == invited.results[0].member.id
    assert linked.member.status == pb.MEMBER_STATUS_ACTIVE
    assert linked.member.account_id == "acc-cy"
    assert await suite.seats_in_use() == 2


async def test_without_a_free_seat_provisioning_fails_and_writes_nothing(full_suite: Suite) -> None:
    suite = full_suite
    await suite.provisioning.ProvisionMember(_request(suite, "one@acme.test"), metadata=suite.scim())
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await suite.provisioning.ProvisionMember(
            _request(suite, "two@acme.test", external_id="x-two"), metadata=suite.scim()
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(refused.value) == "NO_SEATS_AVAILABLE"
    assert sorted(m.email for m in await suite.members()) == ["o@acme.test", "one@acme.test"]
    assert await suite.seats_in_use() == 2


async def test_a_person_without_members_invite_cannot_provision_and_another_organization_is_not_found(
    suite: Suite,
) -> None:
    reader = Principal(
        actor_type="user",
        actor_id="acc-r",
        account_id="acc-r",
        organization_id=suite.organization_id,
        permissions=frozenset({"members.read"}),
    )
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await suite.provisioning.ProvisionMember(_request(suite, "d@acme.test"), metadata=suite.as_(reader))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    other_scim = Principal(
        actor_type=ACTOR_SCIM, actor_id="scim-other", organization_id="org-other", permissions=SCIM_PERMISSIONS
    )
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await suite.provisioning.ProvisionMember(_request(suite, "d@acme.test"), metadata=suite.as_(other_scim))
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    assert len(await suite.members()) == 1


async def test_provisioning_into_groups_adds_the_member_once(suite: Suite) -> None:
    group = await suite.groups.CreateGroup(
        group_pb.CreateGroupRequest(organization_id=suite.organization_id, group=group_pb.Group(name="Engineering")),
        metadata=suite.as_(system_principal()),
    )
    for _ in range(2):
        await suite.provisioning.ProvisionMember(
            _request(suite, "eve@acme.test", group_ids=[group.group.id]), metadata=suite.scim()
        )
    listed = await suite.groups.ListGroupMembers(
        group_pb.ListGroupMembersRequest(organization_id=suite.organization_id, group_id=group.group.id),
        metadata=suite.owner(),
    )
    assert [m.email for m in listed.members] == ["eve@acme.test"]

    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await suite.provisioning.ProvisionMember(
            _request(suite, "fay@acme.test", group_ids=["no-such-group"]), metadata=suite.scim()
        )
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    assert len(await suite.members()) == 2


async def test_a_scim_user_created_deactivated_and_deleted_holds_and_gives_back_its_seat(suite: Suite) -> None:
    document = {"userName": "Gus@Acme.test", "name": {"givenName": "Gus"}, "externalId": "okta-gus"}
    created = await suite.provisioning.CreateScimUser(
        prov_pb.CreateScimUserRequest(organization_id=suite.organization_id, user_json=json.dumps(document)),
        metadata=suite.scim(),
    )
    assert created.user.active and created.user.user_name == "Gus@Acme.test"
    assert await suite.seats_in_use() == 2
    with pytest.raises(grpc.aio.AioRpcError) as duplicate:
        await suite.provisioning.CreateScimUser(
            prov_pb.CreateScimUserRequest(
                organization_id=suite.organization_id, user_json=json.dumps({"userName": "gus@acme.test"})
            ),
            metadata=suite.scim(),
        )
    assert duplicate.value.code() == grpc.StatusCode.ALREADY_EXISTS

    listed = await suite.provisioning.ListScimUsers(
        prov_pb.ListScimUsersRequest(
            organization_id=suite.organization_id, filter='userName eq "GUS@ACME.TEST"', count=10
        ),
        metadata=suite.scim(),
    )
    assert [u.id for u in listed.users] == [created.user.id] and listed.total_results == 1

    patched = await suite.provisioning.PatchScimUser(
        prov_pb.PatchScimUserRequest(
            organization_id=suite.organization_id,
            user_id=created.user.id,
            operations=[prov_pb.ScimPatchOperation(op="Replace", path="active", value_json='"False"')],
            expected_version=created.user.version,
        ),
        metadata=suite.scim(),
    )
    assert not patched.user.active

    async def seat_released() -> bool:
        return await suite.seats_in_use() == 1

    assert await eventually(seat_released, timeout=30)
    await suite.provisioning.DeleteScimUser(
        prov_pb.DeleteScimUserRequest(organization_id=suite.organization_id, user_id=created.user.id),
        metadata=suite.scim(),
    )
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await suite.provisioning.GetScimUser(
            prov_pb.GetScimUserRequest(organization_id=suite.organization_id, user_id=created.user.id),
            metadata=suite.scim(),
        )
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND
