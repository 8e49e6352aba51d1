"""Principals: who is calling, as a short-lived token signed by identity and verified by every service.

The gateway authenticates a cookie, API key or SCIM token through identity, receives a signed principal
token and passes it to services in gRPC metadata. Services trust nothing else about the caller:
a tenant or user id in any other header is ignored.
"""

from __future__ import annotations

import contextvars
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from services.common.clock import Clock, SystemClock
from services.common.errors import NotFound, PermissionDenied, Unauthenticated
from services.common.ids import new_id
from services.common.permissions import PLATFORM_ADMIN

ALGORITHM = "Ed25519"
ISSUER = "tenantry-identity"
AUDIENCE = "tenantry"
PRINCIPAL_METADATA_KEY = "x-tenantry-principal"
REQUEST_ID_METADATA_KEY = "x-request-id"
CLIENT_IP_METADATA_KEY = "x-client-ip"
USER_AGENT_METADATA_KEY = "x-client-user-agent"
# Where a call comes from (IP address, User-Agent) is metadata recorded with it (sessions, audit entries), never an
# identifier nor input a rule depends on: it is bounded to these documented caps rather than refused, so an unusual
# User-Agent never blocks a sign-in. Every other input is refused when too long, never cut.
MAX_CLIENT_IP_LENGTH = 64
MAX_USER_AGENT_LENGTH = 512


def bounded_client(ip_address: str, user_agent: str) -> tuple[str, str]:
    """The caller's IP address and User-Agent within their documented caps (see MAX_USER_AGENT_LENGTH)."""
    return ip_address[:MAX_CLIENT_IP_LENGTH], user_agent[:MAX_USER_AGENT_LENGTH]


ACTOR_USER = "user"
ACTOR_API_KEY = "api_key"
ACTOR_SCIM = "scim"
ACTOR_SYSTEM = "system"
ACTOR_SERVICE_ACCOUNT = "service_account"
ACTOR_TYPES = frozenset({ACTOR_USER, ACTOR_API_KEY, ACTOR_SCIM, ACTOR_SYSTEM, ACTOR_SERVICE_ACCOUNT})

# How long after signing in (or re-authenticating) a person may perform sensitive actions.
PRIVILEGED_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller and the permissions it holds in one organization."""

    actor_type: str
    actor_id: str
    actor_display: str = ""
    account_id: str = ""
    organization_id: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    credential_id: str = ""
    ip_address: str = ""
    user_agent: str = ""
    # When the person last proved their credentials; None means "at the time the token was minted".
    authenticated_at: datetime | None = None
    # The correlation id (X-Request-Id) of the call this principal is making: it goes into the events and audit
    # entries the call causes. It is never an idempotency key.
    request_id: str = ""

    def has(self, permission: str) -> bool:
        return permission in self.permissions or PLATFORM_ADMIN in self.permissions

    def authorize(self, permission: str, organization_id: str) -> None:
        """Allow the call or raise. Another organization's resources are answered as not found,
        so a caller cannot learn that they exist."""
        self.require_organization(organization_id)
        if PLATFORM_ADMIN in self.permissions:
            return
        if permission not in self.permissions:
            raise PermissionDenied(
                f"This action needs the permission {permission!r}.",
                reason="MISSING_PERMISSION",
                metadata={"permission": permission},
            )

    def require_organization(self, organization_id: str) -> None:
        """The caller acts in this organization (whatever its permissions); another one is answered as not found."""
        if PLATFORM_ADMIN in self.permissions:
            return
        if not self.organization_id or organization_id != self.organization_id:
            raise NotFound("No such organization.")

    def require_recent_authentication(self, now: datetime, window: timedelta = PRIVILEGED_WINDOW) -> None:
        """Sensitive actions by a person need a sign-in or re-authentication within the privileged window.
        Programs (API keys, service accounts, operators) hold no session to refresh and are not asked."""
        if self.actor_type != ACTOR_USER:
            return
        if self.authenticated_at is None or now - self.authenticated_at > window:
            raise PermissionDenied(
                "This action needs you to confirm your password again.",
                reason="REAUTHENTICATION_REQUIRED",
                metadata={"window_seconds": str(int(window.total_seconds()))},
            )

    def with_client(self, ip_address: str, user_agent: str, request_id: str = "") -> Principal:
        """This principal as it makes one call: from where (within the caps of `bounded_client`), and under which
        correlation id."""
        ip_address, user_agent = bounded_client(ip_address, user_agent)
        return replace(self, ip_address=ip_address, user_agent=user_agent, request_id=request_id)


def system_principal(name: str = "tenantry-cli") -> Principal:
    """The principal of an operator tool: every permission in every organization."""
    return Principal(
        actor_type=ACTOR_SYSTEM,
        actor_id=name,
        actor_display=name,
        permissions=frozenset({PLATFORM_ADMIN}),
        credential_id=name,
    )


class PrincipalSigner:
    """Mints principal tokens. Only identity (and operators' tools) hold the private key."""

    def __init__(self, private_key_pem: str, ttl: timedelta = timedelta(minutes=5), clock: Clock | None = None):
        self._key = OKPKey.import_key(private_key_pem)
        self._ttl = ttl
        self._clock = clock or SystemClock()

    def mint(self, principal: Principal) -> tuple[str, datetime]:
        now = self._clock.now()
        expires = now + self._ttl
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": principal.actor_id,
            "typ": principal.actor_type,
            "name": principal.actor_display,
            "acc": principal.account_id,
            "org": principal.organization_id,
            "perms": sorted(principal.permissions),
            "cid": principal.credential_id,
            "auth_time": int((principal.authenticated_at or now).timestamp()),
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": new_id(),
        }
        token = jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, self._key, algorithms=[ALGORITHM])
        return token, expires


