"""The organization's logo, uploaded (respond.io and Talkspirit show the organization's logo in its space): kept by
membership and served by the gateway, since the portal's Content Security Policy shows images only from its own
origin. Uploading sets the profile's logo_url to the served address, through the profile's own update (a new
version, and an organization.updated event whose before and after show the change to the audit log)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from services.common.errors import Aborted, NotFound
from services.common.organization_logo import logo_address
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.avatars import content_type_of
from services.membership.domain.events import OrganizationUpdated
from services.membership.domain.model import Avatar
from services.membership.domain.organizations import OrganizationOverview
from services.membership.domain.ports import Clock, MembershipStore


class OrganizationLogos:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def set(self, principal: Principal, organization_id: str, data: bytes) -> OrganizationOverview:
        """The organization with its new logo (a PNG, JPEG or WebP of at most 256 KiB), or with none (empty), and
        its member counts, read in the same transaction."""
        principal.authorize(roles.ORG_MANAGE, organization_id)
        now = self._clock.now()
        logo = Avatar(content_type_of(data), data, hashlib.sha256(data).hexdigest()[:32], now) if data else None
        async with self._store.write() as tx:
            before = await tx.get_organization(organization_id)
            if before is None:
                raise NotFound("No such organization.")
            await tx.put_logo(organization_id, logo)
            address = logo_address(logo.etag) if logo else ""
            after = before
            if before.logo_url != address:
                after = replace(before, logo_url=address, version=before.version + 1)
                if not await tx.update_organization(after, expected_version=before.version):
                    raise Aborted("The organization changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                await tx.record_events(OrganizationUpdated(principal, now, after, before))
            return OrganizationOverview(after, await tx.count_members(organization_id))

    async def get(self, principal: Principal, organization_id: str) -> Avatar:
        """Every member sees the organization's logo."""
        principal.require_organization(organization_id)
        async with self._store.read() as tx:
            logo = await tx.logo(organization_id)
        if logo is None:
            raise NotFound("This organization has no uploaded logo.")
        return logo
