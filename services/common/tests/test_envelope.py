"""What an envelope carries: a producer's factory wraps a domain event exactly as new_envelope would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import identity_events_pb2

from services.common.domain import DomainEvent
from services.common.messaging import (
    EnvelopeFactory,
    EventTarget,
    actor_from_principal,
    envelope_problem,
    new_envelope,
    unpack,
)
from services.common.principal import Principal

ALICE = Principal(
    actor_type="user",
    actor_id="acc-1",
    actor_display="alice@example.com",
    organization_id="org-1",
    ip_address="203.0.113.7",
    user_agent="pytest",
)
MOMENT = datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=UTC)


def test_a_factory_envelope_is_the_one_new_envelope_makes_for_the_same_event() -> None:
    event = DomainEvent(actor=replace(ALICE, request_id="req-7"), occurred_at=MOMENT)
    payload = identity_events_pb2.AccountCreated(account_id="acc-1", email="alice@example.com")
    target = EventTarget("account", "acc-1", "alice@example.com")

    made = EnvelopeFactory("identity").wrap(
        event, "account.created", organization_id="org-1", payload=payload, target=target
    )
    expected = new_envelope(
        producer="identity",
        event_type="account.created",
        organization_id="org-1",
        actor=actor_from_principal(ALICE),
        payload=payload,
        occurred_at=MOMENT,
        target=target,
        request_id="req-7",
    )

    assert made.event_id and made.event_id != expected.event_id
    expected.event_id = made.event_id
    assert made.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)


def test_a_factory_envelope_names_its_producer_actor_time_and_request() -> None:
    event = DomainEvent(actor=replace(ALICE, request_id="req-7"), occurred_at=MOMENT)
    payload = identity_events_pb2.AccountCreated(account_id="acc-1", email="alice@example.com")

    made = EnvelopeFactory("identity").wrap(event, "account.created", organization_id="", payload=payload)

    assert made.type == "identity.account.created"
    assert made.producer == "identity"
    assert made.request_id == "req-7"
    assert made.occurred_at.ToDatetime(tzinfo=UTC) == MOMENT
    assert made.actor.type == common_pb2.ACTOR_TYPE_USER
    assert (made.actor.id, made.actor.display, made.actor.ip_address) == ("acc-1", "alice@example.com", "203.0.113.7")
    assert not made.HasField("target")
    assert unpack(made, identity_events_pb2.AccountCreated) == payload
    assert envelope_problem("tenantry.identity.account.created", made) == ""