class PrincipalVerifier:
    """Verifies principal tokens with identity's public key; anything else is Unauthenticated."""

    MAX_TOKEN_BYTES = 8192
    # Tokens already verified, with their expiry: a program calling many times with one token (CheckAccess) pays
    # the signature check (~1-2 ms of CPU) once. Expiry is checked on every call; revocation is the caller's check.
    VERIFIED_CACHE_SIZE = 10_000

    def __init__(self, public_key_pem: str, clock: Clock | None = None, leeway_seconds: int = 5):
        self._key = OKPKey.import_key(public_key_pem)
        self._clock = clock or SystemClock()
        self._leeway = leeway_seconds
        self._verified: OrderedDict[str, tuple[Principal, int]] = OrderedDict()

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and known[1] + self._leeway >= int(self._clock.now().timestamp()):
            return known[0]
        principal, expires = self._verify(token)
        self._verified[token] = (principal, expires)
        while len(self._verified) > self.VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, int]:
        if not token or len(token) > self.MAX_TOKEN_BYTES:
            raise Unauthenticated("Missing or oversized principal token.")
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise Unauthenticated("Invalid principal token.") from exc
        claims = decoded.claims
        now = int(self._clock.now().timestamp())
        if claims.get("iss") != ISSUER or claims.get("aud") != AUDIENCE:
            raise Unauthenticated("Principal token has the wrong issuer or audience.")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp + self._leeway < now:
            raise Unauthenticated("Principal token has expired.")
        actor_type = claims.get("typ")
        if actor_type not in ACTOR_TYPES or not isinstance(claims.get("sub"), str):
            raise Unauthenticated("Principal token names no valid actor.")
        perms = claims.get("perms") or []
        if not isinstance(perms, list) or not all(isinstance(p, str) for p in perms):
            raise Unauthenticated("Principal token has malformed permissions.")
        principal = Principal(
            actor_type=actor_type,
            actor_id=claims["sub"],
            actor_display=str(claims.get("name", "")),
            account_id=str(claims.get("acc", "")),
            organization_id=str(claims.get("org", "")),
            permissions=frozenset(perms),
            credential_id=str(claims.get("cid", "")),
            authenticated_at=_auth_time(claims.get("auth_time")),
        )
        return principal, exp


def _auth_time(value: object) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) and value > 0 else None


@dataclass(frozen=True)
class CallContext:
    """What a service knows about the call it is serving: the verified principal and request metadata."""

    principal: Principal | None
    principal_token: str = ""
    # The caller's correlation id (X-Request-Id): logs, events and audit entries; never an idempotency key.
    request_id: str = ""
    # The caller's Idempotency-Key: a retried change with the same key is applied once.
    idempotency_key: str = ""
    # Of the caller and the request, for the batch RPCs whose use case keeps its answer under the key itself
    # (IdempotencyRules.settled_by_use_case): the same key with another request is refused, not replayed.
    request_fingerprint: str = ""

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("This call needs an authenticated principal.")
        return self.principal

    def forwarded_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata that carries this call's caller on to another service, which then acts for the
        originating person (and checks their permissions), never for the calling service."""
        principal = self.principal
        return outgoing_metadata(
            self.principal_token,
            self.request_id,
            principal.ip_address if principal else "",
            principal.user_agent if principal else "",
        )


_current_call: contextvars.ContextVar[CallContext] = contextvars.ContextVar(
    "tenantry_call",
    default=CallContext(principal=None),  # noqa: B039 - frozen
)


def current_call() -> CallContext:
    return _current_call.get()


def set_current_call(call: CallContext) -> contextvars.Token[CallContext]:
    return _current_call.set(call)


def reset_current_call(token: contextvars.Token[CallContext]) -> None:
    _current_call.reset(token)


def outgoing_metadata(
    principal_token: str, request_id: str = "", ip_address: str = "", user_agent: str = ""
) -> tuple[tuple[str, str], ...]:
    """gRPC metadata that carries a caller to a service."""
    pairs: Iterable[tuple[str, str]] = (
        (PRINCIPAL_METADATA_KEY, principal_token),
        (REQUEST_ID_METADATA_KEY, request_id),
        (CLIENT_IP_METADATA_KEY, ip_address),
        (USER_AGENT_METADATA_KEY, user_agent),
    )
    return tuple((k, v) for k, v in pairs if v)
