"""SCIM dry-run mode on SQLite and PostgreSQL: every SCIM write (users and groups: create, replace, patch,
delete) is checked as live, recorded, answered as if applied, and changes nothing; the records list a page at a
time and clear; a later live create reuses the id the dry run gave; turning dry-run off is published for the
audit log; only security.manage reads or changes any of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tenantry.events.v1 import envelope_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.pagination import PageTokens
from services.common.principal import ACTOR_SCIM, Principal
from services.membership.domain import roles
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.provisioning import ProvisioningUseCases
from services.membership.domain.scim_dry_run import DryRunKind, ProvisioningSettings, ScimSettingsUseCases
from services.membership.domain.scim_group_patch import ScimGroupFields
from services.membership.domain.scim_groups import ScimGroupUseCases
from services.membership.domain.scim_model import ScimAttributes, ScimUserFields
from services.membership.domain.scim_patch import PatchOperation
from services.membership.domain.scim_users import ScimUserUseCases
from services.membership.store.tables import group_members, groups, members, messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
SCIM = Principal(
    actor_type=ACTOR_SCIM,
    actor_id="scim-token-1",
    organization_id=ORG,
    permissions=frozenset(
        {"members.read", "members.invite", "members.remove", "members.manage_roles", "groups.manage"}
    ),
)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)
USER_ADMIN = user_with_role("acc-admin", roles.USER_ADMIN, ORG)


@dataclass
class DryRunScim:
    users: ScimUserUseCases
    groups: ScimGroupUseCases
    settings: ScimSettingsUseCases
    db: Database

    async def counts(self) -> tuple[int, int, int, int]:
        """Members, groups, group memberships and membership events published: what dry-run must not change."""
        async with self.db.read() as connection:
            return (
                int(await connection.scalar(select(func.count()).select_from(members)) or 0),
                int(await connection.scalar(select(func.count()).select_from(groups)) or 0),
                int(await connection.scalar(select(func.count()).select_from(group_members)) or 0),
                int(
                    await connection.scalar(
                        select(func.count())
                        .select_from(messaging.outbox)
                        .where(messaging.outbox.c.subject.like("tenantry.membership.member.%"))
                    )
                    or 0
                ),
            )

    async def subjects(self, prefix: str) -> list[tuple[str, envelope_pb2.Envelope]]:
        async with self.db.read() as connection:
            rows = await connection.execute(
                select(messaging.outbox.c.subject, messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject.like(f"tenantry.membership.{prefix}%"))
                .order_by(messaging.outbox.c.id)
            )
            return [(subject, envelope_pb2.Envelope.FromString(payload)) for subject, payload in rows]


@pytest.fixture
async def scim(database_url: str) -> AsyncIterator[DryRunScim]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            await tx.insert_member(
                Member("m-owner", ORG, "acc-owner", "owner@acme.test", "Owner", "owner", MemberStatus.ACTIVE, NOW, NOW)
            )
        members_use_cases = MemberUseCases(store, clock)
        yield DryRunScim(
            ScimUserUseCases(store, clock, ProvisioningUseCases(store, clock), members_use_cases),
            ScimGroupUseCases(store, clock),
            ScimSettingsUseCases(store, clock, PageTokens("k" * 48)),
            db,
        )


def _user(user_name: str, **attributes: object) -> ScimUserFields:
    return ScimUserFields(ScimAttributes(user_name=user_name), **attributes)  # type: ignore[arg-type]


async def _dry_run(scim: DryRunScim, on: bool) -> None:
    await scim.settings.set(OWNER, ORG, ProvisioningSettings(dry_run=on))


async def test_in_dry_run_every_user_and_group_write_is_recorded_answered_and_changes_nothing(
    scim: DryRunScim,
) -> None:
    ana = await scim.users.create(SCIM, ORG, _user("ana@acme.test", display_name="Ana"))
    team = await scim.groups.create(SCIM, ORG, ScimGroupFields("Sales", member_ids=(ana.member.id,)))
    await _dry_run(scim, True)
    before = await scim.counts()

    created = await scim.users.create(SCIM, ORG, _user("bo@acme.test", display_name="Bo", active=False))
    assert created.attributes.user_name == "bo@acme.test" and not created.active
    patched = await scim.users.patch(
        SCIM, ORG, ana.member.id, [PatchOperation("Replace", "", {"active": "False", "title": "Boss"})]
    )
    assert not patched.active and patched.attributes.title == "Boss"
    assert patched.member.version == ana.member.version
    replaced = await scim.users.replace(SCIM, ORG, ana.member.id, _user("ana@acme.test", display_name="Ana B"))
    assert replaced.member.display_name == "Ana B"
    await scim.users.delete(SCIM, ORG, ana.member.id)
    new_group = await scim.groups.create(SCIM, ORG, ScimGroupFields("Support"))
    group_patch = [PatchOperation("Add", "members", [{"value": "m-owner"}])]
    await scim.groups.patch(SCIM, ORG, team.group.id, group_patch)
    await scim.groups.replace(SCIM, ORG, team.group.id, ScimGroupFields("Sales EU"))
    await scim.groups.delete(SCIM, ORG, team.group.id)

    assert await scim.counts() == before
    still = await scim.users.get(SCIM, ORG, ana.member.id)
    assert still.active and still.member.display_name == "Ana" and still.attributes.title == ""
    assert (await scim.groups.get(SCIM, ORG, team.group.id)).group.name == "Sales"
    with pytest.raises(NotFound):
        await scim.users.get(SCIM, ORG, created.member.id)

    page = await scim.settings.list_changes(OWNER, ORG)
    assert [(c.kind, c.target_id) for c in page.changes] == [
        (DryRunKind.CREATE_USER, created.member.id),
        (DryRunKind.PATCH_USER, ana.member.id),
        (DryRunKind.REPLACE_USER, ana.member.id),
        (DryRunKind.DELETE_USER, ana.member.id),
        (DryRunKind.CREATE_GROUP, new_group.group.id),
        (DryRunKind.PATCH_GROUP, team.group.id),
        (DryRunKind.REPLACE_GROUP, team.group.id),
        (DryRunKind.DELETE_GROUP, team.group.id),
    ]
    assert {c.actor_id for c in page.changes} == {"scim-token-1"}
    assert "active: true -> false" in page.changes[1].summary and "title" in page.changes[1].summary
    assert "add members [m-owner]" in page.changes[5].summary
    assert page.next_page_token == ""


async def test_dry_run_refuses_what_a_live_write_refuses(scim: DryRunScim) -> None:
    await scim.users.create(SCIM, ORG, _user("ana@acme.test"))
    await scim.groups.create(SCIM, ORG, ScimGroupFields("Sales"))
    await _dry_run(scim, True)
    with pytest.raises(AlreadyExists):
        await scim.users.create(SCIM, ORG, _user("ANA@acme.test"))
    with pytest.raises(AlreadyExists):
        await scim.groups.create(SCIM, ORG, ScimGroupFields("sales"))
    with pytest.raises(NotFound):
        await scim.users.delete(SCIM, ORG, "no-such-user")
    with pytest.raises(NotFound):
        await scim.groups.patch(SCIM, ORG, "no-such-group", [PatchOperation("Remove", "members", None)])
    assert (await scim.settings.list_changes(OWNER, ORG)).changes == []


async def test_a_live_create_after_the_dry_run_reuses_the_id_the_identity_provider_was_given(
    scim: DryRunScim,
) -> None:
    await _dry_run(scim, True)
    dry_user = await scim.users.create(SCIM, ORG, _user("cy@acme.test"))
    again = await scim.users.create(SCIM, ORG, _user("CY@acme.test"))
    assert again.member.id == dry_user.member.id
    dry_group = await scim.groups.create(SCIM, ORG, ScimGroupFields("Ops"))
    # Writes to what the dry run created are recorded as for existing ones, not answered 404.
    patched = await scim.users.patch(SCIM, ORG, dry_user.member.id, [PatchOperation("Replace", "active", "False")])
    assert patched.member.id == dry_user.member.id and not patched.active
    await scim.groups.patch(SCIM, ORG, dry_group.group.id, [PatchOperation("Add", "members", [{"value": "x"}])])
    await scim.users.delete(SCIM, ORG, dry_user.member.id)
    kinds = [c.kind for c in (await scim.settings.list_changes(OWNER, ORG)).changes]
    assert kinds[-3:] == [DryRunKind.PATCH_USER, DryRunKind.PATCH_GROUP, DryRunKind.DELETE_USER]
    await _dry_run(scim, False)
    with pytest.raises(NotFound):
        await scim.users.patch(SCIM, ORG, dry_user.member.id, [PatchOperation("Replace", "active", "False")])

    live_user = await scim.users.create(SCIM, ORG, _user("cy@acme.test"))
    live_group = await scim.groups.create(SCIM, ORG, ScimGroupFields("Ops"))
    assert live_user.member.id == dry_user.member.id
    assert live_group.group.id == dry_group.group.id
    assert (await scim.users.get(SCIM, ORG, dry_user.member.id)).active


async def test_records_are_listed_a_page_at_a_time_and_cleared(scim: DryRunScim) -> None:
    await _dry_run(scim, True)
    for n in range(5):
        await scim.users.create(SCIM, ORG, _user(f"p{n}@acme.test"))
    first = await scim.settings.list_changes(OWNER, ORG, page_size=2)
    second = await scim.settings.list_changes(OWNER, ORG, page_size=2, page_token=first.next_page_token)
    third = await scim.settings.list_changes(OWNER, ORG, page_size=2, page_token=second.next_page_token)
    listed = [c.target for c in first.changes + second.changes + third.changes]
    assert listed == [f"p{n}@acme.test" for n in range(5)]
    assert third.next_page_token == ""
    with pytest.raises(InvalidArgument):
        await scim.settings.list_changes(OWNER, ORG, page_token=first.next_page_token + "x")
    assert await scim.settings.clear(OWNER, ORG) == 5
    assert (await scim.settings.list_changes(OWNER, ORG)).changes == []


async def test_turning_dry_run_off_is_published_with_the_person_as_actor(scim: DryRunScim) -> None:
    await _dry_run(scim, True)
    await _dry_run(scim, True)  # unchanged: nothing published
    await scim.settings.set(OWNER, ORG, ProvisioningSettings(dry_run=False, auto_purchase_seats=True, max_seats=9))
    published = await scim.subjects("scim_settings.")
    assert [subject for subject, _ in published] == [
        "tenantry.membership.scim_settings.changed",
        "tenantry.membership.scim_settings.dry_run_disabled",
    ]
    assert published[1][1].actor.id == "acc-owner"
    assert await scim.settings.get(OWNER, ORG) == ProvisioningSettings(False, True, 9)


async def test_only_security_manage_reads_or_changes_the_settings_and_a_bad_cap_is_refused(
    scim: DryRunScim,
) -> None:
    for caller in (USER_ADMIN, SCIM):
        with pytest.raises(PermissionDenied):
            await scim.settings.set(caller, ORG, ProvisioningSettings(dry_run=True))
        with pytest.raises(PermissionDenied):
            await scim.settings.list_changes(caller, ORG)
        with pytest.raises(PermissionDenied):
            await scim.settings.clear(caller, ORG)
    with pytest.raises(InvalidArgument) as refused:
        await scim.settings.set(OWNER, ORG, ProvisioningSettings(auto_purchase_seats=True, max_seats=-1))
    assert refused.value.reason == "INVALID_PROVISIONING_SETTINGS"
    other = user_with_role("acc-x", roles.OWNER, "org-2")
    with pytest.raises(NotFound):
        await scim.settings.get(other, ORG)
    assert await scim.settings.get(OWNER, ORG) == ProvisioningSettings()
