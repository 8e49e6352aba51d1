"""What identity does when membership says a member changed: keep its projection of who holds which
permissions where, end the sessions of a member who lost access, rotate those of a member whose role changed."""

from __future__ import annotations

from datetime import datetime

from services.identity.domain.model import Membership
from services.identity.domain.ports import IdentityTransaction
from services.identity.domain.sessions import IDENTITY_SYSTEM, revoke_sessions_with_events


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
