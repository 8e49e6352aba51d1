"""Retention's use cases: set it (admins, within the plan), hold it (operators), apply it (the job)."""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from services.audit.domain.checkpointing import Checkpointing
from services.audit.domain.model import chain
from services.audit.domain.ports import AuditTransaction
from services.audit.domain.retention import (
    HOLD_LIFTED_ACTION,
    HOLD_PLACED_ACTION,
    UPDATED_ACTION,
    PruneAnchor,
    RetentionSetting,
    cutoff,
    default_setting,
    effective_days,
    pruned_record,
    setting_changed_record,
    validate_days,
)
from services.audit.domain.use_cases import append_record
from services.common.clock import Clock
from services.common.entitlements import LIMIT_RETENTION_DAYS, OrganizationEntitlements, require_limit
from services.common.errors import FieldViolation, InvalidArgument
from services.common.ids import new_id
from services.common.permissions import AUDIT_READ, PLATFORM_ADMIN, SECURITY_MANAGE
from services.common.principal import Principal

log = logging.getLogger(__name__)


class RetentionTransaction(AuditTransaction, Protocol):
    async def retention_setting(self, organization_id: str) -> RetentionSetting | None: ...
    async def put_retention_setting(self, setting: RetentionSetting) -> None: ...
    async def organizations_to_prune(self) -> list[str]:
        """Organizations with entries and no legal hold."""
        ...

    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None: ...
    async def prunable_through(self, organization_id: str, before: datetime) -> tuple[int, int]: ...
    async def hash_at(self, organization_id: str, sequence: int) -> str: ...
    async def delete_through(self, organization_id: str, sequence: int) -> int: ...


class RetentionStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[RetentionTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[RetentionTransaction]: ...


class RetentionUseCases:
    def __init__(self, store: RetentionStore, clock: Clock, checkpointing: Checkpointing):
        self._store = store
        self._clock = clock
        self._checkpointing = checkpointing

    async def get(self, principal: Principal, organization_id: str) -> RetentionSetting | None:
        """None: no retention set, the default applies (DEFAULT_RETENTION_DAYS within the plan)."""
        principal.authorize(AUDIT_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.retention_setting(organization_id)

    async def set_days(self, principal: Principal, organization_id: str, days: int) -> RetentionSetting:
        principal.authorize(SECURITY_MANAGE, organization_id)
        validate_days(days)
        async with self._store.write() as tx:
            # The days are the "amount" the plan's limit bounds.
            require_limit(await tx.entitlements_of(organization_id), organization_id, LIMIT_RETENTION_DAYS, days)
            current = await tx.retention_setting(organization_id)
            now = self._clock.now()
            setting = replace(current or default_setting(organization_id, now), days=days, updated_at=now)
            await tx.put_retention_setting(setting)
            changed = setting_changed_record(new_id(), principal, UPDATED_ACTION, current, setting)
            await append_record(tx, changed, now)
        return setting

    async def set_legal_hold(
        self, principal: Principal, organization_id: str, hold: bool, reason: str
    ) -> RetentionSetting:
        """Operators only: a hold stops deletion whatever the organization's admins set."""
        principal.authorize(PLATFORM_ADMIN, organization_id)
        if hold and not reason.strip():
            raise InvalidArgument(
                "Say why the log is held (a case reference).", [FieldViolation("reason", "required with a hold")]
            )
        async with self._store.write() as tx:
            current = await tx.retention_setting(organization_id)
            now = self._clock.now()
            base = current or default_setting(organization_id, now)
            setting = replace(base, legal_hold=hold, legal_hold_reason=reason if hold else "", updated_at=now)
            await tx.put_retention_setting(setting)
            action = HOLD_PLACED_ACTION if hold else HOLD_LIFTED_ACTION
            await append_record(tx, setting_changed_record(new_id(), principal, action, current, setting), now)
        return setting

    async def prune_due(self) -> int:
        """One pass of the job: delete what each organization's retention no longer keeps; returns entries deleted."""
        async with self._store.read() as tx:
            organizations = await tx.organizations_to_prune()
        deleted = 0
        for organization_id in organizations:
            deleted += await self.prune(organization_id)
        return deleted

    async def _due(self, tx: RetentionTransaction, organization_id: str) -> tuple[int, int] | None:
        """(days applied, last sequence to delete), or None when nothing is due or the log is held."""
        now = self._clock.now()
        setting = await tx.retention_setting(organization_id) or default_setting(organization_id, now)
        if setting.legal_hold:
            return None
        plan = await tx.entitlements_of(organization_id)
        days = effective_days(setting, plan.limit(LIMIT_RETENTION_DAYS) if plan else None)
        first_kept, through = await tx.prunable_through(organization_id, cutoff(now, days))
        return (days, through) if through >= first_kept else None

    async def prune(self, organization_id: str) -> int:
        """In one transaction: lock the chain's head, delete its due prefix, append the `retention.pruned` entry
        that anchors the kept chain (domain/retention.py)."""
        async with self._store.read() as tx:
            # Most passes find nothing due: found with a read, so no write locks a chain for nothing.
            if not await self._due(tx, organization_id):
                return 0
        async with self._store.write() as tx:
            head_sequence, head_hash = await tx.chain_head(organization_id)
            due = await self._due(tx, organization_id)
            if due is None or head_sequence == 0:
                return 0
            days, through = due
            now = self._clock.now()
            anchor = PruneAnchor(through, await tx.hash_at(organization_id, through))
            deleted = await tx.delete_through(organization_id, through)
            record = pruned_record(new_id(), organization_id, anchor, deleted, days, now)
            await tx.append(chain(record, head_sequence, head_hash, now))
        # The entry naming the deleted range is signed at once, not at the next due checkpoint.
        await self._checkpointing.sign_head(organization_id)
        log.info("audit entries pruned", extra={"organization_id": organization_id, "deleted": deleted})
        return deleted
