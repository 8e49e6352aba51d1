"""Groups' queries, part of membership's transaction (SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.errors import Aborted, AlreadyExists
from services.membership.domain.model import Group, GroupKind, GroupMember, GroupQuery
from services.membership.store.tables import group_members, groups, members

_member_count = (
    select(func.count())
    .select_from(group_members)
    .where(group_members.c.group_id == groups.c.id)
    .correlate(groups)
    .scalar_subquery()
    .label("member_count")
)


def _group(row: Row) -> Group:
    return Group(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        description=row.description,
        kind=GroupKind(row.kind),
        category=row.category,
        is_default=row.is_default,
        locked=row.locked,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        member_count=row.member_count,
        external_id=row.external_id,
        scim_managed=row.scim_managed,
    )


class GroupQueries:
    connection: AsyncConnection

    async def get_group(self, organization_id: str, group_id: str) -> Group | None:
        row = (
            await self.connection.execute(
                select(groups, _member_count).where(
                    groups.c.organization_id == organization_id, groups.c.id == group_id
                )
            )
        ).first()
        return _group(row) if row else None

    async def find_group_by_name(self, organization_id: str, name: str) -> Group | None:
        row = (
            await self.connection.execute(
                select(groups, _member_count).where(
                    groups.c.organization_id == organization_id, groups.c.name_key == name.lower()
                )
            )
        ).first()
        return _group(row) if row else None

    async def insert_group(self, group: Group) -> None:
        """AlreadyExists when a concurrent creation took the name first."""
        try:
            async with self.connection.begin_nested():
                await self._insert_group(group)
        except IntegrityError as exc:
            raise AlreadyExists(f"A group named {group.name!r} exists.", reason="GROUP_NAME_TAKEN") from exc

    async def _insert_group(self, group: Group) -> None:
        await self.connection.execute(
            insert(groups).values(
                id=group.id,
                organization_id=group.organization_id,
                name=group.name,
                name_key=group.name.lower(),
                description=group.description,
                kind=group.kind.value,
                category=group.category,
                is_default=group.is_default,
                locked=group.locked,
                created_at=group.created_at,
                updated_at=group.updated_at,
                version=group.version,
                external_id=group.external_id,
                scim_managed=group.scim_managed,
            )
        )

    async def update_group(self, group: Group, expected_version: int) -> bool:
        result = await self.connection.execute(
            update(groups)
            .where(groups.c.id == group.id, groups.c.version == expected_version)
            .values(
                name=group.name,
                name_key=group.name.lower(),
                description=group.description,
                category=group.category,
                is_default=group.is_default,
                locked=group.locked,
                updated_at=group.updated_at,
                version=group.version,
                external_id=group.external_id,
            )
        )
        return bool(result.rowcount)

    async def delete_group(self, group: Group) -> None:
        await self.connection.execute(delete(group_members).where(group_members.c.group_id == group.id))
        await self.connection.execute(delete(groups).where(groups.c.id == group.id))

    async def list_groups(self, query: GroupQuery) -> list[Group]:
        statement = select(groups, _member_count).where(groups.c.organization_id == query.organization_id)
        if query.kind:
            statement = statement.where(groups.c.kind == query.kind)
        if query.category is not None:
            statement = statement.where(groups.c.category == query.category)
        if query.after:
            name_key, group_id = query.after
            statement = statement.where(
                or_(groups.c.name_key > name_key, and_(groups.c.name_key == name_key, groups.c.id > group_id))
            )
        statement = statement.order_by(groups.c.name_key, groups.c.id).limit(query.limit)
        return [_group(row) for row in await self.connection.execute(statement)]

    async def groups_by_ids(self, organization_id: str, group_ids: Sequence[str]) -> dict[str, Group]:
        rows = await self.connection.execute(
            select(groups, _member_count).where(
                groups.c.organization_id == organization_id, groups.c.id.in_(list(group_ids))
            )
        )
        return {row.id: _group(row) for row in rows}

    async def group_member_ids(self, group_id: str, member_ids: Sequence[str]) -> set[str]:
        return {member for _, member in await self.group_memberships([group_id], member_ids)}

    async def group_memberships(self, group_ids: Sequence[str], member_ids: Sequence[str]) -> set[tuple[str, str]]:
        """(group, member) for each of the members in each of the groups, in one query."""
        rows = await self.connection.execute(
            select(group_members.c.group_id, group_members.c.member_id).where(
                group_members.c.group_id.in_(list(group_ids)), group_members.c.member_id.in_(list(member_ids))
            )
        )
        return {(row[0], row[1]) for row in rows}

    async def is_group_admin(self, group_id: str, member_id: str) -> bool:
        return group_id in await self.groups_administered_by(member_id, [group_id])

    async def groups_administered_by(self, member_id: str, group_ids: Sequence[str]) -> set[str]:
        """Which of the groups the member is an admin of, in one query."""
        rows = await self.connection.execute(
            select(group_members.c.group_id).where(
                group_members.c.group_id.in_(list(group_ids)),
                group_members.c.member_id == member_id,
                group_members.c.is_admin.is_(True),
            )
        )
        return set(rows.scalars())

    async def add_group_members(self, group: Group, member_ids: Sequence[str], as_admins: bool, now: datetime) -> None:
        await self.add_to_groups([(group, member_ids)], as_admins, now)

    async def add_to_groups(
        self, additions: Sequence[tuple[Group, Sequence[str]]], as_admins: bool, now: datetime
    ) -> None:
        """Each group's new members, all in one insert. Aborted when a concurrent call added one of them first
        (the caller's read of the group is stale)."""
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    insert(group_members),
                    [
                        {
                            "group_id": group.id,
                            "member_id": member_id,
                            "organization_id": group.organization_id,
                            "is_admin": as_admins,
                            "added_at": now,
                        }
                        for group, member_ids in additions
                        for member_id in member_ids
                    ],
                )
        except IntegrityError as exc:
            raise Aborted("The group's members changed concurrently; retry.", reason="CONCURRENT_CHANGE") from exc

    async def remove_group_members(self, group: Group, member_ids: Sequence[str]) -> None:
        await self.remove_from_groups([(group, member_ids)])

    async def remove_from_groups(self, removals: Sequence[tuple[Group, Sequence[str]]]) -> None:
        """Each group's leaving members, all in one delete."""
        await self.connection.execute(
            delete(group_members).where(
                or_(
                    *(
                        and_(group_members.c.group_id == group.id, group_members.c.member_id.in_(list(member_ids)))
                        for group, member_ids in removals
                    )
                )
            )
        )

    async def remove_member_from_groups(self, member_id: str) -> None:
        await self.connection.execute(delete(group_members).where(group_members.c.member_id == member_id))

    async def list_group_members(self, group_id: str, limit: int, after_member_id: str | None) -> list[GroupMember]:
        statement = (
            select(
                group_members.c.group_id,
                group_members.c.member_id,
                group_members.c.is_admin,
                group_members.c.added_at,
                members.c.email,
                members.c.display_name,
            )
            .join(members, members.c.id == group_members.c.member_id)
            .where(group_members.c.group_id == group_id)
        )
        if after_member_id:
            statement = statement.where(group_members.c.member_id < after_member_id)
        statement = statement.order_by(group_members.c.member_id.desc()).limit(limit)
        return [
            GroupMember(row.group_id, row.member_id, row.email, row.display_name, row.is_admin, row.added_at)
            for row in await self.connection.execute(statement)
        ]

    async def organization_group_memberships(self, organization_id: str) -> list[tuple[str, str]]:
        """(group id, member id) of every membership of the organization's groups, in group-name order."""
        rows = await self.connection.execute(
            select(group_members.c.group_id, group_members.c.member_id)
            .join(groups, groups.c.id == group_members.c.group_id)
            .where(group_members.c.organization_id == organization_id)
            .order_by(groups.c.name_key, group_members.c.member_id)
        )
        return [(row.group_id, row.member_id) for row in rows]

    async def default_groups(self, organization_id: str) -> list[Group]:
        rows = await self.connection.execute(
            select(groups, _member_count).where(groups.c.organization_id == organization_id, groups.c.is_default)
        )
        return [_group(row) for row in rows]
