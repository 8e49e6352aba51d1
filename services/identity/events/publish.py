"""Identity's domain events as envelopes on tenantry.identity.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.messaging import EventTarget, actor_from_principal, new_envelope, timestamp
from services.identity.domain.events import (
    AccountCreated,
    DomainEvent,
    LoginLocked,
    SessionEnded,
    SessionStarted,
    SignInFailed,
)

PRODUCER = "identity"


def to_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    common = {
        "producer": PRODUCER,
        "actor": actor_from_principal(event.actor),
        "occurred_at": event.occurred_at,
        "request_id": event.request_id,
    }
    match event:
        case AccountCreated(account=account):
            return new_envelope(
                event_type="account.created",
                organization_id="",
                payload=identity_events_pb2.AccountCreated(account_id=account.id, email=account.email),
                target=EventTarget("account", account.id, account.email),
                **common,
            )
        case SessionStarted(session=session, email=email):
            return new_envelope(
                event_type="session.started",
                organization_id=session.organization_id,
                payload=identity_events_pb2.SessionStarted(
                    session_id=session.id, account_id=session.account_id, method="password"
                ),
                target=EventTarget("account", session.account_id, email),
                **common,
            )
        case SessionEnded(session=session, reason=reason):
            return new_envelope(
                event_type="session.ended",
                organization_id=session.organization_id,
                payload=identity_events_pb2.SessionEnded(
                    session_id=session.id, account_id=session.account_id, reason=reason
                ),
                target=EventTarget("session", session.id, ""),
                **common,
            )
        case SignInFailed(email=email, account_id=account_id, organization_id=organization_id, reason=reason):
            return new_envelope(
                event_type="sign_in.failed",
                organization_id=organization_id,
                payload=identity_events_pb2.SignInFailed(email=email, account_id=account_id, reason=reason),
                target=EventTarget("account", account_id, email),
                **common,
            )
        case LoginLocked(account=account, locked_until=locked_until):
            return new_envelope(
                event_type="login.locked",
                organization_id="",
                payload=identity_events_pb2.LoginLocked(account_id=account.id, locked_until=timestamp(locked_until)),
                target=EventTarget("account", account.id, account.email),
                **common,
            )
    raise TypeError(f"no envelope for {type(event).__name__}")
