"""SCIM Groups on SQLite and PostgreSQL: Entra's and Okta's PATCH shapes, filters answered in SQL, ETags,
the union of concurrent member changes, one member removed from a large group by id, SCIM-managed groups locked
against people, and the groups' events naming the SCIM token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import Aborted, AlreadyExists, FailedPrecondition, InvalidArgument
from services.common.principal import ACTOR_SCIM, Principal
from services.membership.domain import roles
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.scim_group_patch import ScimGroupFields, group_from_json
from services.membership.domain.scim_groups import ScimGroupUseCases
from services.membership.domain.scim_patch import PatchOperation
from services.membership.domain.scim_users import InvalidScimFilter
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import members, messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
SCIM = Principal(
    actor_type=ACTOR_SCIM,
    actor_id="scim-token-1",
    organization_id=ORG,
    permissions=frozenset({"members.read", "members.invite", "members.remove"}),
)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)
PEOPLE = [f"m-{n:02d}" for n in range(30)]


@dataclass
class Scim:
    groups: ScimGroupUseCases
    people_groups: GroupUseCases
    store: SqlMembershipStore
    db: Database

    async def member_ids(self, group_id: str) -> list[str]:
        found = await self.groups.get(SCIM, ORG, group_id)
        assert found.members is not None
        return sorted(member_id for member_id, _ in found.members)

    async def patch(self, group_id: str, *operations: dict[str, object], version: int = 0) -> None:
        await self.groups.patch(
            SCIM,
            ORG,
            group_id,
            [PatchOperation(str(o["op"]), str(o.get("path", "")), o.get("value")) for o in operations],
            version,
        )


@pytest.fixture
async def scim(database_url: str) -> AsyncIterator[Scim]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            await tx.insert_member(
                Member("m-owner", ORG, "acc-owner", "owner@acme.test", "Owner", "owner", MemberStatus.ACTIVE, NOW, NOW)
            )
            for member_id in PEOPLE:
                await tx.insert_member(
                    Member(
                        member_id,
                        ORG,
                        None,
                        f"{member_id}@acme.test",
                        member_id,
                        "member",
                        MemberStatus.ACTIVE,
                        NOW,
                        NOW,
                    )
                )
        yield Scim(ScimGroupUseCases(store, clock), GroupUseCases(store, clock), store, db)


async def _create(scim: Scim, name: str, member_ids: tuple[str, ...] = (), external_id: str = "") -> str:
    created = await scim.groups.create(SCIM, ORG, ScimGroupFields(name, external_id, member_ids))
    return created.group.id


async def test_entra_adds_and_removes_members_in_one_request(scim: Scim) -> None:
    group_id = await _create(scim, "Engineering", ("m-00", "m-01"))
    await scim.patch(
        group_id,
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": "m-02"}, {"value": "m-03"}]},
        {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": "m-00"}]},
    )
    assert await scim.member_ids(group_id) == ["m-01", "m-02", "m-03"]


async def test_okta_renames_without_a_path_and_removes_one_member_by_value_path(scim: Scim) -> None:
    group_id = await _create(scim, "Sales", ("m-00", "m-01"))
    await scim.patch(group_id, {"op": "replace", "value": {"id": group_id, "displayName": "Sales EMEA"}})
    await scim.patch(group_id, {"op": "remove", "path": 'members[value eq "m-00"]'})
    found = await scim.groups.get(SCIM, ORG, group_id)
    assert found.group.name == "Sales EMEA"
    assert await scim.member_ids(group_id) == ["m-01"]


async def test_removing_a_member_twice_or_adding_one_twice_changes_nothing_more(scim: Scim) -> None:
    group_id = await _create(scim, "Ops", ("m-00",))
    for _ in range(2):
        await scim.patch(group_id, {"op": "add", "path": "members", "value": [{"value": "m-01"}]})
        await scim.patch(group_id, {"op": "remove", "path": 'members[value eq "m-00"]'})
    assert await scim.member_ids(group_id) == ["m-01"]


async def test_replace_sets_the_members_and_an_unknown_member_is_refused_with_nothing_written(scim: Scim) -> None:
    group_id = await _create(scim, "Design", ("m-00", "m-01"))
    await scim.groups.replace(
        SCIM, ORG, group_id, group_from_json({"displayName": "Design", "members": [{"value": "m-05"}]})
    )
    assert await scim.member_ids(group_id) == ["m-05"]
    with pytest.raises(InvalidArgument):
        await scim.patch(
            group_id,
            {"op": "replace", "path": "displayName", "value": "Renamed"},
            {"op": "add", "path": "members", "value": [{"value": "m-06"}, {"value": "nobody"}]},
        )
    found = await scim.groups.get(SCIM, ORG, group_id)
    assert found.group.name == "Design"
    assert await scim.member_ids(group_id) == ["m-05"]


async def test_filters_on_display_name_external_id_and_members_are_answered(scim: Scim) -> None:
    await _create(scim, "Alpha", ("m-00",), external_id="ext-a")
    await _create(scim, "Beta", ("m-01",), external_id="ext-b")

    async def names(filter_text: str) -> list[str]:
        page = await scim.groups.list_groups(SCIM, ORG, filter_text, with_members=False)
        return [g.group.name for g in page.groups]

    assert await names('displayName eq "alpha"') == ["Alpha"]
    assert await names('externalId eq "ext-b"') == ["Beta"]
    assert await names('members[value eq "m-01"]') == ["Beta"]
    assert await names('members eq "m-00" or displayName sw "B"') == ["Alpha", "Beta"]
    assert await names('displayName eq "nobody"') == []
    with pytest.raises(InvalidScimFilter):
        await names('description eq "x"')


async def test_excluding_members_leaves_them_unloaded(scim: Scim) -> None:
    group_id = await _create(scim, "Quiet", ("m-00",))
    assert (await scim.groups.get(SCIM, ORG, group_id, with_members=False)).members is None
    page = await scim.groups.list_groups(SCIM, ORG, "", with_members=False)
    assert [g.members for g in page.groups] == [None]


async def test_a_stale_version_is_refused_and_every_change_bumps_it(scim: Scim) -> None:
    group_id = await _create(scim, "Versioned")
    first = (await scim.groups.get(SCIM, ORG, group_id)).group.version
    await scim.patch(group_id, {"op": "add", "path": "members", "value": [{"value": "m-00"}]}, version=first)
    with pytest.raises(Aborted):
        await scim.patch(group_id, {"op": "add", "path": "members", "value": [{"value": "m-01"}]}, version=first)
    assert (await scim.groups.get(SCIM, ORG, group_id)).group.version == first + 1


async def test_a_duplicate_display_name_is_a_uniqueness_conflict(scim: Scim) -> None:
    await _create(scim, "Finance")
    with pytest.raises(AlreadyExists):
        await _create(scim, "FINANCE")


async def test_twenty_concurrent_patches_end_in_the_union_of_their_changes(scim: Scim) -> None:
    group_id = await _create(scim, "Busy", tuple(PEOPLE[20:30]))

    async def change(n: int) -> None:
        # Each adds one newcomer and removes one of the initial members.
        operations: list[dict[str, object]] = [{"op": "add", "path": "members", "value": [{"value": PEOPLE[n]}]}]
        if n < 10:
            operations.append({"op": "remove", "path": f'members[value eq "{PEOPLE[20 + n]}"]'})
        await scim.patch(group_id, *operations)

    await asyncio.gather(*(change(n) for n in range(20)))
    assert await scim.member_ids(group_id) == sorted(PEOPLE[:20])


async def test_one_member_leaves_a_group_of_fifty_thousand_by_id(scim: Scim) -> None:
    group_id = await _create(scim, "Everyone")
    big = [f"bulk-{n:05d}" for n in range(50_000)]
    async with scim.db.write() as connection:
        await connection.execute(
            insert(members),
            [
                {
                    "id": m,
                    "organization_id": ORG,
                    "email": f"{m}@acme.test",
                    "display_name": m,
                    "display_name_key": m,
                    "role": "member",
                    "status": "active",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for m in big
            ],
        )
    async with scim.store.write() as tx:
        group = await tx.get_group(ORG, group_id)
        assert group is not None
        await tx.add_group_members(group, big, False, NOW)
    await scim.patch(group_id, {"op": "remove", "path": 'members[value eq "bulk-01234"]'})
    found = await scim.groups.get(SCIM, ORG, group_id, with_members=False)
    assert found.group.member_count == 49_999


async def test_people_cannot_edit_a_scim_managed_group_and_scim_still_can(scim: Scim) -> None:
    group_id = await _create(scim, "Managed", ("m-00",))
    with pytest.raises(FailedPrecondition, match="identity provider"):
        await scim.people_groups.update_group(OWNER, ORG, group_id, {"name": "Mine"})
    with pytest.raises(FailedPrecondition):
        await scim.people_groups.add_group_members(OWNER, ORG, group_id, ["m-01"], False)
    with pytest.raises(FailedPrecondition):
        await scim.people_groups.remove_group_members(OWNER, ORG, group_id, ["m-00"])
    with pytest.raises(FailedPrecondition):
        await scim.people_groups.delete_group(OWNER, ORG, group_id)
    outcomes = await scim.people_groups.add_member_to_groups(OWNER, ORG, "m-02", [group_id])
    assert [o.error_reason for o in outcomes] == ["GROUP_MANAGED_BY_SCIM"]
    own = await scim.people_groups.create_group(OWNER, ORG, GroupFields(name="Hand made"))
    await scim.people_groups.add_group_members(OWNER, ORG, own.id, ["m-01"], False)
    await scim.patch(group_id, {"op": "add", "path": "members", "value": [{"value": "m-01"}]})
    await scim.groups.delete(SCIM, ORG, group_id)


async def test_group_changes_publish_the_group_events_with_the_scim_token_as_actor(scim: Scim) -> None:
    group_id = await _create(scim, "Audited", ("m-00",))
    await scim.patch(group_id, {"op": "remove", "path": "members", "value": [{"value": "m-00"}]})
    async with scim.db.read() as connection:
        rows = (
            await connection.execute(
                select(messaging.outbox.c.subject, messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject.like("tenantry.membership.group.%"))
                .order_by(messaging.outbox.c.id)
            )
        ).all()
    assert [subject for subject, _ in rows] == [
        "tenantry.membership.group.created",
        "tenantry.membership.group.members_added",
        "tenantry.membership.group.members_removed",
    ]
    envelope = envelope_pb2.Envelope.FromString(rows[-1][1])
    removed = membership_events_pb2.GroupMembersChanged()
    envelope.payload.Unpack(removed)
    assert list(removed.member_ids) == ["m-00"]
    assert envelope.actor.id == "scim-token-1"
