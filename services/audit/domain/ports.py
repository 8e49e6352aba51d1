"""What audit's use cases need from the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.audit.domain.checkpoints import Checkpoint, PublicKey
from services.audit.domain.model import AuditEntry


@dataclass(frozen=True)
class EntryQuery:
    organization_id: str
    limit: int
    before_sequence: int | None = None
    action: str | None = None
    actor_id: str | None = None
    target_id: str | None = None
    actor_ip: str | None = None
    # Half-open range [start, end) over when the action happened.
    start: datetime | None = None
    end: datetime | None = None
    action_prefix: str | None = None
    # Case-insensitive substring of the entry's details.
    text: str | None = None
    after_sequence: int | None = None
    # Oldest first (an export's pages) rather than newest first (a search's).
    oldest_first: bool = False


class AuditTransaction(Protocol):
    async def chain_head(self, organization_id: str) -> tuple[int, str]: ...
    async def append(self, entry: AuditEntry) -> None: ...
    async def append_many(self, entries: list[AuditEntry]) -> None:
        """Entries chained by `append_records`, in order, in one go."""
        ...

    async def list_entries(self, query: EntryQuery) -> list[AuditEntry]: ...
    def entries_in_order(self, organization_id: str) -> AsyncIterator[AuditEntry]: ...
    async def entries_after(self, organization_id: str, after_sequence: int, limit: int) -> list[AuditEntry]: ...
    async def heads_past_last_checkpoint(self) -> list[tuple[str, int, str]]:
        """(organization, head sequence, head hash) of every chain that grew since its last checkpoint."""
        ...

    async def last_checkpoint(self, organization_id: str) -> Checkpoint | None: ...
    async def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        """False when another replica signed after the same checkpoint first."""
        ...

    async def checkpoints(self, organization_id: str) -> list[Checkpoint]: ...
    async def register_key(self, key: PublicKey) -> None:
        """Publish `key` as the current one; the key current until now gets its validity closed."""
        ...

    async def keys(self) -> list[PublicKey]: ...


class CheckpointSigner(Protocol):
    key_id: str
    public_key: str

    def sign(self, message: bytes) -> str: ...


class AuditStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[AuditTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[AuditTransaction]: ...
    def bind(self, connection: Any) -> AuditTransaction:
        """A transaction on a connection a consumer already holds, committing with the event it records."""
        ...
