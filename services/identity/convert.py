"""Identity's entities as the proto messages both the api (replies) and the events (payloads) carry."""

from __future__ import annotations

from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from services.common.messaging import timestamp
from services.identity.domain.policies import SecurityPolicy


def policy_to_proto(policy: SecurityPolicy) -> identity_pb.SecurityPolicy:
    return identity_pb.SecurityPolicy(
        organization_id=policy.organization_id,
        session_idle_timeout_seconds=policy.session_idle_timeout_seconds,
        session_absolute_lifetime_seconds=policy.session_absolute_lifetime_seconds,
        password_min_length=policy.password_min_length,
        admin_password_min_length=policy.admin_password_min_length,
        password_required_classes=policy.password_required_classes,
        mfa_required=policy.mfa_required,
        privacy_mode=policy.privacy_mode,
        allowed_invitation_domains=list(policy.allowed_invitation_domains),
        etag=policy.etag,
        update_time=timestamp(policy.updated_at) if policy.updated_at else None,
    )
