"""Leases in the service's own database: work that one replica at a time should do (the outbox relay, periodic
jobs) runs only while its replica holds the lease. The holder renews it on a pass once half its time to live has
gone (a busy relay passes for every event, and a write transaction per pass cost more than the publish); when the
holder dies, the lease expires after its time to live and another replica takes the work over, so nothing is left
undone. Replicas' clocks may differ by less than half the time to live.

Portable across SQLite and PostgreSQL: taking a lease is one conditional UPDATE (held by me, or expired), and an
INSERT for a lease never taken; two replicas racing for an expired lease cannot both win (the row lock and the
re-checked condition on PostgreSQL, the write lock on SQLite), nor both insert it (the primary key).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.common.clock import Clock, SystemClock
from services.common.db import Database

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 30.0


def replica_id() -> str:
    """Who holds a lease when no replica id is configured: this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Lease:
    def __init__(
        self,
        db: Database,
        table: Table,
        name: str,
        ttl_seconds: float = DEFAULT_LEASE_SECONDS,
        clock: Clock | None = None,
        holder: str | None = None,
    ):
        self._db = db
        self._table = table
        self.name = name
        self._ttl = timedelta(seconds=ttl_seconds)
        self._clock = clock or SystemClock()
        self.holder = holder or replica_id()
        # When the lease this replica holds expires, by its own last renewal; None when it does not hold it.
        self._held_until: datetime | None = None

    async def acquire(self) -> bool:
        """Take or renew the lease; True while this replica holds it (for at least half the time to live). Until
        half the time to live has gone since the last renewal the answer needs no transaction: no other replica
        can take the lease before it expires."""
        now, table = self._clock.now(), self._table
        if self._held_until is not None and now < self._held_until - self._ttl / 2:
            return True
        try:
            async with self._db.write() as connection:
                renewed = await connection.execute(
                    update(table)
                    .where(table.c.name == self.name, or_(table.c.holder == self.holder, table.c.expires_at < now))
                    .values(holder=self.holder, expires_at=now + self._ttl)
                )
                held = bool(renewed.rowcount)
                if not held and await connection.scalar(select(table.c.name).where(table.c.name == self.name)) is None:
                    await connection.execute(
                        insert(table).values(name=self.name, holder=self.holder, expires_at=now + self._ttl)
                    )
                    held = True
        except IntegrityError:
            held = False  # another replica inserted it first
        if held != (self._held_until is not None):
            log.info("lease taken" if held else "lease held elsewhere", extra={"lease": self.name})
        self._held_until = now + self._ttl if held else None
        return held

    async def release(self) -> None:
        """Give the lease up (a graceful stop), so another replica takes the work over at once."""
        if self._held_until is None:
            return
        self._held_until = None
        async with self._db.write() as connection:
            await connection.execute(
                delete(self._table).where(self._table.c.name == self.name, self._table.c.holder == self.holder)
            )
