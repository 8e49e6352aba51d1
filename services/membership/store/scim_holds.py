"""The SCIM safety hold's queries, part of membership's transaction (SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.ids import new_id
from services.membership.domain.model import MemberStatus
from services.membership.domain.scim_holds import WINDOW, HeldAction, HeldChange, HoldPolicy
from services.membership.store.tables import members, scim_deprovisions, scim_held_changes, scim_hold_settings


class ScimHoldQueries:
    connection: AsyncConnection

    async def hold_policy(self, organization_id: str) -> HoldPolicy:
        row = (
            await self.connection.execute(
                select(scim_hold_settings).where(scim_hold_settings.c.organization_id == organization_id)
            )
        ).first()
        return HoldPolicy(row.percent, row.floor) if row else HoldPolicy()

    async def save_hold_policy(self, organization_id: str, policy: HoldPolicy) -> None:
        values = {"percent": policy.percent, "floor": policy.floor}
        updated = await self.connection.execute(
            update(scim_hold_settings).where(scim_hold_settings.c.organization_id == organization_id).values(**values)
        )
        if not updated.rowcount:
            await self.connection.execute(insert(scim_hold_settings).values(organization_id=organization_id, **values))

    async def count_members_since(self, organization_id: str, since: datetime) -> int:
        """Members active now or deprovisioned by SCIM since then: the same figure whether or not a recorded
        deprovision has been applied yet."""
        recent = select(scim_deprovisions.c.member_id).where(
            scim_deprovisions.c.organization_id == organization_id, scim_deprovisions.c.at > since
        )
        active = await self.connection.scalar(
            select(func.count()).where(
                members.c.organization_id == organization_id,
                members.c.status == MemberStatus.ACTIVE.value,
                members.c.id.not_in(recent),
            )
        )
        gone = await self.connection.scalar(select(func.count(func.distinct(recent.subquery().c.member_id))))
        return int(active or 0) + int(gone or 0)

    async def count_deprovisions_since(self, organization_id: str, since: datetime) -> int:
        return int(
            await self.connection.scalar(
                select(func.count()).where(
                    scim_deprovisions.c.organization_id == organization_id, scim_deprovisions.c.at > since
                )
            )
            or 0
        )

    async def record_deprovision(self, organization_id: str, member_id: str, at: datetime) -> None:
        # Rows older than the window are never counted again: each write sweeps its organization's.
        await self.connection.execute(
            delete(scim_deprovisions).where(
                scim_deprovisions.c.organization_id == organization_id, scim_deprovisions.c.at < at - WINDOW
            )
        )
        await self.connection.execute(
            insert(scim_deprovisions).values(id=new_id(), organization_id=organization_id, member_id=member_id, at=at)
        )

    async def held_changes(self, organization_id: str) -> list[HeldChange]:
        rows = await self.connection.execute(
            select(scim_held_changes)
            .where(scim_held_changes.c.organization_id == organization_id)
            .order_by(scim_held_changes.c.held_at, scim_held_changes.c.id)
        )
        return [
            HeldChange(row.id, row.organization_id, row.member_id, HeldAction(row.action), row.actor_id, row.held_at)
            for row in rows
        ]

    async def hold_change(self, change: HeldChange) -> bool:
        """False when the same change of the member already waits (a retry of the identity provider)."""
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    insert(scim_held_changes).values(
                        id=change.id,
                        organization_id=change.organization_id,
                        member_id=change.member_id,
                        action=change.action.value,
                        actor_id=change.actor_id[:64],
                        held_at=change.held_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def drop_held_changes(self, organization_id: str, change_ids: Sequence[str]) -> None:
        await self.connection.execute(
            delete(scim_held_changes).where(
                scim_held_changes.c.organization_id == organization_id, scim_held_changes.c.id.in_(list(change_ids))
            )
        )
