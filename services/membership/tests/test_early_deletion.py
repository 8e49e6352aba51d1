"""An Owner deletes the organization early (respond.io's Owner can), on SQLite and PostgreSQL: only a signed-in
Owner with a recent sign-in who types the organization's exact name; the deletion worker deletes it once the grace
period has passed, unless an Owner canceled first; an operator's legal hold still stops it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.messaging import Outbox
from services.common.principal import ACTOR_API_KEY, system_principal
from services.common.store import OutboxStore
from services.membership.domain.deletion import DeletionStatus, OrganizationDeletion, is_due
from services.membership.domain.early_deletion import EarlyDeletion, confirms_name
from services.membership.events.deletion import deletion_envelope
from services.membership.store.deletion import SqlDeletionTransaction
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role
from services.membership.tests.test_organization_deletion import ACME, BETA, NOW, outbox_subjects, rows_of, seed

GRACE = timedelta(days=14)
OPERATOR = system_principal("test-operator")


# The rules, pure.


def test_the_name_must_be_typed_exactly_but_surrounding_spaces_do_not_count() -> None:
    assert confirms_name("Acme Health", "Acme Health")
    assert confirms_name("  Acme Health ", "Acme Health")
    assert not confirms_name("acme health", "Acme Health")
    assert not confirms_name("Acme", "Acme Health")
    assert not confirms_name("", "Acme Health")


def test_the_earlier_of_billings_date_and_the_owners_request_counts() -> None:
    early, late = NOW + timedelta(days=14), NOW + timedelta(days=90)
    assert DeletionStatus(ACME, scheduled_at=late, requested_deletion_at=early).deletion_at == early
    assert DeletionStatus(ACME, scheduled_at=early, requested_deletion_at=late).deletion_at == early
    assert DeletionStatus(ACME, requested_deletion_at=early).deletion_at == early
    assert is_due(DeletionStatus(ACME, requested_deletion_at=NOW), NOW)
    assert not is_due(DeletionStatus(ACME, requested_deletion_at=NOW, hold=True, hold_reason="case 1"), NOW)


# On a database.


@dataclass
class Membership:
    early: EarlyDeletion
    deletion: OrganizationDeletion
    db: Database
    clock: FrozenClock


@pytest.fixture
async def membership(database_url: str) -> AsyncIterator[Membership]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        deletion_store = OutboxStore(SqlDeletionTransaction, db, Outbox(messaging, clock), clock, deletion_envelope)
        for organization_id in (ACME, BETA):
            await seed(store, organization_id)
        yield Membership(
            EarlyDeletion(deletion_store, clock, GRACE), OrganizationDeletion(deletion_store, clock), db, clock
        )


async def test_an_owner_who_types_the_name_has_the_organization_deleted_when_the_grace_period_ends(
    membership: Membership,
) -> None:
    owner = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW)
    status = await membership.early.request(owner, ACME, " org-acme ")
    assert (status.requested_deletion_at, status.requested_at, status.requested_by) == (NOW + GRACE, NOW, "acme-a0")
    assert status.deletion_at == NOW + GRACE
    beta_before = await rows_of(membership.db, BETA)

    membership.clock.advance(GRACE - timedelta(seconds=1))
    assert await membership.deletion.delete_due() == 0
    membership.clock.advance(timedelta(seconds=1))
    assert await membership.deletion.delete_due() == 1

    assert await rows_of(membership.db, ACME) == {}
    assert (await membership.deletion.status(OPERATOR, ACME)).deleted_at == NOW + GRACE
    assert await rows_of(membership.db, BETA) == beta_before
    subjects = await outbox_subjects(membership.db)
    assert subjects.count("tenantry.membership.organization.deletion_requested") == 1
    assert subjects.count("tenantry.membership.organization.deleted") == 1


async def test_asking_again_while_a_request_is_pending_keeps_the_first_date(membership: Membership) -> None:
    owner = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW)
    first = await membership.early.request(owner, ACME, "org-acme")
    membership.clock.advance(timedelta(minutes=5))
    again = await membership.early.request(owner, ACME, "org-acme")
    assert again.requested_deletion_at == first.requested_deletion_at
    subjects = await outbox_subjects(membership.db)
    assert subjects.count("tenantry.membership.organization.deletion_requested") == 1


async def test_any_owner_can_cancel_during_the_grace_period_and_nothing_is_deleted(membership: Membership) -> None:
    owner = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW)
    await membership.early.request(owner, ACME, "org-acme")
    membership.clock.advance(timedelta(days=13))
    another_owner = user_with_role("acme-other-owner", "owner", ACME)
    canceled = await membership.early.cancel(another_owner, ACME)
    assert (canceled.requested_deletion_at, canceled.requested_at, canceled.requested_by) == (None, None, "")
    assert await membership.early.cancel(another_owner, ACME) == canceled  # nothing pending: nothing changes

    membership.clock.advance(timedelta(days=30))
    assert await membership.deletion.delete_due() == 0
    assert "members" in await rows_of(membership.db, ACME)
    subjects = await outbox_subjects(membership.db)
    assert subjects.count("tenantry.membership.organization.deletion_canceled") == 1


async def test_a_legal_hold_still_stops_an_owners_early_deletion(membership: Membership) -> None:
    owner = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW)
    await membership.early.request(owner, ACME, "org-acme")
    await membership.deletion.set_hold(OPERATOR, ACME, True, "case 7")
    membership.clock.advance(GRACE + timedelta(days=1))
    assert await membership.deletion.delete_due() == 0
    assert "members" in await rows_of(membership.db, ACME)
    await membership.deletion.set_hold(OPERATOR, ACME, False, "")
    assert await membership.deletion.delete_due() == 1


async def test_a_wrong_name_is_refused_naming_the_field_and_nothing_is_scheduled(membership: Membership) -> None:
    owner = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW)
    for typed in ("Org-Acme", "org-beta", ""):
        with pytest.raises(InvalidArgument) as refused:
            await membership.early.request(owner, ACME, typed)
        assert [violation.field for violation in refused.value.violations] == ["confirm_name"]
    status = await membership.deletion.status(OPERATOR, ACME)
    assert status.requested_deletion_at is None
    assert "tenantry.membership.organization.deletion_requested" not in await outbox_subjects(membership.db)


@pytest.mark.parametrize("role", ["user_admin", "billing_admin", "member"])
async def test_only_an_owner_may_delete_the_organization_early(membership: Membership, role: str) -> None:
    someone = replace(user_with_role("acme-a1", role, ACME), authenticated_at=NOW)
    with pytest.raises(PermissionDenied) as refused:
        await membership.early.request(someone, ACME, "org-acme")
    assert refused.value.reason == "MISSING_PERMISSION"
    with pytest.raises(PermissionDenied):
        await membership.early.cancel(someone, ACME)


async def test_an_api_key_holding_the_permission_cannot_delete_the_organization(membership: Membership) -> None:
    key = replace(user_with_role("key-1", "owner", ACME), actor_type=ACTOR_API_KEY)
    with pytest.raises(PermissionDenied) as refused:
        await membership.early.request(key, ACME, "org-acme")
    assert refused.value.reason == "PERSON_REQUIRED"


async def test_an_owner_must_have_signed_in_recently(membership: Membership) -> None:
    stale = replace(user_with_role("acme-a0", "owner", ACME), authenticated_at=NOW - timedelta(minutes=16))
    with pytest.raises(PermissionDenied) as refused:
        await membership.early.request(stale, ACME, "org-acme")
    assert refused.value.reason == "REAUTHENTICATION_REQUIRED"


async def test_an_owner_of_another_organization_cannot_touch_this_one(membership: Membership) -> None:
    beta_owner = replace(user_with_role("beta-a0", "owner", BETA), authenticated_at=NOW)
    with pytest.raises((NotFound, PermissionDenied)):
        await membership.early.request(beta_owner, ACME, "org-acme")
    with pytest.raises((NotFound, PermissionDenied)):
        await membership.early.cancel(beta_owner, ACME)
