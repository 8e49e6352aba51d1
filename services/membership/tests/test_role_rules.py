"""The role rules: every action by every built-in role, against a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.clock import FrozenClock
from services.common.errors import DomainError, FailedPrecondition
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.invitations import InvitationUseCases, Invitee
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberQuery, MemberStatus, Organization
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.domain.rules import MemberAction
from services.membership.store.sql import SqlMembershipStore
from services.membership.tests.support import membership_store

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass
class Org:
    organizations: OrganizationUseCases
    members: MemberUseCases
    invitations: InvitationUseCases
    store: SqlMembershipStore

    async def add(self, member_id: str, role: str, status: MemberStatus = MemberStatus.ACTIVE) -> Member:
        member = Member(member_id, ORG, f"acc-{member_id}", f"{member_id}@acme.test", "", role, status, NOW, NOW)
        async with self.store.write() as tx:
            await tx.insert_member(member)
        return member


@pytest.fixture
async def org(database_url: str) -> AsyncIterator[Org]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, _):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
        yield Org(
            OrganizationUseCases(store, clock), MemberUseCases(store, clock), InvitationUseCases(store, clock), store
        )


def acting_as(role: str, member_id: str = "actor") -> Principal:
    return Principal(
        actor_type="user",
        actor_id=f"acc-{member_id}",
        account_id=f"acc-{member_id}",
        organization_id=ORG,
        permissions=roles.permissions_of(role),
    )


ROLES = [roles.OWNER, roles.BILLING_ADMIN, roles.USER_ADMIN, roles.MEMBER]

# (action, target role, new role) -> roles allowed to do it.
MATRIX: list[tuple[str, str, str, set[str]]] = [
    ("invite", "", roles.MEMBER, {roles.OWNER, roles.USER_ADMIN}),
    ("invite", "", roles.USER_ADMIN, {roles.OWNER}),
    ("invite", "", roles.BILLING_ADMIN, {roles.OWNER}),
    ("invite", "", roles.OWNER, {roles.OWNER}),
    ("list", "", "", {roles.OWNER, roles.BILLING_ADMIN, roles.USER_ADMIN}),
    ("change_role", roles.MEMBER, roles.USER_ADMIN, {roles.OWNER}),
    ("change_role", roles.USER_ADMIN, roles.MEMBER, {roles.OWNER}),
    ("change_role", roles.MEMBER, roles.OWNER, {roles.OWNER}),
    ("deactivate", roles.MEMBER, "", {roles.OWNER, roles.USER_ADMIN}),
    ("deactivate", roles.USER_ADMIN, "", {roles.OWNER}),
    ("deactivate", roles.BILLING_ADMIN, "", {roles.OWNER}),
    ("deactivate", roles.OWNER, "", {roles.OWNER}),
    ("remove", roles.MEMBER, "", {roles.OWNER, roles.USER_ADMIN}),
    ("remove", roles.USER_ADMIN, "", {roles.OWNER}),
    ("remove", roles.OWNER, "", {roles.OWNER}),
]


@pytest.mark.parametrize("actor_role", ROLES)
@pytest.mark.parametrize(("action", "target_role", "new_role", "allowed"), MATRIX)
async def test_every_action_by_every_built_in_role_follows_the_seed_matrix(
    org: Org, actor_role: str, action: str, target_role: str, new_role: str, allowed: set[str]
) -> None:
    await org.add("spare-owner", roles.OWNER)  # so the last-Owner rule never decides this matrix
    actor = acting_as(actor_role)
    target = await org.add("target", target_role) if target_role else None
    try:
        if action == "invite":
            outcome = (await org.invitations.invite_members(actor, ORG, [Invitee("new@acme.test", new_role)]))[0]
            permitted = outcome.member is not None
            if not permitted and outcome.error_reason not in ("CANNOT_GRANT_PERMISSION",):
                raise AssertionError(outcome)
        elif action == "list":
            await org.members.list_members(actor, MemberQuery(ORG, limit=10))
            permitted = True
        else:
            assert target is not None
            if action == "change_role":
                await org.members.change_role(actor, ORG, target.id, new_role)
            elif action == "deactivate":
                await org.members.deactivate(actor, ORG, target.id)
            else:
                await org.members.remove(actor, ORG, target.id)
            permitted = True
    except DomainError as exc:
        assert exc.reason in {"MISSING_PERMISSION", "CANNOT_GRANT_PERMISSION", "TARGET_ROLE_NOT_MANAGEABLE"}, exc
        permitted = False
    assert permitted == (actor_role in allowed), f"{actor_role} {action} {target_role}->{new_role}"


async def test_nobody_removes_or_deactivates_themselves(org: Org) -> None:
    await org.add("spare-owner", roles.OWNER)
    me = await org.add("actor", roles.OWNER)
    for attempt in (org.members.remove, org.members.deactivate):
        with pytest.raises(FailedPrecondition) as raised:
            await attempt(acting_as(roles.OWNER), ORG, me.id)
        assert raised.value.reason == "CANNOT_ACT_ON_SELF"


async def test_the_last_owner_cannot_be_demoted_deactivated_or_removed(org: Org) -> None:
    only_owner = await org.add("only-owner", roles.OWNER)
    platform = Principal(actor_type="system", actor_id="ops", permissions=frozenset({"platform.admin"}))
    for attempt in (
        lambda: org.members.change_role(platform, ORG, only_owner.id, roles.MEMBER),
        lambda: org.members.deactivate(platform, ORG, only_owner.id),
        lambda: org.members.remove(platform, ORG, only_owner.id),
    ):
        with pytest.raises(FailedPrecondition) as raised:
            await attempt()
        assert raised.value.reason == "LAST_OWNER"


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(org: Org) -> None:
    first, second = await org.add("first", roles.OWNER), await org.add("second", roles.OWNER)
    results = await asyncio.gather(
        org.members.change_role(acting_as(roles.OWNER, "first"), ORG, second.id, roles.MEMBER),
        org.members.change_role(acting_as(roles.OWNER, "second"), ORG, first.id, roles.MEMBER),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and getattr(failures[0], "reason", "") == "LAST_OWNER"
    async with org.store.read() as tx:
        assert await tx.count_active_owners(ORG, excluding="") == 1


async def test_a_stale_etag_is_refused(org: Org) -> None:
    await org.add("spare-owner", roles.OWNER)
    target = await org.add("target", roles.MEMBER)
    changed = await org.members.change_role(acting_as(roles.OWNER), ORG, target.id, roles.USER_ADMIN, etag='W/"1"')
    assert changed.version == 2
    with pytest.raises(DomainError) as raised:
        await org.members.change_role(acting_as(roles.OWNER), ORG, target.id, roles.MEMBER, etag='W/"1"')
    assert raised.value.reason == "ETAG_MISMATCH"


async def test_a_deactivated_member_can_be_reactivated_and_a_removed_one_is_gone(org: Org) -> None:
    await org.add("spare-owner", roles.OWNER)
    target = await org.add("target", roles.MEMBER)
    owner = acting_as(roles.OWNER)
    assert (await org.members.deactivate(owner, ORG, target.id)).status is MemberStatus.DEACTIVATED
    assert (await org.members.reactivate(owner, ORG, target.id)).status is MemberStatus.ACTIVE
    await org.members.remove(owner, ORG, target.id, idempotency_key="rm-1")
    await org.members.remove(owner, ORG, target.id, idempotency_key="rm-1")  # a retry answers as the first time
    async with org.store.read() as tx:
        assert await tx.get_member(ORG, target.id) is None


@given(
    held=st.frozensets(st.sampled_from(sorted(roles.CATALOGUE))),
    target_role=st.sampled_from(ROLES),
    new_role=st.sampled_from(ROLES),
)
def test_a_role_change_that_passes_the_rules_never_grants_a_permission_the_caller_lacks(
    held: frozenset[str], target_role: str, new_role: str
) -> None:
    # Except the seat (seat.use): a licence, not a power, which an Owner who gave theirs up still hands out.
    caller = Principal(actor_type="user", actor_id="a", account_id="a", organization_id=ORG, permissions=held)
    target = Member("t", ORG, "acc-t", "t@acme.test", "", target_role, MemberStatus.ACTIVE, NOW, NOW)
    try:
        rules.check_member_action(caller, target, MemberAction.CHANGE_ROLE, new_role)
    except DomainError:
        return
    assert roles.permissions_of(new_role) - {roles.SEAT_USE} <= held
    assert roles.permissions_of(target_role) - {roles.SEAT_USE} <= held


async def test_only_the_owner_renames_the_organization_and_a_stale_etag_is_refused(org: Org) -> None:
    renamed = await org.organizations.update_organization(
        acting_as(roles.OWNER), ORG, {"display_name": "Acme Inc"}, 'W/"1"'
    )
    assert (renamed.organization.display_name, renamed.organization.version) == ("Acme Inc", 2)
    with pytest.raises(DomainError) as stale:
        await org.organizations.update_organization(acting_as(roles.OWNER), ORG, {"display_name": "Acme"}, 'W/"1"')
    assert stale.value.reason == "ETAG_MISMATCH"
    with pytest.raises(DomainError) as denied:
        await org.organizations.update_organization(acting_as(roles.BILLING_ADMIN), ORG, {"display_name": "Mine"})
    assert denied.value.reason == "MISSING_PERMISSION"
    with pytest.raises(DomainError) as unknown:
        await org.organizations.update_organization(acting_as(roles.OWNER), ORG, {"id": "other"})
    assert unknown.value.reason == "INVALID_ARGUMENT"
