"""Idempotency keys: a retried call returns the first call's answer and applies nothing twice. Each service
keeps the table in its own database.

Two layers share the table, each with its own operation names so their rows never collide:
- whole RPCs (`IdempotentCalls`, used by the gRPC interceptor): the client's `Idempotency-Key`, scoped to the
  caller's organization and keyed by the full gRPC method name; the row remembers a fingerprint of the request
  and, once the call succeeded, its serialized reply;
- use cases that replay in their own transaction by a request's `idempotency_key` field (`load_response` and
  `save_response`, operation names such as "CreateGroup"). The batch RPCs a service declares settled by its use
  case (`IdempotencyRules.settled_by_use_case`) keep the caller's Idempotency-Key this way only, with the request's
  fingerprint: no separate claim and completion per call.
Keys are kept for `RETENTION`, then pruned.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message
from sqlalchemy import MetaData, Table, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import Aborted, FailedPrecondition, FieldViolation, InvalidArgument
from services.common.principal import Principal

log = logging.getLogger(__name__)

ResponseT = TypeVar("ResponseT", bound=Message)

# Set by `IdempotentCalls.run` around the call: a handler whose OK reply holds a transient failure (one item of a
# batch to try again) clears it, and that reply is not stored under the key.
_reply_is_final: ContextVar[list[bool] | None] = ContextVar("idempotent_reply_is_final", default=None)


def reply_not_final() -> None:
    """The reply being built holds a failure worth retrying (a batch item refused with "try again"): it is answered
    but not kept under the call's Idempotency-Key, so a retry with the same key runs the call again."""
    final = _reply_is_final.get()
    if final is not None:
        final[0] = False


MAX_IDEMPOTENCY_KEY_LENGTH = 255
IDEMPOTENCY_KEY_METADATA_KEY = "idempotency-key"
TABLE_NAME = "idempotency_keys"
# How long a key is remembered (Stripe's window): a retry after that runs the call again.
RETENTION = timedelta(hours=24)
# A call still marked running after this long died with its process; a retry may take its key over.
ABANDONED_AFTER = timedelta(minutes=2)
# Expired keys deleted by each claim, so pruning keeps pace with new keys without a long transaction.
PRUNE_BATCH = 100
# RPCs whose name starts so only read; every other unary RPC changes state (the naming rule of our protos).
READ_METHOD_PREFIXES = ("Get", "List", "Export", "Check", "Preview")


@dataclass(frozen=True)
class IdempotencyRules:
    """What a service declares about its state-changing RPCs (full gRPC method names), beside its servicers.

    - `one_time_secrets`: replies carrying a credential shown only once (a secret, a session token, recovery
      codes) are never stored: these calls keep only their own replay, which answers without the secret.
    - `settled_by_use_case`: batch RPCs whose use case keeps its answer under the key itself, in its own
      transactions (see `load_response_checked`), fingerprint included: the interceptor writes nothing for them, so
      a call costs no claim and no completion transaction of its own (one mechanism, not two rows per call).
    """

    one_time_secrets: frozenset[str] = frozenset()
    settled_by_use_case: frozenset[str] = frozenset()

    def honours_key(self, method: str) -> bool:
        """Whether a gRPC method ("/package.Service/Name") runs once per key: it changes state (reads are told
        by the naming rule of our protos) and its reply holds no one-time secret."""
        return not method.rsplit("/", 1)[-1].startswith(READ_METHOD_PREFIXES) and method not in self.one_time_secrets

    def claimed_by_interceptor(self, method: str) -> bool:
        """Whether the interceptor claims and completes the key (every honoured method its use case does not
        settle itself)."""
        return self.honours_key(method) and method not in self.settled_by_use_case


def idempotency_table(metadata: MetaData) -> Table:
    # Imported here: services.common.tables reads MAX_IDEMPOTENCY_KEY_LENGTH from this module.
    from services.common.tables import core_table, idempotency_model, model_base

    return core_table(idempotency_model(model_base(metadata)))


