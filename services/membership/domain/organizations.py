"""Organizations: creating one with its first Owner, reading it with its member counts, changing its profile."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import Aborted, NotFound, PermissionDenied, Violations
from services.common.ids import new_id
from services.common.people import clean_display_name, normalise_email
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.events import MemberAdded, OrganizationCreated, OrganizationUpdated
from services.membership.domain.model import Member, MemberCounts, MemberStatus, Organization
from services.membership.domain.ports import Clock, MembershipStore
from services.membership.domain.profile import apply_profile_changes
from services.membership.domain.replays import Replay


@dataclass(frozen=True)
class OrganizationOverview:
    organization: Organization
    counts: MemberCounts


def organization_etag(organization: Organization) -> str:
    return f'W/"{organization.version}"'


class OrganizationUseCases:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def create_organization(
        self,
        principal: Principal,
        *,
        display_name: str,
        owner_account_id: str,
        owner_email: str,
        owner_display_name: str,
        idempotency_key: str = "",
    ) -> tuple[Organization, Member]:
        if not principal.has(roles.PLATFORM_ORGANIZATIONS_CREATE):
            raise PermissionDenied("Only operators may create organizations.", reason="MISSING_PERMISSION")
        violations = Violations()
        name = clean_display_name(display_name, "display_name")
        if not name:
            violations.add("display_name", "must not be empty")
        if not owner_account_id:
            violations.add("owner_account_id", "must not be empty")
        violations.raise_if_any()
        email = normalise_email(owner_email)
        now = self._clock.now()
        replay = Replay("", "CreateOrganization", idempotency_key)
        async with self._store.write() as tx:
            answer = await replay.answer(tx)
            if answer is not None:
                organization = await tx.get_organization(answer["organization_id"])
                owner = await tx.get_member(answer["organization_id"], answer["owner_id"])
                if organization is None or owner is None:
                    raise NotFound("The organization created by this request no longer exists.")
                return organization, owner
            organization = Organization(id=new_id(), display_name=name, created_at=now)
            owner = Member(
                id=new_id(),
                organization_id=organization.id,
                account_id=owner_account_id,
                email=email,
                display_name=clean_display_name(owner_display_name, "owner_display_name"),
                role=roles.OWNER,
                status=MemberStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
            await tx.insert_organization(organization)
            await tx.insert_member(owner)
            await tx.record_events(
                OrganizationCreated(principal, now, organization, owner),
                MemberAdded(principal, now, owner),
            )
            await replay.keep(tx, {"organization_id": organization.id, "owner_id": owner.id})
        return organization, owner

    async def get_organization(self, principal: Principal, organization_id: str) -> OrganizationOverview:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            organization = await tx.get_organization(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            return OrganizationOverview(organization, await tx.count_members(organization_id))

    async def update_organization(
        self,
        principal: Principal,
        organization_id: str,
        changes: dict[str, str],
        etag: str = "",
        idempotency_key: str = "",
    ) -> OrganizationOverview:
        """Apply the masked fields of an organization's profile and settings."""
        principal.authorize(roles.ORG_MANAGE, organization_id)
        now = self._clock.now()
        replay = Replay(organization_id, "UpdateOrganization", idempotency_key)
        async with self._store.write() as tx:
            before = await tx.get_organization(organization_id)
            if before is None:
                raise NotFound("No such organization.")
            if await replay.answer(tx) is not None:
                # The change is applied; the organization as it is now answers the retry.
                return OrganizationOverview(before, await tx.count_members(organization_id))
            if etag and etag != organization_etag(before):
                raise Aborted("The organization changed since you read it; read it again.", reason="ETAG_MISMATCH")
            after = apply_profile_changes(before, changes)
            if not await tx.update_organization(after, expected_version=before.version):
                raise Aborted("The organization changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(OrganizationUpdated(principal, now, after, before))
            await replay.keep(tx, {"organization_id": after.id, "version": after.version})
            return OrganizationOverview(after, await tx.count_members(organization_id))
