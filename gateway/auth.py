"""Authentication at the gateway: a session cookie or a bearer API key, resolved by identity into a
signed principal token, cached for a few seconds so revocation still takes effect quickly."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from tenantry.common.v1 import common_pb2
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.clients import ServiceClients
from gateway.proxies import client_address
from gateway.request_id import request_id_of
from gateway.settings import GatewaySettings
from services.common.idempotency import IDEMPOTENCY_KEY_METADATA_KEY
from services.common.principal import outgoing_metadata

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_USER_AGENT = 512


@dataclass(frozen=True)
class Caller:
    """An authenticated caller, ready to be passed on to services."""

    principal: common_pb2.Principal
    principal_token: str
    expires_at: float
    via_cookie: bool
    # Set when identity swapped the session (privilege change): the response must carry the new cookie.
    rotated_session_token: str = ""
    mfa_enrollment_required: bool = False
    # The organization's subscription has ended: an Owner or Billing admin, who may only read, pay and resubscribe.
    organization_ended: bool = False

    @property
    def organization_id(self) -> str:
        return self.principal.organization_id


class AuthError(Exception):
    """No valid credential."""


def client_ip(request: Request) -> str:
    """The client's address: the connection's peer, or X-Forwarded-For's when the peer is a trusted proxy."""
    peer = request.client.host if request.client else ""
    settings: GatewaySettings = request.app.state.settings
    return client_address(peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxy_networks)


def user_agent(request: Request) -> str:
    """The User-Agent as sessions and the audit log record it: informational, so a long one is cut rather than
    refused."""
    return request.headers.get("user-agent", "")[:MAX_USER_AGENT]


def request_id_for(request: Request) -> str:
    """The id the request id middleware gave this request (or the caller's, when it is a sensible one)."""
    return str(getattr(request.state, "request_id", "")) or request_id_of(request.headers.get("x-request-id", ""))


def request_metadata(request: Request, caller: Caller | None) -> tuple[tuple[str, str], ...]:
    """The caller and request ids for a service. A change's `Idempotency-Key` goes along (services run the call
    once per key); X-Request-Id only correlates logs and events, it never makes a call idempotent."""
    metadata = outgoing_metadata(
        caller.principal_token if caller else "",
        request_id_for(request),
        client_ip(request),
        user_agent(request),
    )
    key = request.headers.get("idempotency-key", "") if request.method in UNSAFE_METHODS else ""
    if key and key.isascii() and key.isprintable():  # gRPC metadata carries printable ASCII only
        return (*metadata, (IDEMPOTENCY_KEY_METADATA_KEY, key))
    return metadata


class Authenticator:
    def __init__(self, settings: GatewaySettings, clients: ServiceClients):
        self._settings = settings
        self._clients = clients
        self._cache: OrderedDict[str, Caller] = OrderedDict()

    def credential(self, request: Request) -> tuple[str, str] | None:
        """('api_key' | 'session_token', value) presented by the request, if any."""
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            return "api_key", authorization[7:].strip()
        cookie = request.cookies.get(self._settings.cookie_name)
        if cookie:
            return "session_token", cookie
        return None

    async def authenticate(self, request: Request) -> Caller:
        presented = self.credential(request)
        if presented is None or not presented[1] or len(presented[1]) > 512:
            raise AuthError("Sign in, or send an API key as `Authorization: Bearer <key>`.")
        return await self.resolve(request, *presented)

    async def resolve(self, request: Request, kind: str, value: str) -> Caller:
        """The caller behind a credential (`session_token` or `api_key`), from the cache or identity."""
        key = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached.expires_at > now:
            self._cache.move_to_end(key)
            return cached
        reply = await self._clients.identity.Authenticate(
            identity_pb.AuthenticateRequest(
                **{kind: value},
                ip_address=client_ip(request),
                user_agent=user_agent(request),
            ),
            timeout=self._clients.timeout,
        )
        token_lifetime = reply.expire_time.seconds - time.time()
        caller = Caller(
            principal=reply.principal,
            principal_token=reply.principal_token,
            expires_at=now + min(self._settings.auth_cache_seconds, max(token_lifetime - 30, 0)),
            via_cookie=kind == "session_token",
            rotated_session_token=reply.rotated_session_token,
            mfa_enrollment_required=reply.mfa_enrollment_required,
            organization_ended=reply.organization_ended,
        )
        # An organization may still be on its way from membership's events; a rotation is answered once.
        if caller.organization_id and not caller.rotated_session_token:
            self._cache[key] = caller
        while len(self._cache) > self._settings.auth_cache_size:
            self._cache.popitem(last=False)
        return caller

    def forget(self, request: Request) -> None:
        presented = self.credential(request)
        if presented:
            self._cache.pop(hashlib.sha256(f"{presented[0]}:{presented[1]}".encode()).hexdigest(), None)


def same_origin(request: Request, settings: GatewaySettings) -> bool:
    """CSRF defence for browser requests that change state: Fetch Metadata first, then Origin."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "") in ("same-origin", "none")
    own = {settings.public_origin}
    host = request.headers.get("host")
    if host:
        own.add(f"{urlsplit(settings.public_url).scheme}://{host}")
    return origin in own


CSRF_HEADER = "x-csrf-token"


def csrf_token_for(session_token: str, settings: GatewaySettings, key: str = "") -> str:
    """The CSRF token of a session: bound to it, so it cannot be used with another session and is useless
    on its own (it authenticates nothing). Stateless, so every gateway replica agrees. Signed with the first
    key unless `key` is given."""
    signing = (key or settings.secret_keys[0]).encode()
    return hmac.new(signing, b"csrf\0" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_token_valid(request: Request, settings: GatewaySettings, presented: str = "") -> bool:
    """A cookie-authenticated change must echo the session's CSRF token (header, or form field in `presented`)."""
    session_token = request.cookies.get(settings.cookie_name, "")
    candidate = presented or request.headers.get(CSRF_HEADER, "")
    if not session_token or not candidate or len(candidate) > 128:
        return False
    # Any key verifies, so pages loaded before a key rotation still submit.
    return any(
        hmac.compare_digest(candidate, csrf_token_for(session_token, settings, key)) for key in settings.secret_keys
    )
