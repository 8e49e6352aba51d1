"""What identity does when membership says a member changed: keep its projection of who holds which
permissions where, end the sessions of a member who lost access, rotate those of a member whose role changed; and
read-your-writes when the projection lags behind: a person signing in right after they became a member (an
organization just created, an invitation accepted, a SCIM or just-in-time member) is looked up in membership itself."""

from __future__ import annotations

import logging
from datetime import datetime

from services.common.errors import Unavailable
from services.identity.domain.model import Membership
from services.identity.domain.ports import IdentityStore, IdentityTransaction, MembershipDirectory
from services.identity.domain.sessions import IDENTITY_SYSTEM, revoke_sessions_with_events

log = logging.getLogger(__name__)


def lacks_membership(known: list[Membership], organization_id: str) -> bool:
    """Whether the projection misses what a sign-in needs: the requested organization, or any organization."""
    if organization_id:
        return all(m.organization_id != organization_id for m in known)
    return not known


async def caught_up_memberships(
    store: IdentityStore,
    directory: MembershipDirectory | None,
    account_id: str,
    known: list[Membership],
    organization_id: str = "",
) -> list[Membership]:
    """The account's active memberships, asking membership when the projection lacks the one needed: its answer
    goes into the projection (newer versions only, so a member event that overtook it wins), and the person's
    first sign-in and first request see the organization. When membership cannot be asked, the projection's."""
    if directory is None or not lacks_membership(known, organization_id):
        return known
    try:
        found = await directory.memberships_of(account_id)
    except Unavailable:
        log.warning("membership could not be asked for an account's memberships", extra={"account_id": account_id})
        return known
    if not found:
        return known
    async with store.write() as tx:
        for membership in found:
            await tx.upsert_membership(membership)
        return await tx.active_memberships(account_id)


async def apply_member_change(tx: IdentityTransaction, after: Membership, now: datetime) -> None:
    """Apply a member's new state in the caller's transaction; an event older than what we hold changes nothing."""
    before = await tx.get_membership(after.organization_id, after.account_id)
    if not await tx.upsert_membership(after):
        return
    if after.status != "active":
        # Deactivated or removed: their sessions in this organization end now.
        await revoke_sessions_with_events(
            tx, after.account_id, after.organization_id, IDENTITY_SYSTEM, now, f"member_{after.status}"
        )
    elif before is not None and before.permissions != after.permissions:
        # A privilege change gives the session a new id at its next use.
        await tx.require_session_rotation(after.account_id, after.organization_id)
