"""An Owner deletes the organization early (as respond.io's Owner can): a signed-in Owner who proved their
credentials recently types the organization's exact name; the organization is then deleted by the deletion worker
once a grace period has passed, unless an Owner cancels first. Both are audited and every Owner is emailed (the
mailer consumer, on the events). An operator's legal hold still stops the deletion."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.common.domain import DomainEvent
from services.common.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from services.common.principal import ACTOR_USER, Principal
from services.membership.domain import roles
from services.membership.domain.deletion import DeletionStatus, DeletionStore, DeletionTransaction
from services.membership.domain.ports import Clock


@dataclass(frozen=True)
class DeletionRequestChanged(DomainEvent):
    organization_id: str
    # True when an Owner asked for the deletion, False when one canceled it.
    requested: bool
    requested_deletion_at: datetime
    display_name: str


def confirms_name(typed: str, display_name: str) -> bool:
    """The Owner typed the organization's name exactly (surrounding spaces aside; case counts)."""
    return typed.strip() == display_name


def authorize_owner(principal: Principal, organization_id: str) -> None:
    """Owners only, and a person: an API key or service account cannot delete the organization even if granted
    the permission, since nobody could re-authenticate or type the name."""
    principal.authorize(roles.ORG_DELETE, organization_id)
    if principal.actor_type != ACTOR_USER:
        raise PermissionDenied(
            "Only a signed-in Owner can delete the organization.",
            reason="PERSON_REQUIRED",
            metadata={"permission": roles.ORG_DELETE},
        )


class EarlyDeletion:
    def __init__(self, store: DeletionStore, clock: Clock, grace: timedelta):
        self._store = store
        self._clock = clock
        self._grace = grace

    async def request(self, principal: Principal, organization_id: str, confirm_name: str) -> DeletionStatus:
        """Schedule the deletion at the end of the grace period; asking again while pending changes nothing."""
        authorize_owner(principal, organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        async with self._store.write() as tx:
            status, name = await self._existing(tx, organization_id)
            if not confirms_name(confirm_name, name):
                raise InvalidArgument(
                    "Type the organization's name exactly to confirm its deletion.",
                    [FieldViolation("confirm_name", "must be the organization's exact name")],
                )
            if status.requested_deletion_at is not None:
                return status
            deletion_at = now + self._grace
            await tx.set_deletion_request(organization_id, deletion_at, now, principal.account_id)
            await tx.record_events(DeletionRequestChanged(principal, now, organization_id, True, deletion_at, name))
        return replace(status, requested_deletion_at=deletion_at, requested_at=now, requested_by=principal.account_id)

    async def cancel(self, principal: Principal, organization_id: str) -> DeletionStatus:
        """Withdraw the pending request during its grace period; with none pending, nothing changes."""
        authorize_owner(principal, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            status, name = await self._existing(tx, organization_id)
            if status.requested_deletion_at is None:
                return status
            await tx.set_deletion_request(organization_id, None, None, "")
            await tx.record_events(
                DeletionRequestChanged(principal, now, organization_id, False, status.requested_deletion_at, name)
            )
        return replace(status, requested_deletion_at=None, requested_at=None, requested_by="")

    @staticmethod
    async def _existing(tx: DeletionTransaction, organization_id: str) -> tuple[DeletionStatus, str]:
        status = await tx.deletion_status(organization_id, for_update=True)
        name = await tx.organization_name(organization_id)
        if status is None or status.deleted_at is not None or name is None:
            raise NotFound("No such organization.")
        return status, name
