"""SCIM Groups (RFC 7644) over membership's groups. A group created through SCIM is SCIM-managed: people cannot
edit it (domain/groups.py refuses them), its identity provider keeps editing it here. Member changes are written
by id under the group's row lock, so concurrent PATCHes end in the union of their changes; each change bumps the
group's version (the ETag) and publishes the groups' own events with the SCIM token as actor."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from services.common.errors import Aborted, AlreadyExists, FieldViolation, InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain.events import GroupChanged, GroupMembersChanged
from services.membership.domain.groups import GroupFields, checked_new_group
from services.membership.domain.model import Group, GroupKind
from services.membership.domain.ports import Clock, MembershipTransaction
from services.membership.domain.provisioning import authorize_provisioning
from services.membership.domain.replays import Replay
from services.membership.domain.scim_dry_run import DryRun, DryRunKind, ScimSettingsTransaction
from services.membership.domain.scim_dry_run_answers import describe_group_plan
from services.membership.domain.scim_filter import InvalidFilter, parse_filter
from services.membership.domain.scim_group_patch import GroupPlan, ScimGroupFields, plan_patch
from services.membership.domain.scim_patch import PatchOperation
from services.membership.domain.scim_users import InvalidScimFilter, authorize_reading

MAX_PAGE = 1000
MAX_EXTERNAL_ID = 255


@dataclass(frozen=True)
class ScimGroupQuery:
    organization_id: str
    # Parsed filter (domain/scim_filter.py), None for every group.
    filter: object | None
    start_index: int = 1
    count: int = 100


@dataclass(frozen=True)
class ScimGroup:
    group: Group
    # (member id, display name) of its members; None when they were not asked for.
    members: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class ScimGroupPage:
    groups: list[ScimGroup]
    total_results: int


class ScimGroupTransaction(ScimSettingsTransaction, MembershipTransaction, Protocol):
    """Membership's transaction with the SCIM groups' queries (store/scim_groups.py)."""

    async def list_scim_groups(self, query: ScimGroupQuery) -> tuple[list[Group], int]: ...
    async def lock_group(self, organization_id: str, group_id: str) -> Group | None: ...
    async def scim_group_members(self, group_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]: ...
    async def all_group_member_ids(self, group_id: str) -> set[str]: ...
    async def live_member_ids(self, organization_id: str, member_ids: Sequence[str]) -> set[str]: ...
    async def bump_group(self, group: Group, now: datetime, **changes: object) -> None: ...


class ScimGroupStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ScimGroupTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ScimGroupTransaction]: ...


def _external_id(text: str) -> str | None:
    cleaned = text.strip()
    if len(cleaned) > MAX_EXTERNAL_ID:
        raise InvalidArgument(
            "externalId is too long.",
            [FieldViolation("externalId", f"at most {MAX_EXTERNAL_ID}")],
            reason="invalidValue",
        )
    return cleaned or None


def _name(text: str) -> str:
    try:
        return checked_new_group(GroupFields(name=text)).name
    except InvalidArgument as exc:
        raise InvalidArgument(
            "displayName must be 1 to 100 printable characters.",
            [FieldViolation("displayName", "1 to 100 printable characters")],
            reason="invalidValue",
        ) from exc


def _would_be_group(
    group_id: str,
    organization_id: str,
    name: str,
    external_id: str | None,
    now: datetime,
    member_ids: Sequence[str] = (),
) -> ScimGroup:
    """The group a dry-run create answers with (never written)."""
    group = Group(
        id=group_id,
        organization_id=organization_id,
        name=name,
        description="",
        kind=GroupKind.TEAM,
        category="",
        is_default=False,
        locked=False,
        created_at=now,
        updated_at=now,
        external_id=external_id,
        scim_managed=True,
    )
    return ScimGroup(group, tuple((m, "") for m in member_ids))


class ScimGroupUseCases:
    def __init__(self, store: ScimGroupStore, clock: Clock):
        self._store = store
        self._clock = clock
        self._dry_run = DryRun(store, clock)

    async def create(
        self, principal: Principal, organization_id: str, fields: ScimGroupFields, idempotency_key: str = ""
    ) -> ScimGroup:
        """A new SCIM-managed group; ALREADY_EXISTS (GROUP_NAME_TAKEN) when a group has that name."""
        authorize_provisioning(principal, organization_id)
        name = _name(fields.display_name)
        external_id = _external_id(fields.external_id)
        now = self._clock.now()
        # The id a dry run gave this group name: the IdP may have stored it.
        dry_run, dry_run_id = await self._dry_run.before_create(organization_id, DryRunKind.CREATE_GROUP, name)
        if dry_run:
            return await self._create_dry_run(principal, organization_id, name, external_id, fields, dry_run_id)
        async with self._store.write() as tx:
            replay = Replay(organization_id, "ScimCreateGroup", idempotency_key)
            answer = await replay.answer(tx)
            if answer is None:
                if await tx.get_organization(organization_id) is None:
                    raise NotFound("No such organization.")
                if await tx.find_group_by_name(organization_id, name) is not None:
                    raise AlreadyExists(f"A group named {name!r} exists.", reason="GROUP_NAME_TAKEN")
                free = dry_run_id is not None and await tx.get_group(organization_id, dry_run_id) is None
                group = Group(
                    id=dry_run_id if free and dry_run_id else new_id(),
                    organization_id=organization_id,
                    name=name,
                    description="",
                    kind=GroupKind.TEAM,
                    category="",
                    is_default=False,
                    locked=False,
                    created_at=now,
                    updated_at=now,
                    external_id=external_id,
                    scim_managed=True,
                )
                await tx.insert_group(group)
                await tx.record_events(GroupChanged(principal, now, group, "created", group))
                await self._add(tx, principal, group, list(fields.member_ids or ()), now)
                await replay.keep(tx, {"group_id": group.id})
                group_id = group.id
            else:
                group_id = str(answer["group_id"])
        return await self.get(principal, organization_id, group_id)

    async def _create_dry_run(
        self,
        principal: Principal,
        organization_id: str,
        name: str,
        external_id: str | None,
        fields: ScimGroupFields,
        dry_run_id: str | None,
    ) -> ScimGroup:
        """Checked as a live create would be (a taken name is a 409), recorded, answered as sent."""
        now = self._clock.now()
        async with self._store.read() as tx:
            if await tx.get_organization(organization_id) is None:
                raise NotFound("No such organization.")
            if await tx.find_group_by_name(organization_id, name) is not None:
                raise AlreadyExists(f"A group named {name!r} exists.", reason="GROUP_NAME_TAKEN")
        group_id = dry_run_id or new_id()
        member_ids = list(dict.fromkeys(fields.member_ids or ()))
        summary = describe_group_plan(
            GroupPlan(display_name=name, external_id=external_id, adds=dict.fromkeys(member_ids))
        )
        await self._dry_run.record(principal, organization_id, DryRunKind.CREATE_GROUP, group_id, name, summary)
        return _would_be_group(group_id, organization_id, name, external_id, now, member_ids)

    async def _dry_run_change(
        self,
        principal: Principal,
        organization_id: str,
        group_id: str,
        kind: DryRunKind,
        summary: str,
        expected_version: int,
        with_members: bool = True,
    ) -> ScimGroup | None:
        """In dry-run mode: the group as it is (404 and 412 as a live write), the change recorded; else None."""
        if not await self._dry_run.active(organization_id):
            return None
        authorize_provisioning(principal, organization_id)
        try:
            current = await self.get(principal, organization_id, group_id, with_members)
        except NotFound:
            # A group a dry-run create made (never written): recorded as an existing one would be.
            name = await self._dry_run.created_target(organization_id, DryRunKind.CREATE_GROUP, group_id)
            if name is None:
                raise
            current = _would_be_group(group_id[:36], organization_id, name, None, self._clock.now())
        if expected_version and expected_version != current.group.version:
            raise Aborted("The group changed since it was read.", reason="ETAG_MISMATCH")
        await self._dry_run.record(principal, organization_id, kind, current.group.id, current.group.name, summary)
        return current

    async def get(
        self, principal: Principal, organization_id: str, group_id: str, with_members: bool = True
    ) -> ScimGroup:
        authorize_reading(principal, organization_id)
        async with self._store.read() as tx:
            group = await tx.get_group(organization_id, group_id[:36])
            if group is None:
                raise NotFound(f"No group {group_id!r}.")
            return (await self._groups(tx, [group], with_members))[0]

    async def list_groups(
        self,
        principal: Principal,
        organization_id: str,
        filter_text: str = "",
        start_index: int = 1,
        count: int = 100,
        with_members: bool = True,
    ) -> ScimGroupPage:
        authorize_reading(principal, organization_id)
        try:
            tree = parse_filter(filter_text) if filter_text.strip() else None
            query = ScimGroupQuery(organization_id, tree, max(start_index, 1), min(max(count, 0), MAX_PAGE))
            async with self._store.read() as tx:
                found, total = await tx.list_scim_groups(query)
                listed = await self._groups(tx, found, with_members) if query.count else []
        except InvalidFilter as exc:
            raise InvalidScimFilter(str(exc)) from exc
        return ScimGroupPage(listed, total)

    async def replace(
        self,
        principal: Principal,
        organization_id: str,
        group_id: str,
        fields: ScimGroupFields,
        expected_version: int = 0,
    ) -> ScimGroup:
        plan = GroupPlan(
            display_name=fields.display_name,
            external_id=fields.external_id,
            members=dict.fromkeys(fields.member_ids or ()),
        )
        summary = describe_group_plan(plan)
        dry = await self._dry_run_change(
            principal, organization_id, group_id, DryRunKind.REPLACE_GROUP, summary, expected_version
        )
        if dry is not None:
            return dry
        await self._change(principal, organization_id, group_id, plan, expected_version)
        return await self.get(principal, organization_id, group_id)

    async def patch(
        self,
        principal: Principal,
        organization_id: str,
        group_id: str,
        operations: list[PatchOperation],
        expected_version: int = 0,
        with_members: bool = False,
    ) -> ScimGroup:
        plan = plan_patch(operations)
        summary = describe_group_plan(plan)
        dry = await self._dry_run_change(
            principal, organization_id, group_id, DryRunKind.PATCH_GROUP, summary, expected_version, with_members
        )
        if dry is not None:
            return dry
        await self._change(principal, organization_id, group_id, plan, expected_version)
        return await self.get(principal, organization_id, group_id, with_members)

    async def delete(
        self, principal: Principal, organization_id: str, group_id: str, expected_version: int = 0
    ) -> None:
        authorize_provisioning(principal, organization_id)
        if await self._dry_run_change(
            principal, organization_id, group_id, DryRunKind.DELETE_GROUP, "delete", expected_version, False
        ):
            return
        now = self._clock.now()
        async with self._store.write() as tx:
            group = await self._locked(tx, organization_id, group_id, expected_version)
            await tx.delete_group(group)
            await tx.record_events(GroupChanged(principal, now, group, "deleted", group))

    async def _change(
        self, principal: Principal, organization_id: str, group_id: str, plan: GroupPlan, expected_version: int
    ) -> None:
        authorize_provisioning(principal, organization_id)
        name = _name(plan.display_name) if plan.display_name is not None else None
        external_id = _external_id(plan.external_id) if plan.external_id is not None else None
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id, group_id, expected_version)
            after = replace(before, version=before.version + 1, updated_at=now, scim_managed=True)
            changes: dict[str, object] = {"scim_managed": True}
            if name is not None and name != before.name:
                if name.lower() != before.name.lower() and await tx.find_group_by_name(organization_id, name):
                    raise AlreadyExists(f"A group named {name!r} exists.", reason="GROUP_NAME_TAKEN")
                changes.update(name=name, name_key=name.lower())
                after = replace(after, name=name)
            if plan.external_id is not None and external_id != before.external_id:
                changes["external_id"] = external_id
                after = replace(after, external_id=external_id)
            adds, removes = list(plan.adds), list(plan.removes)
            if plan.members is not None:
                current = await tx.all_group_member_ids(before.id)
                adds = [m for m in plan.members if m not in current]
                removes = sorted(current - set(plan.members))
            await tx.bump_group(before, now, **changes)
            if after.name != before.name or after.external_id != before.external_id:
                await tx.record_events(GroupChanged(principal, now, after, "updated", before))
            await self._add(tx, principal, after, adds, now)
            await self._remove(tx, principal, after, removes, now)

    async def _locked(
        self, tx: ScimGroupTransaction, organization_id: str, group_id: str, expected_version: int
    ) -> Group:
        group = await tx.lock_group(organization_id, group_id[:36])
        if group is None:
            raise NotFound(f"No group {group_id!r}.")
        if expected_version and expected_version != group.version:
            raise Aborted("The group changed since it was read.", reason="ETAG_MISMATCH")
        return group

    async def _add(
        self, tx: ScimGroupTransaction, principal: Principal, group: Group, member_ids: list[str], now: datetime
    ) -> None:
        if not member_ids:
            return
        live = await tx.live_member_ids(group.organization_id, member_ids)
        unknown = [m for m in member_ids if m not in live]
        if unknown:
            raise InvalidArgument(
                f"No user {unknown[0]!r} in this organization.",
                [FieldViolation("members", f"unknown user {unknown[0]!r}")],
                reason="invalidValue",
            )
        present = await tx.group_member_ids(group.id, member_ids)
        added = [m for m in dict.fromkeys(member_ids) if m not in present]
        if added:
            await tx.add_group_members(group, added, False, now)
            await tx.record_events(GroupMembersChanged(principal, now, group, tuple(added), "added", False))

    async def _remove(
        self, tx: ScimGroupTransaction, principal: Principal, group: Group, member_ids: list[str], now: datetime
    ) -> None:
        """Removing someone not in the group is already done (idempotent, as identity providers retry)."""
        if not member_ids:
            return
        present = await tx.group_member_ids(group.id, member_ids)
        removed = [m for m in dict.fromkeys(member_ids) if m in present]
        if removed:
            await tx.remove_group_members(group, removed)
            await tx.record_events(GroupMembersChanged(principal, now, group, tuple(removed), "removed", False))

    async def _groups(self, tx: ScimGroupTransaction, found: list[Group], with_members: bool) -> list[ScimGroup]:
        if not with_members:
            return [ScimGroup(g) for g in found]
        members = await tx.scim_group_members([g.id for g in found])
        return [ScimGroup(g, tuple(members.get(g.id, []))) for g in found]
