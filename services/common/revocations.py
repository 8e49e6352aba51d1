"""Revocation of principals within seconds, in every service.

A principal token stays valid for its short lifetime (minutes) even after its session or API key is
revoked. Each service therefore follows identity's `session.ended` and `credential.revoked` events with
an ordered JetStream consumer that starts one token lifetime in the past (so a restarted service relearns
every revocation that still matters) and refuses principals whose credential is in the list.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.clock import Clock, SystemClock
from services.common.messaging import Bus, stream_name

log = logging.getLogger(__name__)

IDENTITY_PRODUCER = "identity"
REVOCATION_SUBJECTS = ("tenantry.identity.session.ended", "tenantry.identity.credential.revoked")
MAX_ENTRIES = 1_000_000
# Longer than any principal token lives (identity refuses a TTL above 10 minutes).
REVOCATION_HORIZON = timedelta(minutes=15)


class RevokedCredentials:
    """Credential ids (session or API key ids) revoked within the last token lifetime."""

    def __init__(self, horizon: timedelta, clock: Clock | None = None):
        self._horizon = horizon
        self._clock = clock or SystemClock()
        self._revoked: dict[str, datetime] = {}

    def add(self, credential_id: str, revoked_at: datetime) -> None:
        if credential_id:
            self._revoked[credential_id] = revoked_at
        if len(self._revoked) > MAX_ENTRIES:
            self.prune()

    def prune(self) -> None:
        cutoff = self._clock.now() - self._horizon
        self._revoked = {cid: at for cid, at in self._revoked.items() if at > cutoff}

    def is_revoked(self, credential_id: str) -> bool:
        return bool(credential_id) and credential_id in self._revoked

    def __len__(self) -> int:
        return len(self._revoked)


def revoked_credential_of(envelope: envelope_pb2.Envelope) -> str:
    """The credential an identity event revokes, or ''."""
    ended = identity_events_pb2.SessionEnded()
    if envelope.payload.Unpack(ended):
        return ended.session_id
    revoked = identity_events_pb2.CredentialRevoked()
    if envelope.payload.Unpack(revoked):
        return revoked.credential_id
    return ""


class RevocationFeed:
    """Keeps a RevokedCredentials current from identity's stream; retries until the stream exists."""

    def __init__(self, bus: Bus, revoked: RevokedCredentials, horizon: timedelta, clock: Clock | None = None):
        self._bus = bus
        self._revoked = revoked
        self._horizon = horizon
        self._clock = clock or SystemClock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="revocation-feed")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, timeout=5)

    async def _on_message(self, message: Msg) -> None:
        envelope = envelope_pb2.Envelope()
        try:
            envelope.ParseFromString(message.data)
            credential_id = revoked_credential_of(envelope)
        except Exception:  # a malformed event must not stop the feed
            log.warning("unreadable revocation event on %s", message.subject)
            return
        occurred = envelope.occurred_at.ToDatetime().replace(tzinfo=self._clock.now().tzinfo)
        self._revoked.add(credential_id, occurred)

    async def _run(self) -> None:
        subscriptions = []
        while not self._stopping:
            try:
                if not self._bus.is_connected:
                    await asyncio.sleep(0.2)
                    continue
                start = self._clock.now() - self._horizon
                for subject in REVOCATION_SUBJECTS:
                    subscriptions.append(
                        await self._bus.jetstream.subscribe(
                            subject,
                            stream=stream_name(IDENTITY_PRODUCER),
                            cb=self._on_message,
                            ordered_consumer=True,
                            config=ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_TIME, opt_start_time=start),
                        )
                    )
                self.ready.set()
                while not self._stopping:
                    await asyncio.sleep(60)
                    self._revoked.prune()
            except asyncio.CancelledError:
                break
            except Exception as exc:  # stream not created yet, or NATS away: try again shortly
                log.debug("revocation feed not subscribed yet: %s", exc)
                for subscription in subscriptions:
                    with contextlib.suppress(Exception):
                        await subscription.unsubscribe()
                subscriptions.clear()
                await asyncio.sleep(1)
        for subscription in subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
