"""Bulk actions on SQLite and PostgreSQL: every selected member gets a result, refusals never stop the others,
and the single-member rules (self, last Owner, what a User admin may touch) hold on this path too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.bulk import BulkUseCases
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberQuery, MemberStatus, Organization
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
PEOPLE = {
    "m-owner": "owner",
    "m-admin": "user_admin",
    "m-billing": "billing_admin",
    "m-ann": "member",
    "m-bob": "member",
}


def acting(member_id: str, organization_id: str = ORG) -> Principal:
    account = "acc-" + member_id.removeprefix("m-")
    return Principal(
        actor_type="user",
        actor_id=account,
        account_id=account,
        organization_id=organization_id,
        permissions=roles.permissions_of(PEOPLE.get(member_id, "owner")),
    )


@pytest.fixture
async def bulk(database_url: str) -> AsyncIterator[tuple[BulkUseCases, GroupUseCases, MemberUseCases]]:
    async with seeded(database_url) as (use_cases, groups, members, _):
        yield use_cases, groups, members


@asynccontextmanager
async def seeded(database_url: str) -> AsyncIterator[tuple[BulkUseCases, GroupUseCases, MemberUseCases, Database]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for member_id, role in PEOPLE.items():
                account = "acc-" + member_id.removeprefix("m-")
                await tx.insert_member(
                    Member(
                        member_id,
                        ORG,
                        account,
                        f"{member_id}@acme.test",
                        member_id,
                        role,
                        MemberStatus.ACTIVE,
                        NOW,
                        NOW,
                    )
                )
        members = MemberUseCases(store, clock)
        groups = GroupUseCases(store, clock)
        yield BulkUseCases(members, groups), groups, members, db


def reasons(outcomes: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {o.member_id: o.error_reason for o in outcomes}


async def test_an_owner_deactivates_a_selection_and_each_member_gets_a_result(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, _ = bulk
    outcomes = await use_cases.update_members(
        acting("m-owner"), ORG, ["m-ann", "m-owner", "m-ghost", "m-bob"], "deactivate"
    )
    assert reasons(outcomes) == {"m-ann": "", "m-owner": "CANNOT_ACT_ON_SELF", "m-ghost": "NOT_FOUND", "m-bob": ""}
    assert [o.member.status for o in outcomes if o.member] == [MemberStatus.DEACTIVATED, MemberStatus.DEACTIVATED]


async def test_a_user_admin_in_bulk_touches_only_members_of_the_member_role(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, _ = bulk
    outcomes = await use_cases.update_members(acting("m-admin"), ORG, ["m-ann", "m-billing", "m-owner"], "remove")
    assert reasons(outcomes)["m-ann"] == ""
    assert reasons(outcomes)["m-billing"] != "" and reasons(outcomes)["m-owner"] != ""


async def test_a_billing_admin_changes_nothing_in_bulk(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, members = bulk
    # Lacking members.remove altogether, the whole request is refused, not each member one by one.
    for action in ("deactivate", "remove"):
        with pytest.raises(PermissionDenied) as refused:
            await use_cases.update_members(acting("m-billing"), ORG, ["m-ann", "m-bob"], action)
        assert refused.value.reason == "MISSING_PERMISSION"
    listed = await members.list_members(acting("m-owner"), MemberQuery(ORG, limit=10, status="active"))
    assert {"m-ann", "m-bob"} <= {m.id for m in listed}


async def test_a_member_changing_roles_in_bulk_is_refused_the_whole_request(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, members = bulk
    with pytest.raises(PermissionDenied) as refused:
        await use_cases.update_members(acting("m-ann"), ORG, ["m-ann", "m-bob"], "change_role", "owner")
    assert refused.value.metadata == {"permission": "members.manage_roles"}
    listed = await members.list_members(acting("m-owner"), MemberQuery(ORG, limit=10, role="owner"))
    assert [m.id for m in listed] == ["m-owner"]


async def test_demoting_every_owner_in_bulk_keeps_the_last_one(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, members = bulk
    await members.change_role(acting("m-owner"), ORG, "m-ann", "owner")
    outcomes = await use_cases.update_members(acting("m-bob-owner"), ORG, ["m-owner", "m-ann"], "change_role", "member")
    assert sorted(reasons(outcomes).values()) == ["", "LAST_OWNER"]


async def test_members_are_added_to_and_removed_from_groups_in_bulk(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, groups, _ = bulk
    team = await groups.create_group(acting("m-owner"), ORG, GroupFields(name="Team"))
    added = await use_cases.update_members(
        acting("m-owner"), ORG, ["m-ann", "m-bob"], "add_to_groups", group_ids=[team.id]
    )
    assert set(reasons(added).values()) == {""}
    again = await use_cases.update_members(acting("m-owner"), ORG, ["m-ann"], "add_to_groups", group_ids=[team.id])
    assert reasons(again) == {"m-ann": "ALREADY_IN_GROUP"}
    removed = await use_cases.update_members(
        acting("m-owner"), ORG, ["m-ann", "m-bob"], "remove_from_groups", group_ids=[team.id]
    )
    assert set(reasons(removed).values()) == {""}


async def test_a_malformed_bulk_request_is_refused_whole(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, _ = bulk
    with pytest.raises(InvalidArgument):
        await use_cases.update_members(acting("m-owner"), ORG, ["m-ann"], "promote_everyone")
    with pytest.raises(InvalidArgument):
        await use_cases.update_members(acting("m-owner"), ORG, ["m-ann"], "change_role")
    with pytest.raises(InvalidArgument):
        await use_cases.update_members(acting("m-owner"), ORG, [f"m-{n}" for n in range(1001)], "remove")
    with pytest.raises(NotFound):
        await use_cases.update_members(acting("m-owner", "org-2"), ORG, ["m-ann"], "remove")


async def test_removing_from_groups_in_bulk_reports_an_unknown_group_without_stopping_the_member(bulk) -> None:  # type: ignore[no-untyped-def]
    use_cases, groups, _ = bulk
    team = await groups.create_group(acting("m-owner"), ORG, GroupFields(name="Team"))
    await use_cases.update_members(acting("m-owner"), ORG, ["m-ann"], "add_to_groups", group_ids=[team.id])
    outcomes = await use_cases.update_members(
        acting("m-owner"), ORG, ["m-ann"], "remove_from_groups", group_ids=[team.id, "no-such-group"]
    )
    assert reasons(outcomes) == {"m-ann": "NOT_FOUND"}
    assert "no-such-group" in outcomes[0].error_message
    assert "m-ann" not in {
        m.member_id for m in await groups.list_group_members(acting("m-owner"), ORG, team.id, 10, None)
    }


async def statements_of(db: Database, work: Any) -> int:
    """How many SQL statements `work` (an awaitable) issues."""
    seen: list[str] = []

    def count(*_: object) -> None:
        seen.append("")

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        await work
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    return len(seen)


async def test_adding_to_ten_groups_in_bulk_takes_no_more_statements_than_adding_to_one(database_url: str) -> None:
    async with seeded(database_url) as (use_cases, groups, _, db):
        owner = acting("m-owner")
        teams = [(await groups.create_group(owner, ORG, GroupFields(name=f"Team {n}"))).id for n in range(11)]
        selection = ["m-ann", "m-bob", "m-admin"]
        into_one = await statements_of(
            db, use_cases.update_members(owner, ORG, selection, "add_to_groups", group_ids=teams[:1])
        )
        into_ten = await statements_of(
            db, use_cases.update_members(owner, ORG, selection, "add_to_groups", group_ids=teams[1:])
        )
        assert into_ten == into_one
        # Named twice, a group is joined once; every group still gets its own event.
        twice = await use_cases.update_members(owner, ORG, ["m-billing"], "add_to_groups", group_ids=[teams[0]] * 2)
        assert reasons(twice) == {"m-billing": "ALREADY_IN_GROUP"}
        for team in teams:
            listed = await groups.list_group_members(owner, ORG, team, 10, None)
            # The Owner created every group and is its admin.
            expected = {"m-owner", *selection, "m-billing"} if team == teams[0] else {"m-owner", *selection}
            assert {m.member_id for m in listed} == expected
        assert await membership_events(db, "group.members_added") == 11 + 12  # the creators, then the bulk adds
        removed = await use_cases.update_members(owner, ORG, selection, "remove_from_groups", group_ids=teams[1:])
        assert set(reasons(removed).values()) == {""}
        for team in teams[1:]:
            assert [m.member_id for m in await groups.list_group_members(owner, ORG, team, 10, None)] == ["m-owner"]
        assert await membership_events(db, "group.members_removed") == 10


async def membership_events(db: Database, event_type: str) -> int:
    async with db.read() as connection:
        found = await connection.scalar(
            select(func.count())
            .select_from(messaging.outbox)
            .where(messaging.outbox.c.subject == f"tenantry.membership.{event_type}")
        )
    return int(found or 0)