async def load_response(
    connection: AsyncConnection,
    table: Table,
    scope: str,
    operation: str,
    idempotency_key: str,
    fingerprint: str = "",
) -> bytes | None:
    """The answer kept under the key, or None. With a `fingerprint` (of the caller and the request, see
    `request_fingerprint`), an answer kept for another request under the same key is a reuse: FailedPrecondition
    IDEMPOTENCY_KEY_REUSED, as the interceptor answers."""
    row = (
        await connection.execute(
            select(table.c.response, table.c.fingerprint).where(
                table.c.scope == scope, table.c.operation == operation, table.c.request_id == idempotency_key
            )
        )
    ).first()
    if row is None:
        return None
    if fingerprint and row.fingerprint and row.fingerprint != fingerprint:
        raise key_reused()
    return None if row.response is None else bytes(row.response)


def check_key(key: str) -> None:
    """Refuse a key longer than the column keeping it (never cut: two keys would become one)."""
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise InvalidArgument(
            "Idempotency-Key is too long.",
            [FieldViolation("Idempotency-Key", f"at most {MAX_IDEMPOTENCY_KEY_LENGTH} characters")],
        )


def key_reused() -> FailedPrecondition:
    return FailedPrecondition(
        "This Idempotency-Key was already used with another request; send a new key.",
        reason="IDEMPOTENCY_KEY_REUSED",
    )


async def save_response(
    connection: AsyncConnection,
    table: Table,
    scope: str,
    operation: str,
    idempotency_key: str,
    response: bytes,
    now: datetime,
    fingerprint: str = "",
) -> None:
    await connection.execute(
        insert(table).values(
            scope=scope,
            operation=operation,
            request_id=idempotency_key,
            response=response,
            fingerprint=fingerprint or None,
            created_at=now,
        )
    )


def request_fingerprint(principal: Principal, request: Message) -> str:
    """The caller and the request's deterministic serialization: the same key sent by another person, or with
    another request, is a reuse (so no one is answered with a reply made for someone else)."""
    digest = hashlib.sha256(f"{principal.actor_type}:{principal.actor_id}\n".encode())
    digest.update(request.SerializeToString(deterministic=True))
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """The right to run one call under a key: the pending row written at `started_at`."""

    scope: str
    operation: str
    key: str
    started_at: datetime


