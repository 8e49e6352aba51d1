"""Use cases of signed checkpoints: signing the heads that are due, publishing the key set."""

from __future__ import annotations

from dataclasses import dataclass

from services.audit.domain.checkpoints import Checkpoint, PublicKey, checkpoint_is_due, signed_bytes
from services.audit.domain.ports import AuditStore, CheckpointSigner
from services.common.clock import Clock


@dataclass(frozen=True)
class CheckpointPolicy:
    every_entries: int = 1000
    max_age_seconds: float = 3600.0


class Checkpointing:
    def __init__(self, store: AuditStore, signer: CheckpointSigner, clock: Clock, policy: CheckpointPolicy):
        self._store = store
        self._signer = signer
        self._clock = clock
        self._policy = policy
        self._key_published = False

    async def publish_key(self) -> None:
        """Put the signing key in the published key set before it signs anything."""
        now = self._clock.now()
        async with self._store.write() as tx:
            await tx.register_key(PublicKey(self._signer.key_id, self._signer.public_key, now, None))
        self._key_published = True

    async def sign_due(self) -> int:
        """One pass: a checkpoint over each chain head that is due; returns how many were signed."""
        async with self._store.read() as tx:
            heads = await tx.heads_past_last_checkpoint()
        signed = 0
        for organization_id, _, _ in heads:
            signed += int(await self.sign_head(organization_id, only_when_due=True))
        return signed

    async def sign_head(self, organization_id: str, only_when_due: bool = False) -> bool:
        """A checkpoint over the organization's current head, unless one covers it already (or, with
        `only_when_due`, the policy says it is not due); True when signed. Retention calls it right after a
        deletion, so the entry recording the deleted range is signed at once."""
        if not self._key_published:
            await self.publish_key()
        async with self._store.write() as tx:
            sequence, head_hash = await tx.chain_head(organization_id)
            last = await tx.last_checkpoint(organization_id)
            now = self._clock.now()
            if sequence == 0 or (last is not None and last.sequence >= sequence):
                return False
            policy = self._policy
            if only_when_due and not checkpoint_is_due(
                sequence, last, now, policy.every_entries, policy.max_age_seconds
            ):
                return False
            previous = last.signature if last else ""
            message = signed_bytes(organization_id, sequence, head_hash, now, self._signer.key_id, previous)
            checkpoint = Checkpoint(
                organization_id, sequence, head_hash, now, self._signer.key_id, previous, self._signer.sign(message)
            )
            return await tx.add_checkpoint(checkpoint)

    async def key_set(self) -> list[PublicKey]:
        async with self._store.read() as tx:
            return await tx.keys()
