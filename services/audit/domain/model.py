"""Audit entries and their hash chain, pure.

Each organization's entries form a chain: an entry's hash covers its own fields and the previous
entry's hash, so editing, deleting, reordering or truncating entries breaks verification at the first
changed position.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64
MAX_FIELD = 1024


@dataclass(frozen=True)
class AuditRecord:
    """What an event says happened, before it has a place in a chain."""

    id: str
    organization_id: str
    action: str
    event_type: str
    actor_type: str
    actor_id: str
    actor_display: str
    actor_ip: str
    actor_user_agent: str
    target_type: str
    target_id: str
    target_display: str
    occurred_at: datetime
    request_id: str
    # What the event said (its payload as canonical JSON, e.g. a policy before and after); "" when unknown.
    details: str = ""


@dataclass(frozen=True)
class AuditEntry:
    record: AuditRecord
    sequence: int
    prev_hash: str
    hash: str
    recorded_at: datetime


def action_of(event_type: str) -> str:
    """'membership.member.invited' -> 'member.invited'."""
    return event_type.split(".", 1)[1] if "." in event_type else event_type


def capped(value: str) -> str:
    return value[:MAX_FIELD]


def entry_hash(record: AuditRecord, sequence: int, prev_hash: str) -> str:
    fields = dict(vars(record))  # the fields are flat: asdict's deep copy of each value cost more than the hash
    fields["occurred_at"] = record.occurred_at.isoformat()
    fields["sequence"] = sequence
    if not record.details:
        del fields["details"]  # entries written before details existed keep verifying
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def chain(record: AuditRecord, head_sequence: int, head_hash: str, recorded_at: datetime) -> AuditEntry:
    sequence = head_sequence + 1
    return AuditEntry(record, sequence, head_hash, entry_hash(record, sequence, head_hash), recorded_at)


def first_missing_or_broken(
    entries: Sequence[AuditEntry], head_sequence: int, head_hash: str, start: tuple[int, str] = (1, GENESIS_HASH)
) -> int | None:
    """Like `first_broken_sequence`, and the chain must also reach the head recorded as each entry was appended:
    entries deleted from the end leave a chain that verifies on its own but stops short of its head. `start` is
    where the kept chain begins (after pruning, see domain/retention.py)."""
    broken = first_broken_sequence(entries, *start)
    if broken is not None:
        return broken
    last_sequence = entries[-1].sequence if entries else 0
    if last_sequence < head_sequence:
        return last_sequence + 1
    if head_sequence and entries[head_sequence - start[0]].hash != head_hash:
        return head_sequence
    return None


def first_broken_sequence(
    entries: Iterable[AuditEntry], start_sequence: int = 1, start_hash: str = GENESIS_HASH
) -> int | None:
    """The position of the first entry that does not verify, or None when the chain is intact. A pruned chain
    starts after its deleted entries, from the hash of the last of them."""
    expected_sequence, previous = start_sequence, start_hash
    for entry in entries:
        if (
            entry.sequence != expected_sequence
            or entry.prev_hash != previous
            or entry.hash != entry_hash(entry.record, entry.sequence, previous)
        ):
            return expected_sequence
        expected_sequence, previous = expected_sequence + 1, entry.hash
    return None
