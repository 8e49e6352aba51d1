"""Members have a picture (respond.io: a user's profile is their avatar, display name, role and email): a person
sets their own, an admin anyone's they may touch; everyone in the organization sees it, initials stand in for a
missing one; only real PNG, JPEG or WebP files are kept; the change is published for the audit log; a removed
member's picture goes with them. On SQLite and PostgreSQL."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.organization_logo import UPLOADED_LOGO
from services.common.principal import ACTOR_USER, Principal
from services.membership.domain import roles
from services.membership.domain.avatars import MAX_AVATAR_BYTES, AvatarUseCases
from services.membership.domain.logos import OrganizationLogos
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import member_avatars, messaging
from services.membership.tests.support import membership_store, png, user_with_role

ORG, OTHER_ORG = "org-1", "org-2"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)
ANN = Principal(actor_type=ACTOR_USER, actor_id="acc-ann", account_id="acc-ann", organization_id=ORG)
STRANGER = user_with_role("acc-x", roles.OWNER, OTHER_ORG)


@dataclass
class Pictures:
    avatars: AvatarUseCases
    store: SqlMembershipStore
    db: Database

    async def published(self) -> int:
        async with self.db.read() as connection:
            return int(
                await connection.scalar(
                    select(func.count()).where(
                        messaging.outbox.c.subject == "tenantry.membership.member.avatar_changed"
                    )
                )
                or 0
            )


@pytest.fixture
async def pictures(database_url: str) -> AsyncIterator[Pictures]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for member_id, account_id, name, role in (
                ("m-owner", "acc-owner", "Olive Owner", "owner"),
                ("m-ann", "acc-ann", "Ann Marie Lee", "member"),
            ):
                await tx.insert_member(
                    Member(
                        member_id, ORG, account_id, f"{account_id}@acme.test", name, role, MemberStatus.ACTIVE, NOW, NOW
                    )
                )
        yield Pictures(AvatarUseCases(store, clock), store, db)


async def test_a_member_sets_their_own_picture_and_everyone_in_the_organization_sees_it(pictures: Pictures) -> None:
    image = png(4, 4)
    shown = await pictures.avatars.set(ANN, ORG, "", image)
    assert shown.member_id == "m-ann" and shown.avatar is not None and shown.avatar.content_type == "image/png"
    seen = await pictures.avatars.get(OWNER, ORG, "m-ann")
    assert seen.avatar is not None and seen.avatar.data == image and seen.avatar.etag == shown.avatar.etag
    assert await pictures.published() == 1
    await pictures.avatars.set(ANN, ORG, "m-ann", image)  # the same picture again: nothing changes
    assert await pictures.published() == 1


async def test_initials_stand_in_for_a_missing_picture_and_removing_one_brings_them_back(pictures: Pictures) -> None:
    assert (await pictures.avatars.get(ANN, ORG, "m-owner")).initials == "OO"
    await pictures.avatars.set(ANN, ORG, "", png())
    removed = await pictures.avatars.set(ANN, ORG, "", b"")
    assert removed.avatar is None and removed.initials == "AL"  # first and last names
    assert (await pictures.avatars.get(ANN, ORG, "")).avatar is None
    assert await pictures.published() == 2


async def test_only_real_small_images_are_kept(pictures: Pictures) -> None:
    disguised = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    for bad in (disguised, b"GIF89a" + b"\x00" * 10, png() + b"\x00" * MAX_AVATAR_BYTES):
        with pytest.raises(InvalidArgument):
            await pictures.avatars.set(ANN, ORG, "", bad)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    webp = b"RIFF" + struct.pack("<I", 20) + b"WEBPVP8 " + b"\x00" * 12
    for image, content_type in ((jpeg, "image/jpeg"), (webp, "image/webp")):
        kept = (await pictures.avatars.set(ANN, ORG, "", image)).avatar
        assert kept is not None and kept.content_type == content_type


async def test_a_member_cannot_change_someone_elses_picture_but_an_admin_can(pictures: Pictures) -> None:
    with pytest.raises(PermissionDenied):
        await pictures.avatars.set(ANN, ORG, "m-owner", png())
    assert (await pictures.avatars.set(OWNER, ORG, "m-ann", png())).avatar is not None
    with pytest.raises(NotFound):  # another organization's members are not there
        await pictures.avatars.get(STRANGER, ORG, "m-ann")


async def test_a_removed_members_picture_goes_with_them(pictures: Pictures) -> None:
    await pictures.avatars.set(ANN, ORG, "", png())
    async with pictures.store.write() as tx:
        member = await tx.get_member(ORG, "m-ann")
        assert member is not None
        await tx.delete_member(member)
    async with pictures.db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(member_avatars)) == 0


async def test_an_owner_uploads_the_organizations_logo_and_its_profile_names_it(pictures: Pictures) -> None:
    logos = OrganizationLogos(pictures.store, FrozenClock(NOW))
    image = png(16, 8)
    organization = (await logos.set(OWNER, ORG, image)).organization
    assert UPLOADED_LOGO.match(organization.logo_url) and organization.version == 2
    assert (await logos.get(ANN, ORG)).data == image  # every member sees it
    with pytest.raises(PermissionDenied):
        await logos.set(ANN, ORG, png())
    with pytest.raises(InvalidArgument):
        await logos.set(OWNER, ORG, b"<svg/>")
    assert (await logos.set(OWNER, ORG, b"")).organization.logo_url == ""
    with pytest.raises(NotFound):
        await logos.get(ANN, ORG)
