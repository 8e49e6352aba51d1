"""What identity declares about Idempotency-Keys on its RPCs (see services.common.idempotency.IdempotencyRules)."""

from __future__ import annotations

from services.common.idempotency import IdempotencyRules

_SERVICE = "/tenantry.identity.v1.IdentityService/"
_SCIM_TOKENS = "/tenantry.identity.v1.ScimTokenService/"

IDEMPOTENCY_RULES = IdempotencyRules(
    # Their replies carry a credential shown once (a secret, a session token, recovery codes): never stored;
    # these calls keep only their own replay by request id, which answers without the secret.
    one_time_secrets=frozenset(
        _SERVICE + name
        for name in (
            "CreateApiKey",
            "CreateServiceAccount",
            "EnrollTotp",
            "ConfirmTotp",
            "ReauthenticateSession",
            "VerifySecondFactor",
            "CreateSession",
            "Authenticate",
        )
    )
    | {_SCIM_TOKENS + "CreateScimToken", _SCIM_TOKENS + "RotateScimToken"},
)
