"""Provisioning's queries (members an identity provider creates and links), part of membership's transaction
(SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.errors import AlreadyExists
from services.membership.domain.model import Member
from services.membership.store.tables import custom_roles, members


class ProvisioningQueries:
    connection: AsyncConnection

    async def find_member_by_external_id(self, organization_id: str, external_id: str) -> Member | None:
        # Imported here: sql.py mixes this class in, so it cannot be imported at module level.
        from services.membership.store.sql import _member

        row = (
            await self.connection.execute(
                select(members, custom_roles.c.permissions.label("custom_permissions"))
                .select_from(
                    members.outerjoin(
                        custom_roles,
                        and_(
                            custom_roles.c.organization_id == members.c.organization_id,
                            custom_roles.c.key == members.c.role,
                        ),
                    )
                )
                .where(members.c.organization_id == organization_id, members.c.external_id == external_id)
            )
        ).first()
        return _member(row) if row else None

    async def active_members_of_account(self, account_id: str, limit: int) -> list[Member]:
        """One account's active members in every organization, oldest first (uq_members_organization_account
        makes one per organization)."""
        from services.membership.store.sql import _member, _members_with_roles

        rows = await self.connection.execute(
            _members_with_roles()
            .where(members.c.account_id == account_id, members.c.status == "active")
            .order_by(members.c.id)
            .limit(limit)
        )
        return [_member(row) for row in rows]

    async def set_member_external_id(self, member: Member, external_id: str | None) -> None:
        """AlreadyExists (reason EXTERNAL_ID_IN_USE) when another member of the organization has that id (also
        under a concurrent write)."""
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    update(members).where(members.c.id == member.id).values(external_id=external_id)
                )
        except IntegrityError as exc:
            raise AlreadyExists(
                "Another member of the organization has this external id.", reason="EXTERNAL_ID_IN_USE"
            ) from exc
