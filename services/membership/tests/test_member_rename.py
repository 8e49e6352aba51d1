"""A member changes their own display name (Talkatoo), an admin anyone's they may touch, and nobody else; the
change is published with the name before it for the audit log; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import InvalidArgument, PermissionDenied
from services.common.principal import ACTOR_USER, Principal
from services.membership.domain import roles
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)


def member_principal(account_id: str) -> Principal:
    """A plain member: no admin permission at all."""
    return Principal(
        actor_type=ACTOR_USER, actor_id=account_id, account_id=account_id, organization_id=ORG, permissions=frozenset()
    )


@dataclass
class Renaming:
    profiles: ProfileFieldUseCases
    db: Database

    async def renames(self) -> list[membership_events_pb2.MemberChanged]:
        async with self.db.read() as connection:
            payloads = await connection.scalars(
                select(messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject == "tenantry.membership.member.renamed")
                .order_by(messaging.outbox.c.id)
            )
            found = []
            for data in payloads:
                changed = membership_events_pb2.MemberChanged()
                envelope_pb2.Envelope.FromString(data).payload.Unpack(changed)
                found.append(changed)
            return found


@pytest.fixture
async def renaming(database_url: str) -> AsyncIterator[Renaming]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for member_id, account_id, role in (("m-owner", "acc-owner", "owner"), ("m-ann", "acc-ann", "member")):
                await tx.insert_member(
                    Member(
                        member_id, ORG, account_id, f"{member_id}@acme.test", member_id, role, MemberStatus.ACTIVE,
                        NOW, NOW,
                    )
                )  # fmt: skip
        yield Renaming(ProfileFieldUseCases(store, clock), db)


async def test_a_member_renames_themselves_and_the_audit_log_gets_the_name_before(renaming: Renaming) -> None:
    renamed = await renaming.profiles.rename(member_principal("acc-ann"), ORG, "", "  Ann Lee ")
    assert (renamed.id, renamed.display_name) == ("m-ann", "Ann Lee")
    [event] = await renaming.renames()
    assert (event.member_id, event.display_name, event.previous_display_name) == ("m-ann", "Ann Lee", "m-ann")
    await renaming.profiles.rename(member_principal("acc-ann"), ORG, "m-ann", "Ann Lee")  # unchanged: no event
    assert len(await renaming.renames()) == 1


async def test_a_member_cannot_rename_someone_else_but_an_admin_can(renaming: Renaming) -> None:
    with pytest.raises(PermissionDenied):
        await renaming.profiles.rename(member_principal("acc-ann"), ORG, "m-owner", "Boss")
    assert (await renaming.profiles.rename(OWNER, ORG, "m-ann", "Ann L.")).display_name == "Ann L."


async def test_an_empty_or_unprintable_name_is_refused(renaming: Renaming) -> None:
    for bad in ("   ", "Ann\x1b[31m", "x" * 201):
        with pytest.raises(InvalidArgument):
            await renaming.profiles.rename(member_principal("acc-ann"), ORG, "", bad)
