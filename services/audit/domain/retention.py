"""Retention of an organization's log, pure: how long entries are kept, and how a pruned chain stays verifiable.

Pruning deletes the oldest entries, through sequence S, and in the same transaction appends an entry
`retention.pruned` to the same chain whose details name S and the hash of entry S (`through_sequence`,
`through_hash`). That entry is chained and later covered by signed checkpoints like any other, so it cannot be
forged or dropped unnoticed. A verifier starts at the oldest kept entry, S + 1: its `prev_hash` must equal the
`through_hash` of a kept `retention.pruned` entry with `through_sequence` S. Entries cut from the front beyond
what retention deleted have no such anchor and break verification at the first missing sequence; checkpoints
over pruned sequences keep their signatures and links checked, only the hash they name is gone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.audit.domain.model import GENESIS_HASH, AuditEntry, AuditRecord, capped
from services.common.errors import FieldViolation, InvalidArgument
from services.common.principal import Principal

MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 365
# Without a setting of its own an organization keeps a year, or what its plan allows if less.
DEFAULT_RETENTION_DAYS = 365
PRUNED_ACTION = "retention.pruned"
UPDATED_ACTION = "retention.updated"
HOLD_PLACED_ACTION = "retention.legal_hold_placed"
HOLD_LIFTED_ACTION = "retention.legal_hold_lifted"
PRUNED_EVENT_TYPE = f"audit.{PRUNED_ACTION}"
RETENTION_ACTOR = "audit-retention"


@dataclass(frozen=True)
class RetentionSetting:
    organization_id: str
    days: int
    legal_hold: bool
    legal_hold_reason: str
    updated_at: datetime


@dataclass(frozen=True)
class PruneAnchor:
    through_sequence: int
    through_hash: str


def default_setting(organization_id: str, now: datetime) -> RetentionSetting:
    return RetentionSetting(organization_id, DEFAULT_RETENTION_DAYS, False, "", now)


def validate_days(days: int) -> None:
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise InvalidArgument(
            f"Retention is from {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days.",
            [FieldViolation("days", f"{days} is outside {MIN_RETENTION_DAYS}..{MAX_RETENTION_DAYS}")],
        )


def effective_days(setting: RetentionSetting, plan_limit: int | None) -> int:
    """The configured days, cut to the plan's limit when the plan was downgraded since."""
    return setting.days if plan_limit is None else min(setting.days, max(plan_limit, MIN_RETENTION_DAYS))


def cutoff(now: datetime, days: int) -> datetime:
    """Entries that happened before this are due for deletion."""
    return now - timedelta(days=days)


def pruned_record(
    record_id: str, organization_id: str, anchor: PruneAnchor, deleted: int, days: int, now: datetime
) -> AuditRecord:
    details = {
        "through_sequence": anchor.through_sequence,
        "through_hash": anchor.through_hash,
        "deleted_entries": deleted,
        "retention_days": days,
    }
    return AuditRecord(
        id=record_id,
        organization_id=organization_id,
        action=PRUNED_ACTION,
        event_type=PRUNED_EVENT_TYPE,
        actor_type="system",
        actor_id=RETENTION_ACTOR,
        actor_display=RETENTION_ACTOR,
        actor_ip="",
        actor_user_agent="",
        target_type="organization",
        target_id=organization_id,
        target_display="",
        occurred_at=now,
        request_id="",
        details=json.dumps(details, sort_keys=True, separators=(",", ":")),
    )


def setting_changed_record(
    record_id: str, principal: Principal, action: str, before: RetentionSetting | None, after: RetentionSetting
) -> AuditRecord:
    """A change of retention or of the legal hold, written into the organization's own log with before and after."""

    def view(setting: RetentionSetting | None) -> dict[str, object] | None:
        if setting is None:
            return None
        return {"days": setting.days, "legal_hold": setting.legal_hold, "legal_hold_reason": setting.legal_hold_reason}

    return AuditRecord(
        id=record_id,
        organization_id=after.organization_id,
        action=action,
        event_type=f"audit.{action}",
        actor_type=principal.actor_type,
        actor_id=capped(principal.actor_id),
        actor_display=capped(principal.actor_display),
        actor_ip=capped(principal.ip_address),
        actor_user_agent=capped(principal.user_agent),
        target_type="organization",
        target_id=after.organization_id,
        target_display="",
        occurred_at=after.updated_at,
        request_id=capped(principal.request_id),
        details=json.dumps(
            {"before": view(before), "after": view(after)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ),
    )


# Entries whose details anchor the kept chain after deleted ones: retention's, and an organization's deletion
# (domain/organization_deletion.py).
ANCHORING_EVENT_TYPES = frozenset({PRUNED_EVENT_TYPE, "membership.organization.deleted"})


def anchor_of(record: AuditRecord) -> PruneAnchor | None:
    if record.event_type not in ANCHORING_EVENT_TYPES:
        return None
    try:
        details = json.loads(record.details)
        return PruneAnchor(int(details["through_sequence"]), str(details["through_hash"]))
    except (ValueError, KeyError, TypeError):
        return None


def chain_start(entries: Sequence[AuditEntry]) -> tuple[int, str]:
    """(first sequence, hash before it) the kept entries must start from: the genesis, or after a pruning
    anchored by a kept `retention.pruned` entry. Without an anchor the chain must start at 1."""
    if not entries or entries[0].sequence == 1:
        return 1, GENESIS_HASH
    first = entries[0].sequence
    for entry in entries:
        anchor = anchor_of(entry.record)
        if anchor is not None and anchor.through_sequence == first - 1:
            return first, anchor.through_hash
    return 1, GENESIS_HASH
