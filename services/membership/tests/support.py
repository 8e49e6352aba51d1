"""What membership's database tests share: a migrated database with membership's store on it."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.common import migrations
from services.common.clock import Clock
from services.common.db import Database
from services.common.messaging import Outbox
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.events.publish import to_envelope
from services.membership.main import MIGRATIONS_DIR
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import messaging


@asynccontextmanager
async def membership_store(database_url: str, clock: Clock) -> AsyncIterator[tuple[SqlMembershipStore, Database]]:
    """Membership's store (events recorded in its outbox) on a freshly migrated database, disposed of after."""
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    try:
        yield SqlMembershipStore(db, Outbox(messaging, clock), clock, to_envelope), db
    finally:
        await db.dispose()


def user_with_role(account_id: str, role: str, organization_id: str) -> Principal:
    """A signed-in person of `organization_id` holding a role's permissions."""
    return Principal(
        actor_type="user",
        actor_id=account_id,
        account_id=account_id,
        organization_id=organization_id,
        permissions=roles.permissions_of(role),
    )


def png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG image (signature, header, grey rows, end), for pictures."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
