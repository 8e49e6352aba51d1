"""An organization's deletion in audit (membership's `organization.deleted`): the log keeps one entry,
`organization.deleted`, chained after the deleted entries like retention's `retention.pruned` (its details name the
last deleted sequence and its hash, so the kept chain still verifies, domain/retention.py). The entries, their
checkpoints and the retention setting go, unless an operator's legal hold on the log keeps them; analytics
roll-ups, log streams and what audit projects of the organization go in every case."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from services.audit.domain.model import AuditEntry, AuditRecord, chain
from services.audit.domain.retention import PruneAnchor, RetentionSetting

log = logging.getLogger(__name__)

DELETED_EVENT_TYPE = "membership.organization.deleted"


def deletion_record(record: AuditRecord, anchor: PruneAnchor, deleted_entries: int, held: bool) -> AuditRecord:
    """The event's own entry, with what the deletion did: the anchor of the kept chain, entries deleted, hold."""
    details = {
        "through_sequence": anchor.through_sequence,
        "through_hash": anchor.through_hash,
        "deleted_entries": deleted_entries,
        "legal_hold": held,
    }
    return replace(record, details=json.dumps(details, sort_keys=True, separators=(",", ":")))


class OrganizationDeletionTransaction(Protocol):
    async def chain_head(self, organization_id: str) -> tuple[int, str]: ...
    async def append(self, entry: AuditEntry) -> None: ...
    async def retention_setting(self, organization_id: str) -> RetentionSetting | None: ...
    async def delete_log(self, organization_id: str) -> int:
        """Entries, checkpoints and retention setting of the organization; returns the entries deleted."""
        ...

    async def delete_organization_rest(self, organization_id: str) -> None:
        """Log streams, account memberships, entitlements: everything but the log and the analytics."""
        ...


async def delete_organization_log(tx: OrganizationDeletionTransaction, record: AuditRecord, now: datetime) -> int:
    """In the caller's transaction; returns the entries deleted (none under a legal hold)."""
    organization_id = record.organization_id
    setting = await tx.retention_setting(organization_id)
    held = setting is not None and setting.legal_hold
    head_sequence, head_hash = await tx.chain_head(organization_id)
    deleted = 0 if held else await tx.delete_log(organization_id)
    await tx.delete_organization_rest(organization_id)
    entry = deletion_record(record, PruneAnchor(head_sequence, head_hash), deleted, held)
    await tx.append(chain(entry, head_sequence, head_hash, now))
    log.info("organization log deleted", extra={"organization_id": organization_id, "held": held, "deleted": deleted})
    return deleted
