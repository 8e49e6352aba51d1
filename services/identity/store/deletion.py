"""SQL of an organization's deletion in identity: every row of the organization (services/common/erasure.py),
the SSO connections' own rows, and the accounts of people who belonged to no other organization."""

from __future__ import annotations

from sqlalchemy import delete, select

from services.common.erasure import erase_organization
from services.identity.store.queries import Queries
from services.identity.store.tables import (
    accounts,
    login_failures,
    memberships,
    metadata,
    mfa_challenges,
    oidc_logins,
    password_resets,
    recovery_codes,
    sessions,
    sso_connections,
    sso_identity_links,
    sso_idp_certificates,
    sso_pending_sign_ins,
    sso_sp_keys,
    totp_factors,
)

# Rows reached through an SSO connection of the organization.
CONNECTION_TABLES = (sso_idp_certificates, sso_pending_sign_ins, sso_sp_keys, oidc_logins)
# Rows of an account, whatever the organization.
ACCOUNT_TABLES = (
    sessions,
    mfa_challenges,
    sso_identity_links,
    totp_factors,
    recovery_codes,
    password_resets,
    login_failures,
)


class OrganizationDeletionQueries(Queries):
    async def erase_organization(self, organization_id: str) -> int:
        """Delete identity's data of the organization; returns the accounts deleted with it (a person who belongs
        to another organization keeps their account: only their membership here goes)."""
        members = set(
            await self.connection.scalars(
                select(memberships.c.account_id).where(memberships.c.organization_id == organization_id)
            )
        )
        connection_ids = list(
            await self.connection.scalars(
                select(sso_connections.c.id).where(sso_connections.c.organization_id == organization_id)
            )
        )
        if connection_ids:
            for table in CONNECTION_TABLES:
                await self.connection.execute(delete(table).where(table.c.connection_id.in_(connection_ids)))
        await erase_organization(self.connection, [metadata], organization_id)
        if not members:
            return 0
        elsewhere = set(
            await self.connection.scalars(
                select(memberships.c.account_id).where(memberships.c.account_id.in_(list(members))).distinct()
            )
        )
        alone = list(members - elsewhere)
        if alone:
            for table in ACCOUNT_TABLES:
                await self.connection.execute(delete(table).where(table.c.account_id.in_(alone)))
            await self.connection.execute(delete(accounts).where(accounts.c.id.in_(alone)))
        return len(alone)
