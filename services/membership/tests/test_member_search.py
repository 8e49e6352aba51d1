"""Finding members on SQLite and PostgreSQL: prefix search on email or name, filter by group, sort by name or
email, and keyset pages that neither skip nor repeat anyone, also among equal names."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from services.common.clock import FrozenClock
from services.common.errors import InvalidArgument
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.members import MemberUseCases, member_order, member_sort_key
from services.membership.domain.model import Member, MemberOrder, MemberQuery, MemberStatus, Organization
from services.membership.tests.support import membership_store

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
ADMIN = Principal(
    actor_type="user",
    actor_id="acc-0",
    account_id="acc-0",
    organization_id=ORG,
    permissions=roles.permissions_of("owner"),
)
NAMES = ["Zoe Adams", "ann lee", "Ann Lee", "Bob Stone", "", "Åsa Berg", "anna Ray", "Carl", "Ann Lee", "bo Chen"]


@pytest.fixture
async def organization(database_url: str) -> AsyncIterator[tuple[MemberUseCases, GroupUseCases, list[Member]]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, _):
        people = [
            Member(
                new_id(),
                ORG,
                f"acc-{i}",
                f"{chr(ord('a') + i)}{i}@acme.test",
                name,
                "member",
                MemberStatus.ACTIVE,
                NOW,
                NOW,
            )
            for i, name in enumerate(NAMES)
        ]
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for member in people:
                await tx.insert_member(member)
        yield MemberUseCases(store, clock), GroupUseCases(store, clock), people


async def every_page(use_cases: MemberUseCases, order: MemberOrder, size: int, **filters: str) -> list[Member]:
    seen: list[Member] = []
    after: Member | None = None
    while True:
        page = await use_cases.list_members(
            ADMIN,
            MemberQuery(
                ORG,
                limit=size,
                order=order,
                after_id=after.id if after else None,
                after_key=member_sort_key(after, order) if after else None,
                **filters,  # type: ignore[arg-type]
            ),
        )
        seen += page
        if len(page) < size:
            return seen
        after = page[-1]


@pytest.mark.parametrize("order", list(MemberOrder))
async def test_pages_in_every_order_list_everyone_once_in_order(organization, order: MemberOrder) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, people = organization
    listed = await every_page(use_cases, order, size=3)
    assert sorted(m.id for m in listed) == sorted(m.id for m in people)
    if order is MemberOrder.NAME:
        assert [m.display_name.lower() for m in listed] == sorted(n.lower() for n in NAMES)
    elif order is MemberOrder.EMAIL:
        assert [m.email for m in listed] == sorted(m.email for m in people)
    else:
        assert [m.id for m in listed] == sorted((m.id for m in people), reverse=True)


async def test_search_matches_the_start_of_the_email_or_the_name_whatever_the_case(organization) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, _ = organization
    found = await every_page(use_cases, MemberOrder.NAME, size=50, search="ann")
    assert [m.display_name.lower() for m in found] == ["ann lee", "ann lee", "ann lee", "anna ray"]
    by_email = await every_page(use_cases, MemberOrder.EMAIL, size=50, search="c2@")
    assert [m.display_name for m in by_email] == ["Ann Lee"]


async def test_a_group_filter_lists_only_that_groups_members(organization) -> None:  # type: ignore[no-untyped-def]
    use_cases, groups, people = organization
    team = await groups.create_group(ADMIN, ORG, GroupFields(name="Team"))
    await groups.add_group_members(ADMIN, ORG, team.id, [people[1].id, people[3].id], False)
    listed = await every_page(use_cases, MemberOrder.NAME, size=1, group_id=team.id)
    # The creator (Zoe, whose account is ADMIN's) administers the group, so she is in it too.
    assert [m.display_name for m in listed] == ["ann lee", "Bob Stone", "Zoe Adams"]


def test_orders_are_parsed_strictly() -> None:
    assert member_order("") is MemberOrder.NEWEST
    assert member_order("  Name ") is MemberOrder.NAME
    with pytest.raises(InvalidArgument):
        member_order("password")
