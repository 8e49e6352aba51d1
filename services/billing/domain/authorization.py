"""Who may act, beyond one permission: any of several permissions, or a platform operator on an existing invoice."""

from __future__ import annotations

from services.billing.domain.ports import BillingStore
from services.common.errors import NotFound
from services.common.permissions import PLATFORM_ADMIN
from services.common.principal import Principal


def authorize_any(principal: Principal, permissions: tuple[str, ...], organization_id: str) -> None:
    """Allow the call when the principal holds one of the permissions in that organization, else raise as
    Principal.authorize does (not found for another organization, permission denied naming the first)."""
    principal.require_organization(organization_id)
    if not any(principal.has(permission) for permission in permissions):
        principal.authorize(permissions[0], organization_id)


async def require_operator_on_invoice(
    store: BillingStore, principal: Principal, organization_id: str, invoice_id: str
) -> None:
    """Another organization's or an unknown invoice is not found for anyone (as on every route with an id);
    an existing one is then refused to all but platform operators."""
    principal.require_organization(organization_id)
    async with store.read() as tx:
        if await tx.get_invoice(organization_id, invoice_id[:36]) is None:
            raise NotFound("No such invoice.")
    principal.authorize(PLATFORM_ADMIN, organization_id)
