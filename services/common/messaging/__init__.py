"""Domain events: the envelope, the transactional outbox, its relay to JetStream, and idempotent consumers.

A service writes its state change and its event in one transaction (`Outbox.record`). The relay
publishes unpublished rows with the event id as `Nats-Msg-Id`, so a row published twice (crash after
publish, before marking) is stored once. Consumers record each handled event id in their own database in
the same transaction as the effect, so a redelivery changes nothing. A message that keeps failing is
parked in the consumer's database and terminated, so it never blocks the ones behind it.

One module per concern: `envelope` (what an event carries and whether it can be trusted), `outbox` (the
tables and the transactional write), `bus` (the NATS connection and streams), `relay` (outbox to
JetStream) and `consumer` (JetStream to handlers, exactly once).
"""

from services.common.messaging.bus import Bus
from services.common.messaging.consumer import BatchEventHandler, EventConsumer, EventHandler
from services.common.messaging.envelope import (
    ACTOR_TYPES,
    SUBJECT_PREFIX,
    EnvelopeFactory,
    EventTarget,
    actor_from_principal,
    envelope_problem,
    new_envelope,
    stream_name,
    timestamp,
    unpack,
    unpack_known,
)
from services.common.messaging.outbox import MAX_EVENT_BYTES, MessagingTables, Outbox, messaging_tables
from services.common.messaging.relay import OutboxRelay

__all__ = [
    "ACTOR_TYPES",
    "MAX_EVENT_BYTES",
    "SUBJECT_PREFIX",
    "BatchEventHandler",
    "Bus",
    "EnvelopeFactory",
    "EventConsumer",
    "EventHandler",
    "EventTarget",
    "MessagingTables",
    "Outbox",
    "OutboxRelay",
    "actor_from_principal",
    "envelope_problem",
    "messaging_tables",
    "new_envelope",
    "stream_name",
    "timestamp",
    "unpack",
    "unpack_known",
]
