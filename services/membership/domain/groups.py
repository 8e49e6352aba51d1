"""Groups: teams and workspaces of an organization's members, and every rule about who may change them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from services.common.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Violations,
)
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.events import GroupChanged, GroupMembersChanged
from services.membership.domain.group_member_rules import (
    decide_additions,
    decide_removals,
    may_manage,
)
from services.membership.domain.model import (
    Group,
    GroupCreationPolicy,
    GroupKind,
    GroupMember,
    GroupMemberOutcome,
    GroupQuery,
    Member,
    MemberStatus,
    Organization,
)
from services.membership.domain.ports import Clock, MembershipStore, MembershipTransaction
from services.membership.domain.replays import Replay
from services.membership.domain.scim_locks import check_not_scim_locked
from services.membership.domain.text import printable

MAX_GROUP_NAME = 100
MAX_GROUP_DESCRIPTION = 1000
MAX_CATEGORY = 100
MAX_MEMBERS_PER_CALL = 1000
MAX_GROUPS_PER_CALL = 100
# A member is added to at most this many workspaces in one operation (each workspace gives product access).
MAX_WORKSPACES_PER_CALL = 10
UPDATABLE_GROUP_FIELDS = frozenset({"name", "description", "category", "is_default", "locked"})


@dataclass(frozen=True)
class GroupFields:
    """What a caller sends to create or change a group."""

    name: str = ""
    description: str = ""
    kind: str = ""
    category: str = ""
    is_default: bool = False
    locked: bool = False


def group_etag(group: Group) -> str:
    return f'W/"{group.version}"'


def checked_new_group(fields: GroupFields) -> GroupFields:
    problems = Violations()
    name = printable(fields.name, "name", MAX_GROUP_NAME, problems, required=True)
    description = printable(fields.description, "description", MAX_GROUP_DESCRIPTION, problems)
    category = printable(fields.category, "category", MAX_CATEGORY, problems)
    kind = fields.kind or GroupKind.TEAM.value
    if kind not in {k.value for k in GroupKind}:
        problems.add("kind", f"one of {[k.value for k in GroupKind]}")
    problems.raise_if_any()
    return replace(fields, name=name, description=description, category=category, kind=kind)


def check_may_create_group(principal: Principal, organization: Organization) -> None:
    """The organization's group creation policy decides; Owners are those who may delete the organization."""
    policy = organization.group_creation_policy
    allowed = (
        principal.has(roles.ORG_DELETE)
        if policy is GroupCreationPolicy.OWNERS
        else principal.has(roles.GROUPS_CREATE)
        if policy is GroupCreationPolicy.ADMINS
        else True
    )
    if not allowed:
        raise PermissionDenied(
            f"Your organization lets {policy.value} create groups.",
            reason="GROUP_CREATION_NOT_ALLOWED",
            metadata={"group_creation_policy": policy.value},
        )


def check_workspace_limit(groups: Sequence[Group]) -> None:
    workspaces = sum(1 for g in groups if g.kind is GroupKind.WORKSPACE)
    if workspaces > MAX_WORKSPACES_PER_CALL:
        raise InvalidArgument(
            f"A member can be added to at most {MAX_WORKSPACES_PER_CALL} workspaces at once ({workspaces} asked).",
            [FieldViolation("group_ids", f"at most {MAX_WORKSPACES_PER_CALL} workspaces")],
            reason="TOO_MANY_WORKSPACES",
        )


def _check_count(values: Sequence[str], field_name: str, limit: int) -> None:
    if not 1 <= len(values) <= limit:
        raise InvalidArgument(f"Send 1 to {limit} {field_name}.", [FieldViolation(field_name, f"1 to {limit} entries")])


async def join_default_groups(
    tx: MembershipTransaction, principal: Principal, members: Sequence[Member], now: datetime
) -> None:
    """New members join the organization's default groups, in the transaction that adds them."""
    if not members:
        return
    await join_groups(tx, principal, await tx.default_groups(members[0].organization_id), [m.id for m in members], now)


