"""The log stream use cases over a real database with a real local receiver: the harness of the log stream tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from services.audit.adapters.webhook_sender import HttpWebhookSender
from services.audit.domain.log_stream_cases import LogStreamUseCases
from services.audit.domain.log_streams import StreamView, parse_networks
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.log_streams import SqlLogStreamStore
from services.audit.store.tables import messaging
from services.audit.tests.recorded import put_plan, record_invitations
from services.audit.tests.siem_receiver import Receiver
from services.audit.workers.log_streams import lease_name
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.leases import Lease
from services.common.principal import Principal
from services.common.secret_box import SecretBox

ORG = "org-1"
SIGNED_IN_AT = datetime(2026, 1, 1, 12, tzinfo=UTC)
ADMIN = Principal(
    actor_type="user",
    actor_id="admin",
    organization_id=ORG,
    permissions=frozenset({"security.manage"}),
    authenticated_at=SIGNED_IN_AT,
)
MEMBER = Principal(actor_type="user", actor_id="m", organization_id=ORG, permissions=frozenset({"audit.read"}))


@dataclass
class Streams:
    db: Database
    clock: FrozenClock
    use_cases: LogStreamUseCases
    receiver: Receiver
    box: SecretBox
    added: int = 0

    async def add(self, count: int) -> None:
        await record_invitations(self.db, self.clock, ORG, range(self.added + 1, self.added + count + 1))
        self.added += count

    async def view(self, stream_id: str) -> StreamView:
        return await self.use_cases.get(ADMIN, ORG, stream_id)

    async def on_plan(self, log_streams_limit: int) -> None:
        await put_plan(self.db, self.clock, ORG, limits={"log_streams": log_streams_limit})


@pytest.fixture
async def streams(database_url: str, receiver: Receiver) -> AsyncIterator[Streams]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(SIGNED_IN_AT)
    box = SecretBox.ephemeral()
    # The operator's setting is how a receiver on this machine is allowed.
    sender = HttpWebhookSender(timeout_seconds=0.5, allowed_networks=parse_networks("127.0.0.0/8,::1"))
    use_cases = LogStreamUseCases(
        SqlLogStreamStore(db, clock),
        clock,
        box,
        sender,
        lambda stream_id: Lease(db, messaging.leases, lease_name(stream_id), clock=clock, holder="replica-a"),
        allow_local_http=True,
    )
    yield Streams(db, clock, use_cases, receiver, box)
    await sender.close()
    await db.dispose()
