"""Refused calls leave a trace: every service records `authz.denied` when a caller with a valid principal is
refused for a missing permission or asks for something it cannot see.

Not-found answers are recorded whether or not the id exists in another organization, so the caller's own
audit log cannot be used to probe other tenants. Recording is best effort: it never changes the answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import DomainError, NotFound, PermissionDenied
from services.common.messaging import EventTarget, actor_from_principal, new_envelope
from services.common.principal import Principal

log = logging.getLogger(__name__)

DENIED_EVENT = "authz.denied"
# Refusals that are about proving who one is (a wrong password or code, a sign-in too old), not about what
# one may do.
NOT_AUTHORIZATION_REASONS = frozenset({"REAUTHENTICATION_REQUIRED", "INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"})

# Writes an `authz.denied` envelope in the given connection's transaction.
DenialWriter = Callable[[AsyncConnection, envelope_pb2.Envelope], Awaitable[None]]


def is_authorization_refusal(error: DomainError) -> bool:
    return isinstance(error, NotFound | PermissionDenied) and error.reason not in NOT_AUTHORIZATION_REASONS


class DenialRecorder:
    """Turns a refused call into an `authz.denied` envelope in the caller's organization and writes it."""

    def __init__(self, producer: str, db: Database, write: DenialWriter, clock: Clock):
        self._producer = producer
        self._db = db
        self._write = write
        self._clock = clock

    async def record(self, principal: Principal | None, method: str, error: DomainError, request_id: str) -> None:
        if principal is None or not principal.organization_id or not is_authorization_refusal(error):
            return
        code = "NOT_FOUND" if isinstance(error, NotFound) else "PERMISSION_DENIED"
        envelope = new_envelope(
            producer=self._producer,
            event_type=DENIED_EVENT,
            organization_id=principal.organization_id,
            actor=actor_from_principal(principal),
            payload=common_pb2.AuthorizationDenied(
                method=method[:255],
                code=code,
                reason=error.reason,
                permission=error.metadata.get("permission", "")[:255],
            ),
            occurred_at=self._clock.now(),
            target=EventTarget("rpc", method[:255], code),
            request_id=request_id,
        )
        try:
            async with self._db.write() as connection:
                await self._write(connection, envelope)
        except Exception:
            log.exception("could not record a refused call", extra={"method": method})
