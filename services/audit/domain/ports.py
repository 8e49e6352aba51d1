"""What audit's use cases need from the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from services.audit.domain.model import AuditEntry


@dataclass(frozen=True)
class EntryQuery:
    organization_id: str
    limit: int
    before_sequence: int | None = None
    action: str | None = None
    actor_id: str | None = None
    target_id: str | None = None


class AuditTransaction(Protocol):
    async def chain_head(self, organization_id: str) -> tuple[int, str]: ...
    async def append(self, entry: AuditEntry) -> None: ...
    async def list_entries(self, query: EntryQuery) -> list[AuditEntry]: ...
    def entries_in_order(self, organization_id: str) -> AsyncIterator[AuditEntry]: ...


class AuditStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[AuditTransaction]: ...
    def bind(self, connection: Any) -> AuditTransaction:
        """A transaction on a connection a consumer already holds, committing with the event it records."""
        ...
