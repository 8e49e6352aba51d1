"""SCIM groups' queries: filtered pages of groups (the filter answered in SQL) and member changes written by id,
never by loading a group's members. Part of membership's transaction (SqlMembershipTransaction mixes it in)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import Group, MemberStatus
from services.membership.domain.scim_filter import And, Compare, Filter, InvalidFilter, Not, Or, Present, ValuePath
from services.membership.domain.scim_groups import ScimGroupQuery
from services.membership.store.groups import _group, _member_count
from services.membership.store.scim_filter_sql import EXACT, KEY, _compare
from services.membership.store.tables import group_members, groups, members

GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:group"
# Attribute (lower-case) → (column, how it compares).
_COLUMNS: dict[str, tuple[Any, str]] = {
    "id": (groups.c.id, EXACT),
    "externalid": (groups.c.external_id, EXACT),
    "displayname": (groups.c.name_key, KEY),
    "meta.created": (groups.c.created_at, EXACT),
    "meta.lastmodified": (groups.c.updated_at, EXACT),
}


def _column(attribute: str, urn: str) -> tuple[Any, str]:
    if urn in ("", GROUP_URN) and attribute in _COLUMNS:
        return _COLUMNS[attribute]
    raise InvalidFilter(f"Groups cannot be filtered on {attribute!r}.")


def _has_member(op: str, value: object) -> ColumnElement[bool]:
    if op != "eq" or not isinstance(value, str):
        raise InvalidFilter("members compares with eq and a member id.")
    return exists().where(group_members.c.group_id == groups.c.id, group_members.c.member_id == value)


def group_condition(tree: Filter) -> ColumnElement[bool]:
    """The SQL condition of a filter on Groups; InvalidFilter for attributes we do not keep."""
    match tree:
        case And(left=left, right=right):
            return and_(group_condition(left), group_condition(right))
        case Or(left=left, right=right):
            return or_(group_condition(left), group_condition(right))
        case Not(inner=inner):
            return not_(group_condition(inner))
        case ValuePath(attribute="members", inner=Compare(attribute="value", op=op, value=value)):
            return _has_member(op, value)
        case Compare(attribute="members" | "members.value", op=op, value=value):
            return _has_member(op, value)
        case Compare(attribute=attribute, op=op, value=value, urn=urn):
            column, mode = _column(attribute, urn)
            if attribute.startswith("meta.") and isinstance(value, str):
                try:
                    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError as exc:
                    raise InvalidFilter(f"{value!r} is not a date-time.") from exc
                return _compare(column, mode, op, moment)
            return _compare(column, mode, op, value)
        case Present(attribute="members" | "members.value"):
            return exists().where(group_members.c.group_id == groups.c.id)
        case Present(attribute=attribute, urn=urn):
            column, _ = _column(attribute, urn)
            return and_(column.is_not(None), column != "")
    raise InvalidFilter("Unsupported filter on Groups.")


class ScimGroupQueries:
    connection: AsyncConnection

    async def list_scim_groups(self, query: ScimGroupQuery) -> tuple[list[Group], int]:
        """One page of the organization's groups matching the filter (in name order), and how many match."""
        where = [groups.c.organization_id == query.organization_id]
        if query.filter is not None:
            where.append(group_condition(query.filter))  # type: ignore[arg-type]
        total = await self.connection.scalar(select(func.count()).select_from(groups).where(*where))
        statement = (
            select(groups, _member_count)
            .where(*where)
            .order_by(groups.c.name_key, groups.c.id)
            .offset(max(query.start_index, 1) - 1)
            .limit(query.count)
        )
        return [_group(row) for row in await self.connection.execute(statement)], int(total or 0)

    async def lock_group(self, organization_id: str, group_id: str) -> Group | None:
        """The group, its row held until commit so member changes to it serialise (SQLite's BEGIN IMMEDIATE
        already serialises writers)."""
        statement = select(groups, _member_count).where(
            groups.c.organization_id == organization_id, groups.c.id == group_id
        )
        if self.connection.dialect.name == "postgresql":
            statement = statement.with_for_update(of=groups)
        row = (await self.connection.execute(statement)).first()
        return _group(row) if row else None

    async def scim_group_members(self, group_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(member id, display name) of each group's members."""
        if not group_ids:
            return {}
        found: dict[str, list[tuple[str, str]]] = {g: [] for g in group_ids}
        rows = await self.connection.execute(
            select(group_members.c.group_id, members.c.id, members.c.display_name)
            .join(members, members.c.id == group_members.c.member_id)
            .where(group_members.c.group_id.in_(list(group_ids)))
            .order_by(group_members.c.group_id, members.c.id)
        )
        for row in rows:
            found[row.group_id].append((row.id, row.display_name))
        return found

    async def all_group_member_ids(self, group_id: str) -> set[str]:
        rows = await self.connection.execute(
            select(group_members.c.member_id).where(group_members.c.group_id == group_id)
        )
        return set(rows.scalars())

    async def live_member_ids(self, organization_id: str, member_ids: Sequence[str]) -> set[str]:
        """Those of the ids that are members of the organization and not removed."""
        if not member_ids:
            return set()
        rows = await self.connection.execute(
            select(members.c.id).where(
                members.c.organization_id == organization_id,
                members.c.id.in_(list(member_ids)),
                members.c.status != MemberStatus.REMOVED.value,
            )
        )
        return set(rows.scalars())

    async def bump_group(self, group: Group, now: datetime, **changes: object) -> None:
        """Writes the changed fields and the next version (the group's row is locked by lock_group)."""
        await self.connection.execute(
            update(groups).where(groups.c.id == group.id).values(version=group.version + 1, updated_at=now, **changes)
        )

    async def remove_all_group_members(self, group: Group) -> None:
        await self.connection.execute(delete(group_members).where(group_members.c.group_id == group.id))
