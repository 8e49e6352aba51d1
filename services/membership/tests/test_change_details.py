"""Every admin change says what it changed, before and after, so the audit log can show it: the organization's
profile, a group's settings, a custom role's permissions, a profile field. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.membership.domain import roles
from services.membership.domain.custom_roles import RoleUseCases
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.model import Organization
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)


@dataclass
class Changes:
    store: SqlMembershipStore
    db: Database
    clock: FrozenClock

    async def last(self, subject: str, payload: Message) -> Message:
        async with self.db.read() as connection:
            data = await connection.scalar(
                select(messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject == f"tenantry.membership.{subject}")
                .order_by(messaging.outbox.c.id.desc())
                .limit(1)
            )
        assert data is not None, subject
        envelope_pb2.Envelope.FromString(data).payload.Unpack(payload)
        return payload


@pytest.fixture
async def changes(database_url: str) -> AsyncIterator[Changes]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW, brand_color="#112233"))
        yield Changes(store, db, clock)


async def test_an_organization_update_names_each_changed_setting_before_and_after(changes: Changes) -> None:
    organizations = OrganizationUseCases(changes.store, changes.clock)
    await organizations.update_organization(
        OWNER, ORG, {"brand_color": "#445566", "welcome_message": "Welcome!", "display_name": "Acme"}
    )
    event = await changes.last("organization.updated", membership_events_pb2.OrganizationUpdated())
    assert isinstance(event, membership_events_pb2.OrganizationUpdated)
    assert dict(event.before) == {"brand_color": "#112233", "welcome_message": ""}  # the name did not change
    assert dict(event.after) == {"brand_color": "#445566", "welcome_message": "Welcome!"}


async def test_a_group_update_says_what_its_settings_were(changes: Changes) -> None:
    groups = GroupUseCases(changes.store, changes.clock)
    group = await groups.create_group(OWNER, ORG, GroupFields(name="Sales", kind="team", category="Teams"))
    await groups.update_group(OWNER, ORG, group.id, {"locked": True, "category": "Regions"})
    event = await changes.last("group.updated", membership_events_pb2.GroupChanged())
    assert isinstance(event, membership_events_pb2.GroupChanged)
    assert (event.locked, event.previous_locked) == (True, False)
    assert (event.category, event.previous_category) == ("Regions", "Teams")


async def test_a_custom_role_saved_again_says_its_permissions_before(changes: Changes) -> None:
    role_cases = RoleUseCases(changes.store, changes.clock)
    await role_cases.save_role(OWNER, ORG, "accountant", "Accountant", ["billing.read"])
    created = await changes.last("role.saved", membership_events_pb2.CustomRoleChanged())
    assert isinstance(created, membership_events_pb2.CustomRoleChanged) and created.created
    await role_cases.save_role(OWNER, ORG, "accountant", "Accounts", ["billing.read", "billing.manage"])
    changed = await changes.last("role.saved", membership_events_pb2.CustomRoleChanged())
    assert isinstance(changed, membership_events_pb2.CustomRoleChanged) and not changed.created
    assert (changed.previous_name, list(changed.previous_permissions)) == ("Accountant", ["billing.read"])
    assert list(changed.permissions) == ["billing.manage", "billing.read"]


async def test_a_profile_field_saved_again_says_its_label_before(changes: Changes) -> None:
    fields = ProfileFieldUseCases(changes.store, changes.clock)
    await fields.save_field(OWNER, ORG, "team", "Team", "choice", ["A", "B"], True)
    await fields.save_field(OWNER, ORG, "team", "Squad", "choice", ["A", "B", "C"], False)
    event = await changes.last("profile_field.saved", membership_events_pb2.ProfileFieldChanged())
    assert isinstance(event, membership_events_pb2.ProfileFieldChanged) and not event.created
    assert (event.previous_label, list(event.previous_choices), event.previous_shown) == ("Team", ["A", "B"], True)
