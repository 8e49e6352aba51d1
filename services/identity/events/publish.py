"""Identity's domain events as envelopes on tenantry.identity.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.messaging import EnvelopeFactory, EventTarget, timestamp
from services.identity.convert import policy_to_proto
from services.identity.domain.events import (
    AccountCreated,
    ApiKeyCreated,
    CredentialRevoked,
    DomainEvent,
    LoginLocked,
    MfaChanged,
    PasswordChanged,
    PasswordResetRequested,
    SecurityPolicyUpdated,
    SessionEnded,
    SessionStarted,
    SignInFailed,
)

PRODUCER = "identity"
envelopes = EnvelopeFactory(PRODUCER)


def to_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    match event:
        case AccountCreated(account=account):
            return envelopes.wrap(
                event,
                event_type="account.created",
                organization_id="",
                payload=identity_events_pb2.AccountCreated(account_id=account.id, email=account.email),
                target=EventTarget("account", account.id, account.email),
            )
        case SessionStarted(session=session, email=email):
            return envelopes.wrap(
                event,
                event_type="session.started",
                organization_id=session.organization_id,
                payload=identity_events_pb2.SessionStarted(
                    session_id=session.id, account_id=session.account_id, method=session.method
                ),
                target=EventTarget("account", session.account_id, email),
            )
        case SessionEnded(session=session, reason=reason):
            return envelopes.wrap(
                event,
                event_type="session.ended",
                organization_id=session.organization_id,
                payload=identity_events_pb2.SessionEnded(
                    session_id=session.id, account_id=session.account_id, reason=reason
                ),
                target=EventTarget("session", session.id, ""),
            )
        case SignInFailed(email=email, account_id=account_id, organization_id=organization_id, reason=reason):
            return envelopes.wrap(
                event,
                event_type="sign_in.failed",
                organization_id=organization_id,
                payload=identity_events_pb2.SignInFailed(email=email, account_id=account_id, reason=reason),
                target=EventTarget("account", account_id, email),
            )
        case LoginLocked(account=account, locked_until=locked_until):
            return envelopes.wrap(
                event,
                event_type="login.locked",
                organization_id="",
                payload=identity_events_pb2.LoginLocked(account_id=account.id, locked_until=timestamp(locked_until)),
                target=EventTarget("account", account.id, account.email),
            )
        case SecurityPolicyUpdated(before=before, after=after):
            return envelopes.wrap(
                event,
                event_type="security_policy.updated",
                organization_id=after.organization_id,
                payload=identity_events_pb2.SecurityPolicyUpdated(
                    before=policy_to_proto(before), after=policy_to_proto(after), version=after.version
                ),
                target=EventTarget("security_policy", after.organization_id, ""),
            )
        case ApiKeyCreated(api_key=key):
            return envelopes.wrap(
                event,
                event_type="api_key.created",
                organization_id=key.organization_id,
                payload=identity_events_pb2.ApiKeyCreated(
                    api_key_id=key.id,
                    name=key.name,
                    prefix=key.prefix,
                    permissions=sorted(key.permissions),
                    kind=key.kind,
                ),
                target=EventTarget(key.kind, key.id, key.name),
            )
        case CredentialRevoked(api_key=key):
            return envelopes.wrap(
                event,
                event_type="credential.revoked",
                organization_id=key.organization_id,
                payload=identity_events_pb2.CredentialRevoked(credential_id=key.id, kind=key.kind, name=key.name),
                target=EventTarget(key.kind, key.id, key.name),
            )
        case PasswordChanged(account=account, method=method, revoked_sessions=revoked):
            return envelopes.wrap(
                event,
                event_type="password.changed",
                organization_id=event.actor.organization_id,
                payload=identity_events_pb2.PasswordChanged(
                    account_id=account.id, method=method, revoked_sessions=revoked
                ),
                target=EventTarget("account", account.id, account.email),
            )
        case PasswordResetRequested(reset=reset, email=email, sent_by_admin=by_admin):
            return envelopes.wrap(
                event,
                event_type="password_reset.requested",
                organization_id=event.actor.organization_id if by_admin else "",
                payload=identity_events_pb2.PasswordResetRequested(
                    reset_id=reset.id,
                    account_id=reset.account_id,
                    email=email,
                    expire_time=timestamp(reset.expires_at),
                    sent_by_admin=by_admin,
                ),
                target=EventTarget("account", reset.account_id, email),
            )
        case MfaChanged(account=account, enabled=enabled, revoked_sessions=revoked):
            return envelopes.wrap(
                event,
                event_type="mfa.enabled" if enabled else "mfa.disabled",
                organization_id=event.actor.organization_id,
                payload=identity_events_pb2.MfaChanged(account_id=account.id, factor="totp", revoked_sessions=revoked),
                target=EventTarget("account", account.id, account.email),
            )
    raise TypeError(f"no envelope for {type(event).__name__}")
