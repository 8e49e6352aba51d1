"""The audit log records every event of every producer."""

from __future__ import annotations

import json
from datetime import UTC

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import billing_events_pb2, envelope_pb2, identity_events_pb2, membership_events_pb2

from services.audit.domain.model import AuditRecord, action_of, capped
from services.audit.domain.organization_deletion import DELETED_EVENT_TYPE, delete_organization_log
from services.audit.domain.ports import AuditStore
from services.audit.domain.security_events import account_of, copy_for, needs_fan_out
from services.audit.domain.use_cases import append_records
from services.audit.store.memberships import SqlAccountMemberships
from services.audit.store.organization_deletion import SqlOrganizationDeletionTransaction
from services.common.clock import Clock
from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler, unpack_known

AUDIT_CONSUMER = "audit-log"
PRODUCERS = ["identity", "membership", "billing"]
# Events fetched, and chained in one transaction, at most at a time: a fetch returns what is waiting, so a quiet
# log still records each event as it comes, and a busy one pays one commit per this many.
AUDIT_BATCH = 256
MAX_DETAILS = 64 * 1024
# Loaded so that the payload types of every producer are known when an entry's details are read.
KNOWN_PAYLOADS = (common_pb2, identity_events_pb2, membership_events_pb2, billing_events_pb2)


def actor_type_name(value: int) -> str:
    name = common_pb2.ActorType.Name(value) if value in common_pb2.ActorType.values() else "ACTOR_TYPE_UNSPECIFIED"
    return name.removeprefix("ACTOR_TYPE_").lower()


def record_of(envelope: envelope_pb2.Envelope) -> AuditRecord:
    return AuditRecord(
        id=envelope.event_id,
        organization_id=envelope.organization_id,
        action=capped(action_of(envelope.type)),
        event_type=capped(envelope.type),
        actor_type=actor_type_name(envelope.actor.type),
        actor_id=capped(envelope.actor.id),
        actor_display=capped(envelope.actor.display),
        actor_ip=capped(envelope.actor.ip_address),
        actor_user_agent=capped(envelope.actor.user_agent),
        target_type=capped(envelope.target.type),
        target_id=capped(envelope.target.id),
        target_display=capped(envelope.target.display),
        occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),
        request_id=capped(envelope.request_id),
        details=details_of(envelope),
    )


def details_of(envelope: envelope_pb2.Envelope) -> str:
    """The payload as canonical JSON, when its type is known here and it is not too large."""
    try:
        payload = unpack_known(envelope)
    except DecodeError:
        return ""
    if payload is None:
        return ""
    as_dict = json_format.MessageToDict(payload, preserving_proto_field_name=True)
    text = json.dumps(as_dict, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= MAX_DETAILS else json.dumps({"omitted": f"over {MAX_DETAILS} characters"})


class AuditRecorder:
    def __init__(self, store: AuditStore, clock: Clock):
        self._store = store
        self._clock = clock

    def handlers(self) -> dict[str, EventHandler]:
        """Events recorded otherwise than `record` (the consumer's fallback) records them."""
        return {DELETED_EVENT_TYPE: self.on_organization_deleted}

    async def on_organization_deleted(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """The organization's log goes (unless held) and one chained entry records it, in the consumer's
        transaction: a redelivery is skipped as already processed."""
        tx = SqlOrganizationDeletionTransaction(connection)
        await delete_organization_log(tx, record_of(envelope), self._clock.now())

    async def record(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        await self.record_many(connection, [envelope])

    async def record_many(self, connection: AsyncConnection, envelopes: list[envelope_pb2.Envelope]) -> None:
        """Chain the events in order (one insert for them all), with each account security event also copied
        into the logs of the account's organizations (domain/security_events.py) right after it."""
        records: list[AuditRecord] = []
        memberships = SqlAccountMemberships(connection)
        for envelope in envelopes:
            record = record_of(envelope)
            records.append(record)
            if envelope.type in MEMBER_EVENT_TYPES:
                member = member_state(envelope)
                if member.account_id:
                    await memberships.apply(
                        envelope.organization_id, member.member_id, member.account_id, member.status, member.version
                    )
            elif needs_fan_out(record):
                # The projection read sees the member events applied above: the same transaction.
                for organization_id in await memberships.organizations_of(account_of(record)):
                    records.append(copy_for(record, organization_id))
        await append_records(self._store.bind(connection), records, self._clock.now())