class IdempotentCalls:
    """Whole-RPC idempotency keys in one service's database.

    `claim` writes a pending row in its own short transaction, so a concurrent call with the same key sees it
    (the primary key decides which one runs). The reply is stored only when the call succeeded; a failed call
    releases its key, so a retry runs again (a transient UNAVAILABLE is retried, never replayed).
    """

    def __init__(self, db: Database, table: Table, clock: Clock):
        self._db = db
        self._table = table
        self._clock = clock

    @classmethod
    def in_database_of(cls, db: Database, metadata: MetaData, clock: Clock) -> IdempotentCalls | None:
        """The calls of a service whose tables (`metadata`) include the idempotency table; None without one."""
        table = metadata.tables.get(TABLE_NAME)
        return cls(db, table, clock) if table is not None else None

    async def claim(self, scope: str, operation: str, key: str, fingerprint: str) -> bytes | Claim:
        """The stored reply of an earlier call with this key, or the claim to run the call now.
        Raises FailedPrecondition IDEMPOTENCY_KEY_REUSED when the key came with another request, and
        Aborted IDEMPOTENCY_KEY_IN_USE while the first call with it is still running."""
        try:
            return await self._claim(scope, operation, key, fingerprint)
        except IntegrityError:
            # A concurrent call inserted the same key first (PostgreSQL); its row is committed now.
            return await self._claim(scope, operation, key, fingerprint)

    async def _claim(self, scope: str, operation: str, key: str, fingerprint: str) -> bytes | Claim:
        table = self._table
        now = self._clock.now()
        claim = Claim(scope, operation, key, now)
        async with self._db.write() as connection:
            await self._prune(connection, now)
            row = (
                await connection.execute(
                    select(table.c.fingerprint, table.c.response, table.c.created_at).where(*self._row(claim))
                )
            ).first()
            if row is None:
                await connection.execute(
                    insert(table).values(
                        scope=scope, operation=operation, request_id=key, fingerprint=fingerprint, created_at=now
                    )
                )
                return claim
            if row.fingerprint != fingerprint:
                raise key_reused()
            if row.response is not None:
                return bytes(row.response)
            if now - row.created_at < ABANDONED_AFTER:
                raise Aborted(
                    "A call with this Idempotency-Key is still running; retry once it has finished.",
                    reason="IDEMPOTENCY_KEY_IN_USE",
                )
            taken_over = await connection.execute(
                update(table)
                .where(*self._row(claim), table.c.response.is_(None), table.c.created_at == row.created_at)
                .values(created_at=now)
            )
            if taken_over.rowcount != 1:
                raise Aborted("A call with this Idempotency-Key is still running.", reason="IDEMPOTENCY_KEY_IN_USE")
            return claim

    async def complete(self, claim: Claim, response: bytes) -> None:
        """Store the reply of the call that held the claim (unless its key was taken over meanwhile)."""
        async with self._db.write() as connection:
            await connection.execute(
                update(self._table)
                .where(*self._row(claim), self._table.c.response.is_(None))
                .where(self._table.c.created_at == claim.started_at)
                .values(response=response)
            )

    async def release(self, claim: Claim) -> None:
        """Forget a key whose call failed, so a retry runs the call again."""
        async with self._db.write() as connection:
            await connection.execute(
                delete(self._table).where(
                    *self._row(claim), self._table.c.response.is_(None), self._table.c.created_at == claim.started_at
                )
            )

    async def run(
        self,
        principal: Principal,
        method: str,
        key: str,
        request: Message,
        response_type: type[ResponseT],
        call: Callable[[], Awaitable[ResponseT]],
    ) -> ResponseT:
        """Run `call` once per key: replay the stored reply, or run it and store its reply if it succeeds."""
        check_key(key)
        claimed = await self.claim(principal.organization_id, method, key, request_fingerprint(principal, request))
        if not isinstance(claimed, Claim):
            return response_type.FromString(claimed)
        final = [True]
        reset = _reply_is_final.set(final)
        try:
            response = await call()
        except Exception:
            await self._forget_quietly(claimed)
            raise
        finally:
            _reply_is_final.reset(reset)
        if not final[0]:
            await self._forget_quietly(claimed)
            return response
        # A cancelled call (BaseException) keeps its pending row: its effect may have been written, so its key
        # stays in use until it counts as abandoned.
        try:
            await self.complete(claimed, response.SerializeToString())
        except Exception:
            log.exception("could not store the reply of %s; a retry gets IDEMPOTENCY_KEY_IN_USE for a while", method)
        return response

    async def prune(self) -> int:
        """Delete up to a batch of keys older than the retention; returns how many went."""
        async with self._db.write() as connection:
            return await self._prune(connection, self._clock.now())

    async def _prune(self, connection: AsyncConnection, now: datetime) -> int:
        table = self._table
        expired = select(table.c.scope, table.c.operation, table.c.request_id).where(
            table.c.created_at < now - RETENTION
        )
        result = await connection.execute(
            delete(table).where(
                tuple_(table.c.scope, table.c.operation, table.c.request_id).in_(expired.limit(PRUNE_BATCH))
            )
        )
        return result.rowcount

    async def _forget_quietly(self, claim: Claim) -> None:
        try:
            await self.release(claim)
        except Exception:
            log.exception("could not release idempotency key of %s; it is abandoned in a few minutes", claim.operation)

    def _row(self, claim: Claim) -> tuple[Any, ...]:
        table = self._table
        return (
            table.c.scope == claim.scope,
            table.c.operation == claim.operation,
            table.c.request_id == claim.key,
        )


def response_type_of(method: str) -> type[Message]:
    """The reply message class of a gRPC method ("/package.Service/Name") registered in this process."""
    full_name = method.lstrip("/").replace("/", ".")
    output = descriptor_pool.Default().FindMethodByName(full_name).output_type
    return message_factory.GetMessageClass(output)
