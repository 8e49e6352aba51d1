"""The SCIM safety hold on SQLite and PostgreSQL: more than 10 % of the members deactivated or removed within an
hour is held (nothing applied), an Owner approves (applied) or rejects (dropped), smaller syncs apply at once,
concurrent requests are counted in the write transaction, and every step publishes an event for the audit log."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import NotFound, PermissionDenied
from services.common.pagination import PageTokens
from services.common.principal import ACTOR_SCIM, Principal
from services.membership.domain import roles
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.provisioning import ProvisioningUseCases
from services.membership.domain.scim_dry_run import ProvisioningSettings, ScimSettingsUseCases
from services.membership.domain.scim_holds import HeldAction, HoldPolicy, ScimChangeHeldError, ScimHolds
from services.membership.domain.scim_patch import PatchOperation
from services.membership.domain.scim_users import ScimUserUseCases
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
SCIM = Principal(
    actor_type=ACTOR_SCIM,
    actor_id="scim-token-1",
    organization_id=ORG,
    permissions=frozenset({"members.read", "members.invite", "members.remove", "members.manage_roles"}),
)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)
USER_ADMIN = user_with_role("acc-admin", roles.USER_ADMIN, ORG)
# With the Owner, 100 active members: the default limit is 10 within the hour.
PEOPLE = [f"m-{n:02d}" for n in range(99)]
DEACTIVATE = [PatchOperation("Replace", "active", "False")]


@dataclass
class Scim:
    users: ScimUserUseCases
    holds: ScimHolds
    members: MemberUseCases
    clock: FrozenClock
    db: Database
    settings: ScimSettingsUseCases

    async def deactivate(self, member_id: str) -> None:
        await self.users.patch(SCIM, ORG, member_id, DEACTIVATE)

    async def active(self, member_id: str) -> bool:
        return (await self.users.get(SCIM, ORG, member_id)).active

    async def events(self) -> list[tuple[str, envelope_pb2.Envelope]]:
        async with self.db.read() as connection:
            rows = await connection.execute(
                select(messaging.outbox.c.subject, messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject.like("tenantry.membership.scim_hold.%"))
                .order_by(messaging.outbox.c.id)
            )
            return [(subject, envelope_pb2.Envelope.FromString(payload)) for subject, payload in rows]


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
        members = MemberUseCases(store, clock)
        yield Scim(
            ScimUserUseCases(store, clock, ProvisioningUseCases(store, clock), members),
            ScimHolds(store, clock, members),
            members,
            clock,
            db,
            ScimSettingsUseCases(store, clock, PageTokens("k" * 48)),
        )


async def _hold_two(scim: Scim) -> None:
    """Ten deactivations apply; the eleventh and a removal are held."""
    for member_id in PEOPLE[:10]:
        await scim.deactivate(member_id)
    with pytest.raises(ScimChangeHeldError):
        await scim.deactivate(PEOPLE[10])
    with pytest.raises(ScimChangeHeldError):
        await scim.users.delete(SCIM, ORG, PEOPLE[11])


async def test_deactivating_more_than_ten_percent_within_the_hour_is_held_and_nothing_applied(scim: Scim) -> None:
    for member_id in PEOPLE[:10]:
        await scim.deactivate(member_id)
    with pytest.raises(ScimChangeHeldError) as held:
        await scim.users.patch(
            SCIM, ORG, PEOPLE[10], [PatchOperation("replace", "", {"active": False, "title": "Gone"})]
        )
    assert held.value.reason == "SCIM_CHANGE_HELD"
    assert "Owner" in held.value.message and held.value.retry_after_seconds > 0
    user = await scim.users.get(SCIM, ORG, PEOPLE[10])
    assert user.active and user.attributes.title == ""
    with pytest.raises(ScimChangeHeldError):
        await scim.users.delete(SCIM, ORG, PEOPLE[11])
    assert await scim.active(PEOPLE[11])

    waiting = await scim.holds.list_held(OWNER, ORG)
    assert [(c.member_id, c.action) for c in waiting] == [
        (PEOPLE[10], HeldAction.DEACTIVATE),
        (PEOPLE[11], HeldAction.REMOVE),
    ]
    assert all(c.actor_id == "scim-token-1" for c in waiting)
    events = await scim.events()
    assert [subject for subject, _ in events] == ["tenantry.membership.scim_hold.held"] * 2
    payload = membership_events_pb2.ScimChangeHeld()
    events[0][1].payload.Unpack(payload)
    assert (payload.change.member_id, payload.counted, payload.limit) == (PEOPLE[10], 11, 10)


async def test_a_retried_held_request_is_held_once(scim: Scim) -> None:
    await _hold_two(scim)
    with pytest.raises(ScimChangeHeldError):
        await scim.deactivate(PEOPLE[10])
    assert len(await scim.holds.list_held(OWNER, ORG)) == 2
    assert len(await scim.events()) == 2


async def test_an_owner_approving_applies_every_held_change(scim: Scim) -> None:
    await _hold_two(scim)
    decided = await scim.holds.approve(OWNER, ORG)
    assert {c.member_id for c in decided} == {PEOPLE[10], PEOPLE[11]}
    assert not await scim.active(PEOPLE[10])
    with pytest.raises(NotFound):
        await scim.users.get(SCIM, ORG, PEOPLE[11])
    assert await scim.holds.list_held(OWNER, ORG) == []
    # The identity provider's retry now finds the change made.
    await scim.deactivate(PEOPLE[10])
    subject, envelope = (await scim.events())[-1]
    assert subject == "tenantry.membership.scim_hold.approved"
    approved = membership_events_pb2.ScimHeldChangesDecided()
    envelope.payload.Unpack(approved)
    assert sorted(c.member_id for c in approved.changes) == [PEOPLE[10], PEOPLE[11]]
    assert envelope.actor.id == "acc-owner"


async def test_an_owner_rejecting_drops_the_held_changes_unapplied(scim: Scim) -> None:
    await _hold_two(scim)
    assert len(await scim.holds.reject(OWNER, ORG)) == 2
    assert await scim.active(PEOPLE[10]) and await scim.active(PEOPLE[11])
    assert await scim.holds.list_held(OWNER, ORG) == []
    assert (await scim.events())[-1][0] == "tenantry.membership.scim_hold.rejected"
    # A second decision finds nothing left to decide and publishes nothing.
    assert await scim.holds.approve(OWNER, ORG) == []
    assert len(await scim.events()) == 3


async def test_deprovisions_up_to_the_limit_apply_at_once_and_the_hour_slides(scim: Scim) -> None:
    for member_id in PEOPLE[:10]:
        await scim.deactivate(member_id)
    assert not any([await scim.active(m) for m in PEOPLE[:10]])
    scim.clock.advance(timedelta(minutes=61))
    for member_id in PEOPLE[10:19]:
        await scim.users.delete(SCIM, ORG, member_id)
    assert await scim.holds.list_held(OWNER, ORG) == []
    assert await scim.events() == []


async def test_the_organization_setting_and_the_floor_set_the_limit(scim: Scim) -> None:
    # 1 % of 100 is one, but the floor lets five through.
    await scim.holds.set_policy(OWNER, ORG, HoldPolicy(percent=1, floor=5))
    for member_id in PEOPLE[:5]:
        await scim.deactivate(member_id)
    with pytest.raises(ScimChangeHeldError):
        await scim.deactivate(PEOPLE[5])


async def test_concurrent_deactivations_are_counted_in_the_write_transaction(scim: Scim) -> None:
    async def deactivate(member_id: str) -> bool:
        try:
            await scim.deactivate(member_id)
        except ScimChangeHeldError:
            return False
        return True

    applied = await asyncio.gather(*(deactivate(m) for m in PEOPLE[:20]))
    assert sum(applied) == 10
    assert len(await scim.holds.list_held(OWNER, ORG)) == 10
    assert sum([not await scim.active(m) for m in PEOPLE[:20]]) == 10


async def test_only_those_who_manage_security_see_or_decide_held_changes(scim: Scim) -> None:
    await _hold_two(scim)
    for principal in (SCIM, USER_ADMIN):
        with pytest.raises(PermissionDenied):
            await scim.holds.list_held(principal, ORG)
        with pytest.raises(PermissionDenied):
            await scim.holds.approve(principal, ORG)
        with pytest.raises(PermissionDenied):
            await scim.holds.reject(principal, ORG)
    assert len(await scim.holds.list_held(OWNER, ORG)) == 2


async def test_approval_skips_a_member_already_gone_and_applies_the_rest(scim: Scim) -> None:
    await _hold_two(scim)
    await scim.members.remove(OWNER, ORG, PEOPLE[11])
    applied = await scim.holds.approve(OWNER, ORG)
    assert [c.member_id for c in applied] == [PEOPLE[10]]
    assert not await scim.active(PEOPLE[10])


async def test_in_dry_run_deprovisions_count_as_live_ones_would_and_the_records_say_where_the_hold_would_start(
    scim: Scim,
) -> None:
    await scim.settings.set(OWNER, ORG, ProvisioningSettings(dry_run=True))
    for member_id in PEOPLE[:11]:
        await scim.deactivate(member_id)  # answered as if applied: nothing is held in dry-run mode
    await scim.users.patch(SCIM, ORG, PEOPLE[20], [PatchOperation("Replace", "title", "Boss")])  # not a deprovision
    await scim.users.delete(SCIM, ORG, PEOPLE[11])

    assert await scim.holds.list_held(OWNER, ORG) == []
    assert all([await scim.active(member_id) for member_id in PEOPLE[:12]])
    changes = (await scim.settings.list_changes(OWNER, ORG)).changes
    assert ["safety hold would hold" in c.summary for c in changes] == [False] * 10 + [True, False, True]
    assert "(11 deactivations or removals within an hour, limit 10)" in changes[10].summary
    assert "(12 deactivations or removals within an hour, limit 10)" in changes[12].summary

    scim.clock.advance(timedelta(hours=1, seconds=1))  # the dry-run count slides out of the hour as a live one does
    await scim.deactivate(PEOPLE[12])
    assert "safety hold" not in (await scim.settings.list_changes(OWNER, ORG)).changes[-1].summary
