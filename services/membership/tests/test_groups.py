"""Groups on SQLite and PostgreSQL: who may create and change them, self-service in unlocked groups, group
admins, default groups, the workspace limit, per-member results and tenant isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.invitations import InvitationUseCases, Invitee
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import GroupCreationPolicy, GroupQuery, Member, MemberStatus, Organization
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def principal_of(account_id: str, role: str, organization_id: str = ORG) -> Principal:
    return user_with_role(account_id, role, organization_id)


OWNER = principal_of("acc-owner", roles.OWNER)
USER_ADMIN = principal_of("acc-admin", roles.USER_ADMIN)
ANN = principal_of("acc-ann", roles.MEMBER)
BILLING = principal_of("acc-billing", roles.BILLING_ADMIN)


@dataclass
class Groups:
    use_cases: GroupUseCases
    members: MemberUseCases
    invitations: InvitationUseCases
    store: SqlMembershipStore
    db: Database


@pytest.fixture
async def groups(database_url: str) -> AsyncIterator[Groups]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for principal, role in (
                (OWNER, "owner"),
                (USER_ADMIN, "user_admin"),
                (ANN, "member"),
                (BILLING, "billing_admin"),
            ):
                member_id = "m-" + principal.account_id.removeprefix("acc-")
                email = f"{member_id}@acme.test"
                await tx.insert_member(
                    Member(member_id, ORG, principal.account_id, email, member_id, role, MemberStatus.ACTIVE, NOW, NOW)
                )
            await tx.insert_member(
                Member("m-bob", ORG, "acc-bob", "bob@acme.test", "Bob", "member", MemberStatus.ACTIVE, NOW, NOW)
            )
        yield Groups(
            GroupUseCases(store, clock), MemberUseCases(store, clock), InvitationUseCases(store, clock), store, db
        )


async def set_policy(groups: Groups, policy: GroupCreationPolicy) -> None:
    async with groups.store.write() as tx:
        organization = await tx.get_organization(ORG)
        assert organization is not None
        await tx.update_organization(
            replace(organization, group_creation_policy=policy, version=organization.version + 1), organization.version
        )


async def test_a_user_admin_creates_a_team_fills_it_and_pages_through_its_members(groups: Groups) -> None:
    team = await groups.use_cases.create_group(USER_ADMIN, ORG, GroupFields(name="Design", description="UI"))
    assert (team.kind.value, team.member_count) == ("team", 1)  # its creator administers it
    results = await groups.use_cases.add_group_members(USER_ADMIN, ORG, team.id, ["m-ann", "m-bob"], False)
    assert [r.error_reason for r in results] == ["", ""]
    first = await groups.use_cases.list_group_members(USER_ADMIN, ORG, team.id, 2, None)
    rest = await groups.use_cases.list_group_members(USER_ADMIN, ORG, team.id, 2, first[-1].member_id)
    assert sorted(m.member_id for m in first + rest) == ["m-admin", "m-ann", "m-bob"]
    assert (await groups.use_cases.get_group(USER_ADMIN, ORG, team.id)).member_count == 3


async def test_group_names_are_unique_whatever_their_case(groups: Groups) -> None:
    await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Sales"))
    with pytest.raises(AlreadyExists):
        await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="sALES"))


@pytest.mark.parametrize(
    ("policy", "allowed", "refused"),
    [
        (GroupCreationPolicy.OWNERS, OWNER, USER_ADMIN),
        (GroupCreationPolicy.ADMINS, USER_ADMIN, ANN),
        (GroupCreationPolicy.EVERYONE, ANN, None),
    ],
)
async def test_the_organizations_policy_decides_who_creates_groups(
    groups: Groups, policy: GroupCreationPolicy, allowed: Principal, refused: Principal | None
) -> None:
    await set_policy(groups, policy)
    await groups.use_cases.create_group(allowed, ORG, GroupFields(name=f"By {allowed.account_id}"))
    if refused is not None:
        with pytest.raises(PermissionDenied) as denied:
            await groups.use_cases.create_group(refused, ORG, GroupFields(name="Not allowed"))
        assert denied.value.reason == "GROUP_CREATION_NOT_ALLOWED"


async def test_a_member_joins_and_leaves_an_unlocked_group_but_touches_nobody_else(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Book club"))
    joined = await groups.use_cases.add_group_members(ANN, ORG, team.id, ["m-ann", "m-bob"], False)
    assert [r.error_reason for r in joined] == ["", "MISSING_PERMISSION"]
    left = await groups.use_cases.remove_group_members(ANN, ORG, team.id, ["m-ann"])
    assert [r.error_reason for r in left] == [""]


async def test_only_admins_change_a_locked_groups_members(groups: Groups) -> None:
    locked = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Finance", locked=True))
    refused = await groups.use_cases.add_group_members(ANN, ORG, locked.id, ["m-ann"], False)
    assert refused[0].error_reason == "GROUP_LOCKED"
    added = await groups.use_cases.add_group_members(USER_ADMIN, ORG, locked.id, ["m-ann"], False)
    assert added[0].error_reason == ""


async def test_a_group_admin_manages_their_own_group_without_managing_all_groups(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Support", locked=True))
    await groups.use_cases.add_group_members(OWNER, ORG, team.id, ["m-ann"], True)
    added = await groups.use_cases.add_group_members(ANN, ORG, team.id, ["m-bob"], False)
    assert added[0].error_reason == ""
    renamed = await groups.use_cases.update_group(ANN, ORG, team.id, {"name": "Customer support"})
    assert renamed.name == "Customer support" and renamed.version == team.version + 1
    with pytest.raises(PermissionDenied):
        await groups.use_cases.update_group(ANN, ORG, team.id, {"is_default": True})
    with pytest.raises(PermissionDenied):
        await groups.use_cases.delete_group(ANN, ORG, team.id)


async def test_a_billing_admin_sees_groups_but_changes_nothing(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Ops"))
    assert [g.name for g in await groups.use_cases.list_groups(BILLING, GroupQuery(ORG, limit=10))] == ["Ops"]
    with pytest.raises(PermissionDenied):
        await groups.use_cases.create_group(BILLING, ORG, GroupFields(name="Mine"))
    refused = await groups.use_cases.add_group_members(BILLING, ORG, team.id, ["m-bob"], False)
    assert refused[0].error_reason == "MISSING_PERMISSION"


async def test_a_member_is_added_to_at_most_ten_workspaces_in_one_operation(groups: Groups) -> None:
    workspaces = [
        await groups.use_cases.create_group(OWNER, ORG, GroupFields(name=f"Space {i}", kind="workspace"))
        for i in range(11)
    ]
    with pytest.raises(InvalidArgument) as refused:
        await groups.use_cases.add_member_to_groups(OWNER, ORG, "m-bob", [w.id for w in workspaces])
    assert refused.value.reason == "TOO_MANY_WORKSPACES"
    ten = await groups.use_cases.add_member_to_groups(OWNER, ORG, "m-bob", [w.id for w in workspaces[:10]])
    assert [r.error_reason for r in ten] == [""] * 10


async def test_results_say_which_members_were_unknown_or_already_there(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Mixed"))
    results = await groups.use_cases.add_group_members(OWNER, ORG, team.id, ["m-bob", "m-bob", "m-ghost"], False)
    assert [r.error_reason for r in results] == ["", "ALREADY_IN_GROUP", "NOT_FOUND"]
    removed = await groups.use_cases.remove_group_members(OWNER, ORG, team.id, ["m-ann", "m-bob"])
    assert [r.error_reason for r in removed] == ["NOT_IN_GROUP", ""]


async def test_invited_people_join_the_default_groups(groups: Groups) -> None:
    everyone = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Everyone", is_default=True))
    invited = (await groups.invitations.invite_members(OWNER, ORG, [Invitee("new@acme.test")]))[0].member
    assert invited is not None
    members = await groups.use_cases.list_group_members(OWNER, ORG, everyone.id, 10, None)
    assert invited.id in {m.member_id for m in members}


async def test_another_organizations_group_is_not_found(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Private"))
    stranger = principal_of("acc-x", roles.OWNER, organization_id="org-2")
    with pytest.raises(NotFound):
        await groups.use_cases.get_group(stranger, ORG, team.id)
    with pytest.raises(NotFound):
        await groups.use_cases.get_group(stranger, "org-2", team.id)
    with pytest.raises(NotFound):
        await groups.use_cases.add_group_members(stranger, "org-2", team.id, ["m-bob"], False)
    with pytest.raises(NotFound):
        await groups.use_cases.add_member_to_groups(stranger, "org-2", "m-bob", [team.id])


async def test_removing_a_member_takes_them_out_of_groups_and_deleting_a_group_keeps_its_members(
    groups: Groups,
) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Temp"))
    await groups.use_cases.add_group_members(OWNER, ORG, team.id, ["m-bob", "m-ann"], False)
    await groups.members.remove(OWNER, ORG, "m-bob")
    remaining = await groups.use_cases.list_group_members(OWNER, ORG, team.id, 10, None)
    assert "m-bob" not in {m.member_id for m in remaining}
    await groups.use_cases.delete_group(OWNER, ORG, team.id)
    async with groups.store.read() as tx:
        assert await tx.get_member(ORG, "m-ann") is not None


async def test_every_change_publishes_an_event_naming_the_members(groups: Groups) -> None:
    team = await groups.use_cases.create_group(OWNER, ORG, GroupFields(name="Audited"))
    await groups.use_cases.add_group_members(OWNER, ORG, team.id, ["m-bob"], False)
    async with groups.db.read() as connection:
        payloads = (
            await connection.execute(
                select(messaging.outbox.c.subject, messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject.like("tenantry.membership.group.%"))
                .order_by(messaging.outbox.c.id)
            )
        ).all()
    assert [subject for subject, _ in payloads] == [
        "tenantry.membership.group.created",
        "tenantry.membership.group.members_added",
        "tenantry.membership.group.members_added",
    ]
    last = membership_events_pb2.GroupMembersChanged()
    envelope_pb2.Envelope.FromString(payloads[-1][1]).payload.Unpack(last)
    assert list(last.member_ids) == ["m-bob"]
