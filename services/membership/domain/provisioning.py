"""Provisioning: an identity provider (SCIM, SSO just-in-time) makes a person an active member without an
invitation, or links the member the person already is. A person is never a member twice: the email
(case-insensitively) and the provider's external id both find the existing member. A new member holds a billing
seat first when its role uses one; without a free seat nothing is written."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.ids import new_id
from services.common.people import clean_display_name, is_printable, normalise_email
from services.common.principal import ACTOR_SCIM, ACTOR_SYSTEM, PLATFORM_ADMIN, Principal
from services.membership.domain import roles, rules
from services.membership.domain.custom_roles import role_catalog
from services.membership.domain.events import GroupMembersChanged, MemberAdded, MemberChanged
from services.membership.domain.groups import check_workspace_limit, join_default_groups
from services.membership.domain.model import Group, Member, MemberStatus
from services.membership.domain.ports import Clock, MembershipTransaction, SeatReservations
from services.membership.domain.provisioning_roles import follow_mapped_role
from services.membership.domain.replays import Replay
from services.membership.domain.scim_true_up import reserve_seat
from services.membership.domain.seats import give_back_seat

MAX_EXTERNAL_ID = 255
MAX_ACCOUNT_ID = 36
MAX_GROUPS = 100
# More organizations than one person belongs to in practice; the answer is cut there, oldest first.
MAX_ACCOUNT_MEMBERSHIPS = 100
# Principals that provision on an identity provider's behalf (besides holders of members.invite).
PROVISIONING_ACTORS = frozenset({ACTOR_SCIM, ACTOR_SYSTEM})


class ProvisioningTransaction(MembershipTransaction, Protocol):
    """Membership's transaction with the queries provisioning adds (store/provisioning.py)."""

    async def find_member_by_external_id(self, organization_id: str, external_id: str) -> Member | None: ...
    async def set_member_external_id(self, member: Member, external_id: str | None) -> None: ...
    async def active_members_of_account(self, account_id: str, limit: int) -> list[Member]: ...


# Writes what a caller keeps beside the member (SCIM attributes) in the transaction that creates or links it.
AlongWrite = Callable[[ProvisioningTransaction, Member], Awaitable[None]]


async def _nothing(tx: ProvisioningTransaction, member: Member) -> None:
    return None


class ProvisioningStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ProvisioningTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ProvisioningTransaction]: ...


@dataclass(frozen=True)
class ProvisionRequest:
    """What an identity provider says about a person."""

    organization_id: str
    email: str
    display_name: str = ""
    external_id: str = ""
    account_id: str = ""
    # Role of a new member; empty gives the built-in Member role. An existing member takes it only when
    # role_from_mapping (the identity provider's group mapping, never a default role).
    role: str = ""
    group_ids: tuple[str, ...] = ()
    idempotency_key: str = ""
    # Id a new member gets when free (the id a SCIM dry run gave the person); empty for a new one.
    member_id: str = ""
    role_from_mapping: bool = False


@dataclass(frozen=True)
class Provisioned:
    member: Member
    # Whether this request created the member (rather than linking an existing one).
    created: bool
    # Why an existing member kept its role rather than the mapped one (provisioning_roles); "" otherwise.
    role_refused: str = ""


@dataclass(frozen=True)
class _Checked:
    email: str
    display_name: str
    external_id: str | None
    account_id: str | None
    role: str


def authorize_provisioning(principal: Principal, organization_id: str) -> None:
    """SCIM and system principals of the organization provision; people and API keys need members.invite."""
    principal.require_organization(organization_id)
    if principal.actor_type not in PROVISIONING_ACTORS:
        principal.authorize(roles.MEMBERS_INVITE, organization_id)


def _check(request: ProvisionRequest) -> _Checked:
    violations: list[FieldViolation] = []
    external_id = request.external_id.strip()
    if len(external_id) > MAX_EXTERNAL_ID or not is_printable(external_id):
        violations.append(FieldViolation("external_id", f"at most {MAX_EXTERNAL_ID} printable characters"))
    if len(request.account_id) > MAX_ACCOUNT_ID or not is_printable(request.account_id):
        violations.append(FieldViolation("account_id", f"at most {MAX_ACCOUNT_ID} printable characters"))
    if len(request.group_ids) > MAX_GROUPS:
        violations.append(FieldViolation("group_ids", f"at most {MAX_GROUPS} groups"))
    if violations:
        raise InvalidArgument("The person to provision is not valid.", violations)
    return _Checked(
        email=normalise_email(request.email),
        display_name=clean_display_name(request.display_name),
        external_id=external_id or None,
        account_id=request.account_id or None,
        role=request.role or roles.MEMBER,
    )


