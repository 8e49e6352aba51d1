"""Custom roles on SQLite and PostgreSQL: named permission sets, never more than their author holds, carried
by member events (so identity and billing see them), seat use decided by seat.use alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.common.principal import Principal
from services.membership.domain.custom_roles import RoleUseCases
from services.membership.domain.invitations import InvitationUseCases, Invitee
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberQuery, MemberStatus, Organization
from services.membership.domain.rules import holds_seat
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-o", "owner", ORG)
USER_ADMIN = user_with_role("acc-u", "user_admin", ORG)
ACCOUNTANT = ["members.read", "billing.read", "billing.manage"]


@pytest.fixture
async def org(database_url: str) -> AsyncIterator[tuple[RoleUseCases, MemberUseCases, InvitationUseCases, Database]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            await tx.insert_member(
                Member("m-o", ORG, "acc-o", "o@acme.test", "Olivia", "owner", MemberStatus.ACTIVE, NOW, NOW)
            )
            await tx.insert_member(
                Member("m-ann", ORG, "acc-ann", "ann@acme.test", "Ann", "member", MemberStatus.ACTIVE, NOW, NOW)
            )
        yield RoleUseCases(store, clock), MemberUseCases(store, clock), InvitationUseCases(store, clock), db


async def last_member_event(db: Database) -> membership_events_pb2.MemberChanged:
    async with db.read() as connection:
        payload = await connection.scalar(
            select(messaging.outbox.c.payload)
            .where(messaging.outbox.c.subject == "tenantry.membership.member.role_changed")
            .order_by(messaging.outbox.c.id.desc())
        )
    event = membership_events_pb2.MemberChanged()
    envelope_pb2.Envelope.FromString(payload).payload.Unpack(event)
    return event


async def test_an_accountant_role_manages_billing_and_uses_no_seat(org) -> None:  # type: ignore[no-untyped-def]
    role_cases, members, _, db = org
    role = await role_cases.save_role(OWNER, ORG, "accountant", "Accountant", ACCOUNTANT)
    assert role.permissions == frozenset(ACCOUNTANT)
    changed = await members.change_role(OWNER, ORG, "m-ann", "accountant")
    assert changed.permissions == frozenset(ACCOUNTANT) and not holds_seat(changed)
    event = await last_member_event(db)
    assert (event.role, sorted(event.permissions), event.seat_consuming) == ("accountant", sorted(ACCOUNTANT), False)
    listed = await members.list_members(OWNER, MemberQuery(ORG, limit=10, role="accountant"))
    assert [(m.id, m.permissions) for m in listed] == [("m-ann", frozenset(ACCOUNTANT))]


async def test_nobody_defines_a_role_with_a_permission_they_lack(org) -> None:  # type: ignore[no-untyped-def]
    role_cases, _, _, _ = org
    role_manager = Principal(
        actor_type="user", actor_id="acc-r", organization_id=ORG, permissions=frozenset({"members.manage_roles"})
    )
    with pytest.raises(PermissionDenied) as refused:
        await role_cases.save_role(role_manager, ORG, "accountant", "Accountant", ACCOUNTANT)
    assert refused.value.reason == "CANNOT_GRANT_PERMISSION"
    with pytest.raises(PermissionDenied):
        await role_cases.save_role(USER_ADMIN, ORG, "helper", "Helper", ["members.read"])
    with pytest.raises(InvalidArgument):
        await role_cases.save_role(OWNER, ORG, "owner", "Shadow owner", ["members.read"])
    with pytest.raises(InvalidArgument):
        await role_cases.save_role(OWNER, ORG, "wizard", "Wizard", ["magic.cast"])


async def test_a_held_role_keeps_its_permissions_and_cannot_be_deleted(org) -> None:  # type: ignore[no-untyped-def]
    role_cases, members, _, _ = org
    await role_cases.save_role(OWNER, ORG, "support", "Support", ["members.read", "seat.use"])
    await members.change_role(OWNER, ORG, "m-ann", "support")
    with pytest.raises(FailedPrecondition):
        await role_cases.save_role(OWNER, ORG, "support", "Support", ["members.read", "members.invite", "seat.use"])
    renamed = await role_cases.save_role(OWNER, ORG, "support", "Customer support", ["members.read", "seat.use"])
    assert renamed.name == "Customer support"
    with pytest.raises(FailedPrecondition):
        await role_cases.delete_role(OWNER, ORG, "support")
    await members.change_role(OWNER, ORG, "m-ann", "member")
    await role_cases.delete_role(OWNER, ORG, "support")
    assert await role_cases.list_roles(OWNER, ORG) == []


async def test_invitations_take_custom_roles_and_refuse_unknown_ones(org) -> None:  # type: ignore[no-untyped-def]
    role_cases, _, invitations, _ = org
    await role_cases.save_role(OWNER, ORG, "auditor", "Auditor", ["members.read", "audit.read"])
    outcomes = await invitations.invite_members(
        OWNER, ORG, [Invitee("aud@acme.test", "auditor"), Invitee("x@acme.test", "ghost")]
    )
    assert outcomes[0].member is not None and outcomes[0].member.permissions == frozenset(
        {"members.read", "audit.read"}
    )
    assert outcomes[1].error_reason == "UNKNOWN_ROLE"
    # A User admin invites only into the Member role, custom roles included.
    refused = await invitations.invite_members(USER_ADMIN, ORG, [Invitee("y@acme.test", "auditor")])
    assert refused[0].error_reason == "CANNOT_GRANT_PERMISSION"
