"""SCIM users' queries (attributes, emails, filtered pages), part of membership's transaction
(SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.errors import AlreadyExists
from services.membership.domain.model import Member
from services.membership.domain.scim_filter import Filter
from services.membership.domain.scim_model import ScimAttributes, ScimEmail, ScimUserQuery
from services.membership.store.scim_filter_sql import condition, sort_column, user_name_key
from services.membership.store.tables import (
    custom_roles,
    group_members,
    groups,
    members,
    scim_user_emails,
    scim_users,
)


def _attributes(row: Row, emails: list[ScimEmail]) -> ScimAttributes:
    return ScimAttributes(
        user_name=row.user_name,
        given_name=row.given_name,
        family_name=row.family_name,
        title=row.title,
        emails=tuple(emails),
        employee_number=row.employee_number,
        department=row.department,
        cost_center=row.cost_center,
        organization=row.organization_name,
        division=row.division,
        manager_id=row.manager_id,
    )


def _members_with_scim() -> Any:
    return select(members, custom_roles.c.permissions.label("custom_permissions")).select_from(
        members.outerjoin(scim_users, scim_users.c.member_id == members.c.id).outerjoin(
            custom_roles,
            and_(custom_roles.c.organization_id == members.c.organization_id, custom_roles.c.key == members.c.role),
        )
    )


class ScimUserQueries:
    connection: AsyncConnection

    async def scim_attributes(self, member_ids: Sequence[str]) -> dict[str, ScimAttributes]:
        """SCIM attributes of the members that have them."""
        if not member_ids:
            return {}
        emails: dict[str, list[ScimEmail]] = {}
        for row in await self.connection.execute(
            select(scim_user_emails)
            .where(scim_user_emails.c.member_id.in_(list(member_ids)))
            .order_by(scim_user_emails.c.member_id, scim_user_emails.c.position)
        ):
            emails.setdefault(row.member_id, []).append(ScimEmail(row.value, row.type, row.is_primary))
        rows = await self.connection.execute(select(scim_users).where(scim_users.c.member_id.in_(list(member_ids))))
        return {row.member_id: _attributes(row, emails.get(row.member_id, [])) for row in rows}

    async def save_scim_attributes(self, member: Member, attributes: ScimAttributes) -> None:
        """Replace the member's SCIM attributes; AlreadyExists (reason USER_NAME_TAKEN) when another user of the
        organization has that userName (also under a concurrent write)."""
        values = {
            "organization_id": member.organization_id,
            "user_name": attributes.user_name,
            "user_name_key": attributes.user_name.lower(),
            "given_name": attributes.given_name,
            "family_name": attributes.family_name,
            "title": attributes.title,
            "employee_number": attributes.employee_number,
            "department": attributes.department,
            "cost_center": attributes.cost_center,
            "organization_name": attributes.organization,
            "division": attributes.division,
            "manager_id": attributes.manager_id,
        }
        try:
            async with self.connection.begin_nested():
                updated = await self.connection.execute(
                    update(scim_users).where(scim_users.c.member_id == member.id).values(**values)
                )
                if not updated.rowcount:
                    await self.connection.execute(insert(scim_users).values(member_id=member.id, **values))
        except IntegrityError as exc:
            raise AlreadyExists(
                f"Another user has the userName {attributes.user_name!r}.", reason="USER_NAME_TAKEN"
            ) from exc
        await self.connection.execute(delete(scim_user_emails).where(scim_user_emails.c.member_id == member.id))
        if attributes.emails:
            await self.connection.execute(
                insert(scim_user_emails),
                [
                    {
                        "member_id": member.id,
                        "position": position,
                        "organization_id": member.organization_id,
                        "value": email.value,
                        "value_key": email.value.lower(),
                        "type": email.type.lower(),
                        "is_primary": email.primary,
                    }
                    for position, email in enumerate(attributes.emails)
                ],
            )

    async def delete_scim_attributes(self, member_id: str) -> None:
        await self.connection.execute(delete(scim_user_emails).where(scim_user_emails.c.member_id == member_id))
        await self.connection.execute(delete(scim_users).where(scim_users.c.member_id == member_id))

    async def set_member_email(self, member: Member, email: str) -> None:
        """AlreadyExists when another member of the organization has that email."""
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(update(members).where(members.c.id == member.id).values(email=email))
        except IntegrityError as exc:
            raise AlreadyExists(f"{email} is already a member.", reason="ALREADY_MEMBER") from exc

    async def find_member_by_user_name(self, organization_id: str, user_name: str) -> Member | None:
        from services.membership.store.sql import _member

        row = (
            await self.connection.execute(
                _members_with_scim().where(
                    members.c.organization_id == organization_id, user_name_key == user_name.lower()
                )
            )
        ).first()
        return _member(row) if row else None

    async def has_scim_user_name(self, organization_id: str, user_name: str) -> str | None:
        """The member holding this SCIM userName (case-insensitively), if any."""
        found = await self.connection.scalar(
            select(scim_users.c.member_id).where(
                scim_users.c.organization_id == organization_id, scim_users.c.user_name_key == user_name.lower()
            )
        )
        return str(found) if found is not None else None

    async def list_scim_members(self, query: ScimUserQuery) -> tuple[list[Member], int]:
        """One page of the organization's members matching the filter, and how many match in all."""
        from services.membership.store.sql import _member

        where = [members.c.organization_id == query.organization_id]
        if query.filter is not None:
            tree: Filter = query.filter  # type: ignore[assignment]
            where.append(condition(tree, query.organization_id))
        total = await self.connection.scalar(
            select(func.count())
            .select_from(members.outerjoin(scim_users, scim_users.c.member_id == members.c.id))
            .where(*where)
        )
        statement = _members_with_scim().where(*where)
        if query.sort_by:
            column = sort_column(query.sort_by)
            statement = statement.order_by(column.desc() if query.descending else column.asc(), members.c.id)
        else:
            statement = statement.order_by(members.c.id)
        statement = statement.offset(max(query.start_index, 1) - 1).limit(query.count)
        return [_member(row) for row in await self.connection.execute(statement)], int(total or 0)

    async def group_refs(self, member_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(group id, name) of each member's groups."""
        if not member_ids:
            return {}
        found: dict[str, list[tuple[str, str]]] = {}
        rows = await self.connection.execute(
            select(group_members.c.member_id, groups.c.id, groups.c.name)
            .select_from(group_members.join(groups, groups.c.id == group_members.c.group_id))
            .where(group_members.c.member_id.in_(list(member_ids)))
            .order_by(groups.c.name_key)
        )
        for row in rows:
            found.setdefault(row.member_id, []).append((row.id, row.name))
        return found
