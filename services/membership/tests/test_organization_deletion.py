"""An organization's deletion in membership, on SQLite and PostgreSQL: on its deletion date every membership row
of the organization goes in one transaction with its tombstone and its `organization.deleted` event; another
organization keeps everything; an operator's legal hold stops it; a second pass deletes nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.messaging import Outbox
from services.common.principal import system_principal
from services.common.store import OutboxStore
from services.membership.domain.deletion import DeletionStatus, OrganizationDeletion, is_due
from services.membership.domain.model import Group, GroupKind, Member, MemberStatus, Organization
from services.membership.events.deletion import deletion_envelope
from services.membership.store.deletion import SqlDeletionTransaction
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import deleted_organizations, messaging, metadata, organizations
from services.membership.tests.support import membership_store, user_with_role

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ACME, BETA = "org-acme", "org-beta"
OPERATOR = system_principal("test-operator")


# The rule, pure.


def test_an_organization_is_due_once_its_date_has_passed_and_nothing_holds_it() -> None:
    past, future = NOW - timedelta(seconds=1), NOW + timedelta(days=1)
    assert is_due(DeletionStatus(ACME, scheduled_at=past), NOW)
    assert is_due(DeletionStatus(ACME, scheduled_at=NOW), NOW)
    assert not is_due(DeletionStatus(ACME, scheduled_at=future), NOW)
    assert not is_due(DeletionStatus(ACME), NOW)  # no canceled subscription has ended
    assert not is_due(DeletionStatus(ACME, scheduled_at=past, hold=True, hold_reason="case 1"), NOW)
    assert not is_due(DeletionStatus(ACME, scheduled_at=past, deleted_at=past), NOW)  # already deleted


# On a database.


@dataclass
class Membership:
    deletion: OrganizationDeletion
    store: SqlMembershipStore
    db: Database
    clock: FrozenClock


async def seed(store: SqlMembershipStore, organization_id: str) -> None:
    """An organization with rows in several of membership's tables."""
    async with store.write() as tx:
        await tx.insert_organization(Organization(organization_id, organization_id, NOW))
        for index in range(2):
            await tx.insert_member(
                Member(
                    id=f"{organization_id}-m{index}",
                    organization_id=organization_id,
                    account_id=f"{organization_id}-a{index}",
                    email=f"person{index}@{organization_id}.test",
                    display_name="",
                    role="owner" if index == 0 else "member",
                    status=MemberStatus.ACTIVE,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        group = Group(f"{organization_id}-g", organization_id, "Nurses", "", GroupKind.TEAM, "", False, False, NOW, NOW)
        await tx.insert_group(group)
        await tx.add_group_members(group, [f"{organization_id}-m1"], False, NOW)
        await tx.put_invitation_policy(organization_id, ["example.test"], 1, NOW)


async def rows_of(db: Database, organization_id: str) -> dict[str, int]:
    """Rows naming the organization, per table of membership with an organization column (and organizations)."""
    counts: dict[str, int] = {}
    async with db.read() as connection:
        for table in metadata.sorted_tables:
            column = "id" if table is organizations else "organization_id"
            if column in table.c:
                count = await connection.scalar(
                    select(func.count()).select_from(table).where(table.c[column] == organization_id)
                )
                if count:
                    counts[table.name] = int(count or 0)
    return counts


async def outbox_subjects(db: Database) -> list[str]:
    async with db.read() as connection:
        return list(await connection.scalars(select(messaging.outbox.c.subject).order_by(messaging.outbox.c.id)))


@pytest.fixture
async def membership(database_url: str) -> AsyncIterator[Membership]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        deletion_store = OutboxStore(SqlDeletionTransaction, db, Outbox(messaging, clock), clock, deletion_envelope)
        for organization_id in (ACME, BETA):
            await seed(store, organization_id)
        async with store.write() as tx:
            await tx.schedule_deletion(ACME, NOW + timedelta(days=90))
        yield Membership(OrganizationDeletion(deletion_store, clock), store, db, clock)


async def test_nothing_is_deleted_before_the_deletion_date(membership: Membership) -> None:
    before = await rows_of(membership.db, ACME)
    assert await membership.deletion.delete_due() == 0
    assert await rows_of(membership.db, ACME) == before


async def test_on_its_date_every_row_of_the_organization_goes_with_a_tombstone_and_one_event(
    membership: Membership,
) -> None:
    beta_before = await rows_of(membership.db, BETA)
    assert {"members", "groups", "group_members", "invitation_policies"} <= set(await rows_of(membership.db, ACME))
    membership.clock.advance(timedelta(days=90))

    assert await membership.deletion.delete_due() == 1

    assert await rows_of(membership.db, ACME) == {}
    assert await rows_of(membership.db, BETA) == beta_before
    async with membership.db.read() as connection:
        tombstone = (await connection.execute(select(deleted_organizations))).one()
    assert (tombstone.id, tombstone.deleted_at) == (ACME, NOW + timedelta(days=90))
    assert (await outbox_subjects(membership.db)).count("tenantry.membership.organization.deleted") == 1
    status = await membership.deletion.status(OPERATOR, ACME)
    assert status.deleted_at == NOW + timedelta(days=90)


async def test_a_second_pass_deletes_and_announces_nothing_more(membership: Membership) -> None:
    membership.clock.advance(timedelta(days=91))
    assert await membership.deletion.delete_due() == 1
    subjects = await outbox_subjects(membership.db)
    assert await membership.deletion.delete_due() == 0
    assert await membership.deletion.delete(ACME) == 0
    assert await outbox_subjects(membership.db) == subjects


async def test_a_legal_hold_stops_the_deletion_until_it_is_lifted(membership: Membership) -> None:
    held = await membership.deletion.set_hold(OPERATOR, ACME, True, "  case 42 ")
    assert (held.hold, held.hold_reason) == (True, "case 42")
    membership.clock.advance(timedelta(days=120))
    assert await membership.deletion.delete_due() == 0
    assert "members" in await rows_of(membership.db, ACME)

    lifted = await membership.deletion.set_hold(OPERATOR, ACME, False, "")
    assert (lifted.hold, lifted.hold_reason) == (False, "")
    assert await membership.deletion.delete_due() == 1
    subjects = await outbox_subjects(membership.db)
    assert subjects.count("tenantry.membership.organization.deletion_hold_placed") == 1
    assert subjects.count("tenantry.membership.organization.deletion_hold_lifted") == 1


async def test_placing_the_same_hold_twice_announces_it_once(membership: Membership) -> None:
    await membership.deletion.set_hold(OPERATOR, ACME, True, "case 42")
    await membership.deletion.set_hold(OPERATOR, ACME, True, "case 42")
    subjects = await outbox_subjects(membership.db)
    assert subjects.count("tenantry.membership.organization.deletion_hold_placed") == 1


async def test_only_an_operator_places_a_hold_and_says_why(membership: Membership) -> None:
    owner = user_with_role("acme-a0", "owner", ACME)
    with pytest.raises(PermissionDenied):
        await membership.deletion.set_hold(owner, ACME, True, "keep us")
    with pytest.raises(InvalidArgument) as missing:
        await membership.deletion.set_hold(OPERATOR, ACME, True, "   ")
    assert [violation.field for violation in missing.value.violations] == ["reason"]
    with pytest.raises(NotFound):
        await membership.deletion.set_hold(OPERATOR, "org-nobody", True, "case 1")
    assert (await membership.deletion.status(OPERATOR, ACME)).hold is False


async def test_a_deleted_organization_cannot_be_held_any_more(membership: Membership) -> None:
    membership.clock.advance(timedelta(days=90))
    await membership.deletion.delete_due()
    with pytest.raises(NotFound):
        await membership.deletion.set_hold(OPERATOR, ACME, True, "too late")
