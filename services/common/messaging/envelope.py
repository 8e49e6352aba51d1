"""The event envelope: how a domain event is wrapped for the bus, and whether a received one can be trusted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message
from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2

from services.common.domain import DomainEvent
from services.common.ids import new_id
from services.common.principal import Principal
from services.common.telemetry import inject_current

SUBJECT_PREFIX = "tenantry"

ACTOR_TYPES = {
    "user": common_pb2.ACTOR_TYPE_USER,
    "api_key": common_pb2.ACTOR_TYPE_API_KEY,
    "scim": common_pb2.ACTOR_TYPE_SCIM,
    "system": common_pb2.ACTOR_TYPE_SYSTEM,
    "service_account": common_pb2.ACTOR_TYPE_SERVICE_ACCOUNT,
}


def stream_name(producer: str) -> str:
    return f"TENANTRY_{producer.upper()}"


def producer_subjects(producer: str) -> str:
    """Every subject one producer publishes on: its stream's subjects, which only that service writes."""
    return f"{SUBJECT_PREFIX}.{producer}.>"


def subject_of(event_type: str) -> str:
    """The subject an event of this full type (`<producer>.<entity>.<verb>`) is published on."""
    return f"{SUBJECT_PREFIX}.{event_type}"


def actor_from_principal(principal: Principal) -> common_pb2.Actor:
    return common_pb2.Actor(
        type=ACTOR_TYPES.get(principal.actor_type, common_pb2.ACTOR_TYPE_UNSPECIFIED),
        id=principal.actor_id,
        display=principal.actor_display,
        ip_address=principal.ip_address,
        user_agent=principal.user_agent,
    )


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


@dataclass(frozen=True)
class EventTarget:
    type: str
    id: str
    display: str = ""


def new_envelope(
    *,
    producer: str,
    event_type: str,
    organization_id: str,
    actor: common_pb2.Actor,
    payload: Message,
    occurred_at: datetime,
    target: EventTarget | None = None,
    request_id: str = "",
) -> envelope_pb2.Envelope:
    """An envelope for `<producer>.<entity>.<verb>`, carrying the current trace context."""
    trace_headers = inject_current()
    envelope = envelope_pb2.Envelope(
        event_id=new_id(),
        organization_id=organization_id,
        actor=actor,
        occurred_at=timestamp(occurred_at),
        type=f"{producer}.{event_type}",
        request_id=request_id,
        traceparent=trace_headers.get("traceparent", ""),
        tracestate=trace_headers.get("tracestate", ""),
        producer=producer,
    )
    envelope.payload.Pack(payload)
    if target is not None:
        envelope.target.CopyFrom(envelope_pb2.Target(type=target.type, id=target.id, display=target.display))
    return envelope


@dataclass(frozen=True)
class EnvelopeFactory:
    """One producer's envelopes: a service's events room configures it once with its producer name, then
    wraps each domain event, whose actor, time and request id become the envelope's."""

    producer: str

    def wrap(
        self,
        event: DomainEvent,
        event_type: str,
        *,
        organization_id: str,
        payload: Message,
        target: EventTarget | None = None,
    ) -> envelope_pb2.Envelope:
        return new_envelope(
            producer=self.producer,
            event_type=event_type,
            organization_id=organization_id,
            actor=actor_from_principal(event.actor),
            payload=payload,
            occurred_at=event.occurred_at,
            target=target,
            request_id=event.actor.request_id,
        )


def envelope_problem(subject: str, envelope: envelope_pb2.Envelope) -> str:
    """Why an event cannot be trusted, or "". Its subject must be the one its type
    publishes to, on its producer's stream (which only that service may write to), and every
    `organization_id` in its payload must be the envelope's: a forged tenant is parked, never applied."""
    if subject != subject_of(envelope.type):
        return f"subject {subject!r} does not match the event type {envelope.type!r}"
    if not envelope.producer or not envelope.type.startswith(f"{envelope.producer}."):
        return f"event type {envelope.type!r} does not belong to producer {envelope.producer!r}"
    try:
        payload = unpack_known(envelope)
    except DecodeError:
        return f"payload is not a valid {envelope.payload.TypeName()}"
    if payload is None:
        return ""  # An event type this service does not know; its handler (if any) decides.
    for tenant in _organization_ids(payload):
        if tenant and tenant != envelope.organization_id:
            return f"payload organization {tenant!r} disagrees with the envelope's {envelope.organization_id!r}"
    return ""


def unpack_known(envelope: envelope_pb2.Envelope) -> Message | None:
    """The payload as its own message type when that type is known to this process, else None;
    DecodeError when the bytes do not parse as that type."""
    if not envelope.HasField("payload"):
        return None
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(envelope.payload.TypeName())
    except KeyError:
        return None
    payload = message_factory.GetMessageClass(descriptor)()
    if not envelope.payload.Unpack(payload):
        raise DecodeError(f"payload is not a valid {descriptor.full_name}")
    return payload


def unpack(envelope: envelope_pb2.Envelope, message_type: type[Message]) -> Message:
    """The payload as `message_type`; raises ValueError if the envelope carries something else."""
    message = message_type()
    if not envelope.payload.Unpack(message):
        raise ValueError(f"{envelope.type} does not carry {message_type.DESCRIPTOR.full_name}")
    return message


def _organization_ids(payload: Message) -> list[str]:
    """`organization_id` of the payload and of the messages directly inside it."""
    found = []
    for field, value in payload.ListFields():
        if field.name == "organization_id" and isinstance(value, str):
            found.append(value)
        elif field.message_type is not None and isinstance(value, Message):
            found += [v for f, v in value.ListFields() if f.name == "organization_id" and isinstance(v, str)]
    return found
