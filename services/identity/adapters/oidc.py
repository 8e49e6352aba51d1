"""An OIDC identity provider reached over HTTP: discovery (issuer checked), the token endpoint, UserInfo, and ID
token signatures verified with joserfc against the IdP's JWKS, cached and refreshed on an unknown `kid` at most
once per interval (a flood of made-up kids never becomes a flood of fetches)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.common.clock import Clock
from services.common.errors import Unavailable
from services.identity.domain.oidc import (
    OidcConnection,
    OidcSignInRefused,
    check_discovery_issuer,
    check_token_header,
)
from services.identity.domain.ports import OidcProviderMetadata, OidcTokens

METADATA_MAX_AGE = timedelta(hours=1)
JWKS_MAX_AGE = timedelta(hours=1)
# At most one JWKS fetch per interval because of a kid we do not know (key rotation, or an attacker's kids).
UNKNOWN_KID_REFRESH_INTERVAL = timedelta(seconds=30)
MAX_DOCUMENT_BYTES = 256 * 1024
MAX_ID_TOKEN_CHARS = 16 * 1024


class JwksCache:
    """The IdP's signing keys; loaded when first needed or stale, refreshed on an unknown kid (rate-limited)."""

    def __init__(self, http: httpx.AsyncClient, clock: Clock, refresh_interval: timedelta) -> None:
        self._http = http
        self._clock = clock
        self._refresh_interval = refresh_interval
        self._keys: KeySet | None = None
        self._loaded_at: datetime | None = None
        self._last_kid_refresh: datetime | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def keys(self, jwks_uri: str, kid: str | None) -> KeySet:
        async with self._lock:
            now = self._clock.now()
            if self._keys is None or self._loaded_at is None or now - self._loaded_at >= JWKS_MAX_AGE:
                await self._load(jwks_uri, now)
            elif kid is not None and not _has_kid(self._keys, kid) and self._may_refresh_for_kid(now):
                self._last_kid_refresh = now
                await self._load(jwks_uri, now)
            assert self._keys is not None
            return self._keys

    def _may_refresh_for_kid(self, now: datetime) -> bool:
        return self._last_kid_refresh is None or now - self._last_kid_refresh >= self._refresh_interval

    async def _load(self, jwks_uri: str, now: datetime) -> None:
        self.fetches += 1
        document = await _get_json(self._http, jwks_uri)
        try:
            self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise Unavailable("The identity provider's JWKS could not be read.") from error
        self._loaded_at = now


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


async def _get_json(http: httpx.AsyncClient, url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = await http.get(url, **kwargs)
    except httpx.HTTPError as error:
        raise Unavailable("The identity provider could not be reached.") from error
    return _json_of(response)


def _json_of(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
        raise OidcSignInRefused(f"The identity provider answered {response.status_code} at {response.url.path}.")
    try:
        document = response.json()
    except ValueError as error:
        raise OidcSignInRefused("The identity provider answered with something other than JSON.") from error
    if not isinstance(document, dict):
        raise OidcSignInRefused("The identity provider answered with something other than a JSON object.")
    return document


class HttpOidcProvider:
    def __init__(
        self,
        connection: OidcConnection,
        http: httpx.AsyncClient,
        clock: Clock,
        refresh_interval: timedelta = UNKNOWN_KID_REFRESH_INTERVAL,
    ) -> None:
        self.connection = connection
        self._http = http
        self._clock = clock
        self._metadata: OidcProviderMetadata | None = None
        self._metadata_at: datetime | None = None
        self.jwks = JwksCache(http, clock, refresh_interval)

    async def metadata(self) -> OidcProviderMetadata:
        now = self._clock.now()
        if self._metadata is None or self._metadata_at is None or now - self._metadata_at >= METADATA_MAX_AGE:
            url = self.connection.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await _get_json(self._http, url)
            check_discovery_issuer(document, self.connection.issuer)
            try:
                self._metadata = OidcProviderMetadata(
                    issuer=document["issuer"],
                    authorization_endpoint=str(document["authorization_endpoint"]),
                    token_endpoint=str(document["token_endpoint"]),
                    jwks_uri=str(document["jwks_uri"]),
                    userinfo_endpoint=document.get("userinfo_endpoint"),
                    iss_parameter_supported=document.get("authorization_response_iss_parameter_supported") is True,
                )
            except KeyError as error:
                raise OidcSignInRefused(f"The discovery document lacks {error.args[0]}.") from error
            self._metadata_at = now
        return self._metadata

    async def exchange_code(self, code: str, code_verifier: str) -> OidcTokens:
        metadata = await self.metadata()
        try:
            response = await self._http.post(
                metadata.token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.connection.redirect_uri,
                    "code_verifier": code_verifier,
                },
                auth=(self.connection.client_id, self.connection.client_secret),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise Unavailable("The identity provider's token endpoint could not be reached.") from error
        answer = _json_of(response)
        id_token = answer.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcSignInRefused("The token response has no ID token.")
        access_token = answer.get("access_token")
        return OidcTokens(id_token=id_token, access_token=access_token if isinstance(access_token, str) else None)

    async def verified_claims(self, id_token: str) -> dict[str, Any]:
        if len(id_token) > MAX_ID_TOKEN_CHARS:
            raise OidcSignInRefused("The ID token is too long.")
        try:
            header = jws.extract_compact(id_token.encode()).headers()
        except (JoseError, ValueError) as error:
            raise OidcSignInRefused("The ID token is not a compact JWS.") from error
        alg = check_token_header(header, self.connection.allowed_algorithms)
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise OidcSignInRefused("The ID token's kid is not a string.")
        metadata = await self.metadata()
        keys = await self.jwks.keys(metadata.jwks_uri, kid)
        key = _signing_key(keys, kid, alg)
        try:
            token = jwt.decode(id_token, key, algorithms=[alg])
        except (JoseError, ValueError) as error:
            raise OidcSignInRefused("The ID token's signature does not verify.") from error
        return dict(token.claims)

    async def userinfo(self, access_token: str) -> dict[str, Any]:
        metadata = await self.metadata()
        if not metadata.userinfo_endpoint:
            raise OidcSignInRefused("The identity provider has no UserInfo endpoint.")
        return await _get_json(
            self._http, metadata.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
        )


def _signing_key(keys: KeySet, kid: str | None, alg: str) -> Any:
    """The one key that may have signed: the one of this kid, or without a kid the only signing key published."""
    candidates = [
        key
        for key in keys.keys
        if (kid is None or key.kid == kid)
        and key.get("use", "sig") == "sig"
        and key.get("alg", alg) == alg
        and key.key_type != "oct"
    ]
    if len(candidates) != 1:
        raise OidcSignInRefused("No single published key matches the ID token (unknown or ambiguous kid).")
    return candidates[0]


class HttpOidcProviders:
    """One HttpOidcProvider per connection configuration, kept so metadata and keys stay cached."""

    def __init__(
        self, http: httpx.AsyncClient, clock: Clock, refresh_interval: timedelta = UNKNOWN_KID_REFRESH_INTERVAL
    ) -> None:
        self._http = http
        self._clock = clock
        self._refresh_interval = refresh_interval
        self._providers: dict[OidcConnection, HttpOidcProvider] = {}

    def provider(self, connection: OidcConnection) -> HttpOidcProvider:
        provider = self._providers.get(connection)
        if provider is None:
            provider = HttpOidcProvider(connection, self._http, self._clock, self._refresh_interval)
            self._providers[connection] = provider
        return provider
