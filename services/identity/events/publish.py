"""Identity's domain events as envelopes on tenantry.identity.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.messaging import EnvelopeFactory, EventTarget, timestamp
from services.identity.convert import policy_to_proto
from services.identity.convert_sso import connection_to_proto, domain_to_proto
from services.identity.convert_sso import policy_to_proto as sso_policy_to_proto
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
from services.identity.domain.sso.events import (
    SsoConnectionChanged,
    SsoDomainChanged,
    SsoPolicyUpdated,
    SsoSignedIn,
    SsoSignInRejected,
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
        case SsoConnectionChanged():
            return _sso_connection_envelope(event)
        case SsoDomainChanged(change=change, before=before, after=after):
            current = after or before
            assert current is not None
            return envelopes.wrap(
                event,
                event_type=f"sso_domain.{change}",
                organization_id=current.organization_id,
                payload=identity_events_pb2.SsoDomainChanged(
                    before=domain_to_proto(before) if before else None,
                    after=domain_to_proto(after) if after else None,
                ),
                target=EventTarget("sso_domain", current.domain, current.domain),
            )
        case SsoPolicyUpdated(before=before, after=after, ended_sessions=ended):
            return envelopes.wrap(
                event,
                event_type="sso_policy.updated",
                organization_id=after.organization_id,
                payload=identity_events_pb2.SsoPolicyUpdated(
                    before=sso_policy_to_proto(before), after=sso_policy_to_proto(after), ended_sessions=ended
                ),
                target=EventTarget("sso_policy", after.organization_id, ""),
            )
        case SsoSignedIn():
            return envelopes.wrap(
                event,
                event_type="sso.sign_in",
                organization_id=event.organization_id,
                payload=identity_events_pb2.SsoSignedIn(
                    connection_id=event.connection_id,
                    account_id=event.account_id,
                    issuer=event.issuer,
                    subject=event.subject,
                    session_id=event.session_id,
                    member_created=event.member_created,
                    role_refused=event.role_refused,
                ),
                target=EventTarget("account", event.account_id, event.email),
            )
        case SsoSignInRejected():
            return envelopes.wrap(
                event,
                event_type=f"sso.{event.protocol}.rejected",
                organization_id=event.organization_id,
                payload=identity_events_pb2.SsoSignInRejected(connection_id=event.connection_id, reason=event.reason),
                target=EventTarget("sso_connection", event.connection_id, ""),
            )
    raise TypeError(f"no envelope for {type(event).__name__}")


def _sso_connection_envelope(event: SsoConnectionChanged) -> envelope_pb2.Envelope:
    """Audited with before and after; certificate and key changes are connection changes too."""
    current = event.after or event.before
    assert current is not None
    verb = {
        "certificate_added": "sso_certificate.added",
        "certificate_removed": "sso_certificate.removed",
        "metadata_imported": "sso_connection.metadata_imported",
        "metadata_refreshed": "sso_connection.metadata_refreshed",
        "metadata_refresh_failed": "sso_connection.metadata_refresh_failed",
        "sp_key_rotated": "sso_connection.sp_key_rotated",
        "sp_key_retired": "sso_connection.sp_key_retired",
    }.get(event.change, f"sso_connection.{event.change}")
    return envelopes.wrap(
        event,
        event_type=verb,
        organization_id=current.organization_id,
        payload=identity_events_pb2.SsoConnectionChanged(
            before=connection_to_proto(event.before) if event.before else None,
            after=connection_to_proto(event.after) if event.after else None,
        ),
        target=EventTarget("sso_connection", current.id, current.name),
    )
