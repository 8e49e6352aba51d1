"""Membership's queries on organizations, members, invitations, custom roles and what it keeps from other
services' events. With store/groups.py and store/profiles.py (mixed into the transaction) and the table
declarations in store/tables.py, the store is the only room with SQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Row, Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import AlreadyExists
from services.common.mail_outbox import MailOutboxQueries
from services.common.messaging import Outbox
from services.common.store import OutboxStore, OutboxTransaction
from services.membership.domain.events import DomainEvent
from services.membership.domain.model import (
    GroupCreationPolicy,
    Invitation,
    Member,
    MemberCounts,
    MemberOrder,
    MemberQuery,
    MemberStatus,
    Organization,
)
from services.membership.store.avatars import AvatarQueries
from services.membership.store.custom_roles import CustomRoleQueries
from services.membership.store.groups import GroupQueries
from services.membership.store.profiles import ProfileQueries
from services.membership.store.provisioning import ProvisioningQueries
from services.membership.store.scim_dry_run import ScimDryRunQueries
from services.membership.store.scim_groups import ScimGroupQueries
from services.membership.store.scim_holds import ScimHoldQueries
from services.membership.store.scim_users import ScimUserQueries
from services.membership.store.tables import (
    custom_roles,
    group_members,
    idempotency_keys,
    invitation_policies,
    invitations,
    mail_outbox,
    member_profile_values,
    members,
    organizations,
)


def _members_with_roles() -> Select[Any]:
    """Members with their custom role's permissions (NULL for built-in roles), so a member read from the store
    knows what its role grants."""
    return select(members, custom_roles.c.permissions.label("custom_permissions")).select_from(
        members.outerjoin(
            custom_roles,
            and_(custom_roles.c.organization_id == members.c.organization_id, custom_roles.c.key == members.c.role),
        )
    )


def _member(row: Row) -> Member:
    custom = getattr(row, "custom_permissions", None)
    return Member(
        id=row.id,
        organization_id=row.organization_id,
        account_id=row.account_id,
        email=row.email,
        display_name=row.display_name,
        role=row.role,
        status=MemberStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        last_sign_in_at=row.last_sign_in_at,
        custom_role_permissions=frozenset(json.loads(custom)) if custom else None,
        external_id=row.external_id,
        seat=row.seat,
    )


def _invitation(row: Row) -> Invitation:
    return Invitation(
        id=row.id,
        organization_id=row.organization_id,
        member_id=row.member_id,
        email=row.email,
        role=row.role,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        token_version=row.token_version,
    )


class SqlMembershipTransaction(
    AvatarQueries,
    CustomRoleQueries,
    ProvisioningQueries,
    ScimUserQueries,
    ScimGroupQueries,
    ScimHoldQueries,
    ScimDryRunQueries,
    GroupQueries,
    ProfileQueries,
    MailOutboxQueries,
    OutboxTransaction,
):
    idempotency_keys = idempotency_keys
    mail_outbox = mail_outbox

    async def get_organization(self, organization_id: str) -> Organization | None:
        row = (
            await self.connection.execute(select(organizations).where(organizations.c.id == organization_id))
        ).first()
        if row is None:
            return None
        return Organization(
            row.id,
            row.display_name,
            row.created_at,
            row.version,
            logo_url=row.logo_url,
            brand_color=row.brand_color,
            secondary_color=row.secondary_color,
            accent_color=row.accent_color,
            welcome_message=row.welcome_message,
            welcome_video_url=row.welcome_video_url,
            group_creation_policy=GroupCreationPolicy(row.group_creation_policy),
            invitation_ttl_days=row.invitation_ttl_days,
            deletion_scheduled_at=row.deletion_scheduled_at,
            requested_deletion_at=row.requested_deletion_at,
        )

    async def insert_organization(self, organization: Organization) -> None:
        await self.connection.execute(
            insert(organizations).values(
                id=organization.id,
                display_name=organization.display_name,
                created_at=organization.created_at,
                version=organization.version,
                logo_url=organization.logo_url,
                brand_color=organization.brand_color,
                secondary_color=organization.secondary_color,
                accent_color=organization.accent_color,
                welcome_message=organization.welcome_message,
                welcome_video_url=organization.welcome_video_url,
                group_creation_policy=organization.group_creation_policy.value,
                invitation_ttl_days=organization.invitation_ttl_days,
            )
        )

    async def update_organization(self, organization: Organization, expected_version: int) -> bool:
        result = await self.connection.execute(
            update(organizations)
            .where(organizations.c.id == organization.id, organizations.c.version == expected_version)
            .values(
                display_name=organization.display_name,
                logo_url=organization.logo_url,
                brand_color=organization.brand_color,
                secondary_color=organization.secondary_color,
                accent_color=organization.accent_color,
                welcome_message=organization.welcome_message,
                welcome_video_url=organization.welcome_video_url,
                group_creation_policy=organization.group_creation_policy.value,
                invitation_ttl_days=organization.invitation_ttl_days,
                version=organization.version,
            )
        )
        return bool(result.rowcount)

    async def count_members(self, organization_id: str) -> MemberCounts:
        rows = await self.connection.execute(
            select(members.c.status, func.count())
            .where(members.c.organization_id == organization_id)
            .group_by(members.c.status)
        )
        counts = {status: count for status, count in rows}
        return MemberCounts(
            active=counts.get(MemberStatus.ACTIVE.value, 0),
            invited=counts.get(MemberStatus.INVITED.value, 0),
            deactivated=counts.get(MemberStatus.DEACTIVATED.value, 0),
        )

    async def find_member_by_email(self, organization_id: str, email: str) -> Member | None:
        row = (
            await self.connection.execute(
                _members_with_roles().where(members.c.organization_id == organization_id, members.c.email == email)
            )
        ).first()
        return _member(row) if row else None

    async def find_member_by_account(self, organization_id: str, account_id: str) -> Member | None:
        row = (
            await self.connection.execute(
                _members_with_roles().where(
                    members.c.organization_id == organization_id, members.c.account_id == account_id
                )
            )
        ).first()
        return _member(row) if row else None

    async def get_member(self, organization_id: str, member_id: str) -> Member | None:
        row = (
            await self.connection.execute(
                _members_with_roles().where(members.c.organization_id == organization_id, members.c.id == member_id)
            )
        ).first()
        return _member(row) if row else None

    async def insert_member(self, member: Member) -> None:
        """AlreadyExists when the email or account is a member already (also under a concurrent insert)."""
        try:
            async with self.connection.begin_nested():
                await self._insert_member(member)
        except IntegrityError as exc:
            raise AlreadyExists(f"{member.email} is already invited or a member.", reason="ALREADY_MEMBER") from exc

    async def _insert_member(self, member: Member) -> None:
        await self.connection.execute(
            insert(members).values(
                id=member.id,
                organization_id=member.organization_id,
                account_id=member.account_id,
                email=member.email,
                display_name=member.display_name,
                display_name_key=member.display_name.lower(),
                role=member.role,
                status=member.status.value,
                created_at=member.created_at,
                updated_at=member.updated_at,
                version=member.version,
                seat=member.seat,
            )
        )

    async def update_member(self, member: Member, expected_version: int) -> bool:
        """Write a changed member only if nobody changed it since it was read (optimistic concurrency)."""
        result = await self.connection.execute(
            update(members)
            .where(members.c.id == member.id, members.c.version == expected_version)
            .values(
                account_id=member.account_id,
                role=member.role,
                status=member.status.value,
                display_name=member.display_name,
                display_name_key=member.display_name.lower(),
                updated_at=member.updated_at,
                version=member.version,
                seat=member.seat,
            )
        )
        return bool(result.rowcount)

    async def members_by_ids(self, organization_id: str, member_ids: Sequence[str]) -> dict[str, Member]:
        rows = await self.connection.execute(
            _members_with_roles().where(
                members.c.organization_id == organization_id, members.c.id.in_(list(member_ids))
            )
        )
        return {row.id: _member(row) for row in rows}

    async def delete_member(self, member: Member) -> None:
        await self.remove_member_from_groups(member.id)
        await self.delete_scim_attributes(member.id)
        await self.connection.execute(
            delete(member_profile_values).where(member_profile_values.c.member_id == member.id)
        )
        await self.put_avatar(member.organization_id, member.id, None)
        await self.connection.execute(delete(invitations).where(invitations.c.member_id == member.id))
        await self.connection.execute(delete(members).where(members.c.id == member.id))

    async def schedule_deletion(self, organization_id: str, deletion_at: datetime) -> None:
        """Billing's word that the organization's data goes on `deletion_at` (not a change of the organization's
        profile: no new version)."""
        await self.connection.execute(
            update(organizations).where(organizations.c.id == organization_id).values(deletion_scheduled_at=deletion_at)
        )

    async def record_sign_in(self, organization_id: str, account_id: str, signed_in_at: datetime) -> None:
        """Keep the newest sign-in time; events may arrive out of order."""
        await self.connection.execute(
            update(members)
            .where(
                members.c.organization_id == organization_id,
                members.c.account_id == account_id,
                or_(members.c.last_sign_in_at.is_(None), members.c.last_sign_in_at < signed_in_at),
            )
            .values(last_sign_in_at=signed_in_at)
        )

    async def get_allowed_invitation_domains(self, organization_id: str) -> frozenset[str]:
        allowed = await self.connection.scalar(
            select(invitation_policies.c.allowed_domains).where(
                invitation_policies.c.organization_id == organization_id
            )
        )
        return frozenset(json.loads(allowed)) if allowed else frozenset()

    async def put_invitation_policy(
        self, organization_id: str, allowed_domains: list[str], policy_version: int, now: datetime
    ) -> None:
        """Apply identity's policy only when its version is newer than the one held."""
        held = await self.connection.scalar(
            select(invitation_policies.c.policy_version).where(invitation_policies.c.organization_id == organization_id)
        )
        values = {"allowed_domains": json.dumps(sorted(allowed_domains)), "policy_version": policy_version}
        if held is None:
            await self.connection.execute(
                insert(invitation_policies).values(organization_id=organization_id, updated_at=now, **values)
            )
        elif held < policy_version:
            await self.connection.execute(
                update(invitation_policies)
                .where(invitation_policies.c.organization_id == organization_id)
                .values(updated_at=now, **values)
            )

    async def lock_organization(self, organization_id: str) -> bool:
        """Hold the organization's row until commit (SQLite's BEGIN IMMEDIATE already serialises writers)."""
        statement = select(organizations.c.id).where(organizations.c.id == organization_id)
        if self.connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        return (await self.connection.scalar(statement)) is not None

    async def count_active_owners(self, organization_id: str, excluding: str) -> int:
        return int(
            await self.connection.scalar(
                select(func.count())
                .select_from(members)
                .where(
                    members.c.organization_id == organization_id,
                    members.c.role == "owner",
                    members.c.status == MemberStatus.ACTIVE.value,
                    members.c.id != excluding,
                )
            )
            or 0
        )

    async def insert_invitation(self, invitation: Invitation) -> None:
        await self.connection.execute(
            insert(invitations).values(
                id=invitation.id,
                organization_id=invitation.organization_id,
                member_id=invitation.member_id,
                email=invitation.email,
                role=invitation.role,
                invited_by=invitation.invited_by,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
                token_version=invitation.token_version,
            )
        )

    async def renew_invitation(self, invitation: Invitation) -> None:
        """A new link (token version) and expiry for a pending invitation."""
        await self.connection.execute(
            update(invitations)
            .where(invitations.c.id == invitation.id)
            .values(token_version=invitation.token_version, expires_at=invitation.expires_at)
        )

    async def find_invitation_of_member(self, member_id: str) -> Invitation | None:
        row = (
            await self.connection.execute(
                select(invitations)
                .where(invitations.c.member_id == member_id)
                .order_by(invitations.c.created_at.desc())
            )
        ).first()
        return _invitation(row) if row else None

    async def get_invitation(self, invitation_id: str) -> Invitation | None:
        row = (await self.connection.execute(select(invitations).where(invitations.c.id == invitation_id))).first()
        return _invitation(row) if row else None

    async def list_members(self, query: MemberQuery) -> list[Member]:
        if not query.search:
            return await self._members_page(query, None)
        # A search matches the start of the email or of the name. Each is asked on its own, so each uses its
        # index (one OR made SQLite scan the whole organization); the page is the first rows of both merged.
        found: dict[str, Member] = {}
        for column in (members.c.email, members.c.display_name_key):
            for member in await self._members_page(query, column):
                found[member.id] = member
        if query.order is MemberOrder.NEWEST:
            return sorted(found.values(), key=lambda m: m.id, reverse=True)[: query.limit]
        return sorted(found.values(), key=lambda m: _sort_position(m, query.order))[: query.limit]

    async def _members_page(self, query: MemberQuery, search_column: Column[str] | None) -> list[Member]:
        statement = _members_with_roles().where(members.c.organization_id == query.organization_id)
        if query.status:
            statement = statement.where(members.c.status == query.status)
        if query.email:
            statement = statement.where(members.c.email == query.email.lower())
        if query.role:
            statement = statement.where(members.c.role == query.role)
        if query.group_id:
            # Joined (not IN): the planner walks the organization's members in id order and probes the group.
            statement = statement.join(
                group_members,
                and_(group_members.c.member_id == members.c.id, group_members.c.group_id == query.group_id),
            )
        if search_column is not None and query.search:
            # A prefix as a range ["ann", "ano") rather than LIKE, so both databases can use their indexes.
            upper_bound = query.search[:-1] + chr(ord(query.search[-1]) + 1)
            statement = statement.where(search_column >= query.search, search_column < upper_bound)
        key = _SORT_COLUMNS.get(query.order)
        if key is None:
            if query.after_id:
                statement = statement.where(members.c.id < query.after_id)
            statement = statement.order_by(members.c.id.desc())
        else:
            if query.after_id is not None and query.after_key is not None:
                statement = statement.where(
                    or_(key > query.after_key, and_(key == query.after_key, members.c.id > query.after_id))
                )
            statement = statement.order_by(key, members.c.id)
        return [_member(row) for row in await self.connection.execute(statement.limit(query.limit))]


def _sort_position(member: Member, order: MemberOrder) -> tuple[str, str]:
    """Where a member falls in a name or email order, as the store sorts it."""
    return (member.display_name.lower() if order is MemberOrder.NAME else member.email, member.id)


_SORT_COLUMNS = {MemberOrder.NAME: members.c.display_name_key, MemberOrder.EMAIL: members.c.email}


class SqlMembershipStore(OutboxStore[SqlMembershipTransaction]):
    def __init__(
        self, db: Database, outbox: Outbox, clock: Clock, to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope]
    ):
        super().__init__(SqlMembershipTransaction, db, outbox, clock, to_envelope)
