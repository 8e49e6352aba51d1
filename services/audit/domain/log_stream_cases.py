"""Log streams' use cases: admins manage destinations (within the plan), the worker delivers and retries."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Protocol

from services.audit.domain.log_stream_formats import WEBHOOK, validate_destination
from services.audit.domain.log_streams import (
    ACTIVE,
    BATCH_SIZE,
    CREATED_ACTION,
    DELETED_ACTION,
    FAILING,
    MAX_ERROR,
    MAX_FAILING,
    PAUSED,
    PAUSED_ACTION,
    RESUMED_ACTION,
    SECRET_ROTATED_ACTION,
    UPDATED_ACTION,
    LogStream,
    Network,
    StreamView,
    batch_body,
    headers,
    new_secret,
    retry_delay,
    secret_context,
    stream_changed_record,
    token_context,
    validate_name,
    validate_overlap,
    validate_url,
)
from services.audit.domain.ports import AuditTransaction
from services.audit.domain.use_cases import append_record
from services.common.clock import Clock
from services.common.entitlements import LIMIT_LOG_STREAMS, OrganizationEntitlements, require_limit
from services.common.errors import NotFound
from services.common.ids import new_id
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal
from services.common.secret_box import SecretBox

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The destination did not acknowledge a batch (an error status, a timeout, a refused connection)."""


class WebhookSender(Protocol):
    async def post(self, url: str, headers: dict[str, str], body: bytes) -> None:
        """Returns on a 2xx answer; raises DeliveryFailed otherwise."""
        ...


@dataclass(frozen=True)
class SealedSecrets:
    """A stream's secrets as stored, sealed: the signing secret, the one it replaced (signing until the overlap
    ends; empty when none) and the destination's own token (empty for a webhook)."""

    secret: str
    previous: str
    token: str


class StreamLease(Protocol):
    async def acquire(self) -> bool: ...
    async def release(self) -> None: ...


class LogStreamTransaction(AuditTransaction, Protocol):
    async def streams(self, organization_id: str) -> list[LogStream]: ...
    async def stream(self, organization_id: str, stream_id: str) -> LogStream | None: ...
    async def sealed_secrets(self, stream_id: str) -> SealedSecrets: ...
    async def add_stream(self, stream: LogStream, sealed_secret: str, sealed_token: str) -> None: ...
    async def put_stream(self, stream: LogStream) -> None: ...
    async def put_secrets(self, stream: LogStream, secrets: SealedSecrets) -> None: ...
    async def drop_previous_secret(self, stream: LogStream) -> None: ...
    async def acknowledge(self, stream: LogStream, through_sequence: int) -> bool:
        """Move the cursor if it is still where `stream` says (a stream edited meanwhile keeps its own)."""
        ...

    async def delete_stream(self, organization_id: str, stream_id: str) -> bool: ...
    async def due_streams(self) -> list[LogStream]:
        """Active streams behind their organization's head, whose retry time (if any) has come."""
        ...

    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None: ...


class LogStreamStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[LogStreamTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[LogStreamTransaction]: ...


class LogStreamUseCases:
    def __init__(
        self,
        store: LogStreamStore,
        clock: Clock,
        box: SecretBox,
        sender: WebhookSender,
        lease_for: Callable[[str], StreamLease],
        allow_local_http: bool,
        allowed_networks: Sequence[Network] = (),
    ):
        self._store = store
        self._clock = clock
        self._box = box
        self._sender = sender
        self._lease_for = lease_for
        self._allow_local_http = allow_local_http
        self._allowed_networks = tuple(allowed_networks)

    async def create(
        self,
        principal: Principal,
        organization_id: str,
        name: str,
        url: str,
        format_name: str = WEBHOOK,
        token: str = "",
    ) -> tuple[StreamView, str]:
        """The new stream and its signing secret, shown this once (it and the destination's token are stored
        sealed). A new stream starts at the organization's current head: it streams what happens from now on, its
        own creation first."""
        principal.authorize(SECURITY_MANAGE, organization_id)
        name, url = validate_name(name), validate_url(url, self._allow_local_http, self._allowed_networks)
        format_name = validate_destination(format_name, token)
        stream_id, secret, now = new_id(), new_secret(), self._clock.now()
        async with self._store.write() as tx:
            in_use = len(await tx.streams(organization_id))
            require_limit(await tx.entitlements_of(organization_id), organization_id, LIMIT_LOG_STREAMS, in_use + 1)
            head, _ = await tx.chain_head(organization_id)
            stream = LogStream(
                stream_id, organization_id, name, url, ACTIVE, head, 0, None, None, "", None, now, now, format_name
            )
            sealed_token = self._box.seal(token, token_context(stream_id)) if token else ""
            await tx.add_stream(stream, self._box.seal(secret, secret_context(stream_id)), sealed_token)
            await append_record(tx, stream_changed_record(new_id(), principal, CREATED_ACTION, None, stream, now), now)
        return StreamView(stream, head), secret

    async def list(self, principal: Principal, organization_id: str) -> list[StreamView]:
        principal.authorize(SECURITY_MANAGE, organization_id)
        async with self._store.read() as tx:
            head, _ = await tx.chain_head(organization_id)
            return [StreamView(stream, head) for stream in await tx.streams(organization_id)]

    async def get(self, principal: Principal, organization_id: str, stream_id: str) -> StreamView:
        principal.authorize(SECURITY_MANAGE, organization_id)
        async with self._store.read() as tx:
            stream = await self._existing(tx, organization_id, stream_id)
            head, _ = await tx.chain_head(organization_id)
            return StreamView(stream, head)

    async def update(
        self,
        principal: Principal,
        organization_id: str,
        stream_id: str,
        name: str | None,
        url: str | None,
        token: str | None = None,
    ) -> StreamView:
        """Rename, point elsewhere, or give the destination a new token (Splunk or Datadog streams)."""
        principal.authorize(SECURITY_MANAGE, organization_id)
        changes = {}
        if name is not None:
            changes["name"] = validate_name(name)
        if url is not None:
            changes["url"] = validate_url(url, self._allow_local_http, self._allowed_networks)
        if token is None:
            return await self._change(principal, UPDATED_ACTION, organization_id, stream_id, **changes)
        async with self._store.write() as tx:
            current = await self._existing(tx, organization_id, stream_id)
            validate_destination(current.format, token)
            now = self._clock.now()
            stream = replace(current, **changes, updated_at=now)  # type: ignore[arg-type]
            sealed = await tx.sealed_secrets(stream_id)
            new_token = self._box.seal(token, token_context(stream_id))
            await tx.put_secrets(stream, replace(sealed, token=new_token))
            record = stream_changed_record(new_id(), principal, UPDATED_ACTION, current, stream, now)
            await append_record(tx, record, now)
            head, _ = await tx.chain_head(organization_id)
        return StreamView(stream, head)

    async def rotate_secret(
        self, principal: Principal, organization_id: str, stream_id: str, overlap_seconds: int
    ) -> tuple[StreamView, str]:
        """A new signing secret, shown this once. The replaced one keeps signing alongside it until the overlap
        ends (both `v1` in the header), so receivers switch without a gap; a secret replaced before that (a second
        rotation during the overlap) stops signing at once."""
        principal.authorize(SECURITY_MANAGE, organization_id)
        now = self._clock.now()
        # Like a SCIM token's rotation: a person confirms their password within the privileged window first.
        principal.require_recent_authentication(now)
        overlap = validate_overlap(overlap_seconds)
        secret = new_secret()
        async with self._store.write() as tx:
            current = await self._existing(tx, organization_id, stream_id)
            stream = replace(current, previous_expires_at=now + overlap, updated_at=now)
            sealed = await tx.sealed_secrets(stream_id)
            rotated = SealedSecrets(self._box.seal(secret, secret_context(stream_id)), sealed.secret, sealed.token)
            await tx.put_secrets(stream, rotated)
            record = stream_changed_record(new_id(), principal, SECRET_ROTATED_ACTION, current, stream, now)
            await append_record(tx, record, now)
            head, _ = await tx.chain_head(organization_id)
        return StreamView(stream, head), secret

    async def pause(self, principal: Principal, organization_id: str, stream_id: str) -> StreamView:
        principal.authorize(SECURITY_MANAGE, organization_id)
        return await self._change(principal, PAUSED_ACTION, organization_id, stream_id, status=PAUSED)

    async def resume(self, principal: Principal, organization_id: str, stream_id: str) -> StreamView:
        """Active again, retried at once: delivery goes on from the cursor, so nothing since is lost."""
        principal.authorize(SECURITY_MANAGE, organization_id)
        return await self._change(
            principal,
            RESUMED_ACTION,
            organization_id,
            stream_id,
            status=ACTIVE,
            attempts=0,
            failing_since=None,
            next_attempt_at=None,
        )

    async def delete(self, principal: Principal, organization_id: str, stream_id: str) -> None:
        principal.authorize(SECURITY_MANAGE, organization_id)
        async with self._store.write() as tx:
            current = await self._existing(tx, organization_id, stream_id)
            await tx.delete_stream(organization_id, stream_id)
            now = self._clock.now()
            await append_record(tx, stream_changed_record(new_id(), principal, DELETED_ACTION, current, None, now), now)

    async def _change(
        self, principal: Principal, action: str, organization_id: str, stream_id: str, **changes: object
    ) -> StreamView:
        async with self._store.write() as tx:
            current = await self._existing(tx, organization_id, stream_id)
            now = self._clock.now()
            stream = replace(current, **changes, updated_at=now)  # type: ignore[arg-type]
            await tx.put_stream(stream)
            await append_record(tx, stream_changed_record(new_id(), principal, action, current, stream, now), now)
            head, _ = await tx.chain_head(organization_id)
        return StreamView(stream, head)

    @staticmethod
    async def _existing(tx: LogStreamTransaction, organization_id: str, stream_id: str) -> LogStream:
        stream = await tx.stream(organization_id, stream_id)
        if stream is None:
            raise NotFound(f"No log stream {stream_id} in this organization.")
        return stream

    async def deliver_due(self) -> int:
        """One pass of the worker: every due stream, each by one replica at a time (its own lease); returns the
        entries delivered."""
        async with self._store.read() as tx:
            due = await tx.due_streams()
        delivered = 0
        for stream in due:
            lease = self._lease_for(stream.id)
            if not await lease.acquire():
                continue  # another replica is delivering it
            try:
                delivered += await self._deliver(stream.organization_id, stream.id, lease)
            finally:
                await lease.release()
        return delivered

    async def _deliver(self, organization_id: str, stream_id: str, lease: StreamLease, max_batches: int = 50) -> int:
        """Batches in sequence order until the stream is caught up, a batch fails, or `max_batches` were sent. The
        lease is renewed before each batch: if it was lost (a pass longer than its time to live), another replica
        delivers from here, and two never post batches of one stream at once."""
        delivered = 0
        for _ in range(max_batches):
            if delivered and not await lease.acquire():
                return delivered
            async with self._store.read() as tx:
                stream = await tx.stream(organization_id, stream_id)
                if stream is None or stream.status != ACTIVE:
                    return delivered
                now = self._clock.now()
                if stream.next_attempt_at is not None and stream.next_attempt_at > now:
                    return delivered
                entries = await tx.entries_after(organization_id, stream.cursor, BATCH_SIZE)
                sealed = await tx.sealed_secrets(stream_id)
            if not entries:
                return delivered
            body = batch_body(stream, entries)
            signing = [self._box.open(sealed.secret, secret_context(stream_id))]
            if sealed.previous and stream.previous_secret_signs(now):
                signing.append(self._box.open(sealed.previous, secret_context(stream_id)))
            elif stream.previous_expires_at is not None:
                async with self._store.write() as tx:
                    await tx.drop_previous_secret(stream)  # the overlap is over: it never signs again
                # What a failure writes back below must not bring the expiry back.
                stream = replace(stream, previous_expires_at=None)
            token = self._box.open(sealed.token, token_context(stream_id)) if sealed.token else ""
            try:
                await self._sender.post(stream.url, headers(stream, signing, token, body, now), body)
            except DeliveryFailed as failure:
                await self._failed(stream, str(failure))
                return delivered
            async with self._store.write() as tx:
                if not await tx.acknowledge(stream, entries[-1].sequence):
                    return delivered  # edited meanwhile (paused, resumed): the next pass starts from its state
            delivered += len(entries)
        return delivered

    async def _failed(self, stream: LogStream, error: str) -> None:
        now = self._clock.now()
        since = stream.failing_since or now
        attempts = stream.attempts + 1
        parked = now - since >= MAX_FAILING
        failed = replace(
            stream,
            status=FAILING if parked else stream.status,
            attempts=attempts,
            failing_since=since,
            next_attempt_at=None if parked else now + retry_delay(stream.id, attempts),
            last_error=error[:MAX_ERROR],
            updated_at=now,
        )
        async with self._store.write() as tx:
            current = await tx.stream(stream.organization_id, stream.id)
            if current is None or current.updated_at != stream.updated_at:
                return  # edited meanwhile: that edit wins
            await tx.put_stream(failed)
        log.warning(
            "log stream delivery failed",
            extra={"stream_id": stream.id, "attempts": attempts, "parked": parked, "error": error[:200]},
        )
