"""An organization's end: on the deletion date billing scheduled (a canceled subscription's end plus 90 days),
membership deletes its data of the organization, keeps a tombstone, and announces `organization.deleted` so every
other service deletes its own. An Owner may ask for it earlier (services/membership/domain/early_deletion.py): the
earlier of the two dates counts. An operator's legal hold stops it until lifted."""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from services.common.domain import DomainEvent
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.principal import PLATFORM_ADMIN, Principal, system_principal
from services.membership.domain.ports import Clock

log = logging.getLogger(__name__)

# Who deletes, in the audit log: the worker, not a person.
DELETION_ACTOR = "membership-deletion"
# Organizations one pass deletes at most (each in its own transaction); the next pass takes the rest.
PASS_LIMIT = 20


@dataclass(frozen=True)
class DeletionStatus:
    organization_id: str
    # The date billing scheduled (a canceled subscription's end plus 90 days).
    scheduled_at: datetime | None = None
    hold: bool = False
    hold_reason: str = ""
    deleted_at: datetime | None = None
    # An Owner's pending early deletion request: when it deletes the organization, when and by whom it was made.
    requested_deletion_at: datetime | None = None
    requested_at: datetime | None = None
    requested_by: str = ""

    @property
    def deletion_at(self) -> datetime | None:
        """The date the organization is deleted on: the earlier of billing's date and an Owner's request."""
        dates = [date for date in (self.scheduled_at, self.requested_deletion_at) if date is not None]
        return min(dates) if dates else None


def is_due(status: DeletionStatus, now: datetime) -> bool:
    """The deletion date has passed, no legal hold stops it, and it has not happened yet."""
    deletion_at = status.deletion_at
    return status.deleted_at is None and deletion_at is not None and deletion_at <= now and not status.hold


@dataclass(frozen=True)
class OrganizationDeleted(DomainEvent):
    organization_id: str
    scheduled_at: datetime | None


@dataclass(frozen=True)
class DeletionHoldChanged(DomainEvent):
    organization_id: str
    hold: bool
    reason: str


class DeletionTransaction(Protocol):
    async def deletion_status(self, organization_id: str, for_update: bool = False) -> DeletionStatus | None: ...

    async def scheduled_before(self, now: datetime, limit: int) -> list[str]:
        """Ids of unheld organizations whose deletion date is before `now`."""
        ...

    async def delete_organization(
        self, organization_id: str, deleted_at: datetime, scheduled_at: datetime | None
    ) -> None:
        """Every membership row of the organization goes; its tombstone is written."""
        ...

    async def set_deletion_hold(self, organization_id: str, hold: bool, reason: str) -> None: ...

    async def organization_name(self, organization_id: str) -> str | None:
        """The display name of an existing organization; None once deleted or unknown."""
        ...

    async def set_deletion_request(
        self, organization_id: str, requested_deletion_at: datetime | None, requested_at: datetime | None, by: str
    ) -> None:
        """Record an Owner's early deletion request, or clear it (all None and "")."""
        ...

    async def record_events(self, *events: object) -> None: ...


class DeletionStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[DeletionTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[DeletionTransaction]: ...


class OrganizationDeletion:
    def __init__(self, store: DeletionStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def delete_due(self) -> int:
        """One pass of the worker: delete each organization whose date has passed; returns how many went."""
        async with self._store.read() as tx:
            candidates = await tx.scheduled_before(self._clock.now(), PASS_LIMIT)
        deleted = 0
        for organization_id in candidates:
            deleted += await self.delete(organization_id)
        return deleted

    async def delete(self, organization_id: str) -> int:
        """In one transaction: re-check under lock (a hold placed meanwhile wins), delete, tombstone, announce."""
        async with self._store.write() as tx:
            status = await tx.deletion_status(organization_id, for_update=True)
            now = self._clock.now()
            if status is None or not is_due(status, now):
                return 0
            await tx.delete_organization(organization_id, now, status.deletion_at)
            actor = system_principal(DELETION_ACTOR)
            await tx.record_events(OrganizationDeleted(actor, now, organization_id, status.deletion_at))
        log.info("organization deleted", extra={"organization_id": organization_id})
        return 1

    async def set_hold(self, principal: Principal, organization_id: str, hold: bool, reason: str) -> DeletionStatus:
        """Operators only. Placing a hold already placed (or lifting one absent) changes and announces nothing."""
        principal.authorize(PLATFORM_ADMIN, organization_id)
        reason = reason.strip()
        if hold and not reason:
            raise InvalidArgument(
                "Say why the organization is held (a case reference).",
                [FieldViolation("reason", "required with a hold")],
            )
        if len(reason) > 1024:
            raise InvalidArgument("The reason is too long.", [FieldViolation("reason", "at most 1024 characters")])
        async with self._store.write() as tx:
            status = await tx.deletion_status(organization_id, for_update=True)
            if status is None or status.deleted_at is not None:
                raise NotFound("No such organization.")
            reason = reason if hold else ""
            if (status.hold, status.hold_reason) == (hold, reason):
                return status
            await tx.set_deletion_hold(organization_id, hold, reason)
            await tx.record_events(DeletionHoldChanged(principal, self._clock.now(), organization_id, hold, reason))
        return replace(status, hold=hold, hold_reason=reason)

    async def status(self, principal: Principal, organization_id: str) -> DeletionStatus:
        principal.authorize(PLATFORM_ADMIN, organization_id)
        async with self._store.read() as tx:
            status = await tx.deletion_status(organization_id)
        if status is None:
            raise NotFound("No such organization.")
        return status