class ProvisioningUseCases:
    def __init__(self, store: ProvisioningStore, clock: Clock, seats: SeatReservations | None = None):
        self._store = store
        self._clock = clock
        # Billing's seats; None where seats are not limited (tests of other rules).
        self._seats = seats

    async def account_memberships(self, principal: Principal, account_id: str) -> list[Member]:
        """An account's active members in every organization, for identity when its projection lags behind
        (read-your-writes at an organization's start): only a system principal asks across organizations."""
        if not principal.has(PLATFORM_ADMIN):
            raise PermissionDenied(
                "Only a system principal reads an account's memberships.", reason="MISSING_PERMISSION"
            )
        if not account_id or len(account_id) > MAX_ACCOUNT_ID:
            raise InvalidArgument(
                "account_id is 1 to 36 characters.", [FieldViolation("account_id", "1 to 36 characters")]
            )
        async with self._store.read() as tx:
            return await tx.active_members_of_account(account_id, MAX_ACCOUNT_MEMBERSHIPS)

    async def provision_member(
        self, principal: Principal, request: ProvisionRequest, along: AlongWrite = _nothing
    ) -> Provisioned:
        organization_id = request.organization_id
        authorize_provisioning(principal, organization_id)
        checked = _check(request)
        replay = Replay(organization_id, "ProvisionMember", request.idempotency_key)
        async with self._store.read() as tx:
            if await tx.get_organization(organization_id) is None:
                raise NotFound("No such organization.")
            answer = await replay.answer(tx)
            if answer is not None and "created" in answer:
                member = await tx.get_member(organization_id, str(answer["member_id"]))
                if member is not None:
                    return Provisioned(member, bool(answer["created"]))
            catalog = await role_catalog(tx, organization_id)
            groups = await self._groups(tx, organization_id, request.group_ids)
            existing = await self._existing(tx, organization_id, checked)
        if existing is None:
            if not catalog.exists(checked.role):
                raise InvalidArgument(
                    f"Unknown role {checked.role!r}.", [FieldViolation("role", "unknown role")], reason="UNKNOWN_ROLE"
                )
            if principal.actor_type not in PROVISIONING_ACTORS:
                rules.check_grantable(principal, checked.role, catalog)
            provisioned = await self._create(
                principal, organization_id, checked, groups, request.idempotency_key, along, request.member_id
            )
        else:
            provisioned = await self._link(principal, existing, checked, groups, along)
        if not provisioned.created and request.role_from_mapping and request.role:
            member, refused = await follow_mapped_role(
                self._store, self._clock, self._seats, principal, provisioned.member, checked.role
            )
            provisioned = Provisioned(member, created=False, role_refused=refused)
        if replay.idempotency_key:
            async with self._store.write() as tx:
                await replay.keep(tx, {"member_id": provisioned.member.id, "created": provisioned.created})
        return provisioned

    async def _groups(self, tx: ProvisioningTransaction, organization_id: str, group_ids: Sequence[str]) -> list[Group]:
        found = [await tx.get_group(organization_id, group_id[:36]) for group_id in dict.fromkeys(group_ids)]
        if any(group is None for group in found):
            raise NotFound("One of the groups does not exist.", reason="UNKNOWN_GROUP")
        groups = [group for group in found if group is not None]
        check_workspace_limit(groups)
        return groups

    async def _existing(self, tx: ProvisioningTransaction, organization_id: str, checked: _Checked) -> Member | None:
        """The member this person already is, by email or external id; AlreadyExists when the two name
        different members (the provider's records disagree with ours)."""
        by_email = await tx.find_member_by_email(organization_id, checked.email)
        by_external_id = (
            await tx.find_member_by_external_id(organization_id, checked.external_id) if checked.external_id else None
        )
        if by_email is not None and by_external_id is not None and by_email.id != by_external_id.id:
            raise AlreadyExists(
                "The email and the external id belong to two different members.", reason="EXTERNAL_ID_IN_USE"
            )
        return by_email or by_external_id

    async def _create(
        self,
        principal: Principal,
        organization_id: str,
        checked: _Checked,
        groups: Sequence[Group],
        idempotency_key: str,
        along: AlongWrite,
        wanted_id: str = "",
    ) -> Provisioned:
        now = self._clock.now()
        async with self._store.read() as tx:
            catalog = await role_catalog(tx, organization_id)
            free = bool(wanted_id) and await tx.get_member(organization_id, wanted_id) is None
        member_id = wanted_id if free else await self._member_id_for(organization_id, checked.email, idempotency_key)
        member = Member(
            id=member_id,
            organization_id=organization_id,
            account_id=checked.account_id,
            email=checked.email,
            display_name=checked.display_name,
            role=checked.role,
            status=MemberStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            custom_role_permissions=catalog.custom_permissions(checked.role),
            external_id=checked.external_id,
        )
        # Billing is asked before the transaction, never inside it; an unused hold is given back below.
        seats = self._seats if rules.holds_seat(member) else None
        if seats is not None:
            await reserve_seat(seats, self._store, self._clock, principal, organization_id, member.id)
        try:
            async with self._store.write() as tx:
                # Custom roles change only under this lock: the role still grants what the seat was held for.
                await tx.lock_organization(organization_id)
                granted = await role_catalog(tx, organization_id)
                if not granted.exists(member.role) or granted.custom_permissions(member.role) != (
                    member.custom_role_permissions
                ):
                    raise Aborted("The role changed meanwhile; provision again.", reason="ROLE_CHANGED")
                existing = await self._existing(tx, organization_id, checked)
                if existing is not None:
                    # Created concurrently (a retry racing its first attempt): link it instead.
                    raise _LinkInstead(existing)
                await tx.insert_member(member)
                await tx.set_member_external_id(member, member.external_id)
                await tx.record_events(MemberAdded(principal, now, member))
                await join_default_groups(tx, principal, [member], now)
                await _join_groups(tx, principal, member, groups, now)
                await along(tx, member)
        except _LinkInstead as link:
            if seats is not None and link.member.id != member.id:
                await give_back_seat(seats, organization_id, member.id)
            return await self._link(principal, link.member, checked, groups, along)
        except BaseException:
            if seats is not None:
                await give_back_seat(seats, organization_id, member.id)
            raise
        return Provisioned(member, created=True)

    async def _link(
        self,
        principal: Principal,
        existing: Member,
        checked: _Checked,
        groups: Sequence[Group],
        along: AlongWrite = _nothing,
    ) -> Provisioned:
        """Fill in what the existing member lacks (external id, account, name); an invited member becomes
        active (its invitation already holds its seat). Role and a deactivation are kept here (a role from the
        identity provider's mapping is applied afterwards: provisioning_roles.py)."""
        now = self._clock.now()
        async with self._store.write() as tx:
            member = await tx.get_member(existing.organization_id, existing.id)
            if member is None:
                raise Aborted("The member was removed meanwhile; provision again.", reason="CONCURRENT_CHANGE")
            if checked.external_id and member.external_id and member.external_id != checked.external_id:
                raise AlreadyExists("This member is linked to another external id.", reason="EXTERNAL_ID_IN_USE")
            if checked.account_id and member.account_id and member.account_id != checked.account_id:
                raise FailedPrecondition("This member is linked to another account.", reason="ACCOUNT_MISMATCH")
            linked = replace(
                member,
                external_id=member.external_id or checked.external_id,
                account_id=member.account_id or checked.account_id,
                display_name=checked.display_name or member.display_name,
                status=MemberStatus.ACTIVE if member.status is MemberStatus.INVITED else member.status,
            )
            if linked != member:
                linked = replace(linked, version=member.version + 1, updated_at=now)
                if not await tx.update_member(linked, expected_version=member.version):
                    raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                if linked.external_id != member.external_id:
                    await tx.set_member_external_id(linked, linked.external_id)
                await tx.record_events(MemberChanged(principal, now, linked, "provision", member))
            await _join_groups(tx, principal, linked, groups, now)
            await along(tx, linked)
        return Provisioned(linked, created=False)

    async def _member_id_for(self, organization_id: str, email: str, idempotency_key: str) -> str:
        """The id a new member gets. With an idempotency key it is remembered before any seat is held, so a retry
        after a crash holds the same seat again (billing's holds are per member) instead of a second one."""
        if not idempotency_key:
            return new_id()
        key = hashlib.sha256(f"{idempotency_key}\n{email}".encode()).hexdigest()
        replay = Replay(organization_id, "ProvisionMemberId", key)
        async with self._store.write() as tx:
            answer = await replay.answer(tx)
            if answer is not None:
                return str(answer["member_id"])
            member_id = new_id()
            await replay.keep(tx, {"member_id": member_id})
            return member_id


class _LinkInstead(Exception):
    """Leaves the creating transaction (rolled back) when the person turned out to be a member already."""

    def __init__(self, member: Member):
        super().__init__(member.id)
        self.member = member


async def _join_groups(
    tx: ProvisioningTransaction, principal: Principal, member: Member, groups: Sequence[Group], now: datetime
) -> None:
    """Add the member to the groups it is not in yet (a retry adds nothing twice)."""
    for group in groups:
        if await tx.group_member_ids(group.id, [member.id]):
            continue
        await tx.add_group_members(group, [member.id], False, now)
        await tx.record_events(GroupMembersChanged(principal, now, group, (member.id,), "added", False))