async def join_groups(
    tx: MembershipTransaction, principal: Principal, groups: Sequence[Group], member_ids: Sequence[str], now: datetime
) -> None:
    """Members join groups (as members, not admins) in one insert and one outbox write, however many groups."""
    if not groups or not member_ids:
        return
    await tx.add_to_groups([(group, member_ids) for group in groups], False, now)
    await tx.record_events(
        *(GroupMembersChanged(principal, now, group, tuple(member_ids), "added", False) for group in groups)
    )


class GroupUseCases:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def create_group(
        self, principal: Principal, organization_id: str, fields: GroupFields, idempotency_key: str = ""
    ) -> Group:
        principal.require_organization(organization_id)
        checked = checked_new_group(fields)
        now = self._clock.now()
        async with self._store.write() as tx:
            organization = await tx.get_organization(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            check_may_create_group(principal, organization)
            replay = Replay(organization_id, "CreateGroup", idempotency_key)
            answer = await replay.answer(tx)
            if answer is not None:
                created = await tx.get_group(organization_id, answer["group_id"])
                if created is None:
                    raise NotFound("The group created by this request no longer exists.")
                return created
            if await tx.find_group_by_name(organization_id, checked.name) is not None:
                raise AlreadyExists(f"A group named {checked.name!r} exists.", reason="GROUP_NAME_TAKEN")
            group = Group(
                id=new_id(),
                organization_id=organization_id,
                name=checked.name,
                description=checked.description,
                kind=GroupKind(checked.kind),
                category=checked.category,
                is_default=checked.is_default and principal.has(roles.GROUPS_MANAGE),
                locked=checked.locked,
                created_at=now,
                updated_at=now,
            )
            await tx.insert_group(group)
            await tx.record_events(GroupChanged(principal, now, group, "created", group))
            caller = await self._caller(tx, principal, organization_id)
            if caller is not None:
                # Whoever creates a group administers it (a member allowed to create groups can then fill it).
                await tx.add_group_members(group, [caller.id], True, now)
                group = replace(group, member_count=1)
                await tx.record_events(GroupMembersChanged(principal, now, group, (caller.id,), "added", True))
            await replay.keep(tx, {"group_id": group.id})
            return group

    async def get_group(self, principal: Principal, organization_id: str, group_id: str) -> Group:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            return await self._group(tx, organization_id, group_id)

    async def list_groups(self, principal: Principal, query: GroupQuery) -> list[Group]:
        principal.authorize(roles.MEMBERS_READ, query.organization_id)
        if query.kind is not None and query.kind not in {k.value for k in GroupKind}:
            raise InvalidArgument(f"Unknown kind {query.kind!r}.", [FieldViolation("filter", "unknown kind")])
        async with self._store.read() as tx:
            return await tx.list_groups(query)

    async def update_group(
        self,
        principal: Principal,
        organization_id: str,
        group_id: str,
        changes: dict[str, object],
        etag: str = "",
    ) -> Group:
        principal.require_organization(organization_id)
        unknown = set(changes) - UPDATABLE_GROUP_FIELDS
        if not changes or unknown:
            raise InvalidArgument(
                "update_mask must name fields that can be changed.",
                [FieldViolation("update_mask", f"one or more of {sorted(UPDATABLE_GROUP_FIELDS)}")],
            )
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await self._group(tx, organization_id, group_id)
            check_not_scim_locked(principal, before)
            caller = await self._caller(tx, principal, organization_id)
            is_admin = caller is not None and await tx.is_group_admin(group_id, caller.id)
            if not may_manage(principal, is_admin):
                raise PermissionDenied("Only admins of this group change it.", reason="MISSING_PERMISSION")
            if "is_default" in changes and not principal.has(roles.GROUPS_MANAGE):
                raise PermissionDenied(
                    "Only those who manage all groups choose default groups.", reason="MISSING_PERMISSION"
                )
            if etag and etag != group_etag(before):
                raise Aborted("The group changed since you read it; read it again.", reason="ETAG_MISMATCH")
            merged = GroupFields(
                name=str(changes.get("name", before.name)),
                description=str(changes.get("description", before.description)),
                kind=before.kind.value,
                category=str(changes.get("category", before.category)),
            )
            checked = checked_new_group(merged)
            if checked.name.lower() != before.name.lower() and await tx.find_group_by_name(
                organization_id, checked.name
            ):
                raise AlreadyExists(f"A group named {checked.name!r} exists.", reason="GROUP_NAME_TAKEN")
            after = replace(
                before,
                name=checked.name,
                description=checked.description,
                category=checked.category,
                is_default=bool(changes.get("is_default", before.is_default)),
                locked=bool(changes.get("locked", before.locked)),
                updated_at=now,
                version=before.version + 1,
            )
            if not await tx.update_group(after, expected_version=before.version):
                raise Aborted("The group changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(GroupChanged(principal, now, after, "updated", before))
            return after

    async def delete_group(self, principal: Principal, organization_id: str, group_id: str) -> None:
        principal.authorize(roles.GROUPS_MANAGE, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            group = await self._group(tx, organization_id, group_id)
            check_not_scim_locked(principal, group)
            await tx.delete_group(group)
            await tx.record_events(GroupChanged(principal, now, group, "deleted", group))

    async def add_group_members(
        self, principal: Principal, organization_id: str, group_id: str, member_ids: Sequence[str], as_admins: bool
    ) -> list[GroupMemberOutcome]:
        principal.require_organization(organization_id)
        _check_count(member_ids, "member_ids", MAX_MEMBERS_PER_CALL)
        if as_admins and not principal.has(roles.GROUPS_MANAGE):
            raise PermissionDenied("Only those who manage all groups name group admins.", reason="MISSING_PERMISSION")
        async with self._store.write() as tx:
            group = await self._group(tx, organization_id, group_id)
            check_not_scim_locked(principal, group)
            return await self._add(tx, principal, group, list(member_ids), as_admins)

    async def remove_group_members(
        self, principal: Principal, organization_id: str, group_id: str, member_ids: Sequence[str]
    ) -> list[GroupMemberOutcome]:
        principal.require_organization(organization_id)
        _check_count(member_ids, "member_ids", MAX_MEMBERS_PER_CALL)
        async with self._store.write() as tx:
            group = await self._group(tx, organization_id, group_id)
            check_not_scim_locked(principal, group)
            return await self._remove(tx, principal, group, list(member_ids))

    async def remove_member_from_groups(
        self, principal: Principal, organization_id: str, member_id: str, group_ids: Sequence[str]
    ) -> list[GroupMemberOutcome]:
        """One member out of several groups, in one transaction; one result per group."""
        return await self._one_member(principal, organization_id, member_id, group_ids, adding=False)

    async def _one_member(
        self, principal: Principal, organization_id: str, member_id: str, group_ids: Sequence[str], *, adding: bool
    ) -> list[GroupMemberOutcome]:
        """change_groups_of_members for one member: its results, or the error that refuses it (no such member,
        too many workspaces) raised."""
        changed = await self.change_groups_of_members(principal, organization_id, [member_id], group_ids, adding=adding)
        result = changed[member_id]
        if isinstance(result, DomainError):
            raise result
        return result

    async def change_groups_of_members(
        self,
        principal: Principal,
        organization_id: str,
        member_ids: Sequence[str],
        group_ids: Sequence[str],
        *,
        adding: bool,
    ) -> dict[str, list[GroupMemberOutcome] | DomainError]:
        """Several members into (or out of) several groups in one transaction (a bulk action), in a number of
        statements that grows with neither: the members, the groups, the caller's admin groups and who is already
        where are each read once, every group's change is one insert (or delete), and the events one outbox write.
        Per member: one result per group, or the error that refuses the member as a whole."""
        principal.require_organization(organization_id)
        _check_count(group_ids, "group_ids", MAX_GROUPS_PER_CALL)
        wanted = list(dict.fromkeys(member_ids))
        now = self._clock.now()
        async with self._store.write() as tx:
            members = await tx.members_by_ids(organization_id, wanted)
            found = await tx.groups_by_ids(organization_id, list(dict.fromkeys(group_ids)))
            results: dict[str, list[GroupMemberOutcome] | DomainError] = {
                m: NotFound("No such member.") for m in wanted if m not in members
            }
            present = [m for m in wanted if m in members]
            if adding:
                try:
                    check_workspace_limit(list(found.values()))
                except DomainError as exc:
                    return {**results, **dict.fromkeys(present, exc)}
            caller = await self._caller(tx, principal, organization_id)
            administered = await tx.groups_administered_by(caller.id, list(found)) if caller else set()
            inside: dict[str, set[str]] = {group_id: set() for group_id in found}
            for group_id, member_id in await tx.group_memberships(list(found), present):
                inside[group_id].add(member_id)
            by_member: dict[str, list[GroupMemberOutcome]] = {m: [] for m in present}
            changes: list[tuple[Group, list[str]]] = []
            for group_id in group_ids:
                group = found.get(group_id)
                if group is None:
                    for member_id in present:
                        by_member[member_id].append(
                            GroupMemberOutcome(member_id, group_id, "NOT_FOUND", "No such group.")
                        )
                    continue
                admin = group_id in administered
                outcomes, changed = (
                    decide_additions(principal, group, caller, admin, members, inside[group_id], present)
                    if adding
                    else decide_removals(principal, group, caller, admin, inside[group_id], present)
                )
                # A group named twice: its second time sees the first's change.
                inside[group_id] = inside[group_id] | set(changed) if adding else inside[group_id] - set(changed)
                for outcome in outcomes:
                    by_member[outcome.member_id].append(outcome)
                if changed:
                    changes.append((group, changed))
            if changes:
                await (tx.add_to_groups(changes, False, now) if adding else tx.remove_from_groups(changes))
                verb = "added" if adding else "removed"
                await tx.record_events(
                    *(GroupMembersChanged(principal, now, group, tuple(ids), verb, False) for group, ids in changes)
                )
            return {**results, **by_member}

    async def _remove(
        self, tx: MembershipTransaction, principal: Principal, group: Group, member_ids: list[str]
    ) -> list[GroupMemberOutcome]:
        now = self._clock.now()
        caller = await self._caller(tx, principal, group.organization_id)
        caller_is_admin = caller is not None and await tx.is_group_admin(group.id, caller.id)
        present = await tx.group_member_ids(group.id, member_ids)
        outcomes, removed = decide_removals(principal, group, caller, caller_is_admin, present, member_ids)
        if removed:
            await tx.remove_group_members(group, removed)
            await tx.record_events(GroupMembersChanged(principal, now, group, tuple(removed), "removed", False))
        return outcomes

    async def list_group_members(
        self, principal: Principal, organization_id: str, group_id: str, limit: int, after_member_id: str | None
    ) -> list[GroupMember]:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            group = await self._group(tx, organization_id, group_id)
            return await tx.list_group_members(group.id, limit, after_member_id)

    async def add_member_to_groups(
        self, principal: Principal, organization_id: str, member_id: str, group_ids: Sequence[str]
    ) -> list[GroupMemberOutcome]:
        """One member into several groups, in one transaction; one result per group."""
        return await self._one_member(principal, organization_id, member_id, group_ids, adding=True)

    async def _add(
        self, tx: MembershipTransaction, principal: Principal, group: Group, member_ids: list[str], as_admins: bool
    ) -> list[GroupMemberOutcome]:
        now = self._clock.now()
        caller = await self._caller(tx, principal, group.organization_id)
        caller_is_admin = caller is not None and await tx.is_group_admin(group.id, caller.id)
        members = await tx.members_by_ids(group.organization_id, member_ids)
        present = await tx.group_member_ids(group.id, member_ids)
        outcomes, added = decide_additions(principal, group, caller, caller_is_admin, members, present, member_ids)
        if added:
            await tx.add_group_members(group, added, as_admins, now)
            await tx.record_events(GroupMembersChanged(principal, now, group, tuple(added), "added", as_admins))
        return outcomes

    async def _group(self, tx: MembershipTransaction, organization_id: str, group_id: str) -> Group:
        group = await tx.get_group(organization_id, group_id[:36])
        if group is None:
            raise NotFound("No such group.")
        return group

    async def _caller(self, tx: MembershipTransaction, principal: Principal, organization_id: str) -> Member | None:
        if not principal.account_id:
            return None
        caller = await tx.find_member_by_account(organization_id, principal.account_id)
        return caller if caller is not None and caller.status is MemberStatus.ACTIVE else None
