"""Signed checkpoints over an organization's chain head, and the verifier that checks a log against them.

A hash chain alone proves nothing against someone who can rewrite it whole (a database administrator
recomputing every hash and the head). A checkpoint is an Ed25519 signature over (organization, sequence,
hash of the entry at that sequence, time, previous checkpoint's signature); the private key never reaches
the database, so a consistent rewrite of entries a checkpoint covers no longer matches it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from services.audit.domain.model import AuditEntry, first_broken_sequence
from services.audit.domain.retention import chain_start


@dataclass(frozen=True)
class Checkpoint:
    organization_id: str
    sequence: int
    hash: str
    signed_at: datetime
    key_id: str
    previous_signature: str
    signature: str


@dataclass(frozen=True)
class PublicKey:
    """One key of the published key set: raw Ed25519 public key (base64) and its validity."""

    key_id: str
    public_key: str
    valid_from: datetime
    valid_until: datetime | None

    def valid_at(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment <= self.valid_until)


@dataclass(frozen=True)
class LogVerdict:
    """The verifier's verdict on one organization's log."""

    intact: bool
    entries_checked: int
    checkpoints_checked: int
    first_broken_sequence: int | None
    reason: str


def signed_bytes(
    organization_id: str, sequence: int, head_hash: str, signed_at: datetime, key_id: str, previous_signature: str
) -> bytes:
    """What a checkpoint's signature covers: canonical JSON, so any verifier can rebuild it."""
    fields = {
        "organization_id": organization_id,
        "sequence": sequence,
        "hash": head_hash,
        "signed_at": signed_at.isoformat(),
        "key_id": key_id,
        "previous_signature": previous_signature,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_is_due(
    head_sequence: int, last: Checkpoint | None, now: datetime, every_entries: int, max_age_seconds: float
) -> bool:
    """A checkpoint after every `every_entries` entries, and at least every `max_age_seconds` while the chain
    grows; never over a head already checkpointed."""
    if head_sequence == 0 or (last is not None and last.sequence >= head_sequence):
        return False
    if last is None:
        return True
    return head_sequence - last.sequence >= every_entries or (now - last.signed_at).total_seconds() >= max_age_seconds


def _signature_holds(checkpoint: Checkpoint, keys: dict[str, PublicKey]) -> str:
    """'' when the checkpoint's signature verifies with a key valid when it was signed, else why not."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return f"checkpoint at sequence {checkpoint.sequence} names an unknown key {checkpoint.key_id!r}"
    if not key.valid_at(checkpoint.signed_at):
        return f"checkpoint at sequence {checkpoint.sequence} was signed outside its key's validity"
    message = signed_bytes(
        checkpoint.organization_id,
        checkpoint.sequence,
        checkpoint.hash,
        checkpoint.signed_at,
        checkpoint.key_id,
        checkpoint.previous_signature,
    )
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        public.verify(base64.b64decode(checkpoint.signature), message)
    except (InvalidSignature, ValueError):
        return f"checkpoint at sequence {checkpoint.sequence} has an invalid signature"
    return ""


def verify_log(
    entries: Sequence[AuditEntry], checkpoints: Sequence[Checkpoint], keys: Sequence[PublicKey]
) -> LogVerdict:
    """Check the chain, then every checkpoint (signature, key validity, link to the previous checkpoint) and that
    the entry each one names still has the signed hash. Names the first sequence that fails:
    - an edited, deleted, reordered or inserted entry breaks the chain at its position;
    - a tail cut below a checkpoint leaves the checkpoint's sequence missing: the first missing one;
    - a consistent rewrite verifies as a chain but not against the checkpoint: the first entry after the
      last checkpoint that still matches (the earliest the rewrite can have started)."""
    by_id = {key.key_id: key for key in keys}
    signed_sequences = {checkpoint.sequence for checkpoint in checkpoints}
    hash_at = {entry.sequence: entry.hash for entry in entries if entry.sequence in signed_sequences}
    last_sequence = max((entry.sequence for entry in entries), default=0)
    start_sequence, start_hash = chain_start(entries)
    chain_break = first_broken_sequence(entries, start_sequence, start_hash)
    problems: list[tuple[int, str]] = []
    if chain_break is not None:
        problems.append((chain_break, f"entry {chain_break} does not follow from the one before it"))
    previous_signature, vouched_up_to, checked = "", 0, 0
    for checkpoint in sorted(checkpoints, key=lambda c: c.sequence):
        checked += 1
        why = _signature_holds(checkpoint, by_id)
        if not why and checkpoint.previous_signature != previous_signature:
            why = f"checkpoint at sequence {checkpoint.sequence} does not follow the previous checkpoint"
        if why:
            problems.append((vouched_up_to + 1, why))
            break
        if checkpoint.sequence < start_sequence:
            # Over entries retention deleted: the signature and the link still count, the hash has nothing to match.
            previous_signature, vouched_up_to = checkpoint.signature, checkpoint.sequence
            continue
        if chain_break is not None and checkpoint.sequence >= chain_break:
            # The chain's own break explains why this checkpoint's entries differ; it is the more precise answer.
            previous_signature = checkpoint.signature
            continue
        if checkpoint.sequence > last_sequence:
            missing = last_sequence + 1
            problems.append((missing, f"entries {missing} to {checkpoint.sequence} were signed, now missing"))
            break
        if checkpoint.sequence not in hash_at:
            problems.append((checkpoint.sequence, f"entry {checkpoint.sequence} was signed, now missing"))
            break
        if hash_at[checkpoint.sequence] != checkpoint.hash:
            problems.append(
                (
                    vouched_up_to + 1,
                    f"entries {vouched_up_to + 1} to {checkpoint.sequence} no longer match the checkpoint signed "
                    f"at {checkpoint.signed_at.isoformat()}",
                )
            )
            break
        previous_signature, vouched_up_to = checkpoint.signature, checkpoint.sequence
    if not problems:
        return LogVerdict(True, len(entries), checked, None, "")
    first, reason = min(problems)
    return LogVerdict(False, first, checked, first, reason)
