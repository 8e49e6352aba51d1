"""The organization's logo, uploaded (respond.io and Talkspirit show the organization's logo in its space): kept by
membership and served by the gateway, since the portal's Content Security Policy shows images only from its own
origin. Uploading sets the profile's logo_url to the served address, through the profile's own update (a new
version, and an organization.updated event whose before and after show the change to the audit log)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from services.common.errors import Aborted, NotFound
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.avatars import content_type_of
from services.membership.domain.events import OrganizationUpdated
from services.membership.domain.model import Avatar, Organization
from services.membership.domain.ports import Clock, MembershipStore

LOGO_PATH = "/v1/organization/logo"
# The address an uploaded logo gets (the profile's logo_url may name it): a version in the query, so a new logo is
# never served from a cache.
UPLOADED_LOGO = re.compile(rf"^{re.escape(LOGO_PATH)}\?v=[0-9a-f]{{16}}$")


def logo_address(logo: Avatar) -> str:
    return f"{LOGO_PATH}?v={logo.etag[:16]}"


class OrganizationLogos:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def set(self, principal: Principal, organization_id: str, data: bytes) -> Organization:
        """The organization with its new logo (a PNG, JPEG or WebP of at most 256 KiB), or with none (empty)."""
        principal.authorize(roles.ORG_MANAGE, organization_id)
        now = self._clock.now()
        logo = Avatar(content_type_of(data), data, hashlib.sha256(data).hexdigest()[:32], now) if data else None
        async with self._store.write() as tx:
            before = await tx.get_organization(organization_id)
            if before is None:
                raise NotFound("No such organization.")
            await tx.put_logo(organization_id, logo)
            address = logo_address(logo) if logo else ""
            if before.logo_url == address:
                return before
            after = replace(before, logo_url=address, version=before.version + 1)
            if not await tx.update_organization(after, expected_version=before.version):
                raise Aborted("The organization changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(OrganizationUpdated(principal, now, after, before))
            return after

    async def get(self, principal: Principal, organization_id: str) -> Avatar:
        """Every member sees the organization's logo."""
        principal.require_organization(organization_id)
        async with self._store.read() as tx:
            logo = await tx.logo(organization_id)
        if logo is None:
            raise NotFound("This organization has no uploaded logo.")
        return logo
